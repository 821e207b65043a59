"""The per-process cache that refreshing phones share: one read serves a whole burst, a
change made in this process shows at once, changes made elsewhere show within the ttl."""

from __future__ import annotations

import threading

import pytest

from tests.conftest import Clock
from workshop.engine.errors import WorkshopNotFound
from workshop.engine.live import LiveCache, moved
from workshop.engine.store import Store


class CountingStore(Store):
    """The real store, counting the reads the cache makes through it."""

    def __init__(self, url: str, *, clock: Clock) -> None:
        super().__init__(url, clock=clock)
        self.reads = {"version": 0, "state": 0, "results": 0}
        self._count_lock = threading.Lock()

    def _counted(self, name: str) -> None:
        with self._count_lock:
            self.reads[name] += 1

    def version(self, *, code: str) -> int:
        self._counted("version")
        return super().version(code=code)

    def state(self, *, code: str):
        self._counted("state")
        return super().state(code=code)

    def results(self, *, code: str, prompt_id: str):
        self._counted("results")
        return super().results(code=code, prompt_id=prompt_id)


@pytest.fixture
def counting(sqlite_url, clock):
    opened = CountingStore(sqlite_url, clock=clock)
    yield opened
    opened.close()


def test_a_burst_of_refreshing_phones_costs_one_read(counting, new_workshop):
    created = new_workshop(counting)
    cache = LiveCache(counting, ttl=60.0)
    start = threading.Barrier(40)
    seen: list[int] = []

    def phone() -> None:
        start.wait()
        seen.append(cache.state(created.code).stage_index)
        cache.results(created.code, "barrier")

    threads = [threading.Thread(target=phone) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert seen == [0] * 40
    assert counting.reads == {"version": 1, "state": 1, "results": 1}


def test_forget_shows_a_change_made_here_at_once(counting, new_workshop):
    created = new_workshop(counting)
    cache = LiveCache(counting, ttl=60.0)
    assert cache.state(created.code).stage_index == 0

    counting.next_stage(code=created.code, key=created.facilitator_key)
    assert cache.state(created.code).stage_index == 0  # within the ttl: still the cached one
    cache.forget(created.code)

    assert cache.state(created.code).stage_index == 1
    assert counting.reads["version"] == 2


def test_a_change_made_elsewhere_shows_after_the_ttl(counting, new_workshop):
    created = new_workshop(counting)
    ticks = Clock(now=100.0)
    cache = LiveCache(counting, ttl=1.0, clock=ticks)
    before = cache.version(created.code)

    counting.set_prompt(code=created.code, key=created.facilitator_key, prompt_id="arrival")
    ticks.advance(0.5)
    assert cache.version(created.code) == before
    ticks.advance(0.6)
    assert cache.version(created.code) == before + 1
    assert cache.state(created.code).current_prompt == "arrival"


def test_an_unchanged_version_keeps_the_state_it_read(counting, new_workshop):
    created = new_workshop(counting)
    ticks = Clock(now=100.0)
    cache = LiveCache(counting, ttl=1.0, clock=ticks)
    cache.state(created.code)
    for _ in range(5):
        ticks.advance(2.0)
        cache.state(created.code)

    assert counting.reads == {"version": 6, "state": 1, "results": 0}


def test_an_unknown_workshop_is_reported_every_time_and_never_cached(counting):
    cache = LiveCache(counting, ttl=60.0)
    for _ in range(2):
        with pytest.raises(WorkshopNotFound):
            cache.state("QQQQQQ")
    assert counting.reads["version"] == 2


def test_the_cache_holds_only_workshops_that_exist(counting, new_workshop):
    """Unknown codes used to stay in the cache for the life of the process (about 50-70 MB
    per 100 long codes)."""
    created = new_workshop(counting)
    cache = LiveCache(counting, ttl=60.0)
    cache.state(created.code)
    unknown = [c for c in ("QQQQQQ", "WWWWWW", "ACDEFG") if c != created.code]
    malformed = ["Z" * 100_000, "ZZZZZZ", "ABC12", "ABC1234", "", "ÄÖÜ123"]
    for code in unknown + malformed:
        for read in (cache.version, cache.state, lambda c: cache.results(c, "barrier")):
            with pytest.raises(WorkshopNotFound):
                read(code)
        cache.forget(code)
    assert cache.codes() == {created.code}
    # Codes that cannot be one never reach the database at all.
    assert counting.reads["version"] == 1 + 3 * len(unknown)


def test_a_move_heard_by_the_server_shows_at_once_in_every_cache_of_the_process(
    counting, new_workshop
):
    created = new_workshop(counting)
    caches = [LiveCache(counting, ttl=60.0) for _ in range(2)]
    assert [cache.state(created.code).stage_index for cache in caches] == [0, 0]

    counting.next_stage(code=created.code, key=created.facilitator_key)  # another server
    assert [cache.state(created.code).stage_index for cache in caches] == [0, 0]
    moved(created.code)  # the version watcher read it

    assert [cache.state(created.code).stage_index for cache in caches] == [1, 1]
