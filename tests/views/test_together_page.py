"""The Together page in AppTest: a couple's whole evening, privacy, the break, save and wipe.

One walk through every stage (module fixture) feeds several tests; the page's clock is
replaced by a settable one, so timers move without waiting.
"""

from __future__ import annotations

import ast
import hashlib
import html
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

from workshop.content.loader import get_content
from workshop.couple import evening as couple
from workshop.couple import savefile, turn_timer
from workshop.views import together, together_common

REPO = Path(__file__).resolve().parents[2]
CONTENT = get_content()
T0 = 1_772_442_000.0  # 2026-03-02 09:00 UTC

# Words each partner keeps to themselves (or has not shared yet): never on the page again.
PRIVATE = ("SECRET-ARRIVAL-B", "PRIVATE-MEMORY-B", "HIDDEN-THANKS-B", "KEPT-ONE-THING-A")


class Clock:
    """The page's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


def _script() -> None:
    import streamlit as st
    from streamlit import runtime

    from workshop.views import together

    together.page()
    # Keep the run's download store, so a test can read the files the buttons would serve.
    st.session_state["test_media"] = runtime.get_instance().media_file_mgr


def _app(clock: Clock) -> AppTest:
    together_common.clock = clock
    return AppTest.from_function(_script, default_timeout=30)


@pytest.fixture
def clock() -> Iterator[Clock]:
    fresh = Clock()
    yield fresh
    together_common.clock = __import__("time").time


# --- reading the page -------------------------------------------------------------------------


def page_text(at: AppTest) -> str:
    """Every element's full description (labels, bodies, values, chart data) as one string."""
    parts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "DESCRIPTOR"):
            parts.append(text_format.MessageToString(proto, as_utf8=True))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(parts)


def notes(at: AppTest) -> str:
    """The page's messages (shown as plain text in a box of our own), as one string."""
    return " ".join(h.proto.body for h in at.get("html") if "together-note" in h.proto.body)


def download(at: AppTest, key: str) -> bytes:
    """The bytes a download button serves (running a deferred one, as a click would)."""
    button = at.get("download_button")
    proto = next(b.proto for b in button if b.proto.id.endswith(key) or key in b.proto.id)
    media = at.session_state["test_media"]
    deferred = proto.deferred_file_id
    url = media.execute_deferred(deferred) if deferred else proto.url
    file = media.read_file(Path(urlparse(url).path).name)
    assert file is not None
    return file.content


def progress_of(at: AppTest) -> couple.CoupleProgress:
    return at.session_state[together.PROGRESS]


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at


def submit(at: AppTest, form: str, label: str) -> AppTest:
    """Press ``label`` in a form, in a private entry (``together_form_<id>_<partner>``) or
    under the plan (``together_plan_<id>``)."""
    if form.startswith("together_form_"):
        action = {"Done": "together_done_", "Pass": "together_pass_"}[label]
        return click(at, form.replace("together_form_", action))
    if form.startswith("together_plan_"):
        return click(at, form.replace("together_plan_", "together_plan_save_"))
    next(b for b in at.button if b.proto.form_id == form and b.label == label).click().run()
    assert not at.exception, at.exception
    return at


def start(at: AppTest, a: str = "Sam", b: str = "Alex") -> AppTest:
    at.run()
    at.text_input(key="together_name_a").set_value(a)
    at.text_input(key="together_name_b").set_value(b)
    return submit(at, "together_names_form", "Let's begin")


def go_to(at: AppTest, exercise_id: str) -> AppTest:
    """Press Next (continuing past content notes) until the exercise is on screen."""
    for _ in range(80):
        spot = couple.current_item(progress_of(at), content=CONTENT)
        assert spot is not None, f"reached the end before {exercise_id}"
        module, item = spot
        if item.exercise_id == exercise_id:
            return at
        note = f"together_note_{module.id}_go"
        if any(b.key == note for b in at.button):
            click(at, note)
            continue
        click(at, "together_next")
    raise AssertionError(f"never reached {exercise_id}")


