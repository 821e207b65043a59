"""Hostile input at every entry point of the engine: a clear error or a clean result, never
an uncaught exception, never a damaged workshop.

Each test states how many inputs it tries (``max_examples``); the README quotes the total.
"""

from __future__ import annotations

import math
import string

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from workshop.engine.errors import BedrockError, WorkshopNotFound
from workshop.engine.store import PromptSpec, StagePlan, Store

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "![t](http://127.0.0.1:9/t.png)",
    "'; DROP TABLE reflections; --",
    '" OR 1=1 --',
    "$$\\frac{1}{0}$$",
    ":red[loud] :material/warning:",
    "\u202eevil\u202c",
    "a\u200bb\u200dc\ufeff",
    "\x00\x01\x02\x7f",
    "👩‍❤️‍👨🏳️‍🌈",
    "x" * 20_000,
    "\U0010ffff",
    "שלום עולם",
    "\n\n\n\t\t",
]

texts = st.one_of(
    st.text(max_size=2_000),
    st.sampled_from(HOSTILE),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
)
# Numbers at the edges of what SQLite, PostgreSQL and a float hold.
EDGES = [
    2**31,
    -(2**31) - 1,
    2**63 - 1,
    2**63,
    -(2**63) - 1,
    2**64,
    10**400,
    -(10**400),
    1e308,
    -1e308,
    5e-324,
    math.nan,
    math.inf,
    -math.inf,
]
anything = st.one_of(
    texts,
    st.none(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from(EDGES),
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(texts, max_size=5),
    st.booleans(),
)
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def healthy(store: Store, code: str) -> None:
    """The workshop still reads back whole after whatever was thrown at it."""
    state = store.state(code=code)
    assert state.status == "live"
    assert 0 <= state.stage_index < len(state.stages)
    for prompt_id in state.prompts:
        results = store.results(code=code, prompt_id=prompt_id)
        assert results.count >= 0


@pytest.fixture
def workshop(store, new_workshop):
    created = new_workshop(store)
    return store, created


@FUZZ
@given(text=texts, prompt=st.one_of(st.sampled_from(["barrier", "arrival", "pick"]), texts))
def test_submitting_any_text_gives_a_clean_result_or_a_clear_error(workshop, text, prompt):
    store, created = workshop
    try:
        store.submit_reflection(code=created.code, prompt_id=prompt, token="t" * 32, text=text)
    except BedrockError as error:
        assert str(error)
    healthy(store, created.code)


@FUZZ
@given(value=anything, token=texts, prompt=st.sampled_from(["closeness", "pick", "order", "x"]))
def test_answering_with_any_value_gives_a_clean_result_or_a_clear_error(
    workshop, value, token, prompt
):
    store, created = workshop
    try:
        store.answer(code=created.code, prompt_id=prompt, token=token, value=value)
    except BedrockError as error:
        assert str(error)
    healthy(store, created.code)


@FUZZ
@given(code=texts, passcode=texts)
def test_any_code_and_passcode_is_refused_clearly(store, code, passcode):
    try:
        store.open_console(code=code, passcode=passcode)
    except BedrockError:
        pass
    else:
        pytest.fail("a random code and passcode opened a console")


@FUZZ
@given(
    index=st.one_of(st.integers(min_value=-(2**40), max_value=2**40), anything),
    seconds=anything,
    prompt=st.one_of(st.none(), texts),
)
def test_facilitator_actions_with_any_arguments_keep_the_workshop_whole(
    workshop, index, seconds, prompt
):
    store, created = workshop
    code, key = created.code, created.facilitator_key
    actions = [
        lambda: store.go_to_stage(code=code, key=key, index=index),
        lambda: store.set_slide(code=code, key=key, index=index),
        lambda: store.set_prompt(code=code, key=key, prompt_id=prompt),
        lambda: store.timer_start(code=code, key=key, seconds=seconds),
        lambda: store.timer_extend(code=code, key=key, seconds=seconds),
        lambda: store.hide_reflection(code=code, key=key, reflection_id=prompt),
        lambda: store.reveal(code=code, key=key, prompt_id=prompt),
    ]
    for action in actions:
        try:
            action()
        except BedrockError as error:
            assert str(error)
    healthy(store, code)
    remaining = store.state(code=code).timer.remaining(store.clock())
    assert remaining >= 0


@FUZZ
@given(title=texts, support=texts, passcode=texts, min_reveal=anything)
@example(title="0", support="", passcode="0000", min_reveal=9_223_372_036_854_775_808)
@example(title="0", support="", passcode="0000", min_reveal=-(2**63) - 1)
@example(title="0", support="", passcode="0000", min_reveal=math.inf)
def test_creating_a_workshop_from_any_text_is_clean_or_clearly_refused(
    store, new_workshop, title, support, passcode, min_reveal
):
    try:
        created = new_workshop(
            store, title=title, support_text=support, passcode=passcode, min_reveal=min_reveal
        )
    except BedrockError as error:
        assert str(error)
        return
    healthy(store, created.code)


@FUZZ
@given(
    minutes=anything,
    min_reveal=anything,
    max_chars=anything,
    scale_min=anything,
    scale_max=anything,
)
@example(minutes=5, min_reveal=2**63, max_chars=1000, scale_min=1, scale_max=5)
@example(minutes=5, min_reveal=None, max_chars=2**64, scale_min=1, scale_max=5)
@example(minutes=5, min_reveal=None, max_chars=1000, scale_min=-(2**63) - 1, scale_max=5)
@example(minutes=math.nan, min_reveal=None, max_chars=1000, scale_min=1, scale_max=5)
def test_a_plan_with_any_numbers_is_clean_or_clearly_refused(
    store, minutes, min_reveal, max_chars, scale_min, scale_max
):
    scale = PromptSpec(
        id="s",
        kind="scale",
        title="S",
        min_reveal=min_reveal,
        scale_min=scale_min,
        scale_max=scale_max,
    )
    words = PromptSpec(id="w", kind="reflection", title="W", max_chars=max_chars)
    try:
        created = store.create_workshop(
            title="Group", stages=[StagePlan("m", "M", minutes, (scale, words))], passcode="pass"
        )
    except BedrockError as error:
        assert str(error)
        return
    healthy(store, created.code)


@FUZZ
@given(code=st.one_of(texts, st.text(alphabet=string.printable + "ÀÉ漢字\u202e", max_size=20)))
def test_looking_up_any_unknown_code_says_not_found(store, code):
    with pytest.raises(WorkshopNotFound):
        store.state(code=code)
    with pytest.raises(WorkshopNotFound):
        store.version(code=code)
