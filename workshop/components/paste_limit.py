"""Pasting more than a text box holds keeps what fits, and says so.

Streamlit's text area drops a change longer than its ``max_chars`` whole: a 5,000-character
paste into a 600-character box leaves it as it was, with no word why. This element gives the
box the browser's own ``maxlength``, so a paste is cut to what fits (the box then holds the
first 600 characters), and shows a fixed note when that happened.

Only the box's key and its limit reach the browser; the script measures lengths and never
reads, sends or shows the pasted words.
"""

from __future__ import annotations

import re

import streamlit as st

# The note's text is fixed here and filled in with textContent; only numbers vary.
HTML = '<div class="bp-note" role="status" aria-live="polite" hidden></div>'
CSS = """
.bp-note{font-size:.9rem;line-height:1.35;color:#6b3a12;background:#fff4e5;
  border-left:.3rem solid #c77700;padding:.45rem .7rem;border-radius:.35rem}
"""
JS = """
const watched = new WeakMap();

function note(limit, pasted) {
  return `The box holds ${limit} characters, so it kept the first ${limit} of the ` +
    `${pasted} you pasted. Read it through before sending.`;
}

function watch(box, limit, noteEl) {
  box.setAttribute("maxlength", String(limit));
  const known = watched.get(box);
  if (known) {
    known.limit = limit;
    known.noteEl = noteEl;
    return;
  }
  const entry = { limit, noteEl };
  watched.set(box, entry);
  box.addEventListener("paste", (event) => {
    const text = event.clipboardData ? event.clipboardData.getData("text") : "";
    const kept = box.value.length - (box.selectionEnd - box.selectionStart);
    const overflow = kept + text.length > entry.limit;
    entry.noteEl.textContent = overflow ? note(entry.limit, text.length) : "";
    entry.noteEl.hidden = !overflow;
  });
}

export default function (component) {
  const { data, parentElement } = component;
  const noteEl = parentElement.querySelector(".bp-note");
  const limit = Number(data && data.limit);
  const key = String((data && data.key) || "");
  if (!noteEl || !Number.isInteger(limit) || limit <= 0 || !/^[A-Za-z0-9_-]+$/.test(key)) {
    return;
  }
  let tries = 0;
  let timer = null;
  const find = () => {
    const box = document.querySelector(`.st-key-${key} textarea`);
    if (box) {
      watch(box, limit, noteEl);
    } else if (tries++ < 40) {
      timer = setTimeout(find, 50);
    }
  };
  find();
  return () => { if (timer) clearTimeout(timer); };
}
"""

_mount = st.components.v2.component("bedrock_paste_limit", html=HTML, css=CSS, js=JS)

KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]+")


def paste_limit(*, box_key: str, limit: int) -> None:
    """Make the text area with key ``box_key`` keep the first ``limit`` characters of a paste
    that would not fit, and say so under it. Call right after the text area, on every run.
    Draws nothing for a key a CSS class cannot carry as it is, or a limit below 1 (the box
    then behaves as Streamlit's own)."""
    if not KEY_PATTERN.fullmatch(box_key) or limit < 1:
        return
    _mount(
        key=f"{box_key}_paste",
        data={"key": box_key, "limit": int(limit)},
        width="stretch",
        height="content",
    )
