"""What every screen of the Together page shares: the page's clock, the couple's progress in
the session, messages, escaped text lines and the Back/Next row.

Everything lives in this browser session only; nothing is written to the database or to a
file on the server.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable

import streamlit as st

from workshop.couple import evening
from workshop.couple.evening import CoupleProgress
from workshop.views.common import content

clock: Callable[[], float] = time.time
"""The page's clock (epoch seconds). Tests replace it to move time without waiting."""

PROGRESS = "together_progress"
SOUND = "together_sound"
MESSAGE = "together_message"


def now() -> float:
    """The page's clock reading, in epoch seconds."""
    return clock()


def current_progress() -> CoupleProgress:
    """The couple's progress in this session; a fresh one (kept in the session) the first time."""
    if PROGRESS not in st.session_state:
        st.session_state[PROGRESS] = CoupleProgress()
    return st.session_state[PROGRESS]


def save_progress(progress: CoupleProgress) -> None:
    """Keep ``progress`` in this session (and nowhere else)."""
    st.session_state[PROGRESS] = progress


def change(step: Callable[[CoupleProgress], CoupleProgress]) -> Callable[[], None]:
    """A button callback applying ``step`` to the progress (runs before the page redraws)."""

    def run() -> None:
        try:
            save_progress(step(current_progress()))
        except evening.InvalidAnswer as error:
            st.session_state[MESSAGE] = ("warning", str(error))

    return run


def sound_on() -> bool:
    """Whether the soft sounds are on (they are unless switched off)."""
    return bool(st.session_state.get(SOUND, True))


def show_message() -> None:
    """Show, and forget, the message a button callback left for this run (as plain text)."""
    message = st.session_state.pop(MESSAGE, None)
    if message:
        level, text = message
        note(level, text)


def note(level: str, text: str) -> None:
    """A message in a coloured box of our own (``level``: info, success, warning or error).

    ``text`` is shown as plain text, never Markdown or HTML: messages on this page may carry
    words from a file or from the couple.
    """
    role = "alert" if level in ("warning", "error") else "status"
    st.html(
        f'<div class="together-note together-note-{html.escape(level)}" role="{role}">'
        f"{html.escape(text)}</div>"
    )


def styled_text(markup_class: str, text: str) -> None:
    """One line of our own markup around escaped text (names included)."""
    st.html(f'<div class="{markup_class}">{html.escape(text)}</div>')


def nav(
    progress: CoupleProgress,
    *,
    back_only: bool = False,
    next_label: str = "Next",
    next_primary: bool = True,
) -> None:
    """The Back and Next buttons (Back alone with ``back_only``); they move the progress."""
    at_start = progress.stage == 0 and progress.item == 0
    with st.container(horizontal=True, gap="small"):
        st.button(
            "Back",
            key="together_back",
            icon=":material/arrow_back:",
            width="stretch",
            disabled=at_start,
            on_click=change(lambda p: evening.go_back(p, content=content())),
        )
        if not back_only:
            st.button(
                next_label,
                key="together_next",
                type="primary" if next_primary else "secondary",
                icon=":material/arrow_forward:",
                icon_position="right",
                width="stretch",
                on_click=change(lambda p: evening.go_next(p, content=content())),
            )
