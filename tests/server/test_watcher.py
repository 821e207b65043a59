"""The version watcher on a real store: one query a round however many wait, none while
nobody waits, waiters woken when the version moves or the workshop goes."""

from __future__ import annotations

import asyncio
import time

from tests.e2e.own_loop import in_own_loop
from workshop.engine.errors import StorageUnavailable
from workshop.server.watcher import VersionWatcher


class CountingReads:
    """The store's batch read, counting the queries it makes."""

    def __init__(self, store) -> None:
        self.store = store
        self.queries = 0
        self.down = False

    def __call__(self, codes: list[str]) -> dict[str, int]:
        if self.down:
            raise StorageUnavailable()
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
    watcher = VersionWatcher(reads, every=0.1)

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


def test_a_database_away_for_a_moment_leaves_waiters_waiting(store, new_workshop):
    created = new_workshop(store)
    reads = CountingReads(store)
    watcher = VersionWatcher(reads, every=0.1)

    async def scenario():
        version = await watcher.known(created.code)
        runner = asyncio.create_task(watcher.run())
        waiting = asyncio.create_task(watcher.wait(created.code, seen=version, hold=20))
        reads.down = True
        await asyncio.to_thread(store.next_stage, code=created.code, key=created.facilitator_key)
        await asyncio.sleep(0.5)
        still_waiting = not waiting.done()
        reads.down = False
        answer = await waiting
        runner.cancel()
        return still_waiting, answer

    still_waiting, answer = in_own_loop(scenario())

    assert still_waiting
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
