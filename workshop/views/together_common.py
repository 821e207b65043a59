"""What every screen of the Together page shares: the page's clock, the couple's evening
(kept in the browser tab, held by the server only while the tab is open), words typed but
not yet sent, messages, escaped text lines and the Back/Next row.

Nothing is written to the database or to a file on the server. The browser tab keeps the
whole evening in its own ``sessionStorage`` (:mod:`workshop.components.tab_store`), so a
reload comes back to the same card; the server's session is marked so that nobody can
resume it once the tab has gone, which ends it and everything it held.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from workshop.components.announcer import announcer
from workshop.components.tab_store import new_ask, tab_store
from workshop.couple import evening, savefile
from workshop.couple.evening import CoupleProgress
from workshop.engine import announce
from workshop.i18n.screen import _, said
from workshop.views.common import content

clock: Callable[[], float] = time.time
"""The page's clock (epoch seconds). Tests replace it to move time without waiting."""

PROGRESS = "together_progress"
SOUND = "together_sound"
MESSAGE = "together_message"
NAMES = "together_names"
DRAFTS = "together_drafts"
CONFIRM_WHO = "together_confirm_who"
NOTE_PREFIX = "together_note_"
GENERATION = "tab_together_generation"
"""Bumped by Wipe: the tab storage and the file uploader start again under new keys."""
ASK = "tab_together_ask"
READ = "tab_together_read"


def now() -> float:
    """The page's clock reading, in epoch seconds."""
    return clock()


def generation() -> int:
    """How many times this tab's evening has been wiped (part of some widget keys)."""
    return int(st.session_state.get(GENERATION, 0))


def keep_in_tab() -> None:
    """Hand the evening to the browser tab and, once per server session, take it back.

    The first run of a session asks the tab what it kept; the browser's answer reruns the
    page, which continues the evening from it (boxes drawn before it get their kept words).
    Every later run writes the evening to the tab (or clears the tab when nothing is left
    of it). Also marks this server session as one nobody can resume after the tab closes.

    Without a browser (the script run bare, as in page tests) there is no tab to ask.
    """
    if not Runtime.exists():
        return
    _forget_session_when_tab_closes()
    key = f"tab_together_store_{generation()}"
    if not st.session_state.get(READ):
        ask = st.session_state.setdefault(ASK, new_ask())
        text = tab_store(key=key, ask=ask, save=None)
        if text is None:
            return
        st.session_state[READ] = True
        try:
            kept = savefile.from_tab(text, content=content(), now=now())
        except savefile.ProgressFileError as error:
            st.session_state[MESSAGE] = ("warning", said(error))
            kept = savefile.TabCopy()
        _restore(kept)
        return
    copy = tab_copy()
    empty = copy == savefile.TabCopy()
    tab_store(key=key, ask=None, save=None if empty else savefile.to_tab(copy), wipe=empty)


def _forget_session_when_tab_closes() -> None:
    context = get_script_run_ctx()
    if context is not None:
        Runtime.instance().mark_session_nonresumable(context.session_id)


def tab_copy() -> savefile.TabCopy:
    """Everything of the evening this session holds, as the tab keeps it."""
    state = st.session_state
    notes = {
        str(k)[len(NOTE_PREFIX) :]: str(v)
        for k, v in state.items()
        if str(k).startswith(NOTE_PREFIX) and v in ("continue", "skip")
    }
    return savefile.TabCopy(
        progress=state.get(PROGRESS, CoupleProgress()),
        names=state.get(NAMES),
        drafts=dict(state.get(DRAFTS, {})),
        notes=notes,
        confirm_who=bool(state.get(CONFIRM_WHO, False)),
    )


def _restore(kept: savefile.TabCopy) -> None:
    state = st.session_state
    if kept == savefile.TabCopy():
        return
    state[PROGRESS] = kept.progress
    if kept.names is not None:
        state[NAMES] = kept.names
    state[DRAFTS] = dict(kept.drafts)
    for key, value in kept.drafts.items():
        if key.startswith("together_") and isinstance(value, str):
            state[key] = value  # a box drawn empty before the tab answered
    for stage_id, choice in kept.notes.items():
        state[f"{NOTE_PREFIX}{stage_id}"] = choice
    state[CONFIRM_WHO] = kept.confirm_who


def wipe_session() -> None:
    """Forget the whole evening in this session, and have the tab forget it too."""
    following = generation() + 1
    for key in list(st.session_state.keys()):
        if str(key).startswith(("together", "tab_together")):
            del st.session_state[key]
    st.session_state[GENERATION] = following
    st.session_state[READ] = True


# --- words typed but not sent yet -----------------------------------------------------------


def draft(key: str, default: str = "") -> str:
    """What was typed into the box ``key`` and not yet saved (``default`` when nothing)."""
    value = st.session_state.get(DRAFTS, {}).get(key)
    return value if isinstance(value, str) else default


def prefill(key: str, default: str = "") -> None:
    """Before drawing the box ``key``: give it its kept words (or ``default``) when it has
    no value of its own yet. Draw it without ``value=`` and with ``on_change=remember_draft``."""
    if key not in st.session_state:
        st.session_state[key] = draft(key, default)


def remember_draft(key: str) -> None:
    """A box's ``on_change``: keep what was typed, so a break, Back, Next or a reload keeps it."""
    value = st.session_state.get(key)
    drafts = dict(st.session_state.get(DRAFTS, {}))
    if isinstance(value, str) and value:
        drafts[key] = value
    else:
        drafts.pop(key, None)
    st.session_state[DRAFTS] = drafts


def forget_drafts(prefix: str) -> None:
    """Drop the unsent words of every box whose key starts with ``prefix`` (once sent)."""
    drafts = st.session_state.get(DRAFTS, {})
    st.session_state[DRAFTS] = {k: v for k, v in drafts.items() if not k.startswith(prefix)}


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
            st.session_state[MESSAGE] = ("warning", said(error))

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


TURN_SHOWN = "together_turn_shown"
"""Whose turn this run of the page shows, for the announcer to say when it changed."""
TURN_SAID = "together_turn_said"
"""Whose turn the announcer said last."""
SAY_KEY = "together_say"
"""The key of the page's live region."""


def whose_turn(text: str) -> None:
    """Show whose turn it is, big, and have the page's announcer say it when it changed."""
    styled_text("together-turn", text)
    st.session_state[TURN_SHOWN] = text


def announce_turn() -> None:
    """The page's live region, saying whose turn it is when that changed in this run."""
    shown = st.session_state.pop(TURN_SHOWN, None)
    news = announce.turn_news(st.session_state.get(TURN_SAID), shown)
    st.session_state[TURN_SAID] = shown
    announcer(key=SAY_KEY, message=news, now=now())


def nav(
    progress: CoupleProgress,
    *,
    back_only: bool = False,
    next_label: str | None = None,
    next_primary: bool = True,
) -> None:
    """The Back and Next buttons (Back alone with ``back_only``); they move the progress.
    ``next_label``: Next's own words, already in the screen's language."""
    at_start = progress.stage == 0 and progress.item == 0
    with st.container(horizontal=True, gap="small"):
        st.button(
            _("Back"),
            key="together_back",
            icon=":material/arrow_back:",
            width="stretch",
            disabled=at_start,
            on_click=change(lambda p: evening.go_back(p, content=content())),
        )
        if not back_only:
            st.button(
                next_label or _("Next"),
                key="together_next",
                type="primary" if next_primary else "secondary",
                icon=":material/arrow_forward:",
                icon_position="right",
                width="stretch",
                on_click=change(lambda p: evening.go_next(p, content=content())),
            )
