"""How long the PDFs take to build: the workshop summary (shipped content, a filled workshop
in a temporary SQLite file) and a couple's plan written in several scripts.

    python -m bench.pdf_build --runs 7

Prints the median and the spread of each document's build time, in one process, after one
warm-up build each (the first build also loads the fonts' files from disk), as wall-clock
time and as CPU time of the process (all its threads), which a busy machine disturbs less.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from workshop.content.loader import get_content
from workshop.content.planning import build_plan
from workshop.couple import evening
from workshop.couple.evening import CoupleProgress, Names
from workshop.engine.store import Store
from workshop.printing import couple_plan, summary_print
from workshop.printing import summary as summaries

WORDS = {
    "A": "每个星期天一起散步 🌿 and a slow breakfast",
    "B": "हर रविवार साथ टहलना, نمشي معًا كل أحد, ללכת יחד 💛",
}


def summary_document(texts: tuple[str, ...] | None = None):
    """A summary of the shipped workshop with check-ins, a vote and reflections (by default
    in several scripts)."""
    folder = tempfile.mkdtemp(prefix="bench-pdf-")
    store = Store(f"sqlite:///{Path(folder) / 'bedrock.db'}")
    content = get_content()
    plan = build_plan(content, [(m.id, m.minutes) for m in content.modules])
    made = store.create_workshop(title="Tuesday group", stages=plan, passcode="open sesame")
    code, key = made.code, made.facilitator_key
    for value in [3, 4, 4, 6, 7, 5, 4]:
        phone = store.join(code=code)
        store.answer(code=code, prompt_id="checkin-open", token=phone, value=value)
        store.answer(code=code, prompt_id="checkin-close", token=phone, value=value + 2)
    options = content.exercises["mechanical-or-close"].options
    for i in range(9):
        store.answer(
            code=code, prompt_id="mechanical-or-close", token=store.join(code=code),
            value=options[i % len(options)],
        )  # fmt: skip
    texts = texts or ("Cook together on Sunday", WORDS["A"], WORDS["B"], "Walk after dinner")
    for text in texts:
        store.submit_reflection(
            code=code, prompt_id="one-thing-this-week", token=store.join(code=code), text=text
        )
    store.go_to_stage(code=code, key=key, index=len(plan) - 1)
    store.set_prompt(code=code, key=key, prompt_id="one-thing-this-week")
    store.reveal(code=code, key=key, prompt_id="one-thing-this-week")
    summary = summaries.collect(store=store, code=code, key=key, content=content)
    store.close()
    return summary


LATIN = {"A": "Every Sunday a walk together, then a slow breakfast", "B": "Phones away at dinner"}


NAMES = Names(a="美玲", b="अनु")


def plan_document(words: dict[str, str] = WORDS, names: Names = NAMES):
    """A couple's plan: by default names and words in Chinese, Hindi, Arabic and Hebrew,
    with emoji."""
    content = get_content()
    progress = CoupleProgress()
    for exercise_id, a, b in [
        ("checkin-open", 5, 6),
        ("felt-understood", words["A"], words["B"]),
        ("checkin-close", 7, 8),
    ]:
        exercise = content.exercises[exercise_id]
        for partner, value in (("A", a), ("B", b)):
            progress = evening.open_entry(progress, exercise=exercise, partner=partner, now=0)
            progress = evening.submit_answer(
                progress, exercise=exercise, partner=partner, value=value
            )
            progress = evening.choose(
                progress, exercise_id=exercise_id, partner=partner, share=True
            )
        progress = evening.reveal(progress, exercise_id=exercise_id)
    progress = evening.set_plan(
        progress,
        exercise=content.exercises["weekly-ritual"],
        values={"what": words["A"], "when": "Sunday 10:00", "protect": words["B"]},
    )
    return couple_plan.plan_document(
        progress, content=content, names=names, today=date(2026, 11, 30)
    )


def timed(build: Callable[[], bytes], runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds (this process, all its threads) of each build."""
    build()
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        build()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    summary, plan = summary_document(), plan_document()
    plain_summary = summary_document(("Cook together on Sunday", *LATIN.values()))
    latin = plan_document(LATIN, Names(a="Sam", b="Alex"))
    for name, build in [
        ("summary PDF", lambda: summary_print.to_pdf(summary)),
        ("summary (Latin)", lambda: summary_print.to_pdf(plain_summary)),
        ("summary HTML", lambda: summary_print.to_html(summary).encode()),
        ("plan PDF", lambda: couple_plan.plan_pdf(plan)),
        ("plan (Latin)", lambda: couple_plan.plan_pdf(latin)),
    ]:
        wall, cpu = timed(build, runs)
        print(
            f"{name:15} median {statistics.median(wall) * 1000:7.0f} ms wall"
            f" (min {min(wall) * 1000:.0f}, max {max(wall) * 1000:.0f}),"
            f" {statistics.median(cpu) * 1000:7.0f} ms CPU, {runs} runs"
        )


if __name__ == "__main__":
    main()
