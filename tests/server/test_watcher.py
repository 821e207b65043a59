"""The version watcher on a real store: one query a round however many wait, none while
nobody waits, waiters woken when the version moves or the workshop goes."""

from __future__ import annotations

import asyncio
import time

from tests.e2e.own_loop import in_own_loop
from workshop.engine.errors import StorageBusy, StorageUnavailable
from workshop.server.watcher import VersionWatcher


class CountingReads:
    """The store's batch read, counting the queries it makes."""

    def __init__(self, store) -> None:
        self.store = store
        self.queries = 0
        self.down = False
        self.busy = False

    def __call__(self, codes: list[str]) -> dict[str, int]:
        if self.down:
            raise StorageUnavailable()
        if self.busy:
            raise StorageBusy()
        self.queries += 1
        return self.store.versions(codes=codes)


def test_a_hundred_waiters_on_one_workshop_cost_one_query_a_round(store, new_workshop):
    code = new_workshop(store).code
    reads = CountingReads(store)
    watcher = VersionWatcher(reads, every=0.2)

    async def scenario():
        version = await watcher.known(code)
        runner = asyncio.create_task(watcher.run())
        waiters = [
            asyncio.create_task(watcher.wait(code, seen=version, hold=1.0)) for _ in range(100)
        ]
        answers = await asyncio.gather(*waiters)
        runner.cancel()
        return version, answers

    version, answers = in_own_loop(scenario())

    assert answers == [version] * 100
    assert reads.queries <= 1 + 7  # the first look, then about five rounds in one second


def test_nothing_is_read_while_nobody_waits(store, new_workshop):
    code = new_workshop(store).code
    reads = CountingReads(store)
    watcher = VersionWatcher(reads, every=0.05)

    async def scenario():
        await watcher.known(code)
        runner = asyncio.create_task(watcher.run())
        await asyncio.sleep(0.5)
        runner.cancel()

    in_own_loop(scenario())

    assert reads.queries == 1


def test_waiters_are_woken_when_the_version_moves(store, new_workshop):
    created = new_workshop(store)
    reads = CountingReads(store)
    heard: list[tuple[str, int]] = []
    # Told before the waiters wake (they count as woken only once they have answered).
    watcher = VersionWatcher(
        reads, every=0.1, on_moved=lambda code: heard.append((code, watcher.waiting))
    )

    async def scenario():
        version = await watcher.known(created.code)
        runner = asyncio.create_task(watcher.run())
        waiting = [
            asyncio.create_task(watcher.wait(created.code, seen=version, hold=20)) for _ in range(3)
        ]
        await asyncio.sleep(0.3)
        await asyncio.to_thread(store.next_stage, code=created.code, key=created.facilitator_key)
        changed = time.monotonic()
        answers = await asyncio.gather(*waiting)
        runner.cancel()
        return version, answers, time.monotonic() - changed

    version, answers, took = in_own_loop(scenario())

    assert answers == [store.version(code=created.code)] * 3
    assert answers[0] != version
    assert took < 1.0
    assert heard == [(created.code, 3)]


def test_waiters_hear_none_when_the_workshop_is_deleted(store, new_workshop, clock):
    created = new_workshop(store)
    watcher = VersionWatcher(CountingReads(store), every=0.1)

    async def scenario():
        version = await watcher.known(created.code)
        runner = asyncio.create_task(watcher.run())
        waiting = asyncio.create_task(watcher.wait(created.code, seen=version, hold=20))
        await asyncio.sleep(0.3)
        clock.advance(3 * 86400)
        await asyncio.to_thread(store.purge, older_than_days=1)
        answer = await waiting
        runner.cancel()
        return answer, await watcher.known(created.code)

    assert in_own_loop(scenario()) == (None, None)


def test_a_database_away_wakes_waiters_to_say_so_and_its_return_is_noticed(store, new_workshop):
    """While the database cannot be read, a waiting screen is woken at the next round and
    told (``reachable`` is false), so it polls and says it is reconnecting rather than wait
    for news that cannot come; once it is back, waiting works as before."""
    created = new_workshop(store)
    reads = CountingReads(store)
    watcher = VersionWatcher(reads, every=0.1)

    async def scenario():
        version = await watcher.known(created.code)
        runner = asyncio.create_task(watcher.run())
        reads.down = True
        started = time.monotonic()
        during = await watcher.wait(created.code, seen=version, hold=20)
        woken_after = time.monotonic() - started
        reachable_during = watcher.reachable
        await asyncio.to_thread(store.next_stage, code=created.code, key=created.facilitator_key)
        reads.down = False
        after = await watcher.wait(created.code, seen=version, hold=20)
        runner.cancel()
        return during, woken_after, reachable_during, after, watcher.reachable

    during, woken_after, reachable_during, after, reachable_after = in_own_loop(scenario())

    assert (during, reachable_during) == (store.version(code=created.code) - 1, False)
    assert woken_after < 5  # the next round, not the 20 s hold
    assert (after, reachable_after) == (store.version(code=created.code), True)


