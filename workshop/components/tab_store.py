"""A couple's evening kept in the browser tab itself (``sessionStorage``), not on the server.

The tab keeps one text under ``bedrock-together``: the server writes it after every change
and reads it back once per server session, so a reload, a closed lid or a crashed tab
comes back to the same card. ``sessionStorage`` belongs to this one tab: another tab, and
the same tab once closed, start empty.

What the browser sends back is the browser's choice: the caller checks it like a file
(:func:`workshop.couple.savefile.from_tab`). Each server session asks with its own random
``ask`` word and only takes the answer that repeats it, so a value the page sent to an
earlier session (the frontend resends its last state after a reconnect) is never taken as
the tab's current content. The text only travels as data and is stored or returned as it
is, never put into the page.
"""

from __future__ import annotations

import secrets

import streamlit as st

STORAGE_KEY = "bedrock-together"
MAX_CHARS = 600_000
"""The longest text the page takes from the tab (a little more than a save file)."""

JS = f"""
const STORAGE_KEY = "{STORAGE_KEY}";

function storage() {{
  try {{
    return window.sessionStorage;
  }} catch (refused) {{
    return null;
  }}
}}

export default function (component) {{
  const {{ data, setStateValue }} = component;
  if (!data) return;
  const kept = storage();
  try {{
    if (kept && data.wipe) kept.removeItem(STORAGE_KEY);
    else if (kept && typeof data.save === "string") kept.setItem(STORAGE_KEY, data.save);
  }} catch (full) {{
    // A full or refused storage: the evening still works, it just will not survive a reload.
  }}
  if (typeof data.ask === "string" && data.ask) {{
    let text = "";
    try {{
      text = (kept && kept.getItem(STORAGE_KEY)) || "";
    }} catch (refused) {{
      text = "";
    }}
    setStateValue("kept", {{ ask: data.ask, text: text }});
  }}
}}
"""

_mount = st.components.v2.component("bedrock_tab_store", html="", js=JS)


def new_ask() -> str:
    """A fresh random word for one server session's question to its tab."""
    return secrets.token_urlsafe(16)


def answer_to(value: object, *, ask: str) -> str | None:
    """The tab's text when ``value`` answers ``ask``; ``None`` for anything else. Pure."""
    if not isinstance(value, dict) or value.get("ask") != ask:
        return None
    text = value.get("text")
    if not isinstance(text, str) or len(text) > MAX_CHARS:
        return ""
    return text


def tab_store(*, key: str, ask: str | None, save: str | None, wipe: bool = False) -> str | None:
    """Mount the tab's storage: with ``ask``, request what the tab keeps (returned once the
    browser answered, ``""`` for nothing); with ``save``, replace it; with ``wipe``, remove it.

    Draws nothing. Keep ``key`` the same across runs of one evening.
    """
    data = {"ask": ask or "", "save": save, "wipe": bool(wipe)}
    result = _mount(
        key=key, data=data, width="stretch", height="content", on_kept_change=lambda: None
    )
    if ask is None:
        return None
    return answer_to(result.get("kept"), ask=ask)
