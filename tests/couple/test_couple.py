"""The couple path's state: turns, private answers, the reveal, the break, save files, the plan."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from pypdf import PdfReader

from workshop.content.loader import get_content
from workshop.content.model import Content
from workshop.couple import evening, savefile, turn_timer
from workshop.couple.evening import CoupleProgress, Names
from workshop.couple.savefile import ProgressFileError
from workshop.printing import couple_plan

T0 = 1_772_442_000.0


def _content() -> Content:
    common = {"group_prompt": "In the room.", "couple_prompt": "At home."}
    exercises = {
        "open": {
            "id": "open",
            "title": "Opening check-in",
            "kind": "scale",
            "minutes": 1,
            "min": 1,
            "max": 10,
            "min_label": "Far",
            "max_label": "Close",
        },
        "word": {"id": "word", "title": "One word", "kind": "word", "minutes": 1, "max_chars": 20},
        "memory": {"id": "memory", "title": "A memory", "kind": "reflection", "minutes": 3},
        "pick": {
            "id": "pick",
            "title": "Pick one",
            "kind": "choice",
            "minutes": 1,
            "options": ["Time", "Words"],
        },
        "order": {
            "id": "order",
            "title": "Order",
            "kind": "ranking",
            "minutes": 1,
            "items": ["Trust", "Talk", "Touch"],
        },
        "turns": {
            "id": "turns",
            "title": "Listening turns",
            "kind": "speaker-listener",
            "minutes": 10,
            "rounds": 2,
            "speak_minutes": 2,
            "paraphrase_minutes": 1,
            "rules": ["No advice"],
        },
        "thanks": {
            "id": "thanks",
            "title": "Thanks",
            "kind": "timed-writing",
            "minutes": 3,
            "target": 3,
        },
        "ritual": {
            "id": "ritual",
            "title": "Our weekly time",
            "kind": "plan",
            "minutes": 5,
            "fields": [{"name": "what", "label": "What?"}, {"name": "when", "label": "When?"}],
        },
        "try": {
            "id": "try",
            "title": "To try",
            "kind": "checklist",
            "minutes": 2,
            "items": ["Phones away", "Say thanks", "Walk"],
        },
        "close": {
            "id": "close",
            "title": "Closing check-in",
            "kind": "scale",
            "minutes": 1,
            "min": 1,
            "max": 10,
            "min_label": "Far",
            "max_label": "Close",
        },
    }
    slide = {"title": "A slide", "body": "- a point"}
    modules = [
        {
            "id": "start",
            "title": "Start",
            "minutes": 20,
            "order": 0,
            "exercises": ["open", "word", "memory"],
            "slides": [slide, slide],
        },
        {
            "id": "middle",
            "title": "Middle",
            "minutes": 40,
            "order": 1,
            "exercises": ["pick", "order", "turns", "thanks"],
            "slides": [slide],
        },
        {
            "id": "end",
            "title": "End",
            "minutes": 20,
            "order": 2,
            "exercises": ["ritual", "try", "close"],
            "slides": [slide],
        },
    ]
    return Content.model_validate(
        {"modules": modules, "exercises": {k: {**common, **v} for k, v in exercises.items()}}
    )


CONTENT = _content()
EX = CONTENT.exercises


def _both_answer(progress, exercise_id, a, b, *, share_a=True, share_b=True):
    exercise = EX[exercise_id]
    for partner, value in (("A", a), ("B", b)):
        progress = evening.open_entry(progress, exercise=exercise, partner=partner, now=T0)
        progress = evening.submit_answer(progress, exercise=exercise, partner=partner, value=value)
    progress = evening.choose(progress, exercise_id=exercise_id, partner="A", share=share_a)
    progress = evening.choose(progress, exercise_id=exercise_id, partner="B", share=share_b)
    return evening.reveal(progress, exercise_id=exercise_id)


# --- names and moving through the stages ----------------------------------------------------


def test_names_are_trimmed_and_blank_ones_fall_back_to_the_defaults():
    names = evening.clean_names(a="  Sam   Lee ", b="")
    assert names == Names(a="Sam Lee", b="Partner B")
    assert names.of("B") == "Partner B"


def test_two_equal_names_are_refused_so_each_knows_whose_turn_it_is():
    with pytest.raises(evening.InvalidAnswer, match="two different names"):
        evening.clean_names(a="Sam", b="sam")


def test_next_walks_every_slide_then_every_exercise_to_the_end_and_back_returns():
    progress = CoupleProgress()
    seen = []
    while (spot := evening.current_item(progress, content=CONTENT)) is not None:
        module, item = spot
        seen.append((module.id, item.kind, item.exercise_id))
        progress = evening.go_next(progress, content=CONTENT)
    assert seen[:6] == [
        ("start", "slide", None),
        ("start", "slide", None),
        ("start", "exercise", "open"),
        ("start", "exercise", "word"),
        ("start", "exercise", "memory"),
        ("middle", "slide", None),
    ]
    assert len(seen) == 3 + 2 + 5 + 4
    assert evening.where(progress, content=CONTENT).label == "All 3 stages done"
    back = evening.go_back(progress, content=CONTENT)
    assert evening.current_item(back, content=CONTENT)[1].exercise_id == "close"
    assert evening.go_back(CoupleProgress(), content=CONTENT) == CoupleProgress()


def test_the_progress_label_names_the_stage_and_the_minutes_left():
    progress = CoupleProgress()
    assert evening.where(progress, content=CONTENT).label == "Stage 1 of 3 · about 80 minutes left"
    progress = progress.model_copy(update={"stage": 1, "item": 0})
    here = evening.where(progress, content=CONTENT)
    assert here.label == "Stage 2 of 3 · about 60 minutes left"
    assert here.fraction == pytest.approx(0.25)
    last = progress.model_copy(update={"stage": 2, "item": 3})
    assert evening.where(last, content=CONTENT).label == "Stage 3 of 3 · about 5 minutes left"


def test_skipping_a_stage_after_its_content_note_moves_on_and_remembers_it():
    progress = evening.skip_stage(CoupleProgress(item=1), content=CONTENT)
    assert (progress.stage, progress.item, progress.skipped) == (1, 0, ["start"])


# --- private answers and the reveal -----------------------------------------------------------


def test_partners_answer_in_turn_and_nothing_is_shown_before_both_chose():
    exercise = EX["memory"]
    progress = CoupleProgress()
    assert evening.next_to_answer(progress, exercise_id="memory") == "A"
    progress = evening.open_entry(progress, exercise=exercise, partner="A", now=T0)
    assert progress.answering == "A"
    progress = evening.submit_answer(progress, exercise=exercise, partner="A", value=" A walk ")
    assert progress.answering is None
    assert evening.next_to_answer(progress, exercise_id="memory") == "B"
    progress = evening.pass_answer(progress, exercise_id="memory", partner="B")
    assert evening.waiting_for_choice(progress, exercise_id="memory") == ["A"]
    assert not evening.ready_to_reveal(progress, exercise_id="memory")
    with pytest.raises(ValueError):
        evening.reveal(progress, exercise_id="memory")
    progress = evening.choose(progress, exercise_id="memory", partner="A", share=True)
    assert evening.shared_answers(progress, exercise_id="memory") == {"A": None, "B": None}
    progress = evening.reveal(progress, exercise_id="memory")
    assert evening.shared_answers(progress, exercise_id="memory") == {"A": "A walk", "B": None}


def test_an_answer_kept_private_loses_its_words_for_good():
    progress = _both_answer(
        CoupleProgress(), "memory", "shared words", "secret words", share_b=False
    )
    assert evening.shared_answers(progress, exercise_id="memory") == {
        "A": "shared words",
        "B": None,
    }
    assert "secret words" not in progress.model_dump_json()
    assert evening.answer_of(progress, exercise_id="memory", partner="B").status == "private"


@pytest.mark.parametrize(
    ("exercise_id", "value", "message"),
    [
        ("open", 11, "from 1 to 10"),
        ("open", True, "from 1 to 10"),
        ("pick", "Money", "one of the options"),
        ("order", ["Trust", "Talk"], "every item in order"),
        ("word", "x" * 21, "20 characters"),
        ("memory", "   ", "Write something first"),
        ("thanks", ["", " "], "at least one"),
        ("thanks", ["a", "b", "c", "d"], "at most 3"),
        ("try", ["Phones away", "Dance"], "from the list"),
    ],
)
def test_an_answer_that_does_not_fit_its_exercise_is_refused(exercise_id, value, message):
    with pytest.raises(evening.InvalidAnswer, match=message):
        evening.submit_answer(CoupleProgress(), exercise=EX[exercise_id], partner="A", value=value)


def test_a_checklist_keeps_the_list_order_and_a_list_drops_blank_lines():
    assert evening.clean_answer(EX["try"], ["Walk", "Phones away"]) == ["Phones away", "Walk"]
    assert evening.clean_answer(EX["thanks"], [" tea ", "", "the car"]) == ["tea", "the car"]


def test_check_ins_hold_only_shared_revealed_numbers_in_workshop_order():
    progress = _both_answer(CoupleProgress(), "open", 4, 6, share_b=False)
    progress = _both_answer(progress, "close", 7, 8)
    points = [
        (c.exercise_id, c.partner, c.value) for c in evening.checkins(progress, content=CONTENT)
    ]
    assert points == [("open", "A", 4), ("close", "A", 7), ("close", "B", 8)]


def test_doing_an_exercise_again_forgets_its_answers_and_reveal():
    progress = _both_answer(CoupleProgress(), "word", "calm", "tired")
    progress = evening.start_over(progress, exercise_id="word")
    assert evening.next_to_answer(progress, exercise_id="word") == "A"
    assert "word" not in progress.revealed


# --- the speaker-listener turn timer ----------------------------------------------------------


def _phase_at(turn, now):
    view = turn_timer.turn_view(turn, exercise=EX["turns"], now=now)
    holder = turn_timer.floor_holder(view.phase)
    return view.status, view.phase.kind, holder, round(view.left)


def test_the_turn_timer_moves_through_every_phase_as_the_clock_moves():
    turn = turn_timer.turn_start(now=T0)
    script = [
        (1, ("running", "speak", "A", 119)),
        (120, ("running", "paraphrase", "B", 60)),
        (180, ("running", "swap", "B", 15)),
        (195, ("running", "speak", "B", 120)),
        (315, ("running", "paraphrase", "A", 60)),
        (375, ("running", "swap", "A", 15)),
        (390, ("running", "speak", "A", 120)),
        (390 + 375 - 1, ("running", "paraphrase", "A", 1)),
    ]
    for seconds, expected in script:
        assert _phase_at(turn, T0 + seconds) == expected, seconds
    done = turn_timer.turn_view(turn, exercise=EX["turns"], now=T0 + 765)
    assert done.status == "done"


def test_a_room_follows_its_turns_from_the_workshop_timer_started_for_them():
    from workshop.engine import timer as timers

    exercise = EX["turns"]
    total = turn_timer.turns_seconds(exercise)
    assert total == 765  # two rounds of 2 + 1 minutes each way, three swaps of 15 s
    assert turn_timer.room_turn_view(exercise, timers.Timer(duration=total), now=T0) is None
    clock = timers.start(timers.Timer(), seconds=total, now=T0)

    def at(seconds: float, timer: timers.Timer = clock):
        view = turn_timer.room_turn_view(exercise, timer, now=T0 + seconds)
        return view.status, view.phase.kind, view.phase.speaker, view.phase.round, view.left

    assert at(1) == ("running", "speak", "A", 1, pytest.approx(119))
    assert at(130) == ("running", "paraphrase", "A", 1, pytest.approx(50))
    assert at(185) == ("running", "swap", "A", 1, pytest.approx(10))
    assert at(400) == ("running", "speak", "A", 2, pytest.approx(110))
    view = turn_timer.room_turn_view(exercise, clock, now=T0 + 130)
    assert view.ends_at == pytest.approx(T0 + 180)  # the phase's own deadline, every run alike
    paused = timers.pause(clock, now=T0 + 130)
    assert at(5000, paused) == ("paused", "paraphrase", "A", 1, pytest.approx(50))
    assert turn_timer.room_turn_view(exercise, clock, now=T0 + total).status == "done"


def test_pause_freezes_the_phase_and_resume_carries_on_from_there():
    turn = turn_timer.turn_start(now=T0)
    turn = turn_timer.turn_pause(turn, now=T0 + 30)
    assert _phase_at(turn, T0 + 1000) == ("paused", "speak", "A", 90)
    turn = turn_timer.turn_resume(turn, now=T0 + 1000)
    assert _phase_at(turn, T0 + 1010) == ("running", "speak", "A", 80)
    view = turn_timer.turn_view(turn, exercise=EX["turns"], now=T0 + 1010)
    assert view.ends_at == pytest.approx(T0 + 1090)
    assert view.timer().remaining(T0 + 1010) == pytest.approx(80)


def test_one_more_minute_lengthens_only_the_current_phase():
    turn = turn_timer.turn_start(now=T0)
    turn = turn_timer.turn_extend(turn, exercise=EX["turns"], now=T0 + 100)
    assert _phase_at(turn, T0 + 100) == ("running", "speak", "A", 80)
    assert _phase_at(turn, T0 + 180) == ("running", "paraphrase", "B", 60)


def test_skip_starts_the_next_phase_with_its_full_time_running_or_paused():
    turn = turn_timer.turn_skip(turn_timer.turn_start(now=T0), exercise=EX["turns"], now=T0 + 10)
    assert _phase_at(turn, T0 + 10) == ("running", "paraphrase", "B", 60)
    paused = turn_timer.turn_pause(turn, now=T0 + 20)
    paused = turn_timer.turn_skip(paused, exercise=EX["turns"], now=T0 + 50)
    assert _phase_at(paused, T0 + 500) == ("paused", "swap", "B", 15)


def test_the_one_minute_cue_is_set_only_for_a_running_phase_longer_than_that():
    turn = turn_timer.turn_start(now=T0)
    speaking = turn_timer.turn_view(turn, exercise=EX["turns"], now=T0 + 5)
    assert speaking.cue_at() == pytest.approx(T0 + 60)
    paraphrasing = turn_timer.turn_view(turn, exercise=EX["turns"], now=T0 + 125)
    assert paraphrasing.cue_at() is None
    paused = turn_timer.turn_view(
        turn_timer.turn_pause(turn, now=T0 + 5), exercise=EX["turns"], now=T0
    )
    assert paused.cue_at() is None


# --- the break --------------------------------------------------------------------------------


def test_a_break_lasts_from_twenty_minutes_to_an_hour():
    with pytest.raises(ValueError, match="from 20 to 60 minutes"):
        evening.take_break(CoupleProgress(), minutes=10, now=T0)
    with pytest.raises(ValueError, match="from 20 to 60 minutes"):
        evening.take_break(CoupleProgress(), minutes=60 * 24 * 365, now=T0)


def test_a_break_pauses_every_timer_and_comes_back_to_the_same_place():
    progress = CoupleProgress(stage=1, item=3)
    progress = evening.set_turn(progress, exercise_id="turns", turn=turn_timer.turn_start(now=T0))
    progress = evening.open_entry(progress, exercise=EX["thanks"], partner="A", now=T0)
    on_break = evening.take_break(progress, minutes=30, now=T0 + 50)
    assert evening.break_left(on_break, now=T0 + 50 + 600) == pytest.approx(1200)
    back = evening.end_break(on_break, now=T0 + 3000)
    assert (back.stage, back.item, back.answering, back.rest) == (1, 3, "A", None)
    assert _phase_at(back.turns["turns"], T0 + 3000) == ("paused", "speak", "A", 70)
    writing = evening.writing_timer(back, exercise_id="thanks", partner="A")
    assert writing.status(T0 + 3000) == "running"
    assert writing.remaining(T0 + 3000) == pytest.approx(130)


def test_the_time_to_come_back_is_shown_in_the_couple_s_own_time_zone():
    assert evening.clock_time(T0 + 1200, timezone="Europe/Paris") == "10:20"
    assert evening.clock_time(T0, timezone="Not/AZone") == "09:00"


# --- save and continue ------------------------------------------------------------------------


def _rich_progress():
    progress = _both_answer(CoupleProgress(), "open", 5, 6)
    progress = _both_answer(progress, "memory", "the picnic", "a secret thing", share_b=False)
    progress = evening.set_plan(progress, exercise=EX["ritual"], values={"what": "A walk"})
    progress = evening.set_turn(progress, exercise_id="turns", turn=turn_timer.turn_start(now=T0))
    progress = evening.open_entry(progress, exercise=EX["word"], partner="A", now=T0)
    progress = evening.submit_answer(progress, exercise=EX["word"], partner="A", value="unsure")
    return progress.model_copy(update={"stage": 1, "item": 2})


def test_a_saved_file_continues_where_they_were_with_shared_words_only():
    progress = _rich_progress()
    data = savefile.to_file(progress, now=T0 + 30)
    assert json.loads(data)["format"] == "bedrock-couple-progress"
    assert b"unsure" not in data, "an answer not yet shared stays out of the file"
    loaded = savefile.from_file(data, content=CONTENT)
    assert (loaded.stage, loaded.item) == (1, 2)
    assert evening.shared_answers(loaded, exercise_id="memory") == {"A": "the picnic", "B": None}
    assert loaded.plans == {"ritual": {"what": "A walk", "when": ""}}
    assert evening.next_to_answer(loaded, exercise_id="word") == "A"
    assert _phase_at(loaded.turns["turns"], T0 + 99999) == ("paused", "speak", "A", 90)
    assert savefile.from_file(savefile.to_file(loaded, now=T0), content=CONTENT) == loaded


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "could not be read"),
        (b'{"format": "bedrock-couple-progress", "version": 1, "sta', "could not be read"),
        (b'{"name": "my-package", "version": "1.0.0"}', "not a Bedrock progress file"),
        (b"[1, 2, 3]", "not a Bedrock progress file"),
        (b'{"format": "bedrock-couple-progress", "version": 7}', "another version of Bedrock"),
        (b'{"format": "bedrock-couple-progress", "version": 1, "stage": -2}', "damaged"),
        (b'{"format": "bedrock-couple-progress", "version": 1, "stage": 9}', "does not fit"),
        (
            b'{"format": "bedrock-couple-progress", "version": 1, "answers": '
            b'{"gone": {"A": {"status": "passed"}}}}',
            "an exercise this workshop does not have",
        ),
        (
            b'{"format": "bedrock-couple-progress", "version": 1, "answers": '
            b'{"open": {"A": {"status": "shared", "value": 99}}}}',
            "an answer in it does not fit its exercise",
        ),
        (
            b'{"format": "bedrock-couple-progress", "version": 1, "answers": '
            b'{"open": {"A": {"status": "private", "value": "peek"}}}}',
            "damaged",
        ),
        (b" " * (savefile.MAX_FILE_BYTES + 1), "too large"),
        (b"[" * 100_000, "could not be read"),
        (
            b'{"format": "bedrock-couple-progress", "version": 1, "rest": '
            b'{"started_at": 0, "until": 1e300}}',
            "damaged",
        ),
        (
            b'{"format": "bedrock-couple-progress", "version": 1, "rest": '
            b'{"started_at": 0, "until": NaN}}',
            "damaged",
        ),
        (
            b'{"format": "bedrock-couple-progress", "version": 1, "turns": '
            b'{"turns": {"started_at": -Infinity}}}',
            "damaged",
        ),
        (
            b'{"format": "bedrock-couple-progress", "version": 1, "stage": ' + b"9" * 5000 + b"}",
            "could not be read",
        ),
    ],
)
def test_a_broken_or_foreign_file_is_refused_with_a_clear_reason(data, message):
    with pytest.raises(ProgressFileError, match=message):
        savefile.from_file(data, content=CONTENT)


IMAGE = "![x](http://127.0.0.1:9/t.png)"
TAG = "<img src=x onerror=alert(1)>"


@pytest.mark.parametrize(
    "crafted",
    [
        {"version": IMAGE},
        {"version": {TAG: IMAGE}},
        {"version": 1, TAG: IMAGE},
        {"version": 1, "stage": IMAGE},
        {"version": 1, "answers": {"open": {TAG: {"status": "passed"}}}},
        {"version": 1, "answers": {IMAGE: {"A": {"status": "passed"}}}},
        {"version": 1, "revealed": [TAG]},
        {"version": 1, "plans": {"ritual": {IMAGE: TAG}}},
        {"version": 1, "turns": {TAG: {}}},
        {"version": 1, "skipped": [IMAGE]},
        {"version": 1, "answers": {"open": {"A": {"status": "shared", "value": IMAGE}}}},
        {"version": 1, "answers": {"pick": {"B": {"status": "shared", "value": TAG}}}},
    ],
)
def test_a_crafted_file_is_refused_in_fixed_words_that_quote_none_of_it(crafted):
    data = json.dumps({"format": evening.FILE_MARKER, **crafted}).encode("utf-8")
    with pytest.raises(ProgressFileError) as refused:
        savefile.from_file(data, content=CONTENT)
    reason = str(refused.value)
    assert reason.startswith("This progress file")
    for piece in ("127.0.0.1", "t.png", "![", "<img", "onerror", "alert"):
        assert piece not in reason


# --- the plan document ------------------------------------------------------------------------


def _plan_progress():
    progress = _both_answer(CoupleProgress(), "open", 5, 6)
    progress = _both_answer(progress, "close", 7, 8)
    progress = _both_answer(progress, "memory", "the picnic <b>", "KEPT-PRIVATE", share_b=False)
    progress = _both_answer(progress, "try", ["Walk", "Say thanks"], ["Walk"])
    progress = _both_answer(
        progress, "order", ["Talk", "Trust", "Touch"], ["Trust", "Talk", "Touch"]
    )
    return evening.set_plan(
        progress, exercise=EX["ritual"], values={"what": "Sunday walk", "when": "Sunday 10:00"}
    )


def test_the_plan_holds_the_ritual_the_checklists_and_shared_answers_only():
    document = couple_plan.plan_document(
        _plan_progress(), content=CONTENT, names=Names(a="Sam", b="Alex"), today=date(2026, 3, 2)
    )
    headings = [section.heading for section in document.sections]
    assert headings == ["Our weekly time", "To try", "Our check-ins", "A memory", "Order"]
    assert document.subtitle == "Sam and Alex · 2 March 2026"
    markdown = couple_plan.plan_markdown(document)
    assert "Sunday walk" in markdown and "Sunday 10:00" in markdown.replace("\\", "")
    assert "**Both of us**\n- Walk" in markdown
    assert "Opening check\\-in: 5 out of 10" in markdown
    assert "KEPT-PRIVATE" not in markdown
    assert "the picnic \\<b\\>" in markdown


def test_the_printable_plan_escapes_their_words_and_carries_print_css():
    document = couple_plan.plan_document(
        _plan_progress(),
        content=CONTENT,
        names=Names(a="<script>x</script>", b="Alex"),
        today=date(2026, 3, 2),
    )
    page = couple_plan.plan_html(document)
    assert "@page" in page and "@media print" in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "the picnic &lt;b&gt;" in page
    assert "KEPT-PRIVATE" not in page


def test_the_plan_pdf_holds_the_shared_words_in_dejavu_and_falls_back_to_a_core_font(tmp_path):
    progress = evening.set_plan(
        _plan_progress(), exercise=EX["ritual"], values={"what": "Crêpes, Łódź", "when": "Sun"}
    )
    document = couple_plan.plan_document(
        progress, content=CONTENT, names=Names(a="Zoë", b="Alex"), today=date(2026, 3, 2)
    )
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(couple_plan.plan_pdf(document))).pages
    )
    assert "Crêpes, Łódź" in text and "the picnic <b>" in text
    assert "KEPT-PRIVATE" not in text
    fallback = couple_plan.plan_pdf(document, font_dir=str(tmp_path))
    plain = "".join(p.extract_text() for p in PdfReader(io.BytesIO(fallback)).pages)
    assert "Crêpes, ?ódz" in plain  # a letter the core font lacks keeps its base letter


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_the_one_page_plan_is_one_page_and_says_what_it_shortened():
    long = "We walk by the river and talk about the week, slowly. " * 9
    progress = evening.set_plan(
        _plan_progress(), exercise=EX["ritual"], values={"what": long[:500], "when": long[:500]}
    )
    progress = evening.start_over(progress, exercise_id="memory")
    many_lines = "".join(f"Walk {n}\n" for n in range(120))
    progress = _both_answer(progress, "memory", many_lines, long[:1000])
    document = couple_plan.plan_document(
        progress, content=CONTENT, names=Names(a="Zoë", b="Alex"), today=date(2026, 3, 2)
    )
    assert len(_pages(couple_plan.plan_pdf(document))) > 1
    (page,) = _pages(couple_plan.plan_pdf_one_page(document))
    flat = " ".join(page.split())
    assert "answers were shortened (marked …)" in flat and "…" in flat
    assert "The full plan (PDF or To print) has every word." in flat
    assert "Walk 0" in flat and "Walk 119" not in flat and "more)" in flat
    assert "Opening check-in: 5 out of 10" in flat and "Zoë" in flat


def test_a_short_plan_fits_one_page_whole_and_a_huge_one_names_what_was_left_out():
    document = couple_plan.plan_document(
        _plan_progress(), content=CONTENT, names=Names(a="Sam", b="Alex"), today=date(2026, 3, 2)
    )
    (page,) = _pages(couple_plan.plan_pdf_one_page(document))
    assert "the picnic <b>" in page and "shortened" not in page and "Left out" not in page

    sections = tuple(
        couple_plan.PlanSection(
            f"Section {n}", (couple_plan.PlanEntry("Both of us", ("a line", "another line")),)
        )
        for n in range(60)
    )
    huge = couple_plan.PlanDocument("Our plan", "Sam and Alex", sections)
    (page,) = _pages(couple_plan.plan_pdf_one_page(huge))
    flat = " ".join(page.split())
    assert "Section 0" in flat and "Section 59" in flat.split("Left out to fit one page:")[1]
    left_out = flat.split("Left out to fit one page:")[1].split(". The full plan")[0]
    shown = [n for n in range(60) if f"Section {n} " in flat.split("Left out")[0] + " "]
    assert shown == list(range(len(shown))) and shown, "the first sections stay, in order"
    assert all(f"Section {n}" in left_out for n in range(len(shown), 60))


# --- the tab's copy, absurd files, who-is-who ---------------------------------------------------


def test_the_tab_keeps_the_whole_evening_names_and_unsent_words_included():
    copy = savefile.TabCopy(
        progress=_rich_progress(),
        names=Names(a="美玲", b="Anu"),
        drafts={"together_plan_ritual_what": "a walk, not saved yet"},
        notes={"end": "skip"},
    )
    back = savefile.from_tab(savefile.to_tab(copy), content=CONTENT, now=T0 + 30)
    assert back == copy
    assert savefile.from_tab("", content=CONTENT, now=T0) == savefile.TabCopy()


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        '{"progress": {"stage": 99}}',
        '{"progress": {}, "names": {"a": "Sam", "b": "sam"}}',
        '{"progress": {}, "extra": 1}',
        '{"progress": {"rest": {"started_at": 1e300, "until": 1e300}}}',
    ],
)
def test_what_a_tab_sends_back_is_checked_like_a_file(text):
    with pytest.raises(ProgressFileError, match="^What this tab kept could not be read"):
        savefile.from_tab(text, content=CONTENT, now=T0)


def test_unsent_words_from_the_tab_are_cut_to_size():
    text = json.dumps({"drafts": {"together_value_memory_A": "x" * 400_000}})
    copy = savefile.from_tab(text, content=CONTENT, now=T0)
    assert len(copy.drafts["together_value_memory_A"]) == savefile.DRAFT_CHARS


def _file(**fields) -> bytes:
    return json.dumps({"format": "bedrock-couple-progress", "version": 1, **fields}).encode()


def test_a_break_ending_in_the_year_5000_is_brought_back_to_at_most_an_hour():
    year_5000 = 95_617_584_000.0
    loaded = savefile.from_file(_file(rest={"started_at": T0, "until": year_5000}), content=CONTENT)
    settled, message = savefile.settle(loaded, now=T0 + 60)
    assert settled.rest is not None and settled.rest.until == T0 + 60 + 3600
    assert evening.break_left(settled, now=T0 + 60) == 3600
    assert message and "set back to now" in message and "5000" not in message
    assert savefile.settle(settled, now=T0 + 60) == (settled, None)


def test_a_turn_timer_started_in_the_future_starts_again():
    turn = {"started_at": 95_617_584_000.0}
    loaded = savefile.from_file(_file(turns={"turns": turn}), content=CONTENT)
    settled, message = savefile.settle(loaded, now=T0)
    assert settled.turns == {} and message


def test_a_plan_line_of_400000_characters_is_refused_calmly():
    with pytest.raises(ProgressFileError) as refused:
        savefile.from_file(_file(plans={"ritual": {"what": "x" * 400_000}}), content=CONTENT)
    assert str(refused.value) == (
        "This progress file does not fit this workshop: a line of its plan is longer than "
        "Bedrock ever writes. It may come from a different version of it. Nothing was changed."
    )


def test_a_turn_timer_with_years_added_is_refused():
    turn = {"started_at": T0, "adjust": {"0": 1e9}}
    with pytest.raises(ProgressFileError, match="more time added than Bedrock allows"):
        savefile.from_file(_file(turns={"turns": turn}), content=CONTENT)


def test_swapping_partners_moves_every_answer_to_the_other_name():
    progress = _rich_progress()
    swapped = evening.swap_partners(progress)
    assert evening.shared_answers(swapped, exercise_id="memory") == {
        "A": None,
        "B": "the picnic",
    }
    assert evening.swap_partners(swapped) == progress


def test_first_words_show_what_each_partner_shared_to_tell_them_apart():
    progress = _rich_progress()
    words = evening.first_words(progress, content=CONTENT)
    assert "the picnic" in words["A"]
    long = evening.first_words(progress, content=CONTENT, chars=5)
    assert len(long["A"]) <= 5


def test_who_answers_first_takes_turns_and_can_be_swapped_before_anyone_answers():
    firsts = [
        evening.first_partner(CoupleProgress(), exercise_id=e, content=CONTENT)
        for e in ("open", "word", "memory", "pick", "order", "thanks", "try", "close")
    ]
    assert firsts == ["A", "B", "A", "B", "A", "B", "A", "B"]
    swapped = evening.choose_first(CoupleProgress(), exercise_id="open", partner="B")
    assert evening.first_partner(swapped, exercise_id="open", content=CONTENT) == "B"
    assert evening.next_to_answer(swapped, exercise_id="open", first="B") == "B"
    answered = evening.pass_answer(swapped, exercise_id="open", partner="B")
    assert evening.choose_first(answered, exercise_id="open", partner="A") == answered


def test_keep_to_myself_can_be_undone_until_the_reveal_which_then_forgets_the_words():
    word = EX["word"]
    progress = evening.submit_answer(
        CoupleProgress(), exercise=word, partner="A", value="tired", share=False
    )
    progress = evening.submit_answer(
        progress, exercise=word, partner="B", value="calm", share=False
    )
    assert evening.ready_to_reveal(progress, exercise_id="word")
    changed = evening.choose(progress, exercise_id="word", partner="A", share=True)
    shown = evening.reveal(changed, exercise_id="word")
    assert evening.shared_answers(shown, exercise_id="word") == {"A": "tired", "B": None}
    assert evening.answer_of(shown, exercise_id="word", partner="B") == evening.Answer(
        status="private"
    )
    assert "calm" not in shown.model_dump_json()
    after = evening.choose(shown, exercise_id="word", partner="B", share=True)
    assert evening.shared_answers(after, exercise_id="word")["B"] is None, "too late after"


def test_the_file_holds_no_answer_before_its_reveal_whatever_was_chosen():
    word = EX["word"]
    progress = evening.submit_answer(
        CoupleProgress(), exercise=word, partner="A", value="tired", share=True
    )
    progress = evening.submit_answer(
        progress, exercise=word, partner="B", value="calm", share=False
    )
    data = savefile.to_file(progress, now=T0)
    assert b"tired" not in data and b"calm" not in data
    shown = savefile.to_file(evening.reveal(progress, exercise_id="word"), now=T0)
    assert b"tired" in shown and b"calm" not in shown


def test_a_check_in_that_went_down_or_apart_asks_for_care():
    def both(progress, exercise, a, b):
        for partner, value in (("A", a), ("B", b)):
            progress = evening.submit_answer(
                progress, exercise=EX[exercise], partner=partner, value=value, share=True
            )
        return evening.reveal(progress, exercise_id=exercise)

    same = both(CoupleProgress(), "open", 6, 6)
    assert evening.checkin_care(same, content=CONTENT) is None
    assert evening.checkin_care(both(CoupleProgress(), "open", 6, 4), content=CONTENT) == "apart"
    assert evening.checkin_care(both(same, "close", 7, 7), content=CONTENT) is None
    assert evening.checkin_care(both(same, "close", 5, 7), content=CONTENT) == "lower"
    assert evening.checkin_care(both(same, "close", 8, 7), content=CONTENT) == "apart"


def test_a_pause_for_tonight_is_suggested_near_each_hour_of_the_path():
    assert evening.pause_points(CONTENT) == {2}  # stages of 20, 40, 20 minutes: at 60
    assert evening.pause_points(CONTENT, every_minutes=30) == {1, 2}
    assert evening.pause_points(CONTENT, every_minutes=200) == set()


def test_setting_a_question_aside_goes_into_a_saved_file_only_once_revealed():
    content = get_content()
    exercise = content.exercises["mechanical-or-close"]
    aside = evening.set_aside(CoupleProgress(), exercise=exercise, aside=True)
    assert savefile.from_file(savefile.to_file(aside, now=T0), content=content).gentler == []
    gentler = evening.as_answered(exercise, aside)
    for partner in ("A", "B"):
        aside = evening.submit_answer(
            aside, exercise=gentler, partner=partner, value=gentler.options[1], share=True
        )
    aside = evening.reveal(aside, exercise_id=exercise.id)
    again = savefile.from_file(savefile.to_file(aside, now=T0), content=content)
    assert again.gentler == [exercise.id]
    assert evening.shared_answers(again, exercise_id=exercise.id)["A"] == gentler.options[1]
    with pytest.raises(evening.InvalidAnswer):
        evening.set_aside(CoupleProgress(), exercise=content.exercises["checkin-open"], aside=True)
