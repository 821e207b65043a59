"""The page's language for the browser: ``<html lang dir>`` set, and a choice remembered.

Streamlit always serves ``<html lang="en">``, so a screen reader reads a Spanish page with an
English voice and a right-to-left language is laid out left to right. This invisible element
sets ``lang`` and ``dir`` on the page's own ``<html>`` to the language shown. It also keeps
the language a person chose on this browser (``localStorage``, under ``bedrock-language``)
and, while the server asks, hands that earlier choice back once; only a short language tag
travels either way, and the server accepts only the languages it has.
"""

from __future__ import annotations

import re

import streamlit as st

STORAGE_KEY = "bedrock-language"
_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,2}")

JS = f"""
const STORAGE_KEY = "{STORAGE_KEY}";
const TAG = /^[A-Za-z]{{2,3}}(-[A-Za-z0-9]{{2,8}}){{0,2}}$/;

function kept() {{
  try {{
    const tag = window.localStorage.getItem(STORAGE_KEY);
    return typeof tag === "string" && TAG.test(tag) ? tag : "";
  }} catch (refused) {{
    return "";
  }}
}}

export default function (component) {{
  const {{ data, setStateValue }} = component;
  if (!data || typeof data.lang !== "string" || !TAG.test(data.lang)) return;
  const root = document.documentElement;
  if (root.lang !== data.lang) root.lang = data.lang;
  const dir = data.dir === "rtl" ? "rtl" : "ltr";
  if (root.dir !== dir) root.dir = dir;
  if (typeof data.keep === "string" && TAG.test(data.keep)) {{
    try {{
      if (window.localStorage.getItem(STORAGE_KEY) !== data.keep) {{
        window.localStorage.setItem(STORAGE_KEY, data.keep);
      }}
    }} catch (refused) {{
      // Not kept: the next visit starts from the browser's own language again.
    }}
  }}
  if (data.ask) {{
    const earlier = kept();
    if (earlier && earlier !== data.lang) setStateValue("kept", earlier);
  }}
}}
"""

_mount = st.components.v2.component("bedrock_page_language", html="", js=JS)


def valid_tag(value: object) -> str | None:
    """``value`` when it is shaped like a language tag (``es``, ``pt-BR``), else None. Pure."""
    if isinstance(value, str) and _TAG.fullmatch(value):
        return value
    return None


def kept_language(*, key: str) -> str | None:
    """The earlier choice this browser handed over for the element under ``key``, if any
    (read before :func:`page_language` mounts it, so the page can show it on this run)."""
    held = st.session_state.get(key)
    return valid_tag(held.get("kept")) if hasattr(held, "get") else None


def page_language(*, key: str, lang: str, direction: str, keep: str | None, ask: bool) -> None:
    """Mount the invisible element under ``key`` (the same on every run): the page's
    ``<html>`` gets ``lang`` and ``direction``; ``keep``: a language to remember on this
    browser; ``ask``: hand back an earlier choice when it differs from ``lang`` (which reruns
    the page). Draws nothing; the page's style should hide ``.st-key-<key>``."""
    _mount(
        key=key,
        data={
            "lang": lang,
            "dir": "rtl" if direction == "rtl" else "ltr",
            "keep": valid_tag(keep),
            "ask": bool(ask),
        },
        width="stretch",
        height="content",
        on_kept_change=lambda: None,
    )
