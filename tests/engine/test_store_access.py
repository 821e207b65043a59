"""Who may do what: facilitator and screen keys, the passcode and its throttling, unknown and
ended workshops. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from dataclasses import replace
from functools import partial

import pytest
import sqlalchemy as sa

from workshop.engine import db
from workshop.engine.errors import (
    AccessDenied,
    TooManyAttempts,
    WorkshopEnded,
    WorkshopNotFound,
)
from workshop.engine.store import Store

FACILITATOR_ACTIONS = {
    "check_facilitator": lambda s, code, key, _r: s.check_facilitator(code=code, key=key),
    "screen_key": lambda s, code, key, _r: s.screen_key(code=code, key=key),
    "moderation_queue": lambda s, code, key, _r: s.moderation_queue(
        code=code, key=key, prompt_id="barrier"
    ),
    "set_slide": lambda s, code, key, _r: s.set_slide(code=code, key=key, index=3),
    "set_prompt": lambda s, code, key, _r: s.set_prompt(code=code, key=key, prompt_id="pick"),
    "timer_pause": lambda s, code, key, _r: s.timer_pause(code=code, key=key),
    "timer_resume": lambda s, code, key, _r: s.timer_resume(code=code, key=key),
    "timer_extend": lambda s, code, key, _r: s.timer_extend(code=code, key=key, seconds=60),
    "timer_reset": lambda s, code, key, _r: s.timer_reset(code=code, key=key),
    "timer_start": lambda s, code, key, _r: s.timer_start(code=code, key=key, seconds=90),
    "reveal": lambda s, code, key, _r: s.reveal(code=code, key=key, prompt_id="barrier"),
    "unreveal": lambda s, code, key, _r: s.unreveal(code=code, key=key, prompt_id="closeness"),
    "hide_reflection": lambda s, code, key, reflection: s.hide_reflection(
        code=code, key=key, reflection_id=reflection
    ),
    "go_to_stage": lambda s, code, key, _r: s.go_to_stage(code=code, key=key, index=2),
    "previous_stage": lambda s, code, key, _r: s.previous_stage(code=code, key=key),
    "next_stage": lambda s, code, key, _r: s.next_stage(code=code, key=key),
    "end_workshop": lambda s, code, key, _r: s.end_workshop(code=code, key=key),
}


def test_every_facilitator_action_is_refused_without_the_facilitator_key(
    any_store, clock, new_workshop
):
    """Each action, in an order where each one can then succeed with the right key, is first
    tried with every wrong key and must change nothing."""
    created, other = new_workshop(any_store), new_workshop(any_store)
    code, key = created.code, created.facilitator_key
    any_store.next_stage(code=code, key=key)
    any_store.timer_start(code=code, key=key, seconds=300)
    reflection = None
    for text in ("one", "two", "three"):
        reflection = any_store.submit_reflection(
            token=any_store.join(code=code), code=code, prompt_id="barrier", text=text
        )
    for value in (1, 2, 3):
        any_store.answer(
            code=code, prompt_id="closeness", token=any_store.join(code=code), value=value
        )
    any_store.reveal(code=code, key=key, prompt_id="closeness")
    clock.advance(30)
    flipped = key[:-1] + ("A" if key[-1] != "A" else "B")
    wrong_keys = {
        "no key": None,
        "an empty key": "",
        "a key one letter off": flipped,
        "another workshop's key": other.facilitator_key,
        "the screen key": created.screen_key,
    }
    assert list(FACILITATOR_ACTIONS)[-1] == "end_workshop"
    for action, act in FACILITATOR_ACTIONS.items():
        before = any_store.state(code=code)
        for label, wrong in wrong_keys.items():
            with pytest.raises(AccessDenied):
                act(any_store, code, wrong, reflection)
            assert any_store.state(code=code) == before, f"{action} changed with {label}"
        act(any_store, code, key, reflection)  # and the right key works
        clock.advance(5)


def test_the_screen_key_opens_the_screen_and_nothing_else_does(any_store, new_workshop):
    created, other = new_workshop(any_store), new_workshop(any_store)
    any_store.check_screen(code=created.code, screen_key=created.screen_key)
    for key in (created.facilitator_key, other.screen_key, "", None):
        with pytest.raises(AccessDenied):
            any_store.check_screen(code=created.code, screen_key=key)
    assert any_store.screen_key(code=created.code, key=created.facilitator_key) == (
        created.screen_key
    )


def test_keys_are_long_random_and_distinct(any_store, new_workshop):
    made = [new_workshop(any_store) for _ in range(3)]
    keys = [k for c in made for k in (c.facilitator_key, c.screen_key)]
    assert len(set(keys)) == 6
    assert all(len(k) >= 43 for k in keys)  # 256 bits as URL-safe text
    assert len({c.code for c in made}) == 3


def test_a_join_code_works_however_it_is_typed(any_store, new_workshop):
    code = new_workshop(any_store).code
    typed = f" {code[:3].lower()}-{code[3:].lower()} "
    assert any_store.state(code=typed).code == code
    assert any_store.version(code=typed) == 1


def test_the_database_refuses_two_workshops_with_one_code(any_store, new_workshop):
    code = new_workshop(any_store).code
    with any_store.engine.connect() as connection:
        row = dict(connection.execute(sa.select(db.workshops)).mappings().one())
        row.pop("id")
        with pytest.raises(sa.exc.IntegrityError):
            connection.execute(db.workshops.insert().values(row | {"code": code}))


# -- passcode ----------------------------------------------------------------------------------


def test_the_passcode_opens_the_console_with_the_same_key(any_store, new_workshop):
    created = new_workshop(any_store)
    assert any_store.open_console(code=created.code, passcode="open sesame") == (
        created.facilitator_key
    )
    for wrong in ("open sesame!", "OPEN SESAME", "", None):
        with pytest.raises(AccessDenied):
            any_store.open_console(code=created.code, passcode=wrong)


def wrong_tries(store, code, times):
    for _ in range(times):
        with pytest.raises(AccessDenied):
            store.open_console(code=code, passcode="guess")


def test_five_wrong_passcodes_make_every_try_wait_longer_each_time(any_store, clock, new_workshop):
    created, other = new_workshop(any_store), new_workshop(any_store)
    wrong_tries(any_store, created.code, 5)
    with pytest.raises(TooManyAttempts) as waiting:
        any_store.open_console(code=created.code, passcode="open sesame")
    assert waiting.value.retry_after == 60
    clock.advance(59)
    with pytest.raises(TooManyAttempts) as waiting:
        any_store.open_console(code=created.code, passcode="open sesame")
    assert waiting.value.retry_after == 1
    # Another workshop is not slowed down.
    assert any_store.open_console(code=other.code, passcode="open sesame")

    clock.advance(1)
    wrong_tries(any_store, created.code, 5)
    with pytest.raises(TooManyAttempts) as waiting:
        any_store.open_console(code=created.code, passcode="guess")
    assert waiting.value.retry_after == 120

    clock.advance(120)
    assert any_store.open_console(code=created.code, passcode="open sesame")
    wrong_tries(any_store, created.code, 5)  # a success starts over at one minute
    with pytest.raises(TooManyAttempts) as waiting:
        any_store.open_console(code=created.code, passcode="guess")
    assert waiting.value.retry_after == 60


def test_wrong_passcodes_spread_over_minutes_are_not_held_against_anyone(
    any_store, clock, new_workshop
):
    code = new_workshop(any_store).code
    for _ in range(3):
        wrong_tries(any_store, code, 4)
        clock.advance(61)
    assert any_store.open_console(code=code, passcode="open sesame")


def test_the_try_counter_is_shared_by_every_server(any_url, clock, new_workshop):
    first, second = Store(any_url, clock=clock), Store(any_url, clock=clock)
    try:
        code = new_workshop(first).code
        wrong_tries(first, code, 3)
        wrong_tries(second, code, 2)
        with pytest.raises(TooManyAttempts):
            first.open_console(code=code, passcode="open sesame")
    finally:
        first.close()
        second.close()


def test_parallel_guesses_cannot_get_past_the_limit(any_store, new_workshop):
    code = new_workshop(any_store).code
    outcomes: list[str] = []
    start = threading.Barrier(20)

    def guess():
        start.wait()
        try:
            any_store.open_console(code=code, passcode="guess")
        except (AccessDenied, TooManyAttempts) as refused:
            outcomes.append(type(refused).__name__)

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 20
    assert outcomes.count("AccessDenied") == 5
    assert outcomes.count("TooManyAttempts") == 15


# -- unknown and ended workshops ---------------------------------------------------------------

EVERY_CALL = {
    "version": lambda s, c: s.version(code=c.code),
    "state": lambda s, c: s.state(code=c.code),
    "open_console": lambda s, c: s.open_console(code=c.code, passcode="open sesame"),
    "check_screen": lambda s, c: s.check_screen(code=c.code, screen_key=c.screen_key),
    "submit_reflection": lambda s, c: s.submit_reflection(
        token=s.join(code=c.code), code=c.code, prompt_id="barrier", text="hello"
    ),
    "answer": lambda s, c: s.answer(
        code=c.code, prompt_id="pick", token=s.join(code=c.code), value="Time"
    ),
    "response_count": lambda s, c: s.response_count(code=c.code, prompt_id="barrier"),
    "results": lambda s, c: s.results(code=c.code, prompt_id="barrier"),
    **{
        name: partial(lambda act, s, c: act(s, c.code, c.facilitator_key, "some-id"), act)
        for name, act in FACILITATOR_ACTIONS.items()
    },
}


def calls_not_raising(store, created, expected, skip=()):
    """Names of calls in EVERY_CALL that did not raise ``expected``, with what they did."""
    wrong = []
    for name, call in EVERY_CALL.items():
        if name in skip:
            continue
        try:
            call(store, created)
        except expected:
            continue
        except Exception as other:  # noqa: BLE001 - reported below
            wrong.append(f"{name}: {type(other).__name__}")
        else:
            wrong.append(f"{name}: no error")
    return wrong


def test_every_call_with_an_unknown_code_says_there_is_no_such_workshop(any_store, new_workshop):
    real = new_workshop(any_store)
    unknown = replace(real, code="QQQQQQ" if real.code != "QQQQQQ" else "WWWWWW")
    assert calls_not_raising(any_store, unknown, WorkshopNotFound) == []


def test_every_call_on_an_ended_workshop_says_it_ended(any_store, new_workshop):
    created = new_workshop(any_store)
    any_store.end_workshop(code=created.code, key=created.facilitator_key)
    assert calls_not_raising(any_store, created, WorkshopEnded, skip={"version"}) == []


def test_an_ended_workshop_still_answers_version_so_screens_notice(any_store, new_workshop):
    created = new_workshop(any_store)
    before = any_store.version(code=created.code)
    any_store.end_workshop(code=created.code, key=created.facilitator_key)
    assert any_store.version(code=created.code) == before + 1
