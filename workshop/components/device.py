"""A participant's phone identity, kept in the browser's localStorage.

A phone that reloads the join page gets a new Streamlit session; without something that
outlives the session, the reloaded phone would count as a new person (its answer counted
twice, its texts adding a writer to a sensitive prompt's reveal threshold). The server mints
the identity and signs it (``engine/identity.py``); the browser only keeps what it was given
under ``bedrock-device`` and hands it back once per session. A token the browser makes up,
or one a script sends, is worth nothing: the server checks its signature and mints a new one
(counted as another phone) instead.

The token never goes into a URL, the page or a log; the store keeps only an HMAC of it.
"""

from __future__ import annotations

import streamlit as st

from workshop.engine.identity import TOKEN_PATTERN

STORAGE_KEY = "bedrock-device"

# The browser sends what it keeps, once per session ("" when it keeps nothing, or storage is
# refused, as in some private modes); ``have`` says the server has bound this session to a
# phone already. ``keep`` is an identity the server just minted, for the browser to keep.
JS = f"""
const STORAGE_KEY = "{STORAGE_KEY}";
const VALID = /^[A-Za-z0-9_-]{{43}}[.][A-Za-z0-9_-]{{43}}$/;

function storedToken() {{
  try {{
    const token = window.localStorage.getItem(STORAGE_KEY);
    return typeof token === "string" && VALID.test(token) ? token : "";
  }} catch (refused) {{
    return "";
  }}
}}

function keep(token) {{
  try {{
    if (VALID.test(token) && window.localStorage.getItem(STORAGE_KEY) !== token) {{
      window.localStorage.setItem(STORAGE_KEY, token);
    }}
  }} catch (refused) {{
    // Nothing kept: a reload of this page will join as a new phone.
  }}
}}

export default function (component) {{
  const {{ data, setStateValue }} = component;
  if (data && data.keep) keep(data.keep);
  if (data && data.have) return;
  setStateValue("token", storedToken());
}}
"""

_mount = st.components.v2.component("bedrock_device", html="", js=JS)


def valid_token(value: object) -> str | None:
    """``value`` if it is shaped like an identity the server mints (a nonce and a signature,
    each 43 URL-safe base64 characters, joined by a dot), else None. Pure: whether the server
    really signed it is for :func:`workshop.engine.identity.verify` to say."""
    if isinstance(value, str) and TOKEN_PATTERN.fullmatch(value):
        return value
    return None


def sent_token(*, key: str) -> str | None:
    """What this browser handed over for the element mounted under ``key``: None until it
    has answered (the first run of a session), "" when it keeps nothing usable, else the
    token it keeps. Read before :func:`device_token` mounts the element, so the page can
    decide what the browser should keep on this very run."""
    held = st.session_state.get(key)
    sent = held.get("token") if hasattr(held, "get") else None
    if sent is None:
        return None
    return valid_token(sent) or ""


def device_token(*, key: str, have: bool = False, keep: str | None = None) -> str | None:
    """Mount the invisible element that hands over the browser's kept token (see
    :func:`sent_token`, which this returns). ``have``: the session is bound to a phone
    already, so the browser need not send anything; ``keep``: an identity the server just
    minted, for the browser to keep. Keep ``key`` the same on every run of the page. The
    browser's first answer reruns the script."""
    result = _mount(
        key=key,
        data={"have": have, "keep": valid_token(keep)},
        width="stretch",
        height="content",
        on_token_change=lambda: None,
    )
    sent = result.get("token")
    return None if sent is None else (valid_token(sent) or "")
