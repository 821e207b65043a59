"""Listening turns for a whole room: who speaks, paraphrase, swap, round by round, and the
rules card, on the projector; driven by the console's timer."""

from __future__ import annotations

import html
import time

import streamlit as st

from workshop.components.countdown import countdown
from workshop.content.model import SpeakerListenerExercise
from workshop.couple.turn_timer import TurnView, room_turn_view
from workshop.engine.timer import Phase, Timer
from workshop.i18n.formats import number
from workshop.i18n.screen import _, language
from workshop.views.common import content

TURNS_CSS = """
<style>
.bedrock-turn-round{font-size:2rem;color:#5b4a42;font-weight:600}
.bedrock-turn-now{font-size:4rem;font-weight:700;line-height:1.15;margin:.4rem 0}
.bedrock-turn-next{font-size:1.9rem;color:#5b4a42;margin-bottom:1.2rem}
.bedrock-rules{font-size:1.7rem;line-height:1.45;background:#fbf5ef;border-left:.5rem solid #8a4b3c;
  padding:1rem 1.4rem 1rem 2.6rem;border-radius:.5rem}
.bedrock-rules li{margin:.2rem 0}
</style>
"""


def turns_exercise(prompt_id: str | None) -> SpeakerListenerExercise | None:
    """The speaker-listener exercise on the phones now, if that is what is on them."""
    exercise = content().exercises.get(prompt_id) if prompt_id else None
    return exercise if isinstance(exercise, SpeakerListenerExercise) else None


def phase_line(phase: Phase) -> str:
    """What the room does in ``phase``, in a few words."""
    if phase.kind == "speak":
        return _("{speaker} speaks · {listener} listens").format(
            speaker=phase.speaker, listener=phase.listener
        )
    if phase.kind == "paraphrase":
        return _("{listener} says back what they heard").format(listener=phase.listener)
    following = "B" if phase.speaker == "A" else "A"
    return _("Swap: {speaker} speaks next").format(speaker=following)


def view(exercise: SpeakerListenerExercise, timer: Timer) -> TurnView | None:
    return room_turn_view(exercise, timer, now=time.time())


def projector(exercise: SpeakerListenerExercise, turn: TurnView, *, chime: bool) -> None:
    """The turn on the wall: round, who holds the floor, the phase's own countdown, what
    comes next and the rules card."""
    st.html(TURNS_CSS)
    rounds = exercise.rounds
    if turn.status == "done":
        lines = [
            f'<div class="bedrock-turn-round">{html.escape(exercise.title)}</div>',
            f'<div class="bedrock-turn-now">{html.escape(_("Turns done: thank each other"))}</div>',
        ]
    else:
        phase = turn.phase
        upcoming = turn.next_phase
        shown = language()
        where = _("Round {number} of {count}").format(
            number=number(phase.round, shown), count=number(rounds, shown)
        )
        lines = [
            f'<div class="bedrock-turn-round">{html.escape(where)}</div>',
            f'<div class="bedrock-turn-now">{html.escape(phase_line(phase))}</div>',
        ]
        if upcoming is not None:
            if upcoming.seconds >= 60:
                after = _("Next: {phase} ({minutes} min)").format(
                    phase=phase_line(upcoming), minutes=number(upcoming.seconds / 60, shown)
                )
            else:
                after = _("Next: {phase} (a moment)").format(phase=phase_line(upcoming))
            lines.append(f'<div class="bedrock-turn-next">{html.escape(after)}</div>')

    st.html("".join(lines))
    countdown(timer=turn.timer(), now=time.time(), key="screen_turn", size="large", chime=chime)
    rules = "".join(f"<li>{html.escape(rule)}</li>" for rule in exercise.rules)
    st.html(f'<ol class="bedrock-rules">{rules}</ol>')