def test_an_overloaded_server_keeps_its_screens_waiting_rather_than_polling(store, new_workshop):
    """No pooled connection free in time means the server is overloaded, not the database
    away: its waiting screens are not told to poll (which would add to the load)."""
    created = new_workshop(store)
    reads = CountingReads(store)
    watcher = VersionWatcher(reads, every=0.1)

    async def scenario():
        version = await watcher.known(created.code)
        runner = asyncio.create_task(watcher.run())
        reads.busy = True
        waiting = asyncio.create_task(watcher.wait(created.code, seen=version, hold=20))
        await asyncio.sleep(0.5)
        still_waiting, reachable = not waiting.done(), watcher.reachable
        reads.busy = False
        await asyncio.to_thread(store.next_stage, code=created.code, key=created.facilitator_key)
        answer = await waiting
        runner.cancel()
        return still_waiting, reachable, answer

    still_waiting, reachable, answer = in_own_loop(scenario())

    assert still_waiting and reachable
    assert answer == store.version(code=created.code)


def test_many_first_askers_share_one_read(store, new_workshop):
    code = new_workshop(store).code
    reads = CountingReads(store)
    watcher = VersionWatcher(reads)

    async def scenario():
        return await asyncio.gather(*(watcher.known(code) for _ in range(50)))

    answers = in_own_loop(scenario())

    assert set(answers) == {store.version(code=code)}
    assert reads.queries == 1


def test_on_postgresql_a_change_from_another_server_wakes_waiters_long_before_the_round(
    pg_url, new_workshop
):
    """The round is a minute; the database's notice of a commit on another server wakes the
    waiters at once."""
    import threading

    from workshop.engine.store import Store

    here, elsewhere = Store(pg_url), Store(pg_url)
    created = new_workshop(elsewhere)
    reads = CountingReads(here)
    watcher = VersionWatcher(reads, every=60)
    stopping = threading.Event()

    async def scenario():
        version = await watcher.known(created.code)
        loop = asyncio.get_running_loop()
        listener = threading.Thread(
            target=here.listen_for_changes,
            args=(lambda: loop.call_soon_threadsafe(watcher.nudge), stopping.is_set),
            kwargs={"every": 0.2},
        )
        listener.start()
        runner = asyncio.create_task(watcher.run())
        waiting = asyncio.create_task(watcher.wait(created.code, seen=version, hold=30))
        await asyncio.sleep(1.0)  # the listener is listening, the first round is done
        rounds_before = reads.queries
        await asyncio.to_thread(
            elsewhere.next_stage, code=created.code, key=created.facilitator_key
        )
        changed = time.monotonic()
        answer = await waiting
        took = time.monotonic() - changed
        runner.cancel()
        stopping.set()
        await asyncio.to_thread(listener.join, 5)
        return version, answer, took, reads.queries - rounds_before, listener.is_alive()

    try:
        version, answer, took, rounds, still_listening = in_own_loop(scenario())
    finally:
        here.close()
        elsewhere.close()

    assert answer == version + 1
    assert took < 5.0  # not the 60 s round: the notice woke it
    assert rounds <= 3
    assert not still_listening  # stops when asked


def test_sqlite_has_no_notices_and_the_listener_returns_at_once(store):
    assert store.listen_for_changes(lambda: None, lambda: False) is False


def test_a_screen_that_drew_a_newer_version_than_the_watcher_read_waits_for_the_next(
    store, new_workshop
):
    """A page reads the database itself, so it may draw a version this server's watcher has
    not read yet: its long poll then waits for the next change instead of answering at once
    with the older version (which would cost the page a run that draws nothing new)."""
    created = new_workshop(store)
    reads = CountingReads(store)
    watcher = VersionWatcher(reads, every=30)  # no round of its own within the test

    async def scenario():
        known = await watcher.known(created.code)
        await asyncio.to_thread(store.next_stage, code=created.code, key=created.facilitator_key)
        drawn = await asyncio.to_thread(store.version, code=created.code)  # the page read it
        started = time.monotonic()
        quiet = await watcher.wait(created.code, seen=drawn, hold=0.5)
        held = time.monotonic() - started
        waiting = asyncio.create_task(watcher.wait(created.code, seen=drawn, hold=20))
        await asyncio.sleep(0.2)
        await watcher.read_once()  # the watcher catches up with what the page drew
        await asyncio.sleep(0.2)
        caught_up_early = waiting.done()
        await asyncio.to_thread(store.next_stage, code=created.code, key=created.facilitator_key)
        await watcher.read_once()
        moved = await asyncio.wait_for(waiting, timeout=5)
        return known, drawn, quiet, held, caught_up_early, moved

    known, drawn, quiet, held, caught_up_early, moved = in_own_loop(scenario())

    assert drawn == known + 1
    assert held >= 0.45  # held for the whole hold, not answered at once with the older one
    assert quiet == drawn  # and then told nothing new: its own version
    assert not caught_up_early  # catching up to the drawn version is no news either
    assert moved == store.version(code=created.code) == drawn + 1
