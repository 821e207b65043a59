"""How long the console's reopen form and the join lookup take for a live code and for an
unknown one: they must not tell the two apart by time.

    python -m bench.access --tries 60
    python -m bench.access --tries 60 --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Creates a workshop in a fresh database (an SQLite file in a temporary folder, or a new
PostgreSQL schema, dropped afterwards), then times ``Store.open_console`` with a wrong
passcode and ``Store.look_up``, for the live code and for unknown codes, interleaved, each try
from a client address of its own so that no wait is involved. Prints medians and quartiles in
milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.load import Database
from workshop.engine.errors import AccessDenied, WorkshopNotFound
from workshop.engine.privacy import new_code
from workshop.engine.serverkey import new_key
from workshop.engine.store import PromptSpec, StagePlan, Store


def _timed(call: Callable[[], object], expected: type[Exception] | None) -> float:
    started = time.perf_counter()
    try:
        call()
    except Exception as error:  # noqa: BLE001 - only the expected refusal is timed
        if expected is None or not isinstance(error, expected):
            raise
    return (time.perf_counter() - started) * 1000


def _summary(values: list[float]) -> str:
    q1, median, q3 = statistics.quantiles(values, n=4)
    return f"median {median:6.2f} ms  (quartiles {q1:6.2f}–{q3:6.2f})"


def run(url: str, tries: int) -> dict[str, list[float]]:
    """Time each call ``tries`` times for the live code and for unknown codes."""
    store = Store(url, server_key=new_key())
    try:
        stage = StagePlan(
            module_id="welcome",
            title="Welcome",
            minutes=10,
            prompts=(PromptSpec(id="wish", kind="reflection", title="A wish"),),
        )
        live = store.create_workshop(title="Timing", stages=[stage], passcode="right one").code
        times: dict[str, list[float]] = {k: [] for k in ("reopen live", "reopen unknown",
                                                           "lookup live", "lookup unknown")}  # fmt: skip
        for n in range(tries + 3):
            unknown = new_code()
            for label, code in (("live", live), ("unknown", unknown)):
                client = f"10.{n % 250}.{hash(label) % 250}.1"
                reopen = _timed(
                    lambda code=code, client=client: store.open_console(
                        code=code, passcode="wrong", client=client
                    ),
                    AccessDenied,
                )
                lookup = _timed(
                    lambda code=code, client=client: store.look_up(code=code, client=client),
                    WorkshopNotFound if label == "unknown" else None,
                )
                if n >= 3:  # the first tries warm up caches and the stand-in hash
                    times[f"reopen {label}"].append(reopen)
                    times[f"lookup {label}"].append(lookup)
        return times
    finally:
        store.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.access", description=__doc__)
    parser.add_argument("--tries", type=int, default=60)
    parser.add_argument("--database-url", help="PostgreSQL to use (default: an SQLite file)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bedrock-access-") as folder:
        database = Database(args.database_url, Path(folder))
        try:
            times = run(database.url, args.tries)
        finally:
            database.drop()
    print(f"{database.backend}, {args.tries} tries each")
    for label, values in times.items():
        print(f"  {label:15} {_summary(values)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
