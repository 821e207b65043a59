"""Who counts as one phone: identities the server signs, how fast one address gets new ones,
how many texts a phone may send, and the wall's rule after hiding."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from workshop.engine import db, identity
from workshop.engine.errors import BelowThreshold, InvalidInput, TooManyPhones
from workshop.engine.privacy import new_token


def test_a_phone_keeps_the_identity_it_was_given_and_a_made_up_one_is_replaced(
    any_store, new_workshop
):
    code = new_workshop(any_store).code
    first = any_store.join(code=code, client="192.0.2.7")
    assert any_store.state(code=code).phones_joined == 1
    # A reloaded phone offers what it was given: the same person, no new phone.
    assert any_store.join(code=code, offered=first, client="192.0.2.7") == first
    assert any_store.state(code=code).phones_joined == 1
    # Tokens the server did not sign, or signed for another workshop, are never taken.
    other = any_store.join(code=new_workshop(any_store).code)
    forged = first.split(".")[0] + "." + new_token()
    for offered in (new_token(), forged, other, "", None, 42):
        given = any_store.join(code=code, offered=offered, client="192.0.2.7")
        assert given != offered
        any_store.answer(code=code, prompt_id="pick", token=given, value="Time")
    assert any_store.state(code=code).phones_joined == 7


def test_forty_phones_behind_one_router_join_but_a_script_cannot_mint_hundreds(
    any_store, clock, new_workshop
):
    code = new_workshop(any_store).code
    room = [any_store.join(code=code, client="198.51.100.1") for _ in range(40)]
    assert len(set(room)) == 40
    minted = 40
    with pytest.raises(TooManyPhones) as refused:
        for _ in range(500):
            any_store.join(code=code, client="198.51.100.1")
            minted += 1
    assert minted == identity.JOIN_BURST
    assert "wait 3 seconds" in str(refused.value)
    # Another network is not held up, and this one gets one more every few seconds.
    any_store.join(code=code, client="203.0.113.9")
    clock.advance(60)
    for _ in range(int(identity.JOIN_PER_MINUTE)):
        any_store.join(code=code, client="198.51.100.1")
    with pytest.raises(TooManyPhones):
        any_store.join(code=code, client="198.51.100.1")
    # In one minute after the burst: the burst and a minute's worth, nowhere near hundreds.
    assert any_store.state(code=code).phones_joined == identity.JOIN_BURST + 1 + 20
    assert identity.JOIN_BURST + identity.JOIN_PER_MINUTE < 120


def test_a_phone_sends_at_most_five_texts_to_a_prompt_and_not_faster_than_one_in_3_s(
    any_store, clock, new_workshop
):
    code = new_workshop(any_store).code
    phone = any_store.join(code=code)
    # A word, then another at once: a person does that.
    for text in ("one", "two"):
        any_store.submit_reflection(code=code, prompt_id="barrier", token=phone, text=text)
    with pytest.raises(InvalidInput) as quick:
        any_store.submit_reflection(code=code, prompt_id="barrier", token=phone, text="three")
    assert str(quick.value) == (
        "That was quick: please wait 3 seconds before sending another answer. "
        "Your words are still here."
    )
    clock.advance(2)
    with pytest.raises(InvalidInput, match="wait 1 second before"):
        any_store.submit_reflection(code=code, prompt_id="barrier", token=phone, text="three")
    clock.advance(1)
    # A text refused for what it says does not use up the phone's turn.
    with pytest.raises(InvalidInput, match="write something"):
        any_store.submit_reflection(code=code, prompt_id="barrier", token=phone, text="  ")
    for text in ("three", "four", "five"):
        any_store.submit_reflection(code=code, prompt_id="barrier", token=phone, text=text)
        clock.advance(3)
    with pytest.raises(InvalidInput) as sixth:
        any_store.submit_reflection(code=code, prompt_id="barrier", token=phone, text="six")
    assert str(sixth.value) == (
        "You've sent 5 answers to this question, the most one phone can send. Thank you for them."
    )
    assert any_store.response_count(code=code, prompt_id="barrier") == 5
    # The limit is per prompt: the same phone still answers the next one.
    clock.advance(3)
    any_store.submit_reflection(code=code, prompt_id="arrival", token=phone, text="calm")


def test_a_phone_can_learn_what_it_sent_to_a_prompt_and_nobody_else_can(
    any_store, clock, new_workshop
):
    code = new_workshop(any_store).code
    phone, other = any_store.join(code=code), any_store.join(code=code)
    assert any_store.sent_by(code=code, prompt_id="barrier", token=phone) == 0
    for text in ("one", "two", "three"):
        any_store.submit_reflection(code=code, prompt_id="barrier", token=phone, text=text)
        clock.advance(3)
    any_store.answer(code=code, prompt_id="pick", token=phone, value="Time")
    any_store.answer(code=code, prompt_id="pick", token=phone, value="Time")
    assert any_store.sent_by(code=code, prompt_id="barrier", token=phone) == 3
    assert any_store.sent_by(code=code, prompt_id="pick", token=phone) == 1
    # Another phone, a token the server never issued, another prompt: nothing.
    assert any_store.sent_by(code=code, prompt_id="barrier", token=other) == 0
    assert any_store.sent_by(code=code, prompt_id="pick", token=other) == 0
    assert any_store.sent_by(code=code, prompt_id="barrier", token=new_token()) == 0
    assert any_store.sent_by(code=code, prompt_id="arrival", token=phone) == 0


def test_hiding_texts_below_the_threshold_takes_the_wall_down_and_says_so(any_store, new_workshop):
    created = new_workshop(any_store)
    code, key = created.code, created.facilitator_key
    for text in ("kind", "warm", "honest"):
        any_store.submit_reflection(
            code=code, prompt_id="barrier", token=any_store.join(code=code), text=text
        )
    any_store.reveal(code=code, key=key, prompt_id="barrier")
    assert any_store.results(code=code, prompt_id="barrier").revealed
    before = any_store.version(code=code)

    queue = any_store.moderation_queue(code=code, key=key, prompt_id="barrier")
    any_store.hide_reflection(code=code, key=key, reflection_id=queue[0].id)

    state = any_store.state(code=code)
    results = any_store.results(code=code, prompt_id="barrier")
    assert "barrier" not in state.revealed and "barrier" in state.taken_down
    assert (results.revealed, results.enough, results.reflections) == (False, False, None)
    assert state.version > before  # every screen notices on its next poll
    with pytest.raises(BelowThreshold):
        any_store.reveal(code=code, key=key, prompt_id="barrier")
    # Restoring the text lets the facilitator reveal again; the note goes.
    any_store.hide_reflection(code=code, key=key, reflection_id=queue[0].id, hidden=False)
    any_store.reveal(code=code, key=key, prompt_id="barrier")
    state = any_store.state(code=code)
    assert "barrier" in state.revealed and state.taken_down == frozenset()


def test_hiding_while_enough_people_stay_keeps_the_wall_up(any_store, new_workshop):
    created = new_workshop(any_store)
    code, key = created.code, created.facilitator_key
    for text in ("kind", "warm", "honest", "cruel"):
        any_store.submit_reflection(
            code=code, prompt_id="barrier", token=any_store.join(code=code), text=text
        )
    any_store.reveal(code=code, key=key, prompt_id="barrier")
    cruel = next(
        r
        for r in any_store.moderation_queue(code=code, key=key, prompt_id="barrier")
        if r.text == "cruel"
    )
    any_store.hide_reflection(code=code, key=key, reflection_id=cruel.id)
    results = any_store.results(code=code, prompt_id="barrier")
    assert results.revealed and sorted(results.reflections) == ["honest", "kind", "warm"]
    assert any_store.state(code=code).taken_down == frozenset()


def flood(store, code: str, count: int, prefix: str = "new") -> None:
    """``count`` texts from as many phones (each from an address of its own)."""
    for n in range(count):
        phone = store.join(code=code, client=f"{prefix}-{n}")
        store.submit_reflection(code=code, prompt_id="barrier", token=phone, text=f"{prefix} {n}")


def test_the_moderation_queue_comes_a_page_at_a_time_with_its_totals(any_store, new_workshop):
    created = new_workshop(any_store)
    code, key = created.code, created.facilitator_key
    flood(any_store, code, 3, "first")
    any_store.reveal(code=code, key=key, prompt_id="barrier")
    flood(any_store, code, 45)

    page = any_store.moderation_page(code=code, key=key, prompt_id="barrier", new_limit=20)
    assert (page.new_total, len(page.new), page.seen_total, len(page.seen)) == (45, 20, 3, 3)
    assert all(r.held and r.hidden for r in page.new)
    # The same page on the next refresh, so the console does not jump about.
    again = any_store.moderation_page(code=code, key=key, prompt_id="barrier", new_limit=20)
    assert [r.id for r in again.new] == [r.id for r in page.new]

    kept = any_store.keep_all_new_hidden(code=code, key=key, prompt_id="barrier")
    assert kept == 45
    page = any_store.moderation_page(
        code=code, key=key, prompt_id="barrier", seen_offset=40, seen_limit=20
    )
    assert (page.new_total, page.seen_total, page.seen_offset, len(page.seen)) == (0, 48, 40, 8)
    results = any_store.results(code=code, prompt_id="barrier")
    assert sorted(results.reflections) == ["first 0", "first 1", "first 2"]
    # Beyond the last page: the last page.
    page = any_store.moderation_page(code=code, key=key, prompt_id="barrier", seen_offset=999)
    assert page.seen_offset == 40


def test_show_all_new_puts_every_held_text_on_the_wall_at_once(any_store, new_workshop):
    created = new_workshop(any_store)
    code, key = created.code, created.facilitator_key
    flood(any_store, code, 3, "first")
    any_store.reveal(code=code, key=key, prompt_id="barrier")
    flood(any_store, code, 30)
    before = any_store.version(code=code)
    assert any_store.show_all_new(code=code, key=key, prompt_id="barrier") == 30
    assert any_store.version(code=code) == before + 1
    assert len(any_store.results(code=code, prompt_id="barrier").reflections) == 33
    assert any_store.show_all_new(code=code, key=key, prompt_id="barrier") == 0
    assert any_store.version(code=code) == before + 1


def test_no_prompt_counts_more_people_than_phones_joined(any_store, new_workshop):
    created = new_workshop(any_store)
    code, key = created.code, created.facilitator_key
    for text in ("kind", "warm", "honest"):
        any_store.submit_reflection(
            code=code, prompt_id="barrier", token=any_store.join(code=code), text=text
        )
    any_store.answer(code=code, prompt_id="pick", token=any_store.join(code=code), value="Time")
    assert any_store.results(code=code, prompt_id="barrier").count == 3
    # Markers for more writers than phones ever joined (rows from an older Bedrock, or
    # written by hand) are not more people.
    with any_store.engine.begin() as connection:
        connection.execute(
            sa.update(db.workshops).where(db.workshops.c.code == code).values(phones_joined=2)
        )
    results = any_store.results(code=code, prompt_id="barrier")
    assert (results.count, results.enough, results.reflections) == (2, False, None)
    with pytest.raises(BelowThreshold):
        any_store.reveal(code=code, key=key, prompt_id="barrier")