def fill(at: AppTest, exercise, partner: str, value) -> None:
    key = f"together_value_{exercise.id}_{partner}"
    kind = exercise.kind
    if kind == "reflection":
        at.text_area(key=key).set_value(value)
    elif kind == "word":
        at.text_input(key=key).set_value(value)
    elif kind == "scale":
        next(p for p in at.button_group if p.key == key).set_value(value)
    elif kind == "choice":
        at.radio(key=key).set_value(value)
    elif kind == "ranking":
        at.multiselect(key=key).set_value(value)
    elif kind == "checklist":
        for number, item in enumerate(exercise.items):
            at.checkbox(key=f"{key}_{number}").set_value(item in value)
    elif kind == "timed-writing":
        for number, line in enumerate(value):
            at.text_input(key=f"{key}_{number}").set_value(line)


def answer(at: AppTest, exercise_id: str, a, b, *, share=(True, True)) -> AppTest:
    """Both partners answer in turn (``None`` passes), each choosing privately whether to show
    theirs, and the couple reveals."""
    exercise = CONTENT.exercises[exercise_id]
    go_to(at, exercise_id)
    given = {"A": (a, share[0]), "B": (b, share[1])}
    for _ in range(2):
        partner = next(
            p for p in "AB" if any(k.key == f"together_open_{exercise_id}_{p}" for k in at.button)
        )
        value, shares = given[partner]
        click(at, f"together_open_{exercise_id}_{partner}")
        form = f"together_form_{exercise_id}_{partner}"
        if value is None:
            submit(at, form, "Pass")
            continue
        fill(at, exercise, partner, value)
        if not shares:
            show = f"together_value_{exercise_id}_{partner}_show"
            next(g for g in at.button_group if g.key == show).set_value("Keep it to myself")
        submit(at, form, "Done")
        assert not any(b.key == f"together_done_{exercise_id}_{partner}" for b in at.button), (
            "the entry is hidden once done"
        )
    return click(at, f"together_reveal_{exercise_id}")


def assert_private(at: AppTest) -> None:
    text = page_text(at)
    for secret in PRIVATE:
        assert secret not in text


# --- the whole evening --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def evening(tmp_path_factory) -> Iterator[dict]:
    """A couple goes through every stage, with DATABASE_URL on a fresh SQLite file whose folder
    and ./data are hashed before and after."""
    folder = tmp_path_factory.mktemp("db")
    database = folder / "bedrock.db"
    database.write_bytes(b"")
    before = {"db": _hashes(folder), "data": _hashes(REPO / "data")}
    clock = Clock()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", f"sqlite:///{database}")
        at = _app(clock)
        seen = _walk(at, clock)
        after = {"db": _hashes(folder), "data": _hashes(REPO / "data")}
        yield {"at": at, "clock": clock, "seen": seen, "before": before, "after": after}
    together_common.clock = __import__("time").time


def _hashes(folder: Path) -> dict[str, str]:
    if not folder.exists():
        return {}
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _walk(at: AppTest, clock: Clock) -> dict:
    seen: dict = {}
    start(at)
    seen["first_label"] = at.get("progress")[0].proto.text

    answer(at, "checkin-open", 6, 4)
    seen["checkin_open"] = page_text(at)
    answer(at, "arrival-word", "curious", "SECRET-ARRIVAL-B", share=(True, False))
    seen["arrival_reveal"] = page_text(at)
    assert_private(at)
    answer(at, "understood-word", "safe", None)
    answer(
        at,
        "felt-understood",
        "You **listened** <b>really</b>",
        "PRIVATE-MEMORY-B",
        share=(True, False),
    )
    seen["felt_reveal_texts"] = [t.value for t in at.get("html")]
    assert_private(at)

    go_to(at, "mechanical-or-close")
    options = CONTENT.exercises["mechanical-or-close"].options
    answer(at, "mechanical-or-close", options[0], options[1])
    go_to(at, "pros-cons-vote")
    answer(at, "pros-cons-vote", CONTENT.exercises["pros-cons-vote"].options[2], None)
    go_to(at, "what-matters-most")
    items = CONTENT.exercises["what-matters-most"].items
    answer(at, "what-matters-most", list(reversed(items)), list(items))
    assert_private(at)

    go_to(at, "listening-turns")
    seen["turns"] = _turns(at, clock)

    go_to(at, "gratitude-list")
    answer(
        at,
        "gratitude-list",
        ["the tea", "fixing the bike", ""],
        ["HIDDEN-THANKS-B"],
        share=(True, False),
    )
    go_to(at, "weekly-ritual")
    for name, text in {
        "what": "A slow walk",
        "when": "Sunday 10:00",
        "protect": "Phones home",
    }.items():
        at.text_area(key=f"together_plan_weekly-ritual_{name}").set_value(text)
    submit(at, "together_plan_weekly-ritual", "Save our plan")

    go_to(at, "barrier-resonates")
    seen["barrier_reached"] = True
    answer(at, "barrier-resonates", None, CONTENT.exercises["barrier-resonates"].options[2])
    go_to(at, "barrier-reflection")
    answer(at, "barrier-reflection", "Time to think first", None)

    go_to(at, "this-week-checklist")
    checklist = CONTENT.exercises["this-week-checklist"].items
    answer(at, "this-week-checklist", [checklist[0], checklist[3]], [checklist[3], checklist[4]])
    seen["checklist_reveal"] = page_text(at)
    go_to(at, "one-thing-this-week")
    answer(at, "one-thing-this-week", "KEPT-ONE-THING-A", "Cook on Friday", share=(False, True))
    go_to(at, "checkout-word")
    answer(at, "checkout-word", "lighter", "warm")
    go_to(at, "checkin-close")
    answer(at, "checkin-close", 8, 5)
    seen["checkin_close"] = page_text(at)
    click(at, "together_next")
    assert couple.current_item(progress_of(at), content=CONTENT) is None
    seen["end"] = page_text(at)
    assert_private(at)
    return seen


