"""The workshop summary: what the exports hold, checked against a real workshop in SQLite.

Every export is built from the store's results, so a prompt below its reveal threshold and a
hidden reflection must be absent from all four formats, and so must the texts and words of a
prompt that is not revealed to the room when the summary is made.
"""

from __future__ import annotations

import csv
import html
import io
import json
from dataclasses import dataclass

import pytest
from pypdf import PdfReader

from workshop.content.loader import get_content
from workshop.content.planning import build_plan
from workshop.engine.errors import AccessDenied
from workshop.engine.store import Store
from workshop.printing import charts, report
from workshop.printing import summary as summaries

NOW = 1_772_442_000.0
BELOW = "Zebracrossing memory"  # a sensitive reflection that stays below its threshold (6)
HIDDEN = "Walrus secret plan"  # hidden by the facilitator
HELD_BACK = ["Heron by the canal", "Quince jam on Saturday", "Tangerine umbrella"]
"""Enough reflections to reveal, but never revealed to the room."""
WITHHELD_TEXT = "Reflections not shown to the room are not exported."
WITHHELD_WORDS = "Words not shown to the room are not exported."


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
    and two sensitive prompts left below their thresholds; 12 minutes on the first stage.
    It ends on the last stage with "One thing I'll do this week" revealed; the words and
    the "felt understood" reflections were never revealed."""
    clock = Clock()
    store = Store(f"sqlite:///{tmp_path / 'bedrock.db'}", clock=clock)
    content = get_content()
    plan = build_plan(content, [(m.id, m.minutes) for m in content.modules])
    made = store.create_workshop(title="Tuesday group", stages=plan, passcode="open sesame")
    code, key = made.code, made.facilitator_key
    for value in [3, 4, 4, 6]:
        store.answer(code=code, prompt_id="checkin-open", token=store.join(code=code), value=value)
    for value in [6, 7, 8]:
        store.answer(code=code, prompt_id="checkin-close", token=store.join(code=code), value=value)
    for word in ["Marzipan", "marzipan!", "Kestrel"]:
        store.submit_reflection(
            code=code, prompt_id="arrival-word", token=store.join(code=code), text=word
        )
    options = content.exercises["mechanical-or-close"].options
    for option in [options[2], options[2], options[0]]:
        store.answer(
            code=code, prompt_id="mechanical-or-close", token=store.join(code=code), value=option
        )
    for _ in range(4):
        store.answer(
            code=code,
            prompt_id="barrier-resonates",
            token=store.join(code=code),
            value=content.exercises["barrier-resonates"].options[1],
        )
    store.submit_reflection(
        code=code, prompt_id="barrier-reflection", token=store.join(code=code), text=BELOW
    )
    for text in HELD_BACK:
        store.submit_reflection(
            code=code, prompt_id="felt-understood", token=store.join(code=code), text=text
        )
    for text in ["Cook together on Sunday", "Walk after dinner", HIDDEN, "<b>Phones</b> away"]:
        store.submit_reflection(
            code=code, prompt_id="one-thing-this-week", token=store.join(code=code), text=text
        )
    queue = store.moderation_queue(code=code, key=key, prompt_id="one-thing-this-week")
    hidden = next(r.id for r in queue if r.text == HIDDEN)
    store.hide_reflection(code=code, key=key, reflection_id=hidden)
    clock.now += 12 * 60
    store.next_stage(code=code, key=key)
    store.go_to_stage(code=code, key=key, index=7)
    store.set_prompt(code=code, key=key, prompt_id="one-thing-this-week")
    store.reveal(code=code, key=key, prompt_id="one-thing-this-week")
    yield Filled(store, code, key, clock)
    store.close()


def pdf_text(data: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split()
    )


def exported_prompt(data: dict, prompt_id: str) -> dict:
    return next(p for s in data["stages"] for p in s["prompts"] if p["id"] == prompt_id)


def every_format(filled: Filled) -> dict[str, str]:
    out = {}
    for fmt in summaries.FORMATS:
        data = report.report_bytes(store=filled.store, code=filled.code, key=filled.key, fmt=fmt)
        out[fmt] = pdf_text(data) if fmt == "pdf" else data.decode("utf-8-sig")
    return out


def test_counts_distribution_words_and_timing_match_the_store(filled):
    summary = summaries.collect(
        store=filled.store, code=filled.code, key=filled.key, content=get_content()
    )
    data = json.loads(summaries.to_json(summary))
    counts = {p["title"]: p for s in data["stages"] for p in s["prompts"]}
    assert counts["Opening check-in"]["count"] == 4
    assert counts["Closing check-in"]["responses"] == "3 answers"
    assert counts["One thing I'll do this week"]["count"] == 3  # the hidden one is not counted
    assert counts["Which barrier resonates most"]["count"] is None  # 4, below 5: not told

    opening = summaries.prompt_frame(summary.prompt("checkin-open"))
    assert dict(zip(opening["answer"], opening["count"], strict=True)) == {
        **{str(n): 0 for n in range(1, 11)},
        "3": 1,
        "4": 2,
        "6": 1,
    }
    first, second = data["stages"][:2]
    assert first["planned_minutes"] == 10 and first["actual_minutes"] == 12
    assert second["actual_minutes"] == 0

    rows = list(csv.DictReader(io.StringIO(summaries.to_csv(summary).decode("utf-8-sig"))))
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

    vote = exported_prompt(json.loads(exports["json"]), "barrier-resonates")
    assert vote["count"] is None and "distribution" not in vote and vote["enough"] is False
    rows = [r for r in csv.DictReader(io.StringIO(exports["csv"])) if "barrier" in r["exercise"]]
    assert [(r["answer"], r["count"], r["note"]) for r in rows] == [
        ("", "", "Not shown: too few answers.")
    ]
    assert "Fear of being vulnerable" not in exports["html"]


def test_written_answers_never_revealed_stay_out_of_every_format(filled):
    exports = every_format(filled)
    for fmt, text in exports.items():
        for held in [*HELD_BACK, "Marzipan", "marzipan", "Kestrel", "kestrel"]:
            assert held not in text, (fmt, held)
        assert WITHHELD_TEXT in text, fmt
        assert WITHHELD_WORDS in text, fmt
        assert "Cook together on Sunday" in text, fmt  # revealed: its reflections are there
    for fmt in ("html", "pdf"):
        assert "revealed to the room during the workshop" in exports[fmt], fmt

    data = json.loads(exports["json"])
    held = exported_prompt(data, "felt-understood")
    assert (held["count"], held["revealed"], held["note"]) == (3, False, WITHHELD_TEXT)
    assert "reflections" not in held
    assert "words" not in exported_prompt(data, "arrival-word")
    shown = exported_prompt(data, "one-thing-this-week")
    assert shown["revealed"] is True and "note" not in shown
    assert sorted(shown["reflections"]) == sorted(
        ["Cook together on Sunday", "Walk after dinner", "<b>Phones</b> away"]
    )
    vote = exported_prompt(data, "mechanical-or-close")  # a vote never revealed: totals stay
    assert vote["revealed"] is False and sum(vote["distribution"].values()) == 3

    rows = [r for r in csv.DictReader(io.StringIO(exports["csv"])) if r["exercise"]]
    felt = [r for r in rows if r["exercise"] == "A time I felt understood"]
    assert [(r["responses"], r["answer"], r["note"]) for r in felt] == [
        ("3 answers", "", WITHHELD_TEXT)
    ]


def test_words_are_exported_while_revealed_and_left_out_once_taken_down(filled):
    store, code, key = filled.store, filled.code, filled.key
    store.go_to_stage(code=code, key=key, index=0)
    store.set_prompt(code=code, key=key, prompt_id="arrival-word")
    store.reveal(code=code, key=key, prompt_id="arrival-word")
    data = json.loads(report.report_bytes(store=store, code=code, key=key, fmt="json"))
    assert exported_prompt(data, "arrival-word")["words"] == [["marzipan", 2], ["kestrel", 1]]
    rows = report.report_bytes(store=store, code=code, key=key, fmt="csv").decode("utf-8-sig")
    words = {r["answer"]: r["count"] for r in csv.DictReader(io.StringIO(rows))}
    assert words["marzipan"] == "2" and words["kestrel"] == "1"

    # The room moves on: the wall leaves the screen but was seen, so it is still exported.
    store.next_stage(code=code, key=key)
    data = json.loads(report.report_bytes(store=store, code=code, key=key, fmt="json"))
    assert exported_prompt(data, "arrival-word")["words"] == [["marzipan", 2], ["kestrel", 1]]

    # Taken down on purpose: left out.
    store.go_to_stage(code=code, key=key, index=0)
    store.set_prompt(code=code, key=key, prompt_id="arrival-word")
    store.reveal(code=code, key=key, prompt_id="arrival-word")
    store.unreveal(code=code, key=key, prompt_id="arrival-word")
    for fmt in ("json", "html"):
        text = report.report_bytes(store=store, code=code, key=key, fmt=fmt).decode("utf-8")
        assert "marzipan" not in text.lower() and WITHHELD_WORDS in text, fmt


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
    store.go_to_stage(code=code, key=filled.key, index=1)
    store.set_prompt(code=code, key=filled.key, prompt_id="felt-understood")
    for text in ["=HYPERLINK(1)", "+SUM(A1)", "plain"]:
        store.submit_reflection(
            code=code, prompt_id="felt-understood", token=store.join(code=code), text=text
        )
    store.reveal(code=code, key=filled.key, prompt_id="felt-understood")
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


def test_printed_charts_are_the_apps_charts_with_their_values_as_text(filled):
    html_page = report.report_bytes(
        store=filled.store, code=filled.code, key=filled.key, fmt="html"
    ).decode()
    figures = html_page.count('<figure class="keep chart"><svg role="img"')
    assert figures == 4  # both check-ins side by side, then each alone, and the vote
    assert 'aria-label="Opening and closing check-in"' in html_page
    pdf = report.report_bytes(store=filled.store, code=filled.code, key=filled.key, fmt="pdf")
    images = [image for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images]
    assert len(images) == 4
    text = pdf_text(pdf)
    for page in (html.unescape(html_page), text):
        shown = page.replace("\u2068", "").replace("\u2069", "")  # invisible isolates
        assert "answers at each point: 3 → 1, 4 → 2, 6 → 1." in shown
        assert "answers at each point: 6 → 1, 7 → 1, 8 → 1." in shown
        assert "Feeling appreciated: 2;" in shown  # the vote's bars, as text too


def test_a_chart_for_print_shows_its_labels_as_escaped_text():
    frame = charts.rows_frame([("<b>Phones</b> away", 2), ("美玲", 1)])
    svg = charts.to_svg(charts.bar_chart(frame))
    assert "<b>" not in svg and "&lt;b&gt;Phones&lt;/b&gt; away" in svg
    assert "美玲" in svg and ">2<" in svg and ">1<" in svg  # counts drawn as text
    png = charts.to_png(charts.bar_chart(frame))
    assert png.startswith(b"\x89PNG") and charts.png_size(png)[0] > 100


def test_charts_rendered_side_by_side_come_back_in_their_places():
    made = [charts.bar_chart(charts.rows_frame([(f"Answer {n}", n)])) for n in range(1, 5)]
    svgs = charts.render_all([None, made[0], made[1], None, made[2], made[3]], charts.to_svg)
    assert svgs[0] is None and svgs[3] is None
    for svg, n in zip([svgs[1], svgs[2], svgs[4], svgs[5]], range(1, 5), strict=True):
        assert f"Answer {n}" in svg


def test_a_prompt_revealed_before_the_room_moved_on_is_exported_as_revealed(filled):
    s, code, key = filled.store, filled.code, filled.key
    s.go_to_stage(code=code, key=key, index=0)
    s.set_prompt(code=code, key=key, prompt_id="arrival-word")
    s.reveal(code=code, key=key, prompt_id="arrival-word")
    s.next_stage(code=code, key=key)  # takes the wall down without withdrawing it
    s.set_prompt(code=code, key=key, prompt_id="felt-understood")
    s.reveal(code=code, key=key, prompt_id="felt-understood")
    s.unreveal(code=code, key=key, prompt_id="felt-understood")  # withdrawn on purpose
    data = json.loads(every_format(filled)["json"])
    words = exported_prompt(data, "arrival-word")
    assert words["revealed"] is True and words["words"]
    withdrawn = exported_prompt(data, "felt-understood")
    assert withdrawn["revealed"] is False and "reflections" not in withdrawn


RANKINGS = [
    ["Trust", "Deeper intimacy", "Open, honest communication"],
    ["Trust", "Open, honest communication", "Deeper intimacy"],
    ["Open, honest communication", "Deeper intimacy", "Trust"],
]


def test_a_ranking_is_summarised_by_its_whole_order_not_only_first_places(filled):
    for i, ranking in enumerate(RANKINGS):
        filled.store.answer(
            code=filled.code,
            prompt_id="what-matters-most",
            token=filled.store.join(code=filled.code, client=f"rank {i}"),
            value=ranking,
        )
    exports = every_format(filled)
    ranked = exported_prompt(json.loads(exports["json"]), "what-matters-most")
    # Borda count: 2 points for a first place, 1 for a second, none for the last.
    assert ranked["order"] == [
        {"option": "Trust", "points": 4, "mean_rank": 1.67, "first_places": 2},
        {"option": "Open, honest communication", "points": 3, "mean_rank": 2.0, "first_places": 1},
        {"option": "Deeper intimacy", "points": 2, "mean_rank": 2.33, "first_places": 0},
    ]
    rows = [
        (r["answer"], r["count"])
        for r in csv.DictReader(io.StringIO(exports["csv"]))
        if r["exercise"] == "What matters most right now"
    ]
    assert rows == [("Trust", "4"), ("Open, honest communication", "3"), ("Deeper intimacy", "2")]
    for fmt in ("html", "pdf"):
        assert "Points for the whole order" in exports[fmt], fmt
        assert "Deeper intimacy" in exports[fmt], fmt


def test_a_chart_s_numbers_read_as_words_for_a_screen_reader():
    votes = charts.rows_frame([("Time", 4), ("Stress", 1), ("Money", 0)])
    assert charts.in_numbers(votes) == [
        ("Time", "4 people"),
        ("Stress", "1 person"),
        ("Money", "nobody"),
    ]
    assert charts.in_numbers(votes, zeros=False) == [("Time", "4 people"), ("Stress", "1 person")]
    points = charts.in_numbers(votes, unit=("point", "points"))
    assert points[-1] == ("Money", "0 points")
    opening = charts.rows_frame([("7", 2)]).rename(columns={"answer": "point"})
    opening["moment"] = "Opening"
    assert charts.in_numbers(opening) == [("Opening, 7", "2 people")]
