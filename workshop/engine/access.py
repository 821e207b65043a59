"""Opening the facilitator console: passcode tries, throttled per workshop; and join codes
looked up from one browser session, throttled per session.

At most ``PASSCODE_TRIES`` wrong passcodes count within ``TRY_WINDOW`` seconds. After that
every try is refused, the right passcode too, for a minute; each further run of wrong
passcodes doubles the wait, up to an hour. A right passcode, or an hour without tries after a
wait, starts over. The counters live in the workshop row, so they hold across app servers, and
a try is counted before the passcode is checked, so parallel guesses cannot get past the limit.
The passcode itself is checked by the caller between the two steps, outside any transaction,
because scrypt is slow on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from workshop.engine import db
from workshop.engine.db import workshops
from workshop.engine.errors import TooManyAttempts

PASSCODE_TRIES = 5
TRY_WINDOW = 60.0
FIRST_WAIT = 60.0
LONGEST_WAIT = 3600.0


def reserve_try(connection: Connection, *, code: str, now: float) -> tuple[int, str, str]:
    """Count one try against the workshop and return its id, secret and passcode hash.
    Raises TooManyAttempts (with the seconds to wait) instead while tries are refused, and
    WorkshopNotFound / WorkshopEnded."""
    row = db.find_workshop(connection, code, lock=True)
    if row.locked_until is not None and now < row.locked_until:
        raise TooManyAttempts(row.locked_until - now)
    start, failures, lockouts = row.attempt_window_start, row.attempt_failures, row.lockouts
    if start is None or not 0 <= now - start < TRY_WINDOW:
        start, failures = now, 0
        if row.locked_until is not None and now - row.locked_until >= LONGEST_WAIT:
            lockouts = 0
    if failures >= PASSCODE_TRIES:
        raise TooManyAttempts(start + TRY_WINDOW - now)
    connection.execute(
        workshops.update()
        .where(workshops.c.id == row.id)
        .values(attempt_window_start=start, attempt_failures=failures + 1, lockouts=lockouts)
    )
    return row.id, row.secret, row.passcode_hash


def settle_try(connection: Connection, *, workshop_id: int, right: bool, now: float) -> None:
    """Record the outcome of a try: a right passcode clears the counters; the last wrong
    passcode allowed in a window starts a wait twice as long as the previous one."""
    row = connection.execute(
        sa.select(workshops).where(workshops.c.id == workshop_id).with_for_update()
    ).one_or_none()
    if row is None:
        return
    if right:
        values = {"attempt_window_start": None, "attempt_failures": 0}
        values.update(locked_until=None, lockouts=0)
    elif row.attempt_failures >= PASSCODE_TRIES and not (
        row.locked_until is not None and now < row.locked_until
    ):
        wait = min(LONGEST_WAIT, FIRST_WAIT * 2**row.lockouts)
        values = {"attempt_window_start": None, "attempt_failures": 0}
        values.update(locked_until=now + wait, lockouts=row.lockouts + 1)
    else:
        return
    connection.execute(workshops.update().where(workshops.c.id == row.id).values(values))


LOOKUP_TRIES = 5


@dataclass(frozen=True)
class LookupThrottle:
    """Unknown join codes tried from one browser session. Pure: the caller passes ``now``.

    Up to ``LOOKUP_TRIES`` unknown codes within ``TRY_WINDOW`` seconds; the next one starts
    a wait of ``FIRST_WAIT`` seconds, doubling with each further run, up to an hour. It keeps
    a guesser from walking through codes, and tells a person who mistyped how long to wait.
    """

    failures: tuple[float, ...] = ()
    locked_until: float = 0.0
    lockouts: int = 0

    def wait(self, now: float) -> float:
        """Seconds before another code may be looked up (0 when one may be now)."""
        return max(0.0, self.locked_until - now)

    def failed(self, now: float) -> LookupThrottle:
        """The throttle after one more unknown code at ``now``."""
        recent = tuple(t for t in self.failures if 0 <= now - t < TRY_WINDOW) + (now,)
        if len(recent) < LOOKUP_TRIES:
            return replace(self, failures=recent)
        wait = min(LONGEST_WAIT, FIRST_WAIT * 2**self.lockouts)
        return LookupThrottle(locked_until=now + wait, lockouts=self.lockouts + 1)
