"""The bounds on every number the engine accepts, and the checks that hold them.

A number reaches the engine from a page, a content file or the command line. Each one must
make sense for a workshop before it goes near the database: a reveal threshold larger than any
room, a timer of a thousand years or an integer past what SQLite and PostgreSQL can store is
refused here with an ``InvalidInput`` that says what to give instead. True and False are not
numbers here; neither are NaN or the infinities.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

from workshop.engine.errors import InvalidInput
from workshop.i18n import N_

MAX_REVEAL = 1000
"""The highest reveal threshold: more people than any workshop room holds."""
MAX_STAGE_MINUTES = 24 * 60
"""The longest a stage may be planned for, in minutes."""
MAX_TIMER_SECONDS = 24 * 3600
"""The longest a timer may run, and the most it may be changed by at once, in seconds."""
MAX_SLIDES = 1000
"""Slide numbers of a stage run from 0 to below this."""
MAX_CHARS = 20_000
"""The longest text a prompt may be set to accept."""
SCALE_LIMIT = 1000
"""The ends of a scale lie between -SCALE_LIMIT and SCALE_LIMIT."""
MAX_SCALE_POINTS = 101
"""A scale has at most this many points (0 to 100, say): each is counted on the wall."""
MAX_PURGE_DAYS = 36_500
"""How far back ``purge`` may look: a hundred years."""


def whole(value: object, *, low: int, high: int, message: str) -> int:
    """``value`` as an int, if it is a whole number from ``low`` to ``high``. Raises
    InvalidInput with ``message`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise InvalidInput(message)
    number = int(value)
    if not low <= number <= high:
        raise InvalidInput(message)
    return number


def number(value: object, *, low: float, high: float, message: str) -> float:
    """``value`` as a float, if it is a finite number from ``low`` to ``high``. Raises
    InvalidInput with ``message`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise InvalidInput(message)
    if isinstance(value, Integral):
        # Compared as integers: a huge one would not even convert to a float.
        if not low <= int(value) <= high:
            raise InvalidInput(message)
        return float(value)
    try:
        converted = float(value)
    except (OverflowError, ValueError):
        raise InvalidInput(message) from None
    if not math.isfinite(converted) or not low <= converted <= high:
        raise InvalidInput(message)
    return converted


def reveal_threshold(value: object, *, where: str = "The reveal threshold") -> int:
    """A reveal threshold: a whole number of people from 1 to :data:`MAX_REVEAL`."""
    return whole(
        value,
        low=1,
        high=MAX_REVEAL,
        message=f"{where} must be a whole number from 1 to {MAX_REVEAL}.",
    )


def stage_minutes(value: object, *, where: str) -> float:
    """A stage's planned minutes, from 0 to :data:`MAX_STAGE_MINUTES`."""
    return number(
        value,
        low=0,
        high=MAX_STAGE_MINUTES,
        message=f"{where}: minutes must be a number from 0 to {MAX_STAGE_MINUTES}.",
    )


def timer_seconds(value: object, *, positive: bool) -> float:
    """A timer's length (``positive``) or a change to it (may be negative), in seconds."""
    if positive:
        span = number(
            value,
            low=0,
            high=MAX_TIMER_SECONDS,
            message=N_("A timer runs for more than 0 seconds and at most 24 hours."),
        )
        if span <= 0:
            raise InvalidInput(N_("A timer runs for more than 0 seconds and at most 24 hours."))
        return span
    return number(
        value,
        low=-MAX_TIMER_SECONDS,
        high=MAX_TIMER_SECONDS,
        message=N_("A timer can be changed by at most 24 hours at once."),
    )


def max_chars(value: object, *, where: str) -> int:
    """The longest text a prompt accepts: 1 to :data:`MAX_CHARS` characters."""
    return whole(
        value,
        low=1,
        high=MAX_CHARS,
        message=f"{where}: max_chars must be a whole number from 1 to {MAX_CHARS}.",
    )


def scale(low: object, high: object, *, where: str) -> tuple[int, int]:
    """The two ends of a scale: whole numbers within ±:data:`SCALE_LIMIT`, ``low`` below
    ``high``, at most :data:`MAX_SCALE_POINTS` points."""
    message = (
        f"{where}: a scale needs whole numbers scale_min < scale_max, between "
        f"-{SCALE_LIMIT} and {SCALE_LIMIT}, with at most {MAX_SCALE_POINTS} points."
    )
    lowest = whole(low, low=-SCALE_LIMIT, high=SCALE_LIMIT, message=message)
    highest = whole(high, low=-SCALE_LIMIT, high=SCALE_LIMIT, message=message)
    if not lowest < highest or highest - lowest + 1 > MAX_SCALE_POINTS:
        raise InvalidInput(message)
    return lowest, highest


def purge_days(value: object) -> int:
    """How many days back ``purge`` keeps workshops: 0 to :data:`MAX_PURGE_DAYS`."""
    return whole(
        value,
        low=0,
        high=MAX_PURGE_DAYS,
        message=f"older_than_days must be a whole number of days from 0 to {MAX_PURGE_DAYS}.",
    )
