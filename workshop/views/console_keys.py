"""The console's keyboard shortcuts: one key for each thing a facilitator does again and
again, shown in a small help beside the buttons they press."""

from __future__ import annotations

import streamlit as st

from workshop.i18n.screen import _

KEYS = {
    "previous_stage": "Shift+P",
    "previous_slide": "P",
    "next_slide": "N",
    "next_stage": "Shift+N",
    "timer": "T",
    "reveal": "S",
}
"""Keys for what a facilitator does again and again (Streamlit ignores them while a text box
has the focus, so typing a number of minutes never moves the room on)."""


def shortcuts_help() -> None:
    """A closed expander listing the console's keys."""
    rows = (
        (f"{KEYS['next_slide']} / {KEYS['previous_slide']}", _("next / previous slide")),
        (f"{KEYS['next_stage']} / {KEYS['previous_stage']}", _("next / previous stage")),
        (KEYS["timer"], _("start, pause or resume the timer")),
        (KEYS["reveal"], _("reveal the answers to the room, or hide them")),
    )
    key, does = _("key"), _("does")
    table = "\n".join(
        [f"| {key} | {does} |", "| --- | --- |"] + [f"| {keys} | {what} |" for keys, what in rows]
    )
    with st.expander(_("Keyboard shortcuts"), icon=":material/keyboard:"):
        st.markdown(table)
