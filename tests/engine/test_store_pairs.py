"""Couples in the room, as stored: pairing two phones, the private exchange on a partner
exercise, and every promise about it attacked from outside, on both backends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from workshop.engine import db, pairs
from workshop.engine.errors import AccessDenied, InvalidInput
from workshop.engine.privacy import respondent_id
from workshop.printing import summary as summaries

KEPT = "Marzipan kept between us"
SHOWN = "Tangerine shown to my partner"


def pair_up(store, code):
    """Two phones of one workshop, paired: (first phone's token, second's, their views)."""
    first, second = store.join(code=code), store.join(code=code)
    opened = store.pairs.open(code=code, token=first)
    joined = store.pairs.join(code=code, token=second, typed=opened.pair_code)
    return first, second, store.pairs.status(code=code, token=first), joined


def everything(store) -> str:
    """Every row of every workshop table, as text."""
    with store.engine.connect() as connection:
        return repr(
            {
                name: connection.execute(sa.select(db.metadata.tables[name])).mappings().all()
                for name in db.WORKSHOP_TABLES
            }
        )


def on_prompt(store, created, prompt_id="barrier"):
    store.set_prompt(code=created.code, key=created.facilitator_key, prompt_id=prompt_id)


def test_two_phones_pair_with_a_short_code_and_see_the_same_word_and_colour(
    any_store, new_workshop
):
    code = new_workshop(any_store).code
    first = any_store.join(code=code)
    opened = any_store.pairs.open(code=code, token=first)
    assert opened.seat == "A" and not opened.partnered
    assert len(opened.pair_code) == pairs.CODE_DIGITS and opened.pair_code.isdigit()
    # Typed as shown, with its space.
    second = any_store.join(code=code)
    joined = any_store.pairs.join(code=code, token=second, typed=pairs.show_code(opened.pair_code))
    mine = any_store.pairs.status(code=code, token=first)
    assert joined.seat == "B" and joined.partnered and mine.partnered
    assert (mine.word, mine.shade) == (joined.word, joined.shade)
    assert mine.pair_code is None and joined.pair_code is None  # used up
    assert any_store.state(code=code).couples == pairs.Counts(paired=1, done=0)


def test_a_used_or_wrong_code_lets_nobody_else_in(any_store, new_workshop):
    code = new_workshop(any_store).code
    first = any_store.join(code=code)
    shown = any_store.pairs.open(code=code, token=first).pair_code
    with pytest.raises(InvalidInput, match="own code"):
        any_store.pairs.join(code=code, token=first, typed=shown)
    any_store.pairs.join(code=code, token=any_store.join(code=code), typed=shown)
    stranger = any_store.join(code=code)
    with pytest.raises(InvalidInput, match="No phone is waiting"):
        any_store.pairs.join(code=code, token=stranger, typed=shown)
    wrong = "000000" if shown != "000000" else "111111"
    with pytest.raises(InvalidInput, match="No phone is waiting"):
        any_store.pairs.join(code=code, token=stranger, typed=wrong)
    assert any_store.pairs.status(code=code, token=stranger) is None
    # A token the server never issued is refused outright.
    with pytest.raises(InvalidInput, match="token"):
        any_store.pairs.open(code=code, token="made-up")


def test_a_script_cannot_walk_through_pair_codes(store, new_workshop):
    code = new_workshop(store).code
    script = store.join(code=code)
    tried = 0
    with pytest.raises(InvalidInput, match="Please wait"):
        for number in range(100):
            tried += 1
            try:
                store.pairs.join(code=code, token=script, typed=f"{number:06d}")
            except InvalidInput as refused:
                if "Please wait" in str(refused):
                    raise
    assert tried == pairs.CODE_TRIES + 1


def test_a_partner_cannot_read_an_answer_before_the_reveal_nor_a_kept_one_ever(
    any_store, new_workshop
):
    created = new_workshop(any_store)
    code = created.code
    first, second, _, _ = pair_up(any_store, code)
    on_prompt(any_store, created)
    shown = json.dumps(SHOWN)
    mine = any_store.pairs.answer(
        code=code, token=first, prompt_id="barrier", status="shared", value=shown
    )
    assert mine.mine == "shared" and mine.my_value == shown and not mine.revealed
    theirs = any_store.pairs.status(code=code, token=second)
    # The other phone learns only that its partner answered: not the words, not the choice.
    assert theirs.partner == "answered" and theirs.partner_value is None
    assert SHOWN not in repr(theirs)
    # Keeping: the words are given, and dropped before anything is stored.
    any_store.pairs.answer(
        code=code, token=second, prompt_id="barrier", status="private", value=json.dumps(KEPT)
    )
    assert KEPT not in everything(any_store)
    after_a = any_store.pairs.status(code=code, token=first)
    after_b = any_store.pairs.status(code=code, token=second)
    assert after_a.revealed and after_b.revealed
    assert after_a.partner == "private" and after_a.partner_value is None
    assert after_b.partner == "shared" and json.loads(after_b.partner_value) == SHOWN
    # After the reveal nothing changes any more.
    with pytest.raises(InvalidInput, match="revealed"):
        any_store.pairs.answer(
            code=code, token=second, prompt_id="barrier", status="shared", value=shown
        )


def test_nothing_a_couple_exchanged_is_kept_once_the_stage_moves_on(store, tmp_path, new_workshop):
    created = new_workshop(store)
    code, key = created.code, created.facilitator_key
    store.go_to_stage(code=code, key=key, index=1)
    on_prompt(store, created)
    for _ in range(3):
        first, second, _, _ = pair_up(store, code)
        store.pairs.answer(
            code=code, token=first, prompt_id="barrier", status="shared", value=json.dumps(SHOWN)
        )
        store.pairs.answer(
            code=code, token=second, prompt_id="barrier", status="private", value=json.dumps(KEPT)
        )
    assert SHOWN in everything(store) and KEPT not in everything(store)

    store.next_stage(code=code, key=key)

    with store.engine.connect() as connection:
        assert connection.scalar(sa.select(sa.func.count()).select_from(db.pair_answers)) == 0
        left = connection.execute(sa.select(db.pairs)).all()
    assert len(left) == 3 and not any(p.revealed or p.done or p.turn for p in left)
    path = Path(tmp_path / "bedrock.db")
    for name in (path.name, path.name + "-wal"):
        if (path.parent / name).exists():
            held = (path.parent / name).read_bytes()
            assert SHOWN.encode() not in held and KEPT.encode() not in held, name
    assert store.state(code=code).couples == pairs.Counts(paired=3, done=0)


def test_on_postgresql_the_exchange_is_gone_after_the_prompt_changes(pg_store, new_workshop):
    created = new_workshop(pg_store)
    code = created.code
    pg_store.go_to_stage(code=code, key=created.facilitator_key, index=1)
    on_prompt(pg_store, created)
    first, _second, _, _ = pair_up(pg_store, code)
    pg_store.pairs.answer(
        code=code, token=first, prompt_id="barrier", status="shared", value=json.dumps(SHOWN)
    )
    on_prompt(pg_store, created, "pick")
    assert SHOWN not in everything(pg_store)
    assert pg_store.pairs.status(code=code, token=first).mine is None


def test_unpairing_deletes_the_pair_and_all_it_exchanged(any_store, new_workshop):
    created = new_workshop(any_store)
    code = created.code
    any_store.go_to_stage(code=code, key=created.facilitator_key, index=1)
    on_prompt(any_store, created)
    first, second, _, _ = pair_up(any_store, code)
    any_store.pairs.answer(
        code=code, token=first, prompt_id="barrier", status="shared", value=json.dumps(SHOWN)
    )
    assert any_store.pairs.leave(code=code, token=second)
    assert any_store.pairs.status(code=code, token=first) is None
    assert any_store.pairs.status(code=code, token=second) is None
    assert SHOWN not in everything(any_store)
    assert any_store.state(code=code).couples == pairs.Counts(paired=0, done=0)
    # Alone again, the phone can pair anew.
    again, _, _, _ = pair_up(any_store, code)
    assert any_store.pairs.status(code=code, token=again).partnered


def test_the_export_and_the_results_hold_nothing_a_couple_exchanged(any_store, new_workshop):
    created = new_workshop(any_store)
    code, key = created.code, created.facilitator_key
    any_store.go_to_stage(code=code, key=key, index=1)
    on_prompt(any_store, created)
    first, second, _, _ = pair_up(any_store, code)
    for token in (first, second):
        any_store.pairs.answer(
            code=code, token=token, prompt_id="barrier", status="shared", value=json.dumps(SHOWN)
        )
    summary = summaries.collect(store=any_store, code=code, key=key)
    exported = summaries.to_json(summary) + summaries.to_csv(summary)
    assert SHOWN.encode() not in exported
    assert any_store.results(code=code, prompt_id="barrier").count == 0
    queue = any_store.moderation_queue(code=code, key=key, prompt_id="barrier")
    assert queue == []


def test_what_a_couple_sends_to_the_room_counts_once_per_person_and_waits_for_the_threshold(
    any_store, new_workshop
):
    created = new_workshop(any_store)
    code, key = created.code, created.facilitator_key
    any_store.go_to_stage(code=code, key=key, index=1)
    on_prompt(any_store, created, "pick")
    first, second, _, _ = pair_up(any_store, code)
    for token in (first, second):
        any_store.pairs.answer(
            code=code, token=token, prompt_id="pick", status="shared", value='"Time"'
        )
        # Sending to the room is the ordinary anonymous answer, once per phone.
        any_store.answer(code=code, prompt_id="pick", token=token, value="Time")
        any_store.answer(code=code, prompt_id="pick", token=token, value="Time")
    results = any_store.results(code=code, prompt_id="pick")
    assert results.count == 2 and not results.enough  # the threshold is 3


def test_the_pair_link_is_unlike_every_marker_a_phone_leaves_on_a_prompt(any_store, new_workshop):
    created = new_workshop(any_store)
    code = created.code
    any_store.go_to_stage(code=code, key=created.facilitator_key, index=1)
    first, second, _, _ = pair_up(any_store, code)
    for token in (first, second):
        any_store.submit_reflection(code=code, prompt_id="barrier", token=token, text="hello")
        any_store.answer(code=code, prompt_id="pick", token=token, value="Time")
    with any_store.engine.connect() as connection:
        secret = connection.scalar(sa.select(db.workshops.c.secret))
        members = set(connection.scalars(sa.select(db.pair_members.c.member)))
        markers = set(connection.scalars(sa.select(db.answers.c.voter))) | set(
            connection.scalars(sa.select(db.reflection_writers.c.writer))
        )
    assert len(members) == 2 and not members & markers
    for token in (first, second):
        assert token not in everything(any_store)
        for prompt_id in ("barrier", "pick", "bedrock:pair-member", ""):
            assert respondent_id(secret, prompt_id=prompt_id, token=token) not in members


def test_only_a_paired_phone_on_the_prompt_on_the_phones_can_answer(any_store, new_workshop):
    created = new_workshop(any_store)
    code = created.code
    any_store.go_to_stage(code=code, key=created.facilitator_key, index=1)
    alone = any_store.join(code=code)
    on_prompt(any_store, created)
    with pytest.raises(AccessDenied):
        any_store.pairs.answer(code=code, token=alone, prompt_id="barrier", status="passed")
    waiting = any_store.join(code=code)
    any_store.pairs.open(code=code, token=waiting)
    with pytest.raises(InvalidInput, match="not paired"):
        any_store.pairs.answer(code=code, token=waiting, prompt_id="barrier", status="passed")
    first, _, _, _ = pair_up(any_store, code)
    with pytest.raises(InvalidInput, match="moved on"):
        any_store.pairs.answer(code=code, token=first, prompt_id="pick", status="passed")


def test_a_phone_left_alone_answers_and_counts_as_before(any_store, new_workshop):
    created = new_workshop(any_store)
    code = created.code
    alone = any_store.join(code=code)
    pair_up(any_store, code)
    assert any_store.pairs.status(code=code, token=alone) is None
    any_store.answer(code=code, prompt_id="closeness", token=alone, value=3)
    assert any_store.sent_by(code=code, prompt_id="closeness", token=alone) == 1


def test_counts_say_how_many_couples_are_paired_and_done(any_store, new_workshop):
    created = new_workshop(any_store)
    code = created.code
    any_store.go_to_stage(code=code, key=created.facilitator_key, index=2)
    on_prompt(any_store, created, "turns")
    couples = [pair_up(any_store, code) for _ in range(3)]
    any_store.pairs.open(code=code, token=any_store.join(code=code))  # still waiting: not counted
    before = any_store.state(code=code).version
    any_store.pairs.set_done(code=code, token=couples[0][1], prompt_id="turns", done=True)
    any_store.pairs.change_turn(
        code=code, token=couples[1][0], prompt_id="turns", step=lambda _stored: ('{"x":1}', True)
    )
    state = any_store.state(code=code)
    assert state.couples == pairs.Counts(paired=3, done=2)
    assert state.version > before  # the console and projector follow the counts
    # A pair's change wakes no other phone.
    assert state.phones_version == any_store.state(code=code).phones_version
    view = any_store.pairs.status(code=code, token=couples[1][1])
    assert view.turn == '{"x":1}' and view.done


def test_bringing_the_room_back_ends_every_couple_exercise(any_store, new_workshop):
    created = new_workshop(any_store)
    code, key = created.code, created.facilitator_key
    any_store.go_to_stage(code=code, key=key, index=1)
    on_prompt(any_store, created)
    first, second, _, _ = pair_up(any_store, code)
    any_store.pairs.answer(
        code=code, token=first, prompt_id="barrier", status="shared", value=json.dumps(SHOWN)
    )
    phones_before = any_store.state(code=code).phones_version
    with pytest.raises(AccessDenied):
        any_store.bring_room_back(code=code, key=created.screen_key)
    any_store.bring_room_back(code=code, key=key)
    state = any_store.state(code=code)
    assert state.gathered and state.current_prompt is None
    assert state.phones_version > phones_before  # every phone shows it
    assert SHOWN not in everything(any_store)
    assert any_store.pairs.status(code=code, token=second).partnered  # still paired
    on_prompt(any_store, created, "pick")
    assert not any_store.state(code=code).gathered
