"""A per-process cache that lets hundreds of refreshing screens share one database read.

Every phone, console and projector polls its workshop every second or two. Without a cache
each poll is a query; with it, a workshop's ``version`` is read at most once per ``ttl``
seconds per server process, and the heavier state and results are read once per version.
When many sessions ask at the same moment (a burst of ticks, or the first ticks after a
change), one of them reads and the others wait for that read instead of repeating it.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from workshop.engine import privacy
from workshop.engine.errors import WorkshopNotFound
from workshop.engine.store import Results, Store, WorkshopState


@dataclass
class _Entry:
    version: int
    read_at: float
    """When the read that produced ``version`` started (the cache's clock)."""
    state: WorkshopState | None = None
    results: dict[str, Results] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    """Held while the state or a result of this version is being read."""


_CACHES: weakref.WeakSet[LiveCache] = weakref.WeakSet()
"""Every cache of this process, for :func:`moved`."""


def moved(code: str) -> None:
    """Workshop ``code`` moved past what this process's caches may hold (the server's
    version watcher just read it): their next read of it checks the database. A screen
    woken by that news then draws the change, instead of its ttl-old state and a second
    wake-up a moment later."""
    for cache in list(_CACHES):
        cache.forget(code)


class LiveCache:
    """Version, state and results of each workshop, shared by every session of this process.

    Read-only towards the database. Errors from the store (unknown or ended workshop,
    storage down) pass through untouched, and nothing is cached for them: the cache holds
    only workshops that exist, and a code that cannot be one is refused before any lookup.
    """

    def __init__(
        self, store: Store, *, ttl: float = 1.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.store = store
        self.ttl = ttl
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._stale_before: dict[str, float] = {}
        self._reading: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        _CACHES.add(self)

    def _usable(self, code: str, entry: _Entry | None, asked: float) -> bool:
        """Whether ``entry`` answers a question asked at ``asked``: its read started at most
        ``ttl`` before, and after the last :meth:`forget`."""
        if entry is None:
            return False
        return entry.read_at > asked - self.ttl and entry.read_at >= self._stale_before.get(
            code, float("-inf")
        )

    def _entry(self, code: str) -> _Entry:
        if not privacy.is_code(code):  # nothing is kept, or even looked up, for such a code
            raise WorkshopNotFound()
        asked = self._clock()
        with self._lock:
            entry = self._entries.get(code)
            if self._usable(code, entry, asked):
                return entry
            reading = self._reading.setdefault(code, threading.Lock())
        with reading:  # one version read per workshop at a time; the others wait for it
            with self._lock:
                entry = self._entries.get(code)
                if self._usable(code, entry, asked):
                    return entry
            started = self._clock()
            try:
                version = self.store.version(code=code)
            except WorkshopNotFound:
                self._drop(code, reading)
                raise
            with self._lock:
                entry = self._entries.get(code)
                if entry is None or entry.version != version:
                    entry = _Entry(version=version, read_at=started)
                    self._entries[code] = entry
                else:
                    entry.read_at = started
                return entry

    def _drop(self, code: str, reading: threading.Lock) -> None:
        """Keep nothing for a code that names no workshop (any more)."""
        with self._lock:
            self._entries.pop(code, None)
            self._stale_before.pop(code, None)
            if self._reading.get(code) is reading:
                del self._reading[code]

    def codes(self) -> set[str]:
        """The codes this cache holds anything for (every one names a workshop)."""
        with self._lock:
            return set(self._entries) | set(self._reading) | set(self._stale_before)

    def version(self, code: str) -> int:
        """The workshop's version, at most ``ttl`` seconds old."""
        return self._entry(code).version

    def state(self, code: str) -> WorkshopState:
        """The workshop's state at its current version."""
        entry = self._entry(code)
        if entry.state is None:
            with entry.lock:
                if entry.state is None:
                    entry.state = self.store.state(code=code)
        return entry.state

    def results(self, code: str, prompt_id: str) -> Results:
        """A prompt's results at the workshop's current version."""
        entry = self._entry(code)
        cached = entry.results.get(prompt_id)
        if cached is None:
            with entry.lock:
                cached = entry.results.get(prompt_id)
                if cached is None:
                    cached = self.store.results(code=code, prompt_id=prompt_id)
                    entry.results[prompt_id] = cached
        return cached

    def forget(self, code: str) -> None:
        """Make the next read of this workshop check the database, so a change made here is
        seen at once (a read already under way when this is called does not count)."""
        with self._lock:
            if code in self._entries or code in self._reading:
                self._stale_before[code] = self._clock()


def signature(state: WorkshopState) -> tuple[Any, ...]:
    """What a participant's page is drawn from; a change means the page must be redrawn."""
    return (state.status, state.stage_index, state.current_prompt, tuple(sorted(state.revealed)))
