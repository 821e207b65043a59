"""A countdown that ticks in the browser from the server's deadline.

The server sends a deadline and its own clock once per script run; the page then counts
down every 250 ms on its own, so a room full of phones and the projector agree to the
second without a single server rerun per tick, even when a phone's clock is wrong.

Only numbers, booleans and fixed words reach the browser code; the caption travels as
data and is written with ``textContent``, never as HTML.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypedDict

import streamlit as st

from workshop.components.hidden import visually_hidden
from workshop.i18n.screen import _

if TYPE_CHECKING:
    from workshop.engine.timer import Timer

Size = Literal["huge", "large", "small"]
SIZES: tuple[Size, ...] = ("huge", "large", "small")

_HERE = Path(__file__).resolve().parent

# Fixed markup: nothing in it ever depends on data. role="timer" is silent while ticking
# (implicit aria-live="off"); the hidden region below speaks once, when time runs out.
HTML = """\
<div class="bedrock-countdown" role="timer" aria-live="off" aria-atomic="true"
     data-state="idle" data-urgent="false" data-long="false" data-size="large">
  <div class="bc-label" hidden></div>
  <div class="bc-digits"><span class="bc-face"></span></div>
  <div class="bc-status"></div>
  <div class="bc-announce" aria-live="assertive" aria-atomic="true"></div>
</div>
"""
CSS = (_HERE / "countdown.css").read_text(encoding="utf-8") + visually_hidden(".bc-announce")
JS = (_HERE / "countdown.js").read_text(encoding="utf-8")

_mount = st.components.v2.component("bedrock_countdown", html=HTML, css=CSS, js=JS)


class CountdownData(TypedDict):
    """What the browser receives: numbers, booleans and fixed words, plus the caption."""

    deadline_ms: int | None
    remaining_ms: int
    duration_ms: int
    server_now_ms: int
    running: bool
    state: Literal["idle", "running", "paused", "over"]
    chime: bool
    size: Size
    label: str
    announce: bool
    over_text: str
    paused_text: str


def countdown_data(
    *,
    timer: Timer,
    now: float,
    size: Size = "large",
    chime: bool = False,
    label: str = "",
    announce: bool = True,
    over_text: str = "Time's up",
    paused_text: str = "Paused",
) -> CountdownData:
    """Describe ``timer`` at ``now`` (epoch seconds) for the browser. Pure. ``over_text`` and
    ``paused_text``: what the face says at the end and while paused, in the screen's language.

    Raises ``ValueError`` for an unknown ``size``.
    """
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}; got {size!r}")
    state = timer.status(now)
    counting = state in ("running", "over") and timer.ends_at is not None
    deadline_ms = _ms(timer.ends_at) if counting and timer.ends_at is not None else None
    return {
        "deadline_ms": deadline_ms,
        "remaining_ms": _ms(max(0.0, timer.remaining(now))),
        "duration_ms": _ms(max(0.0, timer.duration)),
        "server_now_ms": _ms(now),
        "running": counting,
        "state": state,
        "chime": bool(chime),
        "size": size,
        "label": str(label),
        "announce": bool(announce),
        "over_text": str(over_text),
        "paused_text": str(paused_text),
    }


def countdown(
    *,
    timer: Timer,
    now: float,
    key: str,
    size: Size = "large",
    chime: bool = False,
    label: str = "",
    announce: bool = True,
) -> None:
    """Show ``timer`` as a live countdown. Renders one Streamlit element.

    ``now`` is the server's clock (epoch seconds) for this run. Keep ``key`` the same
    across reruns: the browser then keeps its display and only picks up a new deadline.
    With ``chime``, a soft sound plays once when a running countdown reaches zero on a
    page that saw it running (browsers only allow sound after someone touched the page).
    Without ``announce``, the countdown does not say "Time's up" itself: the page's own
    announcer (:mod:`workshop.components.announcer`) says it.
    """
    data: dict[str, Any] = dict(
        countdown_data(
            timer=timer,
            now=now,
            size=size,
            chime=chime,
            label=label,
            announce=announce,
            over_text=_("Time's up"),
            paused_text=_("Paused"),
        )
    )
    _mount(key=key, data=data, width="stretch", height="content")


def _ms(seconds: float) -> int:
    return int(math.floor(seconds * 1000.0 + 0.5))