def _turns(at: AppTest, clock: Clock) -> list[tuple[str, dict]]:
    """Start the listening turns and move the clock through them; returns what was shown."""
    shown: list[tuple[str, dict]] = []

    def look() -> None:
        texts = [h.proto.body for h in at.get("html") if "together-turn" in h.proto.body]
        shown.append((texts[0] if texts else "", countdown_data(at)))

    click(at, "together_turn_start")
    look()  # 0 s: Sam speaks
    clock.now += 121
    at.run()
    look()  # Alex says back
    click(at, "together_turn_skip")
    look()  # swap
    clock.now += 16
    at.run()
    look()  # Alex speaks
    click(at, "together_turn_pause")
    clock.now += 600
    at.run()
    look()  # still Alex, paused
    click(at, "together_turn_more")
    look()  # a minute more, still paused
    click(at, "together_turn_resume")
    return shown


def countdown_data(at: AppTest, key: str = "together_turn_clock") -> dict:
    """What the browser countdown with this key was sent (deadline, time left, state)."""
    for node in at.get("bidi_component"):
        if node.proto.id.endswith(key):
            return json.loads(node.proto.json)
    raise AssertionError(f"no countdown {key}")


def test_the_walk_starts_with_names_and_shows_stage_and_minutes_left(evening):
    assert evening["seen"]["first_label"] == "Stage 1 of 8 · about 120 minutes left"


def test_words_kept_private_never_appear_anywhere_on_the_page_or_in_the_session(evening):
    at = evening["at"]
    for secret in PRIVATE:
        assert secret not in evening["seen"]["end"]
        assert secret not in evening["seen"]["arrival_reveal"]
        assert secret not in repr(at.session_state.to_dict())


def test_the_reveal_shows_shared_answers_side_by_side_as_plain_text(evening):
    arrival = evening["seen"]["arrival_reveal"]
    assert "curious" in arrival and "Kept this one private." in arrival
    bodies = evening["seen"]["felt_reveal_texts"]
    escaped = "You **listened** &lt;b&gt;really&lt;/b&gt;"
    assert any(escaped in body for body in bodies), "their words are escaped, never Markdown"


def test_check_ins_show_each_partner_s_own_two_numbers_and_a_chart(evening):
    text = evening["seen"]["checkin_close"]
    assert "Sam: 6 → 8" in text and "Alex: 4 → 5" in text
    assert "Your numbers are different." in text and "lower than at the start" not in text
    assert "Opening check-in" in text and "Closing check-in" in text  # the chart's data
    for word in ("better", "worse", "average", "improved"):
        assert word not in text.lower()


def test_the_checklist_reveal_shows_what_both_ticked(evening):
    item = CONTENT.exercises["this-week-checklist"].items[3]
    text = evening["seen"]["checklist_reveal"]
    assert "You both ticked" in text and item in text


