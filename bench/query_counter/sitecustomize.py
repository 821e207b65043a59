"""Counts the SQL statements and garbage-collection pauses of a process, for the load
benchmark.

The benchmark puts this folder on ``PYTHONPATH`` of the server it starts, so Python
imports this module at start-up. When ``BEDROCK_COUNT_QUERIES`` names a file, every
statement sent through any SQLAlchemy engine is counted, and so is the time spent in
Python's garbage collector; the running totals are written to that file as JSON about five
times a second (side effect: one daemon thread). Without the variable nothing happens. ``BEDROCK_BENCH_GC_THRESHOLD`` ("a,b,c") sets the
collector's thresholds at start-up, to compare settings.
"""

from __future__ import annotations

import gc
import json
import os
import threading
import time

_PATH = os.environ.get("BEDROCK_COUNT_QUERIES")


def _install(path: str) -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    totals = {"queries": 0, "gc_ms": 0.0, "gc_runs": 0, "gc_long": []}
    started = [0.0]

    @event.listens_for(Engine, "after_cursor_execute")
    def _counted(*_args: object) -> None:
        totals["queries"] += 1

    def _gc(phase: str, _info: dict) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
            return
        pause = (time.perf_counter() - started[0]) * 1000
        totals["gc_ms"] += pause
        totals["gc_runs"] += 1
        if pause >= 10 and len(totals["gc_long"]) < 2000:  # (wall time, ms) of long pauses
            totals["gc_long"].append((round(time.time(), 3), round(pause, 1)))

    gc.callbacks.append(_gc)

    def _write() -> None:
        last = None
        while True:
            now = json.dumps(totals)
            if now != last:
                last = now
                with open(path + ".tmp", "w") as out:
                    out.write(now)
                os.replace(path + ".tmp", path)
            time.sleep(0.2)

    threading.Thread(target=_write, name="bench-counter", daemon=True).start()


if _PATH:
    _install(_PATH)

if os.environ.get("BEDROCK_BENCH_GC_THRESHOLD"):  # e.g. "700,10,10": try other GC settings
    gc.set_threshold(*(int(x) for x in os.environ["BEDROCK_BENCH_GC_THRESHOLD"].split(",")))
