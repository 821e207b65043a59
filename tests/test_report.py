"""The workshop summary: what the exports hold, checked against a real workshop in SQLite.

Every export is built from the store's results, so a prompt below its reveal threshold and a
hidden reflection must be absent from all four formats.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

import pandas as pd
import pytest
from pypdf import PdfReader

from workshop import charts, report
from workshop.content import get_content
from workshop.errors import AccessDenied
from workshop.planning import build_plan
from workshop.store import Store

NOW = 1_772_442_000.0
BELOW = "Zebracrossing memory"  # a sensitive reflection that stays below its threshold (6)
HIDDEN = "Walrus secret plan"  # hidden by the facilitator


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


@dataclass
class Filled:
    store: Store
    code: str
    key: str
    clock: Clock


@pytest.fixture
def filled(tmp_path) -> Filled:
    """The shipped workshop with answers: check-ins, words, a vote, reflections (one hidden),
    and two sensitive prompts left below their thresholds; 12 minutes on the first stage."""
    clock = Clock()
    store = Store(f"sqlite:///{tmp_path / 'bedrock.db'}", clock=clock)
    content = get_content()
    plan = build_plan(content, [(m.id, m.minutes) for m in content.modules])
    made = store.create_workshop(title="Tuesday group", stages=plan, passcode="open sesame")
    code, key = made.code, made.facilitator_key
    for i, value in enumerate([3, 4, 4, 6]):
        store.answer(code=code, prompt_id="checkin-open", token=f"open-token-{i:08d}", value=value)
    for i, value in enumerate([6, 7, 8]):
        store.answer(
            code=code, prompt_id="checkin-close", token=f"close-token-{i:08d}", value=value
        )
    for word in ["calm", "Calm!", "tired"]:
        store.submit_reflection(code=code, prompt_id="arrival-word", text=word)
    options = content.exercises["mechanical-or-close"].options
    for i, option in enumerate([options[2], options[2], options[0]]):
        store.answer(
            code=code, prompt_id="mechanical-or-close", token=f"vote-token-{i:010d}", value=option
        )
    for i in range(4):
        store.answer(
            code=code,
            prompt_id="barrier-resonates",
            token=f"barrier-token-{i:08d}",
            value=content.exercises["barrier-resonates"].options[1],
        )
    store.submit_reflection(code=code, prompt_id="barrier-reflection", text=BELOW)
    for text in ["Cook together on Sunday", "Walk after dinner", HIDDEN, "<b>Phones</b> away"]:
        store.submit_reflection(code=code, prompt_id="one-thing-this-week", text=text)
    queue = store.moderation_queue(code=code, key=key, prompt_id="one-thing-this-week")
    hidden = next(r.id for r in queue if r.text == HIDDEN)
    store.hide_reflection(code=code, key=key, reflection_id=hidden)
    clock.now += 12 * 60
    store.next_stage(code=code, key=key)
    yield Filled(store, code, key, clock)
    store.close()


def pdf_text(data: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split()
    )


def every_format(filled: Filled) -> dict[str, str]:
    out = {}
    for fmt in report.FORMATS:
        data = report.report_bytes(store=filled.store, code=filled.code, key=filled.key, fmt=fmt)
        out[fmt] = pdf_text(data) if fmt == "pdf" else data.decode("utf-8-sig")
    return out


def test_counts_distribution_words_and_timing_match_the_store(filled):
    summary = report.collect(
        store=filled.store, code=filled.code, key=filled.key, content=get_content()
    )
    counts = report.counts_frame(summary).set_index("exercise")
    assert counts.loc["Opening check-in", "count"] == 4
    assert counts.loc["Closing check-in", "responses"] == "3 answers"
    assert counts.loc["One thing I'll do this week", "count"] == 3  # the hidden one is not counted
    assert pd.isna(counts.loc["Which barrier resonates most", "count"])  # 4, below 5: not told

    opening = report.prompt_frame(summary.prompt("checkin-open"))
    assert dict(zip(opening["answer"], opening["count"], strict=True)) == {
        **{str(n): 0 for n in range(1, 11)},
        "3": 1,
        "4": 2,
        "6": 1,
    }
    data = json.loads(report.to_json(summary))
    stage = data["stages"][0]
    words = next(p for p in stage["prompts"] if p["id"] == "arrival-word")
    assert words["words"] == [["calm", 2], ["tired", 1]]
    assert stage["planned_minutes"] == 10 and stage["actual_minutes"] == 12
    assert report.plan_frame(summary)["actual_minutes"].tolist()[:2] == [12.0, 0.0]

    rows = list(csv.DictReader(io.StringIO(report.to_csv(summary).decode("utf-8-sig"))))
    vote = {r["answer"]: int(r["count"]) for r in rows if r["exercise"].startswith("What makes")}
    assert (
        vote == filled.store.results(code=filled.code, prompt_id="mechanical-or-close").distribution
    )
    assert vote["Feeling appreciated"] == 2


def test_below_threshold_and_hidden_answers_are_absent_from_every_format(filled):
    exports = every_format(filled)
    for fmt, text in exports.items():
        assert BELOW not in text, fmt
        assert HIDDEN not in text, fmt
        assert "Walk after dinner" in text, fmt
        assert "fewer than 6 answers" in text, fmt  # the sensitive reflection, as a label only
        assert "fewer than 5 answers" in text, fmt  # the sensitive vote

    vote = next(
        p
        for s in json.loads(exports["json"])["stages"]
        for p in s["prompts"]
        if p["id"] == "barrier-resonates"
    )
    assert vote["count"] is None and "distribution" not in vote and vote["shown"] is False
    rows = [r for r in csv.DictReader(io.StringIO(exports["csv"])) if "barrier" in r["exercise"]]
    assert [(r["answer"], r["count"]) for r in rows] == [("(not shown: too few answers)", "")]
    assert "Fear of being vulnerable" not in exports["html"]


def test_summary_pages_hold_every_section_and_stage(filled):
    exports = every_format(filled)
    for fmt in ("html", "pdf"):
        text = exports[fmt]
        for section in ("Plan and timing", "Responses", "Opening and closing check-in"):
            assert section in text, (fmt, section)
        for module in get_content().modules:
            assert module.title.replace("?", "") in text.replace("?", ""), (fmt, module.title)
        assert "average 4.2" in text and "average 7.0" in text  # both check-ins, side by side
    assert "<script" not in exports["html"].lower()
    assert "&lt;b&gt;Phones&lt;/b&gt; away" in exports["html"]


def test_spreadsheet_cells_cannot_become_formulas(filled):
    store, code = filled.store, filled.code
    store.previous_stage(code=code, key=filled.key)
    for text in ["=HYPERLINK(1)", "+SUM(A1)", "plain"]:
        store.submit_reflection(code=code, prompt_id="felt-understood", text=text)
    exported = report.report_bytes(store=store, code=code, key=filled.key, fmt="csv")
    answers = {r["answer"] for r in csv.DictReader(io.StringIO(exported.decode("utf-8-sig")))}
    assert {"'=HYPERLINK(1)", "'+SUM(A1)", "plain"} <= answers


def test_a_wrong_facilitator_key_gets_nothing(filled):
    with pytest.raises(AccessDenied):
        report.report_bytes(store=filled.store, code=filled.code, key="not-the-key", fmt="json")


def test_checkin_chart_leaves_out_a_checkin_below_its_threshold(filled):
    store, code = filled.store, filled.code
    opening = store.results(code=code, prompt_id="checkin-open")
    closing = store.results(code=code, prompt_id="checkin-close")
    both = charts.checkin_frame(opening, closing, lo=1, hi=10)
    assert len(both) == 20
    assert both.groupby("moment")["count"].sum().to_dict() == {"Closing": 3, "Opening": 4}
    spec = charts.checkin_chart(both, big=True).to_dict()
    assert spec["config"]["axis"]["labelFontSize"] == 28

    few = store.results(code=code, prompt_id="barrier-resonates")  # below its threshold
    only_opening = charts.checkin_frame(opening, few, lo=1, hi=10)
    assert set(only_opening["moment"]) == {"Opening"}
