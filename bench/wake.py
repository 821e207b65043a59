"""How soon a change made through one server reaches a screen waiting on another, on
PostgreSQL: with the database's change notices (LISTEN/NOTIFY, as `bedrock serve` runs) and
with the watcher's one-second rounds alone, in the same run.

    python -m bench.wake --changes 30
    python -m bench.wake --changes 30 --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

"Server A" is a version watcher on a store of its own, as each `bedrock serve` process runs
one, with ten screens waiting on a workshop; "server B" is another store that moves the
workshop's stage on, at a random moment within each second. Timed: from B being asked for the
change to the last of A's waiting screens being answered, and B's call alone (the change
commits, then the answers are reshuffled; a notice is heard at the commit). Prints medians
and quartiles in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import threading
import time
from pathlib import Path

from bench.load import Database
from workshop.engine.serverkey import new_key
from workshop.engine.store import PromptSpec, StagePlan, Store
from workshop.server.watcher import VersionWatcher

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SCREENS = 10


def _workshop(store: Store):
    stages = [
        StagePlan(f"s{n}", f"Stage {n}", 5, (PromptSpec(id=f"p{n}", kind="reflection", title="?"),))
        for n in range(2)
    ]
    return store.create_workshop(
        title="Wake", support_text="", passcode="wake-bench-passcode", stages=stages
    )


async def _measure(here: Store, elsewhere: Store, created, changes: int, notices: bool):
    watcher = VersionWatcher(lambda codes: here.versions(codes=codes), every=1.0)
    stopping = threading.Event()
    loop = asyncio.get_running_loop()
    listener = None
    if notices:
        listener = threading.Thread(
            target=here.listen_for_changes,
            args=(lambda: loop.call_soon_threadsafe(watcher.nudge), stopping.is_set),
            kwargs={"every": 0.2},
            daemon=True,
        )
        listener.start()
    runner = asyncio.create_task(watcher.run())
    delays: list[float] = []
    calls: list[float] = []
    rng = random.Random(5)
    try:
        for n in range(changes):
            version = await watcher.known(created.code)
            waiting = [
                asyncio.create_task(watcher.wait(created.code, seen=version, hold=10))
                for _ in range(SCREENS)
            ]
            await asyncio.sleep(0.3 + rng.random())  # a moment within the watcher's second
            move = elsewhere.previous_stage if n % 2 else elsewhere.next_stage
            asked = time.perf_counter()
            await asyncio.to_thread(move, code=created.code, key=created.facilitator_key)
            returned = time.perf_counter()
            answers = await asyncio.gather(*waiting)
            assert all(answer != version for answer in answers), "a screen was not told"
            delays.append((time.perf_counter() - asked) * 1000)
            calls.append((returned - asked) * 1000)
    finally:
        runner.cancel()
        stopping.set()
        if listener is not None:
            await asyncio.to_thread(listener.join, 5)
    return delays, calls


def _summary(values: list[float]) -> str:
    q1, median, q3 = statistics.quantiles(values, n=4)
    return f"median {median:7.1f} ms  (quartiles {q1:.1f}–{q3:.1f}, max {max(values):.1f})"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=30)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    options = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        database = Database(options.database_url, Path(folder))
        if database.backend != "postgresql":
            raise SystemExit("Change notices are PostgreSQL's: give a PostgreSQL URL.")
        key = new_key()
        here = Store(database.url, server_key=key)
        elsewhere = Store(database.url, server_key=key)
        try:
            created = _workshop(elsewhere)
            for notices in (False, True):
                delays, calls = asyncio.run(
                    _measure(here, elsewhere, created, options.changes, notices)
                )
                label = "with notices " if notices else "rounds only  "
                print(f"{label} {len(delays)} changes, {SCREENS} screens: {_summary(delays)}")
                print(f"{'':14} the stage change itself (B's call): {_summary(calls)}")
        finally:
            here.close()
            elsewhere.close()
            database.drop()


if __name__ == "__main__":
    started = time.monotonic()
    main()
    print(f"({time.monotonic() - started:.0f} s)")
