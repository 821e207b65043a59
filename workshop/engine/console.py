"""What the facilitator changes on the workshop row: stage, slide, prompt and timer.

Moving to another stage or prompt also takes every revealed result off the wall: results go
up only when the facilitator reveals them, for the question in front of the room.

Each change gets the connection, the locked workshop row and the time, and returns the
columns to set (None when nothing changes); the store checks the key, bumps the version and
commits.
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Integral
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from workshop.engine import db, limits, pairs
from workshop.engine.db import prompts, stages
from workshop.engine.errors import InvalidInput
from workshop.engine.timer import Timer
from workshop.i18n import N_

MAX_TIMER = float(limits.MAX_TIMER_SECONDS)
MAX_SLIDES = limits.MAX_SLIDES
MAX_WALL_PAGES = 1000

Values = dict[str, Any] | None


def seconds(value: object, *, positive: bool) -> float:
    """A timer length or change in seconds, checked (see :mod:`workshop.engine.limits`).
    Raises InvalidInput."""
    return limits.timer_seconds(value, positive=positive)


def whole(value: object) -> int:
    """A whole number, checked (True and False are refused). Raises InvalidInput."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise InvalidInput(N_("Please give a whole number."))
    return int(value)


def timer_of(row: Row) -> Timer:
    """The timer stored in a workshop row."""
    return Timer(
        duration=row.timer_duration,
        ends_at=row.timer_ends_at,
        paused_remaining=row.timer_paused_remaining,
    )


def timer_values(timer: Timer) -> dict[str, Any]:
    """The workshop columns that store ``timer``."""
    return {
        "timer_duration": timer.duration,
        "timer_ends_at": timer.ends_at,
        "timer_paused_remaining": timer.paused_remaining,
    }


def stage_at(wanted: int) -> Callable[[int, int], int]:
    """Where :func:`move` goes for "go to stage ``wanted``"."""

    def target(_current: int, count: int) -> int:
        if not 0 <= wanted < count:
            # A number far out of any plan is not repeated back at full length.
            if -1 <= wanted < limits.MAX_SLIDES:
                raise InvalidInput(N_("There is no stage {number}."), number=wanted + 1)
            raise InvalidInput(N_("There is no stage like that."))
        return wanted

    return target


def next_stage(current: int, count: int) -> int:
    """Where :func:`move` goes for "next stage"."""
    if current + 1 >= count:
        raise InvalidInput(N_("This is already the last stage."))
    return current + 1


def previous_stage(current: int, _count: int) -> int:
    """Where :func:`move` goes for "previous stage"."""
    if current == 0:
        raise InvalidInput(N_("This is already the first stage."))
    return current - 1


def take_down(connection: Connection, row: Row) -> None:
    """Take every revealed result of the workshop off the wall (they stay shared), and
    forget any wall the threshold rule took down: the room has moved on."""
    connection.execute(
        prompts.update()
        .where(
            prompts.c.workshop_id == row.id,
            sa.or_(prompts.c.revealed.is_(True), prompts.c.taken_down.is_(True)),
        )
        .values(revealed=False, taken_down=False)
    )


def move(
    connection: Connection, row: Row, now: float, *, target: Callable[[int, int], int]
) -> Values:
    """Leave the current stage, adding the time spent to it, for ``target(current, count)``.
    The new stage starts now, on its first slide, with no prompt, nothing revealed, no
    couple's exchange kept and an idle timer."""
    count = connection.scalar(sa.select(sa.func.count()).where(stages.c.workshop_id == row.id))
    index = target(row.stage_index, count)
    if index == row.stage_index:
        return None
    spent = 0.0 if row.stage_started_at is None else max(0.0, now - row.stage_started_at)
    connection.execute(
        stages.update()
        .where(stages.c.workshop_id == row.id, stages.c.position == row.stage_index)
        .values(elapsed=stages.c.elapsed + spent)
    )
    take_down(connection, row)
    pairs.clear_exchanges(connection, row.id)
    return {
        "stage_index": index,
        "gathered": False,
        "stage_started_at": now,
        "slide_index": 0,
        "current_prompt": None,
        "wall_page": None,
        **timer_values(Timer()),
    }


def slide(_connection: Connection, row: Row, _now: float, *, index: int) -> Values:
    """Show slide ``index`` of the current stage."""
    if not 0 <= index < MAX_SLIDES:
        raise InvalidInput(N_("There is no such slide."))
    return None if row.slide_index == index else {"slide_index": index}


def prompt(connection: Connection, row: Row, _now: float, *, prompt_id: str | None) -> Values:
    """Put a prompt of this workshop (or none) on everyone's phone; when it changes, every
    revealed result leaves the wall and every couple's exchange on it is forgotten."""
    if prompt_id is not None:
        db.find_prompt(connection, row.id, prompt_id)
    if row.current_prompt == prompt_id:
        return None
    take_down(connection, row)
    pairs.clear_exchanges(connection, row.id)
    return {"current_prompt": prompt_id, "wall_page": None, "gathered": False}


def gather(connection: Connection, row: Row, _now: float) -> Values:
    """Bring the room back together: the partner exercise leaves every phone (no prompt),
    its results leave the wall, every couple's exchange is forgotten, and phones say it is
    time to come back together."""
    take_down(connection, row)
    pairs.clear_exchanges(connection, row.id)
    return {"current_prompt": None, "wall_page": None, "gathered": True}


def wall_page(_connection: Connection, row: Row, _now: float, *, page: int | None) -> Values:
    """Hold page ``page`` (from 0) of a long wall on the projector, or let the pages turn by
    themselves again (None). Screens keep the number within the wall's pages."""
    if page is not None and not 0 <= page < MAX_WALL_PAGES:
        raise InvalidInput(N_("There is no such page."))
    return None if row.wall_page == page else {"wall_page": page}


def timer(
    _connection: Connection, row: Row, now: float, *, step: Callable[[Timer, float], Timer]
) -> Values:
    """Apply one timer step (start, pause, ...) to the stored timer."""
    before = timer_of(row)
    after = step(before, now)
    return None if after == before else timer_values(after)


def end(connection: Connection, row: Row, _now: float) -> Values:
    """Delete every row the workshop owns and blank everything in its own row, leaving a
    marker with its code, created day and status "ended"."""
    db.delete_rows(connection, [row.id])
    return {
        "status": "ended",
        "title": "",
        "support_text": "",
        "secret": "",
        "passcode_hash": "",
        "stage_index": 0,
        "stage_started_at": None,
        "slide_index": 0,
        "current_prompt": None,
        "wall_page": None,
        "gathered": False,
        **timer_values(Timer()),
        "attempt_window_start": None,
        "attempt_failures": 0,
        "locked_until": None,
        "lockouts": 0,
    }
