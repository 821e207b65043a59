"""The couple path's rules carried to two paired phones in the room (workshop.couple.room):
answers as stored, the side-by-side reveal, and listening turns driven from either phone."""

from __future__ import annotations

import json

import pytest

from tests.engine.test_store_pairs import pair_up
from workshop.content.loader import get_content
from workshop.couple import evening, room
from workshop.engine.pairs import PairView


@pytest.fixture(scope="module")
def exercises():
    return get_content().exercises


def test_a_kept_answer_leaves_nothing_to_store_and_a_shown_one_its_words(exercises):
    word = exercises["arrival-word"]
    assert room.stored_answer(word, "  Hopeful ", share=False) == ("private", None)
    assert room.stored_answer(word, "Hopeful", share=True) == ("shared", '"Hopeful"')
    assert room.stored_answer(word, "美玲", share=True) == ("shared", '"美玲"')
    with pytest.raises(evening.InvalidAnswer):
        room.stored_answer(word, "   ", share=True)
    with pytest.raises(evening.InvalidAnswer):
        room.stored_answer(exercises["checkin-open"], 11, share=False)


def test_the_reveal_shows_only_what_was_shown(exercises):
    view = PairView(
        seat="B",
        word="Blue otter",
        colour="Blue",
        shade="#1f5fa8",
        version=3,
        partnered=True,
        mine="private",
        partner="shared",
        partner_value=json.dumps(7),
        revealed=True,
    )
    assert room.side_by_side(view, "checkin-open") == {"A": 7, "B": None}
    hidden = PairView(**{**view.__dict__, "revealed": False, "partner": "answered"})
    assert room.side_by_side(hidden, "checkin-open") == {"A": None, "B": None}


def test_either_phone_drives_the_couples_turns(any_store, new_workshop, clock, exercises):
    turns = exercises["listening-turns"]
    created = new_workshop(any_store)
    code = created.code
    any_store.go_to_stage(code=code, key=created.facilitator_key, index=2)
    any_store.set_prompt(code=code, key=created.facilitator_key, prompt_id="turns")
    first, second, _, _ = pair_up(any_store, code)

    def press(token, action):
        step = room.turn_step(action, turns, now=clock())
        return any_store.pairs.change_turn(code=code, token=token, prompt_id="turns", step=step)

    started = press(first, "start")
    view = room.turn_now(started.turn, turns, now=clock())
    assert view.status == "running" and room.floor_line(view, "A")[0] == "You speak"
    assert room.floor_line(view, "B")[0] == "Your partner speaks"
    clock.advance(30)
    paused = press(second, "pause")
    assert room.turn_now(paused.turn, turns, now=clock() + 600).status == "paused"
    press(first, "resume")
    for _ in range(len(room.turn_timer.base_phases(turns))):
        last = press(second, "skip")
    assert room.turn_now(last.turn, turns, now=clock()).status == "done"
    assert last.done and any_store.state(code=code).couples.done == 1


def test_together_kinds_are_partner_exercises_and_answers_only_when_marked(exercises):
    together = ("building-pair-share", "listening-turns", "weekly-ritual")
    marked = ("felt-understood", "one-thing-this-week")
    room_prompts = ("checkin-open", "arrival-word", "understood-word", "pros-cons-vote")
    assert all(room.is_partner_exercise(exercises[e]) for e in (*together, *marked))
    assert not any(room.is_partner_exercise(exercises[e]) for e in room_prompts)
    assert not room.is_partner_exercise(exercises["gratitude-list"])  # timed writing
    assert not room.is_partner_exercise(None)
    unmarked = exercises["felt-understood"].model_copy(update={"partner_exercise": False})
    assert not room.is_partner_exercise(unmarked)


def test_two_on_one_phone_take_turns_only_on_a_partner_answer_or_listening_turns(exercises):
    offered = [e for e in exercises if room.one_phone_version(exercises[e])]
    assert sorted(offered) == ["felt-understood", "listening-turns", "one-thing-this-week"]
