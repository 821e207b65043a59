"""What a screen reader is told when a screen changes. Pure: no Streamlit, no clock.

A sighted person sees the stage move on, a question arrive, the answers go up or the clock
run out; someone listening to their phone hears nothing of it unless the page says it in a
live region. These rules decide what to say, in short plain sentences, and when: once per
change, never on the first drawing of a page (its heading is read then anyway). The
sentences are catalogue entries: a page passes its language's ``gettext``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workshop.i18n import N_

if TYPE_CHECKING:
    from workshop.engine.records import WorkshopState
    from workshop.engine.timer import Timer

ONE_MINUTE = 60.0
SENT = N_("Sent.")
PASSED = N_("Passed.")
TIME_UP = N_("Time is up.")
ONE_MINUTE_LEFT = N_("One minute left.")
ANSWERS_UP = N_("Answers are now on the screen.")


@dataclass(frozen=True)
class PhoneMoment:
    """What a phone shows that is worth saying when it changes."""

    stage: int
    stage_title: str
    prompt: str | None
    prompt_title: str
    revealed: bool


@dataclass(frozen=True)
class Cue:
    """Something to say at a moment the browser reaches by itself (epoch seconds)."""

    at: float
    text: str


def phone_moment(state: WorkshopState) -> PhoneMoment:
    """The part of ``state`` a phone announces."""
    prompt = state.current_prompt
    spec = state.prompts.get(prompt) if prompt else None
    return PhoneMoment(
        stage=state.stage_index,
        stage_title=state.stages[state.stage_index].title,
        prompt=prompt,
        prompt_title=spec.title if spec else "",
        revealed=prompt is not None and prompt in state.revealed,
    )


def phone_news(
    before: PhoneMoment | None, after: PhoneMoment, *, gettext: Callable[[str], str] = str
) -> str:
    """What to say on a phone that showed ``before`` and now shows ``after``; "" for nothing
    (the first drawing, or nothing worth saying changed). ``gettext``: the phone's language."""
    if before is None:
        return ""
    said = []
    if after.stage != before.stage:
        said.append(_sentence(gettext("New stage: {title}").format(title=after.stage_title)))
    new_question = after.prompt is not None and (
        after.prompt != before.prompt or after.stage != before.stage
    )
    if new_question:
        said.append(_sentence(gettext("New question: {title}").format(title=after.prompt_title)))
    if after.revealed and (new_question or not before.revealed):
        said.append(gettext(ANSWERS_UP))
    return " ".join(said)


def timer_cues(timer: Timer, now: float, *, gettext: Callable[[str], str] = str) -> tuple[Cue, ...]:
    """What a running timer will say by itself: one minute before its end (when it was set
    for longer than a minute) and at its end. Nothing while idle or paused. ``gettext``: the
    screen's language."""
    if timer.ends_at is None or timer.status(now) not in ("running", "over"):
        return ()
    cues = []
    if timer.duration > ONE_MINUTE:
        cues.append(Cue(at=timer.ends_at - ONE_MINUTE, text=gettext(ONE_MINUTE_LEFT)))
    cues.append(Cue(at=timer.ends_at, text=gettext(TIME_UP)))
    return tuple(cues)


def turn_news(before: str | None, after: str | None) -> str:
    """On a couple's screen: ``after`` (such as "Sam's turn" or "Alex speaks") said once
    when it differs from what was said before; "" when it is the same, or nothing."""
    if not after or after == before:
        return ""
    return _sentence(after)


def _sentence(text: str) -> str:
    """``text`` ending as a sentence: a full stop unless it ends with its own mark."""
    return text if text.endswith((".", "?", "!")) else f"{text}."
