"""Every number the engine takes, pushed past what makes sense for a workshop and past what a
database column holds: each is refused with a clear message, on SQLite and on PostgreSQL, and
nothing is written. The largest sensible values go in and come back out unchanged."""

from __future__ import annotations

import math

import pytest

from workshop.engine.errors import InvalidInput
from workshop.engine.store import PromptSpec, StagePlan, Store

HUGE = [
    2**31,  # past PostgreSQL's integer
    2**63,  # past SQLite's INTEGER: 9_223_372_036_854_775_808
    2**64,
    10**400,  # past a float, too
]
VERY_NEGATIVE = [-(2**31) - 1, -(2**63) - 1, -(10**400)]
NOT_FINITE = [math.nan, math.inf, -math.inf]
FLOATS = [1e308, -1e308, 2.5, -0.5]
NOT_NUMBERS = [True, False, None, "3", [3]]
EVERY_BAD_WHOLE = HUGE + VERY_NEGATIVE + NOT_FINITE + FLOATS + NOT_NUMBERS
EVERY_BAD_REAL = HUGE + VERY_NEGATIVE + NOT_FINITE + [1e308, -1e308] + NOT_NUMBERS


def workshops_stored(store: Store) -> int:
    with store.engine.connect() as connection:
        return connection.exec_driver_sql("SELECT count(*) FROM workshops").scalar_one()


def one_prompt(**fields: object) -> list[StagePlan]:
    spec = PromptSpec(**{"id": "p", "kind": "reflection", "title": "P", **fields})
    return [StagePlan("m", "M", 5, (spec,))]


# -- creating a workshop -----------------------------------------------------------------------

# None as a prompt's threshold means "none of its own": the workshop's applies.
PROMPT_THRESHOLDS = [v for v in EVERY_BAD_WHOLE if v is not None] + [0, 1001]
SCALE_MESSAGE = (
    "Prompt 'p': a scale needs whole numbers scale_min < scale_max, between -1000 and 1000, "
    "with at most 101 points."
)
CREATING = {
    "reveal threshold": (
        EVERY_BAD_WHOLE + [0, 1001],
        lambda v: {"min_reveal": v},
        "The reveal threshold must be a whole number from 1 to 1000.",
    ),
    "prompt's reveal threshold": (
        PROMPT_THRESHOLDS,
        lambda v: {"stages": one_prompt(min_reveal=v)},
        "Prompt 'p': min_reveal must be a whole number from 1 to 1000.",
    ),
    "text limit": (
        EVERY_BAD_WHOLE + [0, 20_001],
        lambda v: {"stages": one_prompt(max_chars=v)},
        "Prompt 'p': max_chars must be a whole number from 1 to 20000.",
    ),
    "low end of a scale": (
        EVERY_BAD_WHOLE + [-1001],
        lambda v: {"stages": one_prompt(kind="scale", scale_min=v, scale_max=5)},
        SCALE_MESSAGE,
    ),
    "high end of a scale": (
        EVERY_BAD_WHOLE + [1001],
        lambda v: {"stages": one_prompt(kind="scale", scale_min=1, scale_max=v)},
        SCALE_MESSAGE,
    ),
    "points on a scale": (
        [101, 1000],
        lambda v: {"stages": one_prompt(kind="scale", scale_min=0, scale_max=v)},
        SCALE_MESSAGE,
    ),
    "stage length": (
        EVERY_BAD_REAL + [-1, 1441],
        lambda v: {"stages": [StagePlan("m", "M", v)]},
        "Stage 'M': minutes must be a number from 0 to 1440.",
    ),
}


@pytest.mark.parametrize("field", list(CREATING))
def test_a_workshop_with_a_number_out_of_range_is_refused_and_nothing_is_stored(any_store, field):
    values, changes, message = CREATING[field]
    arguments = {"title": "Group", "stages": [StagePlan("m", "M", 5)], "passcode": "pass"}
    for value in values:
        with pytest.raises(InvalidInput) as refused:
            any_store.create_workshop(**(arguments | changes(value)))
        assert str(refused.value) == message, value
    assert workshops_stored(any_store) == 0


def test_the_largest_sensible_numbers_are_stored_and_read_back(any_store):
    scale = PromptSpec(id="s", kind="scale", title="S", scale_min=-1000, scale_max=-900)
    words = PromptSpec(id="w", kind="reflection", title="W", min_reveal=1000, max_chars=20_000)
    created = any_store.create_workshop(
        title="Group",
        stages=[StagePlan("m", "M", 1440, (scale, words))],
        passcode="pass",
        min_reveal=1000,
    )
    state = any_store.state(code=created.code)
    assert state.min_reveal == 1000
    assert state.stages[0].minutes == 1440
    assert state.prompts["s"].scale_min == -1000 and state.prompts["s"].scale_max == -900
    assert state.prompts["w"].min_reveal == 1000 and state.prompts["w"].max_chars == 20_000
    any_store.answer(code=created.code, prompt_id="s", token="t" * 32, value=-1000)
    assert any_store.results(code=created.code, prompt_id="s").count == 1
    any_store.timer_start(code=created.code, key=created.facilitator_key, seconds=86_400)
    assert any_store.state(code=created.code).timer.duration == 86_400


# -- running one -------------------------------------------------------------------------------

TIMER_BAD = EVERY_BAD_REAL + [86_401, -86_401]


def stage_message(value: object) -> str:
    whole = isinstance(value, int) and not isinstance(value, bool)
    return "There is no stage like that." if whole else "Please give a whole number."


def slide_message(value: object) -> str:
    whole = isinstance(value, int) and not isinstance(value, bool)
    return "There is no such slide." if whole else "Please give a whole number."


RUNNING = {
    "timer length": (
        TIMER_BAD + [0],
        lambda s, c, k, v: s.timer_start(code=c, key=k, seconds=v),
        lambda _v: "A timer runs for more than 0 seconds and at most 24 hours.",
    ),
    "timer change": (
        TIMER_BAD,
        lambda s, c, k, v: s.timer_extend(code=c, key=k, seconds=v),
        lambda _v: "A timer can be changed by at most 24 hours at once.",
    ),
    "stage number": (
        EVERY_BAD_WHOLE,
        lambda s, c, k, v: s.go_to_stage(code=c, key=k, index=v),
        stage_message,
    ),
    "slide number": (
        EVERY_BAD_WHOLE + [1000],
        lambda s, c, k, v: s.set_slide(code=c, key=k, index=v),
        slide_message,
    ),
    "answer on a scale": (
        EVERY_BAD_WHOLE + [0, 6],
        lambda s, c, k, v: s.answer(code=c, prompt_id="closeness", token="t" * 32, value=v),
        lambda _v: "Please choose a whole number from 1 to 5.",
    ),
    "days to keep": (
        EVERY_BAD_WHOLE + [-1, 36_501],
        lambda s, c, k, v: s.purge(older_than_days=v),
        lambda _v: "older_than_days must be a whole number of days from 0 to 36500.",
    ),
}


@pytest.mark.parametrize("field", list(RUNNING))
def test_a_number_out_of_range_is_refused_and_the_workshop_is_unchanged(
    any_store, new_workshop, field
):
    values, act, message = RUNNING[field]
    created = new_workshop(any_store)
    code, key = created.code, created.facilitator_key
    any_store.timer_start(code=code, key=key, seconds=60)
    before = any_store.state(code=code)
    for value in values:
        with pytest.raises(InvalidInput) as refused:
            act(any_store, code, key, value)
        assert str(refused.value) == message(value), value
        assert any_store.state(code=code) == before, value
    assert any_store.response_count(code=code, prompt_id="closeness") == 0