def test_the_turn_timer_follows_the_clock_through_speak_paraphrase_swap_and_pause(evening):
    shown = [headline for headline, _ in evening["seen"]["turns"]]
    assert shown[0].endswith(">Sam speaks</div>")
    assert shown[1].endswith(">Alex says back what they heard</div>")
    assert shown[2].endswith(">Swap: Alex speaks next</div>")
    assert shown[3].endswith(">Alex speaks</div>")
    assert shown[4].endswith(">Alex speaks</div>")
    clocks = [data for _, data in evening["seen"]["turns"]]
    assert [(c["state"], c["remaining_ms"]) for c in clocks] == [
        ("running", 120_000),
        ("running", 59_000),
        ("running", 15_000),
        ("running", 119_000),
        ("paused", 119_000),
        ("paused", 179_000),
    ]
    assert clocks[0]["deadline_ms"] == (T0 + 120) * 1000, "the browser counts to this deadline"


def test_the_plan_download_holds_what_they_shared_and_not_what_they_kept(evening):
    at = evening["at"]
    markdown = download(at, "together_plan_md").decode("utf-8")
    printable = download(at, "together_plan_html").decode("utf-8")
    pdf = download(at, "together_plan_pdf")
    assert pdf.startswith(b"%PDF")
    for shared in ("A slow walk", "Cook on Friday"):
        assert shared in markdown.replace("\\", "") and shared in printable
    for earlier in ("the tea", "curious", "Barriers"):
        assert earlier not in markdown and earlier not in printable, (
            "commitments only, unless chosen"
        )
    for secret in PRIVATE:
        assert secret not in markdown and secret not in printable
    assert "Sam and Alex" in printable


def test_earlier_answers_go_into_the_plan_one_by_one_when_the_couple_choose_them(evening):
    at = evening["at"]
    extra = at.multiselect(key="together_plan_extra")
    assert CONTENT.exercises["gratitude-list"].title in extra.options
    assert CONTENT.exercises["one-thing-this-week"].title not in extra.options, "always in"
    extra.set_value(["gratitude-list"]).run()
    markdown = download(at, "together_plan_md").decode("utf-8").replace("\\", "")
    assert "the tea" in markdown and "curious" not in markdown
    for secret in PRIVATE:
        assert secret not in markdown
    extra.set_value([]).run()


def test_a_whole_evening_leaves_the_database_and_the_data_folder_untouched(evening):
    assert evening["before"]["db"] == evening["after"]["db"]
    assert evening["before"]["data"] == evening["after"]["data"]
    assert evening["before"]["db"] == {"bedrock.db": hashlib.sha256(b"").hexdigest()}


# --- the break, save and continue, wipe, names ----------------------------------------------------


def test_a_break_pauses_the_turn_timer_and_comes_back_to_the_same_place(clock):
    at = start(_app(clock))
    go_to(at, "listening-turns")
    click(at, "together_turn_start")
    clock.now += 30
    at.run()
    next(p for p in at.button_group if p.key == together.BREAK_MINUTES).set_value(30)
    click(at, "together_break_go")
    text = page_text(at)
    assert "Back at 09:30" in text
    assert "Have a glass of water." in text
    assert "together_turn_start" not in text and "together_next" not in text
    clock.now += 45 * 60
    click(at, "together_break_end")
    turn = progress_of(at).turns["listening-turns"]
    view = turn_timer.turn_view(turn, exercise=CONTENT.exercises["listening-turns"], now=clock.now)
    assert (view.status, view.index, round(view.left)) == ("paused", 0, 90)
    assert any(b.key == "together_turn_resume" for b in at.button)
    assert "Sam speaks" in page_text(at)


def test_when_every_turn_is_over_the_controls_give_way_to_a_closing_word(clock):
    at = start(_app(clock))
    go_to(at, "listening-turns")
    click(at, "together_turn_start")
    clock.now += 2 * (2 * 120 + 2 * 60 + 15) + 60
    at.run()
    assert "Both rounds are done" in " ".join(s.value for s in at.success)
    assert not any(b.key in ("together_turn_pause", "together_turn_skip") for b in at.button)


