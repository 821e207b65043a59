"""What hiding the order of writing costs: a text sent, and a stage change with a full wall.

Every text is now two transactions (the writer's marker, then the text), and each stage
change, prompt change, reveal and taking down rewrites the workshop's answers, markers and
texts in a random order and then truncates SQLite's log or vacuums PostgreSQL's tables. This
times both through the engine, on a fresh SQLite file and (with ``--database-url``) on a
fresh PostgreSQL schema:

    python -m bench.write_order --texts 400
    python -m bench.write_order --texts 400 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

See bench/README.md for the figures.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.load import Database


def _ms(values: list[float], q: float) -> float:
    values = sorted(values)
    return round(1000 * values[min(len(values) - 1, int(q * len(values)))], 1)


def measure(url: str, *, texts: int, phones: int, rounds: int) -> dict[str, object]:
    """Submit ``texts`` texts from ``phones`` phones, then change stage ``rounds`` times."""
    from workshop.engine.privacy import new_token
    from workshop.engine.records import PromptSpec, StagePlan
    from workshop.engine.store import Store

    plan = [
        StagePlan(
            module_id=f"stage-{i}",
            title=f"Stage {i}",
            minutes=10,
            prompts=(PromptSpec(id=f"p{i}", kind="reflection", title="A question"),),
        )
        for i in range(2)
    ]
    store = Store(url)
    try:
        made = store.create_workshop(title="Order", stages=plan, passcode="bench-order-1")
        code, key = made.code, made.facilitator_key
        store.set_prompt(code=code, key=key, prompt_id="p0")
        tokens = [new_token() for _ in range(phones)]
        sends = []
        for i in range(texts):
            started = time.perf_counter()
            store.submit_reflection(
                code=code, prompt_id="p0", token=tokens[i % phones], text=f"text {i} " * 40
            )
            sends.append(time.perf_counter() - started)
        changes, reshuffles = [], []
        for i in range(rounds):
            started = time.perf_counter()
            store.go_to_stage(code=code, key=key, index=(i + 1) % 2)
            changes.append(time.perf_counter() - started)
            started = time.perf_counter()
            store._forget_write_order(code)
            reshuffles.append(time.perf_counter() - started)
    finally:
        store.close()
    return {
        "texts": texts,
        "send_p50_ms": _ms(sends, 0.5),
        "send_p95_ms": _ms(sends, 0.95),
        "stage_change_median_ms": round(1000 * statistics.median(changes), 1),
        "of_which_reshuffle_median_ms": round(1000 * statistics.median(reshuffles), 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--texts", type=int, default=400)
    parser.add_argument("--phones", type=int, default=80)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--database-url")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bedrock-order-") as folder:
        database = Database(args.database_url, Path(folder))
        try:
            figures = measure(
                database.url, texts=args.texts, phones=args.phones, rounds=args.rounds
            )
        finally:
            database.drop()
    print({"backend": database.backend, **figures})
    return 0


if __name__ == "__main__":
    sys.exit(main())
