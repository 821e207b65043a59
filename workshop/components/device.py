"""A participant's device token, kept in the browser's localStorage.

A phone that reloads the join page gets a new Streamlit session; without a token that
outlives the session, the reloaded phone would count as a new person (its answer counted
twice, its texts adding a writer to a sensitive prompt's reveal threshold). The browser
keeps 32 random bytes (URL-safe base64, 43 characters) under ``bedrock-device`` and sends
them to the server once per session.

The token is per browser and per origin, not per workshop: the store only ever keeps an
HMAC of it under each workshop's own secret, so answers in two workshops cannot be linked.
It never goes into a URL, the page or a log.
"""

from __future__ import annotations

import re

import streamlit as st

STORAGE_KEY = "bedrock-device"
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")
"""256 random bits as URL-safe base64 without padding."""

# The browser reads the stored token, makes and stores a new one when it is missing or
# malformed, and sends it once: ``have`` says the server holds one already. Storage can be
# refused (private modes, blocked cookies); then nothing is sent and the session's own
# token is used.
JS = f"""
const STORAGE_KEY = "{STORAGE_KEY}";
const VALID = /^[A-Za-z0-9_-]{{43}}$/;

function newToken() {{
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
}}

function storedToken() {{
  try {{
    let token = window.localStorage.getItem(STORAGE_KEY);
    if (typeof token !== "string" || !VALID.test(token)) {{
      token = newToken();
      window.localStorage.setItem(STORAGE_KEY, token);
      if (window.localStorage.getItem(STORAGE_KEY) !== token) return null;
    }}
    return token;
  }} catch (refused) {{
    return null;
  }}
}}

export default function (component) {{
  const {{ data, setStateValue }} = component;
  if (data && data.have) return;
  const token = storedToken();
  if (token !== null) setStateValue("token", token);
}}
"""

_mount = st.components.v2.component("bedrock_device", html="", js=JS)


def valid_token(value: object) -> str | None:
    """``value`` if it is a well-formed device token (43 URL-safe base64 characters),
    else None. Pure."""
    if isinstance(value, str) and TOKEN_PATTERN.fullmatch(value):
        return value
    return None


def device_token(*, key: str) -> str | None:
    """The token this browser keeps in localStorage, or None until the browser has sent one
    (the first run of a session) or when it cannot keep one.

    Mounts one invisible element; keep ``key`` the same on every run of the page. The
    browser's first answer reruns the script.
    """
    held = st.session_state.get(key)
    known = valid_token(held.get("token") if hasattr(held, "get") else None)
    result = _mount(
        key=key,
        data={"have": known is not None},
        width="stretch",
        height="content",
        on_token_change=lambda: None,
    )
    return valid_token(result.get("token"))
