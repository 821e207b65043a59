"""A polite live region: what changed, said to someone listening to the page.

Streamlit has no live regions of its own, so a person using a screen reader hears nothing
when the stage moves on, a question arrives or time runs out. This element draws nothing
visible; it reads out a message once when the page gives it a new one, and the timed cues
(one minute left, time is up) when the browser's clock, corrected to the server's, reaches
them, with no server run at that moment.

What to say, and when, is decided by :mod:`workshop.engine.announce`; the words reach the
browser as data and are written with ``textContent``, never as HTML.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import streamlit as st

from workshop.components.hidden import visually_hidden
from workshop.engine.announce import Cue

_HERE = Path(__file__).resolve().parent

HTML = '<div class="bedrock-announcer" role="status" aria-live="polite" aria-atomic="true"></div>'
CSS = visually_hidden(".bedrock-announcer")
JS = (_HERE / "announcer.js").read_text(encoding="utf-8")

_mount = st.components.v2.component("bedrock_announcer", html=HTML, css=CSS, js=JS)


def announcer(*, key: str, message: str = "", cues: Sequence[Cue] = (), now: float) -> None:
    """Mount the live region under ``key`` (keep it the same, and in the same place, so the
    browser keeps one region across reruns; the page's style gives ``.st-key-<key>``
    ``position:absolute`` so it takes no room); say ``message`` if it is not empty, and each of
    ``cues`` at its moment. ``now`` is the server's clock (epoch seconds) for this run."""
    count_key = f"{key}_said"
    if message:
        st.session_state[count_key] = st.session_state.get(count_key, 0) + 1
    _mount(
        key=key,
        data={
            "message": message,
            "message_id": st.session_state.get(count_key, 0),
            "cues": [{"at_ms": _ms(cue.at), "text": cue.text} for cue in cues],
            "server_now_ms": _ms(now),
        },
        width="stretch",
        height="content",
    )


def _ms(seconds: float) -> int:
    return int(math.floor(seconds * 1000.0 + 0.5))
