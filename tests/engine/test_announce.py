"""What a screen reader hears when a phone's or a couple's screen changes."""

from __future__ import annotations

from workshop.engine.announce import (
    ANSWERS_UP,
    ONE_MINUTE_LEFT,
    TIME_UP,
    Cue,
    PhoneMoment,
    phone_moment,
    phone_news,
    timer_cues,
    turn_news,
)
from workshop.engine.records import PromptSpec, StageState, WorkshopState
from workshop.engine.timer import Timer, pause, start

T0 = 1_772_442_000.0
LISTEN = PhoneMoment(stage=0, stage_title="Welcome", prompt=None, prompt_title="", revealed=False)
ASKED = PhoneMoment(
    stage=0, stage_title="Welcome", prompt="word", prompt_title="Arrival word", revealed=False
)


def moment(**changes) -> PhoneMoment:
    return PhoneMoment(**{**ASKED.__dict__, **changes})


def test_the_first_drawing_of_a_phone_says_nothing() -> None:
    assert phone_news(None, ASKED) == ""


def test_nothing_that_changed_is_nothing_said() -> None:
    assert phone_news(ASKED, ASKED) == ""


def test_a_question_arriving_is_said_with_its_title() -> None:
    assert phone_news(LISTEN, ASKED) == "New question: Arrival word."


def test_a_new_stage_is_said_with_its_title_and_a_question_that_comes_with_it() -> None:
    next_stage = PhoneMoment(
        stage=1, stage_title="What is it?", prompt=None, prompt_title="", revealed=False
    )
    assert phone_news(ASKED, next_stage) == "New stage: What is it?"
    with_question = moment(stage=1, stage_title="Why", prompt="word")
    assert phone_news(ASKED, with_question) == "New stage: Why. New question: Arrival word."


def test_answers_going_up_are_said_once() -> None:
    up = moment(revealed=True)
    assert phone_news(ASKED, up) == ANSWERS_UP
    assert phone_news(up, up) == ""
    assert phone_news(up, ASKED) == "", "taking them down is seen, not announced"


def test_a_question_whose_answers_are_already_up_says_both() -> None:
    other = moment(prompt="scale", prompt_title="Check-in", revealed=True)
    assert phone_news(ASKED, other) == f"New question: Check-in. {ANSWERS_UP}"


def test_phone_moment_reads_the_stage_question_and_reveal_from_the_workshop() -> None:
    spec = PromptSpec(id="word", kind="word", title="Arrival word")
    state = WorkshopState(
        code="ABC123",
        title="Tuesday group",
        status="live",
        version=3,
        stage_index=1,
        stages=(
            StageState(index=0, module_id="a", title="Welcome", minutes=5, elapsed=0),
            StageState(index=1, module_id="b", title="Why", minutes=5, elapsed=0),
        ),
        current_prompt="word",
        timer=Timer(),
        revealed=frozenset({"word"}),
        min_reveal=3,
        support_text="",
        prompts={"word": spec},
        stage_started_at=None,
    )
    assert phone_moment(state) == PhoneMoment(
        stage=1, stage_title="Why", prompt="word", prompt_title="Arrival word", revealed=True
    )


def test_a_running_timer_says_one_minute_left_and_time_is_up_at_their_moments() -> None:
    timer = start(Timer(), seconds=300, now=T0)
    assert timer_cues(timer, T0 + 10) == (
        Cue(at=T0 + 240, text=ONE_MINUTE_LEFT),
        Cue(at=T0 + 300, text=TIME_UP),
    )


def test_a_timer_of_a_minute_or_less_only_says_time_is_up() -> None:
    timer = start(Timer(), seconds=60, now=T0)
    assert timer_cues(timer, T0) == (Cue(at=T0 + 60, text=TIME_UP),)


def test_an_idle_or_paused_timer_says_nothing_by_itself() -> None:
    assert timer_cues(Timer(), T0) == ()
    paused = pause(start(Timer(), seconds=300, now=T0), now=T0 + 30)
    assert timer_cues(paused, T0 + 40) == ()


def test_a_turn_is_said_when_it_changes_and_not_again() -> None:
    assert turn_news(None, "Sam's turn") == "Sam's turn."
    assert turn_news("Sam's turn", "Sam's turn") == ""
    assert turn_news("Sam's turn", "Alex's turn") == "Alex's turn."
    assert turn_news("Alex speaks", None) == ""
