"""One watcher per server process: reads the version of every workshop a screen is waiting
on, once a second in one query, and wakes the waiting connections when it moved. On
PostgreSQL the database also says when any server committed a change (LISTEN/NOTIFY), and the
watcher reads at once instead of at the end of its second.

However many phones and projectors wait on one server, the database sees one small query a
second from it (none while nobody waits), so a phone that has nothing new to show costs no
query and no script run. A change made on another server is seen within the same second,
or at once on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field

from workshop.engine.errors import BedrockError, StorageBusy
from workshop.engine.privacy import normalise_code

log = logging.getLogger(__name__)

GONE = None
"""The version reported for a workshop that no longer exists (deleted after it ended)."""
SOONEST = 0.05
"""The shortest pause between two rounds, however often the database says something
changed: a burst of changes (a room of phones sending at once) costs a few rounds, not one
each."""


@dataclass
class _Watched:
    version: int | None
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    waiters: int = 0
    idle_since: float = 0.0


def _behind(known: int | None, seen: int | None) -> bool:
    """Whether the version this process read is older than the one a screen drew (versions
    only ever go up)."""
    return isinstance(known, int) and isinstance(seen, int) and known < seen


class VersionWatcher:
    """Workshop versions as this process last read them, and the connections waiting on them.

    ``read_versions(codes)`` returns ``{code: version}`` for the codes that exist (a blocking
    call, run in a worker thread); it may raise BedrockError while the database is away, and
    the watcher then keeps what it knew and tries again next round. ``normalise`` makes a
    key as asked comparable (join codes by default; a pair's listen key is kept as it is).
    ``on_moved(code)`` is called, before its waiters are woken, for each key whose version
    a round saw move.
    """

    def __init__(
        self,
        read_versions: Callable[[list[str]], dict[str, int]],
        *,
        every: float = 1.0,
        keep_idle: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        normalise: Callable[[str], str] = normalise_code,
        on_moved: Callable[[str], None] | None = None,
    ) -> None:
        self._read = read_versions
        self._on_moved = on_moved
        self._normalise = normalise
        self.every = every
        self.keep_idle = keep_idle
        self._clock = clock
        self._watched: dict[str, _Watched] = {}
        self._first_reads: dict[str, asyncio.Future[int | None]] = {}
        self._nudged = asyncio.Event()
        self.rounds = 0
        """How many rounds have read the database (for tests and the benchmark)."""
        self.reachable = True
        """Whether the last round could read the database. While it cannot, the versions
        held are only what was last known, and a waiting screen is better told so (it then
        polls, and says it is reconnecting) than kept waiting on news that cannot come."""

    @property
    def waiting(self) -> int:
        """How many connections are waiting right now."""
        return sum(entry.waiters for entry in self._watched.values())

    async def known(self, code: str) -> int | None:
        """The workshop's version, or None when there is no such workshop. A workshop not yet
        watched is read at once; many first askers share that one read."""
        code = self._normalise(code)
        entry = self._watched.get(code)
        if entry is not None:
            return entry.version
        pending = self._first_reads.get(code)
        if pending is None:
            pending = asyncio.get_running_loop().create_future()
            self._first_reads[code] = pending
            try:
                found = await asyncio.to_thread(self._read, [code])
            except BaseException as error:
                pending.set_exception(error)
                pending.exception()  # retrieved here, so an unshared failure is not logged
                raise
            finally:
                self._first_reads.pop(code, None)
            version = found.get(code)
            if version is not None and code not in self._watched:
                self._watched[code] = _Watched(version=version, idle_since=self._clock())
            pending.set_result(version)
            return version
        return await asyncio.shield(pending)

    async def wait(self, code: str, *, seen: int | None, hold: float) -> int | None:
        """The workshop's version as soon as it differs from ``seen``, or after ``hold``
        seconds without a change. Call :meth:`known` first: an unwatched code answers at
        once."""
        entry = self._watched.get(self._normalise(code))
        if entry is None:
            return GONE
        if entry.version != seen and not _behind(entry.version, seen):
            return entry.version
        # Nothing new, or this watcher has not read yet what the screen drew (a page reads
        # the database itself, and may be a round ahead): wait for a version past it.
        entry.waiters += 1
        loop = asyncio.get_running_loop()
        deadline = loop.time() + hold
        try:
            while True:
                left = deadline - loop.time()
                if left <= 0:
                    break
                with suppress(TimeoutError):
                    await asyncio.wait_for(entry.changed.wait(), timeout=left)
                moved = entry.version != seen and not _behind(entry.version, seen)
                if moved or entry.version is GONE or not self.reachable:
                    break
            # Still behind the screen at the end of the hold: nothing new that it knows of.
            return seen if _behind(entry.version, seen) else entry.version
        finally:
            entry.waiters -= 1
            if entry.waiters == 0:
                entry.idle_since = self._clock()

    async def read_once(self) -> None:
        """One round: read the versions of the workshops someone waits on, wake their
        waiters where it moved, and stop watching workshops nobody asked about for a while."""
        now = self._clock()
        for code, entry in list(self._watched.items()):
            if entry.waiters == 0 and now - entry.idle_since > self.keep_idle:
                del self._watched[code]
        codes = [code for code, entry in self._watched.items() if entry.waiters > 0]
        if not codes:
            return
        try:
            found = await asyncio.to_thread(self._read, codes)
        except StorageBusy:
            # The server is overloaded, not the database away: sending every screen to
            # polling would only add to the load. Keep what we knew; try next round.
            return
        except BedrockError:
            # The database is away for a moment: keep what we knew, wake every waiter so
            # its screen hears that (see ``reachable``), and try again next round.
            self.reachable = False
            for entry in self._watched.values():
                changed, entry.changed = entry.changed, asyncio.Event()
                changed.set()
            return
        self.reachable = True
        self.rounds += 1
        for code in codes:
            entry = self._watched.get(code)
            if entry is None:
                continue
            version = found.get(code, GONE)
            if version != entry.version:
                entry.version = version
                if self._on_moved is not None:
                    self._on_moved(code)
                changed, entry.changed = entry.changed, asyncio.Event()
                changed.set()
            if version is GONE:
                del self._watched[code]

    def nudge(self) -> None:
        """Read the next round now instead of at the end of the second: the database said
        something changed. Call from the watcher's own event loop (from another thread, via
        ``loop.call_soon_threadsafe``). Nudges within :data:`SOONEST` of a round share the
        next one."""
        self._nudged.set()

    async def run(self) -> None:
        """Read a round every ``every`` seconds, or soon after a :meth:`nudge`, until
        cancelled."""
        while True:
            started = self._clock()
            self._nudged.clear()
            try:
                await self.read_once()
            except Exception as error:  # never let one bad round stop every screen's updates
                # Only the kind of error: its text could carry the join codes asked about.
                log.warning("reading workshop versions failed (%s)", type(error).__name__)
            await asyncio.sleep(SOONEST)
            with suppress(TimeoutError):
                left = self.every - (self._clock() - started)
                await asyncio.wait_for(self._nudged.wait(), timeout=max(0.0, left))
