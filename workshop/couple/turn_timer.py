"""The speaker-listener turn timer of the couple path: phases run back to back from a start.

Pure: nothing here reads a clock. Times are float epoch seconds passed in as ``now``; every
change returns a new ``Turn``. The timer lives in ``CoupleProgress.turns`` (see
:func:`workshop.couple.evening.set_turn`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from workshop.content.model import SpeakerListenerExercise
from workshop.engine.timer import Phase, Timer, phase_at, speaker_listener_phases

SWAP_SECONDS = 15
CUE_BEFORE_END = 60.0
"""A soft cue sounds this many seconds before the end of a phase long enough to need one."""


class Turn(BaseModel):
    """The speaker-listener turn timer: phases run back to back from ``started_at``."""

    model_config = ConfigDict(extra="forbid")

    started_at: float | None = None
    paused_at: float | None = None
    paused_total: float = Field(default=0.0, ge=0)
    adjust: dict[int, float] = {}
    """Seconds added to (+1 minute) or taken from (skip) a phase, by phase index."""


def base_phases(exercise: SpeakerListenerExercise) -> list[Phase]:
    """The exercise's phases as written: rounds of speak, paraphrase and swap."""
    return speaker_listener_phases(
        rounds=exercise.rounds,
        speak_seconds=exercise.speak_minutes * 60,
        paraphrase_seconds=exercise.paraphrase_minutes * 60,
        swap_seconds=SWAP_SECONDS,
    )


def turn_phases(exercise: SpeakerListenerExercise, turn: Turn) -> list[Phase]:
    """The phases with this turn's extra minutes and skips applied."""
    return [
        replace(phase, seconds=max(0.0, phase.seconds + turn.adjust.get(i, 0.0)))
        for i, phase in enumerate(base_phases(exercise))
    ]


@dataclass(frozen=True)
class TurnView:
    """What the turn timer shows at one moment."""

    status: Literal["ready", "running", "paused", "done"]
    index: int
    """Index of the current phase (the first while ready; the last once done)."""
    phase: Phase
    left: float
    phases: tuple[Phase, ...]
    ends_at: float | None
    """The current phase's deadline while running."""

    @property
    def next_phase(self) -> Phase | None:
        """The phase after this one, if any."""
        following = self.index + 1
        return self.phases[following] if following < len(self.phases) else None

    def timer(self) -> Timer:
        """The current phase as a ``workshop.timer.Timer``, for the countdown."""
        if self.status == "running":
            return Timer(duration=self.phase.seconds, ends_at=self.ends_at)
        if self.status == "paused":
            return Timer(duration=self.phase.seconds, paused_remaining=self.left)
        if self.status == "done":
            return Timer(duration=self.phase.seconds, paused_remaining=0.0)
        return Timer(duration=self.phase.seconds)

    def cue_at(self) -> float | None:
        """When the one-minute cue sounds: set only while running a phase longer than that."""
        if self.status != "running" or self.ends_at is None or self.phase.seconds <= 90:
            return None
        return self.ends_at - CUE_BEFORE_END


def turn_view(turn: Turn, *, exercise: SpeakerListenerExercise, now: float) -> TurnView:
    """The turn timer at ``now``: phase, seconds left, and deadline."""
    phases = tuple(turn_phases(exercise, turn))
    if turn.started_at is None:
        return TurnView("ready", 0, phases[0], phases[0].seconds, phases, None)
    moment = turn.paused_at if turn.paused_at is not None else now
    found = phase_at(
        list(phases), started_at=turn.started_at, now=moment, paused_total=turn.paused_total
    )
    if found is None:
        return TurnView("done", len(phases) - 1, phases[-1], 0.0, phases, None)
    index, left = found
    if turn.paused_at is not None:
        return TurnView("paused", index, phases[index], left, phases, None)
    ends_at = turn.started_at + turn.paused_total + sum(p.seconds for p in phases[: index + 1])
    return TurnView("running", index, phases[index], left, phases, ends_at)


def turn_start(*, now: float) -> Turn:
    """A fresh turn timer, running from ``now``."""
    return Turn(started_at=now)


def turn_pause(turn: Turn, *, now: float) -> Turn:
    """Freeze the turn timer; a paused or unstarted one is unchanged."""
    if turn.started_at is None or turn.paused_at is not None:
        return turn
    return turn.model_copy(update={"paused_at": now})


def turn_resume(turn: Turn, *, now: float) -> Turn:
    """Carry on from where it was paused."""
    if turn.paused_at is None:
        return turn
    paused_total = turn.paused_total + max(0.0, now - turn.paused_at)
    return turn.model_copy(update={"paused_at": None, "paused_total": paused_total})


def turn_extend(
    turn: Turn, *, exercise: SpeakerListenerExercise, now: float, seconds: float = 60.0
) -> Turn:
    """Give the current phase more time (one minute by default)."""
    view = turn_view(turn, exercise=exercise, now=now)
    if view.status in ("ready", "done"):
        return turn
    adjust = dict(turn.adjust)
    adjust[view.index] = adjust.get(view.index, 0.0) + seconds
    return turn.model_copy(update={"adjust": adjust})


def turn_skip(turn: Turn, *, exercise: SpeakerListenerExercise, now: float) -> Turn:
    """End the current phase now; the next one starts with its full time (paused if paused)."""
    view = turn_view(turn, exercise=exercise, now=now)
    if view.status in ("ready", "done"):
        return turn
    adjust = dict(turn.adjust)
    # A hair past "now", so float rounding can never leave the skipped phase current.
    adjust[view.index] = adjust.get(view.index, 0.0) - view.left - 1e-6
    return turn.model_copy(update={"adjust": adjust})


def floor_holder(phase: Phase) -> Literal["A", "B"]:
    """Who is talking: the speaker, the listener while paraphrasing, the next speaker at a swap."""
    return phase.speaker if phase.kind == "speak" else phase.listener


def turns_seconds(exercise: SpeakerListenerExercise) -> float:
    """How long the exercise's turns last as written, swaps included."""
    return sum(phase.seconds for phase in base_phases(exercise))


def room_turn_view(
    exercise: SpeakerListenerExercise, timer: Timer, *, now: float
) -> TurnView | None:
    """The listening turns a room follows on the projector, read from the workshop's one
    timer: the time it has run so far says which phase the room is in, so the console's
    Start, Pause and Resume drive the turns, and every screen agrees. None while the timer
    is idle."""
    status = timer.status(now)
    if status == "idle":
        return None
    phases = tuple(base_phases(exercise))
    elapsed = max(0.0, timer.duration - timer.remaining(now))
    found = phase_at(list(phases), started_at=0.0, now=elapsed)
    if found is None or status == "over":
        return TurnView("done", len(phases) - 1, phases[-1], 0.0, phases, None)
    index, left = found
    if status == "paused" or timer.ends_at is None:
        return TurnView("paused", index, phases[index], left, phases, None)
    # From the stored deadline, so every run (and every screen) gets the same one.
    through = sum(phase.seconds for phase in phases[: index + 1])
    ends_at = timer.ends_at - (timer.duration - through)
    return TurnView("running", index, phases[index], left, phases, ends_at)
