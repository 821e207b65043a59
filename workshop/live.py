"""A per-process cache that lets hundreds of refreshing screens share one database read.

Every phone, console and projector polls its workshop every second or two. Without a cache
each poll is a query; with it, a workshop's ``version`` is read at most once per ``ttl``
seconds per server process, and the heavier state and results are read once per version.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from workshop.store import Results, Store, WorkshopState


@dataclass
class _Entry:
    version: int
    read_at: float
    state: WorkshopState | None = None
    results: dict[str, Results] = field(default_factory=dict)


class LiveCache:
    """Version, state and results of each workshop, shared by every session of this process.

    Read-only towards the database. Errors from the store (unknown or ended workshop,
    storage down) pass through untouched, and nothing is cached for them.
    """

    def __init__(
        self, store: Store, *, ttl: float = 1.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.store = store
        self.ttl = ttl
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def _entry(self, code: str) -> _Entry:
        now = self._clock()
        with self._lock:
            entry = self._entries.get(code)
            if entry is not None and now - entry.read_at < self.ttl:
                return entry
        version = self.store.version(code=code)
        with self._lock:
            entry = self._entries.get(code)
            if entry is None or entry.version != version:
                entry = _Entry(version=version, read_at=now)
                self._entries[code] = entry
            else:
                entry.read_at = now
            return entry

    def version(self, code: str) -> int:
        """The workshop's version, at most ``ttl`` seconds old."""
        return self._entry(code).version

    def state(self, code: str) -> WorkshopState:
        """The workshop's state at its current version."""
        entry = self._entry(code)
        if entry.state is None:
            state = self.store.state(code=code)
            with self._lock:
                entry.state = state
        return entry.state

    def results(self, code: str, prompt_id: str) -> Results:
        """A prompt's results at the workshop's current version."""
        entry = self._entry(code)
        cached = entry.results.get(prompt_id)
        if cached is None:
            cached = self.store.results(code=code, prompt_id=prompt_id)
            with self._lock:
                entry.results[prompt_id] = cached
        return cached

    def forget(self, code: str) -> None:
        """Drop what is cached for a workshop, so the next read sees a change made here at once."""
        with self._lock:
            self._entries.pop(code, None)


def signature(state: WorkshopState) -> tuple[Any, ...]:
    """What a participant's page is drawn from; a change means the page must be redrawn."""
    return (state.status, state.stage_index, state.current_prompt, tuple(sorted(state.revealed)))
