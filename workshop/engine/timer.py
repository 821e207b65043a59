"""Countdown timers and speaker-listener turns, as pure functions of a deadline and ``now``.

A timer is stored as a deadline (``ends_at``) while it runs and as the time left
(``paused_remaining``) while it is paused, so every screen computes the same countdown from the
same numbers and nothing needs to tick on the server. Times are float epoch seconds; nothing in
this module reads a clock.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

Status = Literal["idle", "running", "paused", "over"]


@dataclass(frozen=True)
class Timer:
    """A countdown; create it idle with ``Timer()`` and change it with the functions below."""

    duration: float = 0.0
    """Seconds set by the last start, plus any extensions since."""
    ends_at: float | None = None
    """The deadline while running (or once it has run out)."""
    paused_remaining: float | None = None
    """Seconds left while paused."""

    def status(self, now: float) -> Status:
        """``idle`` before a start, ``running``, ``paused``, or ``over`` once the deadline passed."""
        if self.ends_at is not None:
            return "running" if now < self.ends_at else "over"
        if self.paused_remaining is not None:
            return "paused"
        return "idle"

    def remaining(self, now: float) -> float:
        """Seconds left: never negative, never more than ``duration``; ``duration`` when idle.

        Clamping to ``duration`` also covers a server whose clock is a little behind the one
        that started the timer.
        """
        if self.ends_at is not None:
            left = self.ends_at - now
        elif self.paused_remaining is not None:
            left = self.paused_remaining
        else:
            left = self.duration
        return min(max(0.0, left), max(0.0, self.duration))


def start(timer: Timer, *, seconds: float, now: float) -> Timer:
    """A timer running for ``seconds`` from ``now``, whatever ``timer`` was doing."""
    if seconds < 0:
        raise ValueError("a timer cannot run for a negative time")
    return Timer(duration=float(seconds), ends_at=now + seconds)


def pause(timer: Timer, *, now: float) -> Timer:
    """Freeze a running timer with its time left; any other timer is returned unchanged."""
    if timer.status(now) != "running":
        return timer
    return Timer(duration=timer.duration, paused_remaining=timer.remaining(now))


def resume(timer: Timer, *, now: float) -> Timer:
    """Restart a paused timer with the time it had left; any other timer is returned unchanged."""
    if timer.status(now) != "paused":
        return timer
    return Timer(duration=timer.duration, ends_at=now + timer.remaining(now))


def extend(timer: Timer, *, seconds: float, now: float) -> Timer:
    """Add (or with a negative number, take away) time; the time left never drops below zero.

    A running or paused timer keeps its state. A timer that is over starts running again when
    time is added ("two more minutes"). An idle timer only changes its duration.
    """
    duration = max(0.0, timer.duration + seconds)
    status = timer.status(now)
    if status == "idle":
        return replace(timer, duration=duration)
    left = max(0.0, timer.remaining(now) + seconds)
    if status == "paused":
        return Timer(duration=duration, paused_remaining=left)
    return Timer(duration=duration, ends_at=now + left)


def reset(timer: Timer) -> Timer:
    """Back to idle, keeping the duration."""
    return Timer(duration=timer.duration)


@dataclass(frozen=True)
class Phase:
    """One step of a speaker-listener exercise.

    ``speaker`` and ``listener`` name the roles of the turn the phase belongs to: in a
    ``paraphrase`` phase the listener says back what they heard from the speaker; a ``swap``
    phase closes the turn it belongs to, before the partners change roles.
    """

    kind: Literal["speak", "paraphrase", "swap"]
    speaker: Literal["A", "B"]
    listener: Literal["A", "B"]
    round: int
    seconds: float


def speaker_listener_phases(
    *, rounds: int, speak_seconds: float, paraphrase_seconds: float, swap_seconds: float = 15
) -> list[Phase]:
    """Every phase, in order: in each round A speaks, B paraphrases, swap, B speaks,
    A paraphrases, swap; no swap after the very last phase. A ``swap_seconds`` of 0 leaves the
    swaps out.
    """
    if rounds < 1 or speak_seconds <= 0 or paraphrase_seconds <= 0 or swap_seconds < 0:
        raise ValueError("rounds must be at least 1 and every phase must last a positive time")
    phases: list[Phase] = []
    turns: tuple[tuple[Literal["A", "B"], Literal["A", "B"]], ...] = (("A", "B"), ("B", "A"))
    for number in range(1, rounds + 1):
        for speaker, listener in turns:
            if phases and swap_seconds > 0:
                last = phases[-1]
                phases.append(
                    Phase("swap", last.speaker, last.listener, last.round, float(swap_seconds))
                )
            phases.append(Phase("speak", speaker, listener, number, float(speak_seconds)))
            phases.append(Phase("paraphrase", speaker, listener, number, float(paraphrase_seconds)))
    return phases


def phase_at(
    phases: list[Phase], *, started_at: float, now: float, paused_total: float = 0.0
) -> tuple[int, float] | None:
    """The current phase's index and the seconds left in it; ``None`` once every phase is done.

    ``paused_total`` is the time spent paused since ``started_at``. At the exact end of a phase
    the next one is current, with its full length left. Before ``started_at`` the first phase
    is current and full.
    """
    elapsed = max(0.0, now - started_at - paused_total)
    end = 0.0
    for index, phase in enumerate(phases):
        end += phase.seconds
        if elapsed < end:
            return index, min(phase.seconds, end - elapsed)
    return None
