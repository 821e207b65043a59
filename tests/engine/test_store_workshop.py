"""Running a workshop: creating it, moving through stages and slides, the shared timer,
what participants may send, and the version every screen polls. Runs on SQLite and
PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from workshop.engine.errors import InvalidInput
from workshop.engine.privacy import new_token
from workshop.engine.store import PromptSpec, StagePlan
from workshop.engine.timer import Timer


def test_a_new_workshop_starts_live_on_its_first_stage(any_store, clock, new_workshop):
    created = new_workshop(any_store, title="  Thursday\tgroup ", support_text="Call Ana: 0123")
    state = any_store.state(code=created.code)
    assert (state.code, state.title, state.status, state.version) == (
        created.code,
        "Thursday group",
        "live",
        1,
    )
    assert (state.stage_index, state.slide_index, state.current_prompt) == (0, 0, None)
    assert state.timer == Timer()
    assert state.revealed == frozenset()
    assert (state.min_reveal, state.support_text) == (3, "Call Ana: 0123")
    assert [s.module_id for s in state.stages] == ["welcome", "barriers", "together"]
    assert [s.minutes for s in state.stages] == [10, 20, 15]
    assert state.stages[1].prompt_ids == ("barrier", "hard-part", "pick")
    assert list(state.prompts) == [
        "arrival",
        "closeness",
        "barrier",
        "hard-part",
        "pick",
        "order",
        "turns",
    ]
    assert state.prompts["pick"] == PromptSpec(
        id="pick", kind="choice", title="Pick one", options=("Time", "Stress", "Phones")
    )
    assert state.stage_started_at == clock.now


def test_a_prompt_shared_by_two_stages_is_one_prompt(any_store):
    check_in = PromptSpec(id="check", kind="scale", title="Check in", scale_min=1, scale_max=5)
    stages = [
        StagePlan(module_id="open", title="Open", minutes=5, prompts=(check_in,)),
        StagePlan(module_id="close", title="Close", minutes=5, prompts=(check_in,)),
    ]
    code = any_store.create_workshop(title="Twice", stages=stages, passcode="pass").code
    state = any_store.state(code=code)
    assert list(state.prompts) == ["check"]
    assert [s.prompt_ids for s in state.stages] == [("check",), ("check",)]


SCALE = PromptSpec(id="s", kind="scale", title="S", scale_min=1, scale_max=5)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "   "}, "Workshop title: Please write something before sending."),
        ({"title": "x" * 121}, "Workshop title: Please keep it to 120 characters or fewer"),
        ({"passcode": "abc"}, "Please choose a passcode of at least 4 characters."),
        ({"min_reveal": 0}, "The reveal threshold must be a whole number from 1 to 1000."),
        ({"stages": []}, "A workshop needs at least one stage."),
        (
            {"stages": [StagePlan("m", "M", 5, (PromptSpec(id="p", kind="poll", title="P"),))]},
            "Prompt 'p': unknown kind 'poll'.",
        ),
        (
            {"stages": [StagePlan("m", "M", 5, (PromptSpec(id="p", kind="scale", title="P"),))]},
            "Prompt 'p': a scale needs whole numbers scale_min < scale_max, between -1000 and 1000,",
        ),
        (
            {
                "stages": [
                    StagePlan(
                        "m", "M", 5, (PromptSpec(id="p", kind="choice", title="P", options=("a",)),)
                    )
                ]
            },
            "Prompt 'p': needs at least two different options.",
        ),
        (
            {
                "stages": [
                    StagePlan("a", "A", 5, (SCALE,)),
                    StagePlan("b", "B", 5, (PromptSpec(id="s", kind="word", title="S"),)),
                ]
            },
            "Prompt 's' is defined twice, differently.",
        ),
        (
            {"stages": [StagePlan("m", "M", -1)]},
            "Stage 'M': minutes must be a number from 0 to 1440.",
        ),
    ],
)
def test_a_workshop_that_cannot_run_is_refused_with_a_reason(changes, message, store):
    arguments = {"title": "Group", "stages": [StagePlan("m", "M", 5)], "passcode": "pass"}
    with pytest.raises(InvalidInput) as refused:
        store.create_workshop(**(arguments | changes))
    assert str(refused.value).startswith(message)
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM workshops").scalar() == 0


# -- stages and slides -------------------------------------------------------------------------


def test_moving_between_stages_keeps_the_time_spent_on_each(any_store, clock, new_workshop):
    created = new_workshop(any_store)
    code, key = created.code, created.facilitator_key
    clock.advance(600)
    any_store.next_stage(code=code, key=key)
    clock.advance(300)
    any_store.previous_stage(code=code, key=key)
    clock.advance(60)
    any_store.go_to_stage(code=code, key=key, index=2)
    clock.advance(45)
    state = any_store.state(code=code)
    assert state.stage_index == 2
    assert [state.elapsed(i, clock.now) for i in range(3)] == [660, 300, 45]
    assert state.stage_started_at == clock.now - 45


def test_a_new_stage_starts_on_its_first_slide_without_prompt_or_timer(
    any_store, clock, new_workshop
):
    created = new_workshop(any_store)
    code, key = created.code, created.facilitator_key
    any_store.set_slide(code=code, key=key, index=4)
    any_store.set_prompt(code=code, key=key, prompt_id="closeness")
    any_store.timer_start(code=code, key=key, seconds=120)
    state = any_store.state(code=code)
    assert (state.slide_index, state.current_prompt) == (4, "closeness")
    assert state.timer.status(clock.now) == "running"
    any_store.next_stage(code=code, key=key)
    state = any_store.state(code=code)
    assert (state.stage_index, state.slide_index, state.current_prompt) == (1, 0, None)
    assert state.timer == Timer()


def test_the_wall_page_the_console_holds_is_shared_until_the_room_moves_on(any_store, new_workshop):
    created = new_workshop(any_store)
    code, key = created.code, created.facilitator_key
    assert any_store.state(code=code).wall_page is None  # the pages turn by time
    any_store.set_prompt(code=code, key=key, prompt_id="barrier")
    any_store.set_wall_page(code=code, key=key, page=2)
    assert any_store.state(code=code).wall_page == 2
    any_store.set_wall_page(code=code, key=key, page=None)
    assert any_store.state(code=code).wall_page is None
    # Another prompt, or another stage, and the pages turn by themselves again.
    any_store.set_wall_page(code=code, key=key, page=1)
    any_store.set_prompt(code=code, key=key, prompt_id="pick")
    assert any_store.state(code=code).wall_page is None
    any_store.set_wall_page(code=code, key=key, page=1)
    any_store.next_stage(code=code, key=key)
    assert any_store.state(code=code).wall_page is None


@pytest.mark.parametrize(
    ("move", "message"),
    [
        (lambda s, c, k: s.previous_stage(code=c, key=k), "This is already the first stage."),
        (lambda s, c, k: s.go_to_stage(code=c, key=k, index=3), "There is no stage 4."),
        (lambda s, c, k: s.go_to_stage(code=c, key=k, index=-1), "There is no stage 0."),
        (lambda s, c, k: s.go_to_stage(code=c, key=k, index=True), "Please give a whole number."),
        (lambda s, c, k: s.set_slide(code=c, key=k, index=-1), "There is no such slide."),
        (lambda s, c, k: s.set_wall_page(code=c, key=k, page=-1), "There is no such page."),
        (lambda s, c, k: s.set_wall_page(code=c, key=k, page=10**9), "There is no such page."),
        (lambda s, c, k: s.set_wall_page(code=c, key=k, page="2"), "Please give a whole number."),
        (
            lambda s, c, k: s.set_prompt(code=c, key=k, prompt_id="nope"),
            "That question is not part of this workshop.",
        ),
    ],
)
def test_moves_that_go_nowhere_are_refused(move, message, any_store, new_workshop):
    created = new_workshop(any_store)
    with pytest.raises(InvalidInput) as refused:
        move(any_store, created.code, created.facilitator_key)
    assert str(refused.value) == message
    assert any_store.version(code=created.code) == 1


def test_next_stage_on_the_last_stage_is_refused(any_store, new_workshop):
    created = new_workshop(any_store)
    any_store.go_to_stage(code=created.code, key=created.facilitator_key, index=2)
    with pytest.raises(InvalidInput, match="already the last stage"):
        any_store.next_stage(code=created.code, key=created.facilitator_key)


# -- the shared timer --------------------------------------------------------------------------


def test_the_timer_is_stored_as_a_deadline_every_screen_reads_the_same(
    any_store, clock, new_workshop
):
    created = new_workshop(any_store)
    code, key = created.code, created.facilitator_key
    start = clock.now
    any_store.timer_start(code=code, key=key, seconds=300)
    assert any_store.state(code=code).timer == Timer(duration=300, ends_at=start + 300)
    clock.advance(100)
    any_store.timer_pause(code=code, key=key)
    clock.advance(1000)
    timer = any_store.state(code=code).timer
    assert (timer.status(clock.now), timer.remaining(clock.now)) == ("paused", 200)
    any_store.timer_resume(code=code, key=key)
    any_store.timer_extend(code=code, key=key, seconds=60)
    timer = any_store.state(code=code).timer
    assert timer == Timer(duration=360, ends_at=clock.now + 260)
    clock.advance(260)
    assert any_store.state(code=code).timer.status(clock.now) == "over"
    any_store.timer_reset(code=code, key=key)
    assert any_store.state(code=code).timer == Timer(duration=360)


@pytest.mark.parametrize("seconds", [0, -5, 24 * 3600 + 1, float("nan"), "60", None, True])
def test_a_timer_length_that_makes_no_sense_is_refused(seconds, store, new_workshop):
    created = new_workshop(store)
    with pytest.raises(InvalidInput):
        store.timer_start(code=created.code, key=created.facilitator_key, seconds=seconds)
    assert store.version(code=created.code) == 1


# -- what participants may send ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("prompt_id", "value", "message"),
    [
        ("closeness", 0, "Please choose a whole number from 1 to 5."),
        ("closeness", 6, "Please choose a whole number from 1 to 5."),
        ("closeness", 2.5, "Please choose a whole number from 1 to 5."),
        ("closeness", "3", "Please choose a whole number from 1 to 5."),
        ("closeness", True, "Please choose a whole number from 1 to 5."),
        ("pick", "Money", "Please choose one of the options."),
        ("pick", ["Time"], "Please choose one of the options."),
        ("order", ["Talk", "Touch"], "Please put every item in order, each one once."),
        ("order", ["Talk", "Talk", "Play"], "Please put every item in order, each one once."),
        (
            "order",
            ["Talk", "Touch", "Play", "Rest"],
            "Please put every item in order, each one once.",
        ),
        ("order", "Talk", "Please put every item in order, each one once."),
        ("barrier", "Time", "This question takes written text, not a choice."),
        ("turns", "A", "Nothing is collected for this exercise."),
        ("missing", 3, "That question is not part of this workshop."),
        (None, 3, "That question is not part of this workshop."),
        (7, 3, "That question is not part of this workshop."),
    ],
)
def test_an_answer_the_prompt_does_not_take_is_refused(
    prompt_id, value, message, any_store, new_workshop
):
    code = new_workshop(any_store).code
    token = any_store.join(code=code)
    before = any_store.version(code=code)
    with pytest.raises(InvalidInput) as refused:
        any_store.answer(code=code, prompt_id=prompt_id, token=token, value=value)
    assert str(refused.value) == message
    assert any_store.version(code=code) == before


@pytest.mark.parametrize(
    ("prompt_id", "text", "message"),
    [
        ("pick", "Time", "This question takes a choice, not written text."),
        ("turns", "hello", "This question takes a choice, not written text."),
        ("barrier", " \n ", "Please write something before sending."),
        ("arrival", "w" * 41, "Please keep it to 40 characters or fewer (this has 41)."),
        ("hard-part", "h" * 301, "Please keep it to 300 characters or fewer (this has 301)."),
    ],
)
def test_text_the_prompt_does_not_take_is_refused(prompt_id, text, message, store, new_workshop):
    code = new_workshop(store).code
    token = store.join(code=code)
    before = store.version(code=code)
    with pytest.raises(InvalidInput) as refused:
        store.submit_reflection(token=token, code=code, prompt_id=prompt_id, text=text)
    assert str(refused.value) == message
    assert store.version(code=code) == before


def test_an_answer_without_a_usable_token_is_refused(store, new_workshop):
    code = new_workshop(store).code
    for token in (None, "", "short", new_token(), "x" * 43 + "." + "y" * 43):
        with pytest.raises(InvalidInput, match="reload"):
            store.answer(code=code, prompt_id="pick", token=token, value="Time")


def test_answering_again_changes_the_answer_instead_of_adding_one(any_store, new_workshop):
    code = new_workshop(any_store, min_reveal=1).code
    token = any_store.join(code=code)
    any_store.answer(code=code, prompt_id="pick", token=token, value="Time")
    any_store.answer(code=code, prompt_id="pick", token=token, value="Phones")
    any_store.answer(code=code, prompt_id="pick", token=any_store.join(code=code), value="Phones")
    assert any_store.response_count(code=code, prompt_id="pick") == 2
    results = any_store.results(code=code, prompt_id="pick")
    assert results.distribution == {"Time": 0, "Stress": 0, "Phones": 2}


def test_a_ranking_counts_first_places(any_store, new_workshop):
    code = new_workshop(any_store).code
    for ranking in (
        ["Talk", "Touch", "Play"],
        ("Play", "Talk", "Touch"),
        ["Talk", "Play", "Touch"],
    ):
        any_store.answer(
            code=code, prompt_id="order", token=any_store.join(code=code), value=ranking
        )
    results = any_store.results(code=code, prompt_id="order")
    assert results.distribution == {"Talk": 2, "Touch": 0, "Play": 1}


def test_hiding_a_reflection_that_is_not_there_is_refused(any_store, new_workshop):
    created, other = new_workshop(any_store), new_workshop(any_store)
    elsewhere = any_store.submit_reflection(
        token=any_store.join(code=other.code), code=other.code, prompt_id="barrier", text="theirs"
    )
    for reflection_id in (elsewhere, "no-such-id", None, 12):
        with pytest.raises(InvalidInput, match="no longer there"):
            any_store.hide_reflection(
                code=created.code, key=created.facilitator_key, reflection_id=reflection_id
            )
    assert any_store.results(code=other.code, prompt_id="barrier").count == 1


def test_an_exercise_that_collects_nothing_has_no_results_to_reveal(any_store, new_workshop):
    created = new_workshop(any_store, min_reveal=1)
    results = any_store.results(code=created.code, prompt_id="turns")
    assert (results.count, results.enough, results.count_label) == (0, False, "no answers yet")
    assert any_store.response_count(code=created.code, prompt_id="turns") == 0
    with pytest.raises(InvalidInput, match="Nothing is collected"):
        any_store.reveal(code=created.code, key=created.facilitator_key, prompt_id="turns")


def test_a_reflection_is_stored_cleaned(any_store, new_workshop):
    created = new_workshop(any_store)
    reflection_id = any_store.submit_reflection(
        token=any_store.join(code=created.code),
        code=created.code,
        prompt_id="barrier",
        text="  \u202eno time\u202c\r\n\r\n\r\nat all\t ",
    )
    (stored,) = any_store.moderation_queue(
        code=created.code, key=created.facilitator_key, prompt_id="barrier"
    )
    assert (stored.id, stored.text, stored.hidden) == (reflection_id, "no time\n\nat all", False)


# -- the version every screen polls ------------------------------------------------------------


PHONES: dict[str, list[str]] = {}
"""Phones that joined each workshop before its versions are counted."""


def send(target, code: str, text: str) -> str:
    """A reflection on "barrier" from a phone of its own."""
    return target.submit_reflection(
        code=code, prompt_id="barrier", token=PHONES[code].pop(), text=text
    )


CHANGES = [
    ("next_stage", lambda s, c, k: s.next_stage(code=c, key=k)),
    ("previous_stage", lambda s, c, k: s.previous_stage(code=c, key=k)),
    ("go_to_stage", lambda s, c, k: s.go_to_stage(code=c, key=k, index=1)),
    ("set_slide", lambda s, c, k: s.set_slide(code=c, key=k, index=2)),
    ("set_prompt", lambda s, c, k: s.set_prompt(code=c, key=k, prompt_id="barrier")),
    ("submit_reflection", lambda s, c, k: send(s, c, "a")),
    ("submit again", lambda s, c, k: send(s, c, "b")),
    ("submit a third", lambda s, c, k: send(s, c, "c")),
    ("answer", lambda s, c, k: s.answer(code=c, prompt_id="pick", token=PHONES[c][0], value="Time")),
    ("change answer", lambda s, c, k: s.answer(code=c, prompt_id="pick", token=PHONES[c][0], value="Stress")),
    ("timer_start", lambda s, c, k: s.timer_start(code=c, key=k, seconds=60)),
    ("timer_pause", lambda s, c, k: s.timer_pause(code=c, key=k)),
    ("timer_extend", lambda s, c, k: s.timer_extend(code=c, key=k, seconds=30)),
    ("timer_resume", lambda s, c, k: s.timer_resume(code=c, key=k)),
    ("timer_reset", lambda s, c, k: s.timer_reset(code=c, key=k)),
    ("reveal", lambda s, c, k: s.reveal(code=c, key=k, prompt_id="barrier")),
    ("set_wall_page", lambda s, c, k: s.set_wall_page(code=c, key=k, page=1)),
    ("wall pages turn by time", lambda s, c, k: s.set_wall_page(code=c, key=k, page=None)),
    ("unreveal", lambda s, c, k: s.unreveal(code=c, key=k, prompt_id="barrier")),
    (
        "hide_reflection",
        lambda s, c, k: s.hide_reflection(
            code=c, key=k, reflection_id=s.moderation_queue(code=c, key=k, prompt_id="barrier")[0].id
        ),
    ),
    ("end_workshop", lambda s, c, k: s.end_workshop(code=c, key=k)),
]  # fmt: skip


def test_every_change_bumps_the_version_by_one(any_store, clock, new_workshop):
    created = new_workshop(any_store)
    code, key = created.code, created.facilitator_key
    PHONES[code] = [any_store.join(code=code) for _ in range(4)]
    for name, change in CHANGES:
        before = any_store.version(code=code)
        change(any_store, code, key)
        assert any_store.version(code=code) == before + 1, name
        clock.advance(1)


QUIET_FOR_PHONES = {
    "submit_reflection",
    "submit again",
    "submit a third",
    "answer",
    "change answer",
}
"""Changes no phone draws: answers to prompts whose results are not up."""


def test_the_phones_version_moves_with_what_phones_draw_and_not_with_answers(
    any_store, clock, new_workshop
):
    """Phones wait on the phone version: a room sending answers must not wake them all."""
    created = new_workshop(any_store)
    code, key = created.code, created.facilitator_key
    PHONES[code] = [any_store.join(code=code) for _ in range(4)]

    def phones_version() -> int:  # read as the server's watcher reads it (ended ones too)
        return any_store.versions(codes=[code], phones=True)[code]

    for name, change in CHANGES:
        before = phones_version()
        change(any_store, code, key)
        moved = phones_version() - before
        assert moved == (0 if name in QUIET_FOR_PHONES else 1), name
        clock.advance(1)


def test_once_results_are_up_a_vote_moves_phones_and_an_unread_text_does_not(
    any_store, new_workshop
):
    created = new_workshop(any_store, min_reveal=3)
    code, key = created.code, created.facilitator_key
    any_store.go_to_stage(code=code, key=key, index=1)
    phones = [any_store.join(code=code) for _ in range(4)]
    for phone, text in zip(phones[:3], "abc", strict=True):
        any_store.submit_reflection(code=code, prompt_id="barrier", token=phone, text=text)
        any_store.answer(code=code, prompt_id="pick", token=phone, value="Time")
    any_store.reveal(code=code, key=key, prompt_id="barrier")
    any_store.reveal(code=code, key=key, prompt_id="pick")

    def phones_version() -> int:
        return any_store.state(code=code).phones_version

    before = phones_version()
    any_store.submit_reflection(code=code, prompt_id="barrier", token=phones[3], text="late")
    assert phones_version() == before  # held for the facilitator: no phone shows it yet
    any_store.show_all_new(code=code, key=key, prompt_id="barrier")
    assert phones_version() == before + 1
    any_store.answer(code=code, prompt_id="pick", token=phones[3], value="Stress")
    assert phones_version() == before + 2  # the chart on every phone has a new vote
    assert any_store.versions(codes=[code], phones=True) == {code: before + 2}
    assert any_store.versions(codes=[code])[code] == any_store.version(code=code)


def test_a_phone_joining_is_counted_without_moving_the_version(any_store, new_workshop):
    """Screens redraw when the version moves; a room filling up must not wake them all."""
    code = new_workshop(any_store).code
    before = any_store.version(code=code)
    for _ in range(3):
        any_store.join(code=code)
    assert any_store.version(code=code) == before
    assert any_store.phones_joined(code=code) == 3


def test_what_changes_nothing_leaves_the_version_alone(any_store, new_workshop):
    created = new_workshop(any_store)
    code, key = created.code, created.facilitator_key
    any_store.set_prompt(code=code, key=key, prompt_id=None)
    any_store.set_slide(code=code, key=key, index=0)
    any_store.go_to_stage(code=code, key=key, index=0)
    any_store.timer_pause(code=code, key=key)
    any_store.set_wall_page(code=code, key=key, page=None)
    any_store.unreveal(code=code, key=key, prompt_id="barrier")
    any_store.state(code=code)
    any_store.results(code=code, prompt_id="barrier")
    assert any_store.version(code=code) == 1


def test_reading_the_version_is_one_indexed_query(any_store, new_workshop):
    code = new_workshop(any_store).code
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(any_store.engine, "before_cursor_execute", record)
    try:
        any_store.version(code=code)
    finally:
        sa.event.remove(any_store.engine, "before_cursor_execute", record)
    queries = [s for s in statements if not s.strip().upper().startswith("BEGIN")]
    assert len(queries) == 1
    assert "workshops.code =" in queries[0]
    indexes = sa.inspect(any_store.engine).get_indexes("workshops")
    uniques = sa.inspect(any_store.engine).get_unique_constraints("workshops")
    assert ["code"] in [i["column_names"] for i in indexes + uniques]