def test_continuing_from_a_saved_file_restores_the_place_and_shared_answers(clock):
    at = start(_app(clock))
    answer(at, "checkin-open", 7, 3, share=(True, False))
    click(at, "together_next")
    saved = download(at, "together_save")
    assert json.loads(saved)["format"] == "bedrock-couple-progress"
    assert "Sam" not in saved.decode("utf-8"), "names are not saved"

    fresh = start(_app(clock), a="Kim", b="Lou")
    fresh.get("file_uploader")[0].set_value(("ours.json", saved, "application/json"))
    fresh.run()
    assert not fresh.exception
    assert progress_of(fresh) == progress_of(at)
    assert "Welcome back" in page_text(fresh)
    text = page_text(fresh)
    assert "Who was the first partner last time?" in text
    assert "The first partner last time shared: “7”" in text
    assert not any(b.key == "together_next" for b in fresh.button), "asked before going on"


def test_continuing_with_names_in_the_other_order_keeps_each_answer_with_its_writer(clock):
    at = start(_app(clock))
    answer(at, "checkin-open", 7, 3)
    saved = download(at, "together_save")
    fresh = start(_app(clock), a="Alex", b="Sam")
    fresh.get("file_uploader")[0].set_value(("ours.json", saved, "application/json"))
    fresh.run()
    click(fresh, "together_first_B")
    shown = couple.shared_answers(progress_of(fresh), exercise_id="checkin-open")
    assert shown == {"A": 3, "B": 7}, "Sam's 7 stays with Sam, now the second name"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "could not be read"),
        (json.dumps({"name": "something else", "version": 1}).encode(), "not a Bedrock progress"),
    ],
)
def test_a_broken_or_foreign_file_is_refused_and_changes_nothing(clock, data, message):
    at = start(_app(clock))
    answer(at, "checkin-open", 7, 3)
    before = progress_of(at)
    at.get("file_uploader")[0].set_value(("ours.json", data, "application/json"))
    at.run()
    assert not at.exception
    assert message in notes(at)
    assert progress_of(at) == before


IMAGE = "![x](http://127.0.0.1:9/t.png)"
TAG = "<img src=x onerror=alert(1)>"


@pytest.mark.parametrize(
    "crafted",
    [
        {"version": IMAGE},
        {"version": 1, TAG: IMAGE},
        {"version": 1, "answers": {IMAGE: {"A": {"status": "passed"}}}, "skipped": [TAG]},
    ],
)
def test_a_crafted_progress_file_is_refused_and_none_of_its_words_reach_the_page(clock, crafted):
    at = start(_app(clock))
    click(at, "together_next")
    before = progress_of(at)
    data = json.dumps({"format": "bedrock-couple-progress", **crafted}).encode("utf-8")
    at.get("file_uploader")[0].set_value(("ours.json", data, "application/json"))
    at.run()
    assert not at.exception
    assert progress_of(at) == before
    assert "Nothing was changed." in notes(at)
    shown = page_text(at)
    for piece in ("127.0.0.1", "t.png", "![x]", "<img", "onerror"):
        assert piece not in shown
    assert not [*at.error, *at.warning, *at.info, *at.success], "messages are never Markdown"


def test_wiping_asks_first_then_forgets_names_and_answers(clock):
    at = start(_app(clock))
    answer(at, "checkin-open", 7, 3)
    click(at, "together_wipe")
    assert progress_of(at) != couple.CoupleProgress()
    click(at, "together_wipe_no")
    click(at, "together_wipe")
    click(at, "together_wipe_yes")
    assert together.PROGRESS not in at.session_state
    assert together.NAMES not in at.session_state
    assert at.text_input(key="together_name_a").value == "Partner A"


def test_the_names_screen_says_truthfully_where_names_go(clock):
    at = _app(clock)
    at.run()
    promise = (
        "Your names stay in this browser tab; they appear only in the plan you choose to download."
    )
    assert promise in [c.value for c in at.caption]
    start(at, a="Robin", b="Jo")
    assert "Robin and Jo" in download(at, "together_plan_html").decode("utf-8")
    assert "Robin" not in download(at, "together_save").decode("utf-8")


def test_a_one_minute_exercise_says_minute_not_minutes(clock):
    at = go_to(start(_app(clock)), "arrival-word")
    assert CONTENT.exercises["arrival-word"].minutes == 1
    assert "Exercise · about 1 minute" in [c.value for c in at.caption]


