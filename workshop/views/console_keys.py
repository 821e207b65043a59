"""The console's keyboard shortcuts: one key for each thing a facilitator does again and
again, shown in a small help beside the buttons they press."""

from __future__ import annotations

import streamlit as st

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
HELP = f"""
| key | does |
| --- | --- |
| {KEYS["next_slide"]} / {KEYS["previous_slide"]} | next / previous slide |
| {KEYS["next_stage"]} / {KEYS["previous_stage"]} | next / previous stage |
| {KEYS["timer"]} | start, pause or resume the timer |
| {KEYS["reveal"]} | reveal the answers to the room, or hide them |
"""


def shortcuts_help() -> None:
    """A closed expander listing the console's keys."""
    with st.expander("Keyboard shortcuts", icon=":material/keyboard:"):
        st.markdown(HELP)