def test_a_break_can_be_taken_mid_answer_and_comes_back_to_the_same_words(clock):
    at = start(_app(clock))
    go_to(at, "arrival-word")
    click(at, "together_open_arrival-word_B")
    at.text_input(key="together_value_arrival-word_B").set_value("half a thought").run()
    click(at, "together_break_go")
    assert not any(t.key == "together_value_arrival-word_B" for t in at.text_input)
    clock.now += 20 * 60
    click(at, "together_break_end")
    assert at.text_input(key="together_value_arrival-word_B").value == "half a thought"
    submit(at, "together_form_arrival-word_B", "Done")
    answer_a = couple.answer_of(progress_of(at), exercise_id="arrival-word", partner="B")
    assert answer_a == couple.Answer(status="shared", value="half a thought")
    assert (
        together_common.DRAFTS not in at.session_state
        or not at.session_state[together_common.DRAFTS]
    ), "sent words are no longer kept as a draft"


def test_typed_plan_words_survive_a_break_and_back_and_next(clock):
    at = start(_app(clock))
    go_to(at, "weekly-ritual")
    key = "together_plan_weekly-ritual_what"
    at.text_area(key=key).set_value("A slow walk, not yet saved").run()
    click(at, "together_break_go")
    clock.now += 20 * 60
    click(at, "together_break_end")
    assert at.text_area(key=key).value == "A slow walk, not yet saved"
    click(at, "together_next")
    click(at, "together_back")
    assert at.text_area(key=key).value == "A slow walk, not yet saved"
    assert "weekly-ritual" not in progress_of(at).plans


def test_names_are_only_ever_shown_as_text(clock):
    first = "**Big** ![x](http://e.invalid)"
    second = "<img src=x onerror=alert(1)>"
    at = start(_app(clock), a=first, b=second)
    answer(at, "checkin-open", 5, 6)
    go_to(at, "arrival-word")
    click(at, "together_open_arrival-word_B")
    submit(at, "together_form_arrival-word_B", "Pass")
    bodies = " ".join(h.proto.body for h in at.get("html"))
    assert html.escape(f"{first}'s turn") in bodies
    assert html.escape(second) in bodies
    assert "<img src=x" not in bodies
    labels = [b.label for b in at.button] + [e.value for e in [*at.markdown, *at.caption]]
    labels += [p.proto.text for p in at.get("progress")]
    for label in labels:
        assert "e.invalid" not in label and "<img" not in label and "**Big**" not in label


def test_a_sensitive_stage_opens_with_its_content_note_and_can_be_skipped(clock):
    at = start(_app(clock))
    barriers = next(i for i, m in enumerate(CONTENT.modules) if m.content_note)
    progress = progress_of(at).model_copy(update={"stage": barriers, "item": 0})
    at.session_state[together.PROGRESS] = progress
    at.run()
    assert "Before this part" in page_text(at)
    assert not any(b.key == "together_next" for b in at.button)
    click(at, f"together_note_{CONTENT.modules[barriers].id}_skip")
    assert progress_of(at).stage == barriers + 1
    assert progress_of(at).skipped == [CONTENT.modules[barriers].id]


def test_equal_names_are_refused_with_a_message(clock):
    at = start(_app(clock), a="Sam", b="Sam")
    assert together.NAMES not in at.session_state
    assert "two different names" in notes(at)


def test_the_couple_path_imports_nothing_that_stores():
    paths = [*(REPO / "workshop" / "views").glob("together*.py")]
    paths += [*(REPO / "workshop").glob("couple*.py")]
    assert len(paths) >= 2
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                names = {alias.name for alias in node.names}
                assert node.module != "workshop.engine.store", path
                assert not names & {"store", "Store", "live"}, path
            elif isinstance(node, ast.Import):
                assert all("store" not in alias.name for alias in node.names), path


# --- the couple's own words: no group talk, safety first ---------------------------------------


def test_walking_every_card_of_the_couple_path_shows_no_words_meant_for_a_group(clock):
    from workshop.content.model import GROUP_ONLY

    at = start(_app(clock))
    seen: list[str] = [page_text(at)]
    for _ in range(120):
        spot = couple.current_item(progress_of(at), content=CONTENT)
        if spot is None:
            break
        module, _item = spot
        note = f"together_note_{module.id}_go"
        click(at, note if any(b.key == note for b in at.button) else "together_next")
        seen.append(page_text(at))
    assert couple.current_item(progress_of(at), content=CONTENT) is None, "reached the end"
    # What a person can read: every element's text, without the widgets' internal ids.
    walked = "\n".join(
        line
        for line in "\n".join(seen).splitlines()
        if not line.strip().startswith(("id:", "form_id:"))
    )
    assert "Thank you for giving each other this time" in walked, "the couple's own slide"
    assert "Your choice, then your conversation" in walked
    found = sorted({m.group(0).lower() for m in GROUP_ONLY.finditer(walked)})
    assert found == [], found


def test_before_they_begin_a_short_note_says_who_this_is_not_for_and_where_help_is(clock):
    at = _app(clock)
    at.run()
    text = page_text(at)
    assert "afraid" in text and "controlled" in text and "in confidence" in text
    assert 'label: "Support"' in text, "the help button reads like any other button"
    for word in ("abuse", "violence", "hotline"):
        assert f'label: "{word}' not in text.lower()
    assert "domestic-abuse helpline" in text and "couples therapists" in text
    assert "local emergency number" in text
    from workshop.content.guidance import HOME_SUPPORT

    assert not any(ch.isdigit() for ch in HOME_SUPPORT), "no phone number is made up"


def test_the_support_text_at_home_can_be_set_by_whoever_runs_the_app(clock, monkeypatch):
    monkeypatch.setenv("BEDROCK_HOME_SUPPORT", "Call the Linden Clinic: <b>0123</b>")
    at = start(_app(clock))
    text = page_text(at)
    assert "Call the Linden Clinic: <b>0123</b>" in text, "shown as plain text"
    assert "domestic-abuse helpline" not in text


def test_a_closing_check_in_lower_than_the_opening_one_gets_a_word_of_care(clock):
    at = start(_app(clock))
    answer(at, "checkin-open", 7, 7)
    assert "Your numbers are different" not in notes(at)
    answer(at, "checkin-close", 5, 7)
    assert "One of your numbers is lower than at the start" in notes(at)


def test_a_good_place_to_pause_for_tonight_is_suggested_once_near_halfway(clock):
    at = start(_app(clock))
    text = "A good place to pause for tonight"
    assert text not in notes(at)
    go_to(at, "listening-turns")
    stage = progress_of(at).stage
    assert stage in couple.pause_points(CONTENT)
    at.session_state[together.PROGRESS] = progress_of(at).model_copy(update={"item": 0})
    at.run()
    assert text in notes(at) and "Continue from a file" in notes(at)
    click(at, "together_next")
    assert text not in notes(at)


def test_when_the_closeness_question_does_not_apply_they_get_a_kind_word_and_a_gentler_one(
    clock,
):
    eid = "mechanical-or-close"
    exercise = CONTENT.exercises[eid]
    other = exercise.not_for_us
    at = start(_app(clock))
    go_to(at, eid)
    first = next(p for p in "AB" if any(b.key == f"together_open_{eid}_{p}" for b in at.button))
    click(at, f"together_open_{eid}_{first}")
    options = at.radio(key=f"together_value_{eid}_{first}").options
    assert other.label not in options, "not one choice among others: a way of its own"
    assert exercise.options[0] in options
    at.session_state[together.PROGRESS] = progress_of(at).model_copy(update={"answering": None})
    at.run()

    click(at, f"together_aside_{eid}")
    assert "Closeness takes many forms" in notes(at) and "Nothing here asks you" in notes(at)
    assert "what helps you feel close" in page_text(at)
    click(at, f"together_aside_back_{eid}")  # changed their minds: the first question again
    assert "Closeness takes many forms" not in notes(at)
    click(at, f"together_aside_{eid}")

    click(at, f"together_open_{eid}_{first}")
    assert at.radio(key=f"together_value_{eid}_{first}").options == list(other.options)
    at.session_state[together.PROGRESS] = progress_of(at).model_copy(update={"answering": None})
    at.run()
    answer(at, eid, other.options[0], other.options[2])
    text = page_text(at)
    assert other.options[0] in text and other.options[2] in text
    for sexual in exercise.options[:5]:
        assert sexual not in text, "the questions about sex are skipped"
    assert not any(b.key == f"together_aside_back_{eid}" for b in at.button)

    saved = download(at, "together_save")
    again = savefile.from_file(saved, content=CONTENT)
    assert again.gentler == [eid]
    assert couple.shared_answers(again, exercise_id=eid) == {
        "A": other.options[0],
        "B": other.options[2],
    }
