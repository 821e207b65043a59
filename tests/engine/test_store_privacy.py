"""Privacy rules as stored: read from the real schema and rows, on both backends, and the
reveal threshold, hiding and shuffling as a participant or facilitator would see them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from workshop.engine import db, identity
from workshop.engine.errors import BelowThreshold, InvalidInput
from workshop.engine.privacy import new_token, respondent_id

PERSONAL = {
    "name", "email", "mail", "ip", "agent", "user", "participant", "author", "token",
    "device", "address", "phone", "browser", "session", "person", "nickname",
}  # fmt: skip
MOMENT_SUFFIXES = ("_at", "_on", "_until", "_start", "time", "timestamp", "created", "updated")


def columns(store, table):
    return {column["name"]: column for column in sa.inspect(store.engine).get_columns(table)}


def table_names(store):
    return set(sa.inspect(store.engine).get_table_names())


def test_reflections_hold_no_participant_key_and_no_time(any_store):
    assert set(columns(any_store, "reflections")) == {
        "id",
        "workshop_id",
        "prompt_id",
        "text",
        "hidden",
        "held",
    }


def test_writers_are_kept_apart_from_what_they_wrote(any_store):
    # Only which prompt, an HMAC and how many texts it sent (a phone may send only a few):
    # no reflection id, no position, no time.
    assert set(columns(any_store, "reflection_writers")) == {
        "workshop_id",
        "prompt_id",
        "writer",
        "texts",
    }


def test_answers_hold_only_an_hmac_voter_id_besides_the_answer(any_store):
    assert set(columns(any_store, "answers")) == {"workshop_id", "prompt_id", "voter", "value"}


def test_no_table_has_a_column_for_anything_personal(any_store):
    tables = table_names(any_store) - {"schema_migrations"}  # its "name" names a migration
    assert tables == {
        "workshops",
        "stages",
        "prompts",
        "reflections",
        "reflection_writers",
        "answers",
        "client_throttle",  # an HMAC of an address under the server key, kept for minutes
        # couples in the room: a random pair, an HMAC per phone, their exchange for a while
        "pairs",
        "pair_members",
        "pair_answers",
    }
    for table in tables:
        for name in columns(any_store, table):
            assert not set(name.split("_")) & PERSONAL, f"{table}.{name}"


def test_the_only_times_stored_are_the_created_day_and_the_workshops_own_clocks(any_store):
    dated = {
        (table, name)
        for table in table_names(any_store)
        for name, column in columns(any_store, table).items()
        if isinstance(column["type"], sa.Date | sa.DateTime | sa.Time | sa.Interval)
    }
    assert dated == {("workshops", "created_on")}
    moments = {
        (table, name)
        for table in table_names(any_store)
        for name in columns(any_store, table)
        if name.endswith(MOMENT_SUFFIXES)
    }
    assert moments == {
        ("workshops", "created_on"),
        ("workshops", "stage_started_at"),
        ("workshops", "timer_ends_at"),
        ("workshops", "attempt_window_start"),
        ("workshops", "locked_until"),
        # a client's wrong tries: when the last was, how long it waits, when it is forgotten
        ("client_throttle", "last_at"),
        ("client_throttle", "wait_until"),
        ("client_throttle", "expires_at"),
    }
    for table in ("reflections", "reflection_writers", "answers"):
        kinds = {type(c["type"]) for c in columns(any_store, table).values()}
        assert not any(issubclass(kind, sa.Float | sa.Date | sa.DateTime) for kind in kinds)


def test_rows_hold_the_text_and_an_hmac_but_no_token_key_passcode_or_order(
    any_store, clock, new_workshop
):
    created = new_workshop(any_store)
    token = any_store.join(code=created.code)
    writers = [any_store.join(code=created.code) for _ in range(10)]
    ids = []
    for n in range(20):
        clock.advance(identity.SECONDS_BETWEEN_TEXTS / 2)
        ids.append(
            any_store.submit_reflection(
                code=created.code, prompt_id="barrier", token=writers[n % 10], text=f"note {n}"
            )
        )
    any_store.answer(code=created.code, prompt_id="pick", token=token, value="Time")
    with any_store.engine.connect() as connection:
        everything = {
            table: connection.execute(sa.select(db.metadata.tables[table])).mappings().all()
            for table in db.WORKSHOP_TABLES
        }
    dump = repr(everything)
    for secret in (token, *writers, created.facilitator_key, created.screen_key, "open sesame"):
        assert secret not in dump
    (workshop,) = everything["workshops"]
    (stored_answer,) = everything["answers"]
    assert stored_answer["voter"] == respondent_id(
        workshop["secret"], prompt_id="pick", token=token
    )
    # One marker per phone that wrote, with how many texts it sent, and nothing else.
    assert [dict(row, writer=None) for row in everything["reflection_writers"]] == [
        {"workshop_id": workshop["id"], "prompt_id": "barrier", "writer": None, "texts": 2}
    ] * 10
    assert {row["writer"] for row in everything["reflection_writers"]} == {
        respondent_id(workshop["secret"], prompt_id="barrier", token=t) for t in writers
    }
    assert workshop["passcode_hash"].startswith("scrypt$")
    assert {row["text"] for row in everything["reflections"]} == {f"note {n}" for n in range(20)}
    assert len(set(ids)) == 20 and all(len(i) >= 22 for i in ids)
    assert ids != sorted(ids), "ids must not grow with each submission"


def test_one_phone_answers_under_a_different_id_on_every_prompt(any_store, new_workshop):
    created = new_workshop(any_store)
    code = created.code
    token = any_store.join(code=code)
    any_store.answer(code=code, prompt_id="closeness", token=token, value=4)
    any_store.answer(code=code, prompt_id="pick", token=token, value="Time")
    any_store.answer(code=code, prompt_id="order", token=token, value=["Play", "Talk", "Touch"])
    any_store.answer(code=code, prompt_id="pick", token=token, value="Stress")  # changed
    with any_store.engine.connect() as connection:
        rows = connection.execute(sa.select(db.answers)).mappings().all()
        secret = connection.scalar(sa.select(db.workshops.c.secret))
    voters = {row["prompt_id"]: row["voter"] for row in rows}
    assert len(rows) == 3, "answering again replaces the answer"
    assert len(set(voters.values())) == 3, "the same phone must not be matched across prompts"
    for prompt_id, voter in voters.items():
        assert voter == respondent_id(secret, prompt_id=prompt_id, token=token)
    assert next(r["value"] for r in rows if r["prompt_id"] == "pick") == '"Stress"'


@pytest.mark.parametrize("table", ["reflections", "reflection_writers", "answers"])
def test_sqlite_keeps_no_hidden_insertion_counter(store, table):
    with store.engine.connect() as connection, pytest.raises(sa.exc.OperationalError):
        connection.exec_driver_sql(f"SELECT rowid FROM {table}")


# -- threshold ---------------------------------------------------------------------------------


def test_below_the_threshold_only_fewer_than_n_comes_out(any_store, new_workshop):
    created = new_workshop(any_store)
    code, key = created.code, created.facilitator_key
    for text in ("alpha", "beta"):
        any_store.submit_reflection(
            token=any_store.join(code=code), code=code, prompt_id="barrier", text=text
        )
    results = any_store.results(code=code, prompt_id="barrier")
    assert (results.count, results.needed, results.enough) == (2, 3, False)
    assert results.count_label == "fewer than 3"
    assert results.reflections is None and results.words is None
    assert results.distribution is None and results.mean is None
    with pytest.raises(BelowThreshold) as refused:
        any_store.reveal(code=code, key=key, prompt_id="barrier")
    assert (refused.value.count, refused.value.needed) == (2, 3)
    assert any_store.state(code=code).revealed == frozenset()

    any_store.submit_reflection(
        token=any_store.join(code=code), code=code, prompt_id="barrier", text="gamma"
    )
    any_store.reveal(code=code, key=key, prompt_id="barrier")
    results = any_store.results(code=code, prompt_id="barrier")
    assert results.revealed and results.count_label == "3 answers"
    assert sorted(results.reflections) == ["alpha", "beta", "gamma"]
    assert any_store.state(code=code).revealed == {"barrier"}
    any_store.unreveal(code=code, key=key, prompt_id="barrier")
    assert not any_store.results(code=code, prompt_id="barrier").revealed


def test_a_scale_below_the_threshold_shows_no_distribution_or_mean(any_store, new_workshop):
    code = new_workshop(any_store).code
    for value in (1, 5):
        any_store.answer(
            code=code, prompt_id="closeness", token=any_store.join(code=code), value=value
        )
    results = any_store.results(code=code, prompt_id="closeness")
    assert (results.count_label, results.distribution, results.mean) == ("fewer than 3", None, None)
    any_store.answer(code=code, prompt_id="closeness", token=any_store.join(code=code), value=5)
    results = any_store.results(code=code, prompt_id="closeness")
    assert results.distribution == {"1": 1, "2": 0, "3": 0, "4": 0, "5": 2}
    assert results.mean == pytest.approx(11 / 3)


def test_a_sensitive_prompt_needs_five_responses(any_store, new_workshop):
    created = new_workshop(any_store)
    for n in range(4):
        any_store.submit_reflection(
            token=any_store.join(code=created.code),
            code=created.code,
            prompt_id="hard-part",
            text=f"hard {n}",
        )
    assert any_store.results(code=created.code, prompt_id="hard-part").count_label == (
        "fewer than 5"
    )
    with pytest.raises(BelowThreshold):
        any_store.reveal(code=created.code, key=created.facilitator_key, prompt_id="hard-part")
    any_store.submit_reflection(
        token=any_store.join(code=created.code),
        code=created.code,
        prompt_id="hard-part",
        text="hard 4",
    )
    any_store.reveal(code=created.code, key=created.facilitator_key, prompt_id="hard-part")


def test_one_phone_sending_another_and_another_counts_as_one_person(any_store, clock, new_workshop):
    created = new_workshop(any_store)
    code, key = created.code, created.facilitator_key
    phone = any_store.join(code=code)
    for n in range(5):
        any_store.submit_reflection(code=code, prompt_id="hard-part", token=phone, text=f"me {n}")
        clock.advance(identity.SECONDS_BETWEEN_TEXTS)
    results = any_store.results(code=code, prompt_id="hard-part")
    assert (results.count, results.enough, results.count_label) == (1, False, "fewer than 5")
    assert results.reflections is None
    with pytest.raises(BelowThreshold) as refused:
        any_store.reveal(code=code, key=key, prompt_id="hard-part")
    assert (refused.value.count, refused.value.needed) == (1, 5)
    # Its texts are all kept; four more people open the wall.
    assert any_store.response_count(code=code, prompt_id="hard-part") == 5
    for n in range(4):
        any_store.submit_reflection(
            code=code, prompt_id="hard-part", token=any_store.join(code=code), text=f"us {n}"
        )
    any_store.reveal(code=code, key=key, prompt_id="hard-part")
    results = any_store.results(code=code, prompt_id="hard-part")
    assert (results.count, results.count_label, len(results.reflections)) == (5, "5 answers", 9)


def test_people_and_visible_texts_both_have_to_reach_the_threshold(any_store, new_workshop):
    created = new_workshop(any_store)
    code, key = created.code, created.facilitator_key
    for text in ("one", "two", "three"):
        any_store.submit_reflection(
            code=code, prompt_id="barrier", token=any_store.join(code=code), text=text
        )
    queue = any_store.moderation_queue(code=code, key=key, prompt_id="barrier")
    any_store.hide_reflection(code=code, key=key, reflection_id=queue[0].id)
    # Three people wrote, but only two texts can be shown.
    assert any_store.results(code=code, prompt_id="barrier").count_label == "fewer than 3"
    with pytest.raises(BelowThreshold):
        any_store.reveal(code=code, key=key, prompt_id="barrier")


def test_a_text_without_a_usable_token_is_refused(any_store, new_workshop):
    code = new_workshop(any_store).code
    other = new_workshop(any_store).code
    made_up = (None, "", "short", 12, new_token(), new_token() + "." + new_token())
    for token in (*made_up, any_store.join(code=other)):
        with pytest.raises(InvalidInput, match="reload"):
            any_store.submit_reflection(code=code, prompt_id="barrier", token=token, text="hi")
    assert any_store.response_count(code=code, prompt_id="barrier") == 0


def test_a_workshop_can_ask_for_a_higher_threshold(any_store, new_workshop):
    code = new_workshop(any_store, min_reveal=4).code
    for n in range(3):
        any_store.submit_reflection(
            token=any_store.join(code=code), code=code, prompt_id="barrier", text=f"n{n}"
        )
    assert any_store.results(code=code, prompt_id="barrier").count_label == "fewer than 4"


def test_hidden_reflections_never_show_and_do_not_count(any_store, new_workshop):
    created = new_workshop(any_store)
    code, key = created.code, created.facilitator_key
    for text in ("kind", "warm", "honest", "cruel"):
        any_store.submit_reflection(
            token=any_store.join(code=code), code=code, prompt_id="barrier", text=text
        )
    by_text = {
        r.text: r.id for r in any_store.moderation_queue(code=code, key=key, prompt_id="barrier")
    }
    any_store.hide_reflection(code=code, key=key, reflection_id=by_text["cruel"])
    assert any_store.response_count(code=code, prompt_id="barrier") == 3
    assert sorted(any_store.results(code=code, prompt_id="barrier").reflections) == [
        "honest",
        "kind",
        "warm",
    ]
    queue = any_store.moderation_queue(code=code, key=key, prompt_id="barrier")
    assert {(r.text, r.hidden) for r in queue} == {
        ("kind", False),
        ("warm", False),
        ("honest", False),
        ("cruel", True),
    }

    any_store.hide_reflection(code=code, key=key, reflection_id=by_text["honest"])
    with pytest.raises(BelowThreshold) as refused:
        any_store.reveal(code=code, key=key, prompt_id="barrier")
    assert refused.value.count == 2
    any_store.hide_reflection(code=code, key=key, reflection_id=by_text["honest"], hidden=False)
    any_store.reveal(code=code, key=key, prompt_id="barrier")

    # Once revealed, hiding below the threshold takes every text off again.
    any_store.hide_reflection(code=code, key=key, reflection_id=by_text["warm"])
    results = any_store.results(code=code, prompt_id="barrier")
    assert (results.enough, results.reflections) == (False, None)


def test_reflections_come_back_shuffled_and_stay_in_that_order_between_reads(
    any_store, new_workshop
):
    code = new_workshop(any_store).code
    texts = [f"reflection {n:02d}" for n in range(30)]
    for text in texts:
        any_store.submit_reflection(
            token=any_store.join(code=code), code=code, prompt_id="barrier", text=text
        )
    first = any_store.results(code=code, prompt_id="barrier").reflections
    assert sorted(first) == texts
    assert first != texts
    assert any_store.results(code=code, prompt_id="barrier").reflections == first


def test_word_results_count_lower_cased_trimmed_words(any_store, new_workshop):
    code = new_workshop(any_store).code
    for word in (" Calm", "calm!", "CALM", "tired"):
        any_store.submit_reflection(
            token=any_store.join(code=code), code=code, prompt_id="arrival", text=word
        )
    results = any_store.results(code=code, prompt_id="arrival")
    assert results.words == [("calm", 3), ("tired", 1)]
    assert results.reflections is None


# -- after the reveal --------------------------------------------------------------------------


def revealed_wall(store, created, prompt_id="barrier", texts=("kind", "warm", "honest")):
    """``prompt_id`` on every phone, one text each from len(texts) phones, then revealed."""
    code, key = created.code, created.facilitator_key
    store.go_to_stage(code=code, key=key, index=1)
    store.set_prompt(code=code, key=key, prompt_id=prompt_id)
    for text in texts:
        store.submit_reflection(
            code=code, prompt_id=prompt_id, token=store.join(code=code), text=text
        )
    store.reveal(code=code, key=key, prompt_id=prompt_id)
    return code, key


def test_a_text_sent_after_the_reveal_waits_for_the_facilitator(any_store, new_workshop):
    code, key = revealed_wall(any_store, new_workshop(any_store))
    any_store.submit_reflection(
        code=code, prompt_id="barrier", token=any_store.join(code=code), text="late"
    )
    results = any_store.results(code=code, prompt_id="barrier")
    assert sorted(results.reflections) == ["honest", "kind", "warm"]
    queue = any_store.moderation_queue(code=code, key=key, prompt_id="barrier")
    (late,) = [r for r in queue if r.held]
    assert (late.text, late.hidden) == ("late", True)
    assert not any(r.held or r.hidden for r in queue if r is not late)

    any_store.hide_reflection(code=code, key=key, reflection_id=late.id, hidden=False)
    results = any_store.results(code=code, prompt_id="barrier")
    assert sorted(results.reflections) == ["honest", "kind", "late", "warm"]
    queue = any_store.moderation_queue(code=code, key=key, prompt_id="barrier")
    assert not any(r.held or r.hidden for r in queue)


def test_a_held_text_kept_hidden_is_no_longer_new(any_store, new_workshop):
    code, key = revealed_wall(any_store, new_workshop(any_store))
    late = any_store.submit_reflection(
        code=code, prompt_id="barrier", token=any_store.join(code=code), text="x"
    )
    any_store.hide_reflection(code=code, key=key, reflection_id=late)
    (stored,) = [
        r for r in any_store.moderation_queue(code=code, key=key, prompt_id="barrier") if r.hidden
    ]
    assert (stored.id, stored.held) == (late, False)


@pytest.mark.parametrize(
    "move_on",
    [
        lambda s, c, k: s.next_stage(code=c, key=k),
        lambda s, c, k: s.previous_stage(code=c, key=k),
        lambda s, c, k: s.go_to_stage(code=c, key=k, index=2),
        lambda s, c, k: s.set_prompt(code=c, key=k, prompt_id="pick"),
        lambda s, c, k: s.set_prompt(code=c, key=k, prompt_id=None),
    ],
    ids=["next stage", "previous stage", "go to stage", "another prompt", "no prompt"],
)
def test_moving_on_takes_the_wall_down_until_revealed_again(any_store, new_workshop, move_on):
    code, key = revealed_wall(any_store, new_workshop(any_store))
    move_on(any_store, code, key)
    assert any_store.state(code=code).revealed == frozenset()
    results = any_store.results(code=code, prompt_id="barrier")
    # Off the wall, yet still what the room was shown (the summary keeps it).
    assert (results.revealed, results.shared, results.enough) == (False, True, True)
    # New texts go straight in again, for the facilitator to look at before revealing.
    any_store.submit_reflection(
        code=code, prompt_id="barrier", token=any_store.join(code=code), text="later"
    )
    queue = any_store.moderation_queue(code=code, key=key, prompt_id="barrier")
    assert not any(r.held or r.hidden for r in queue)
    any_store.reveal(code=code, key=key, prompt_id="barrier")
    assert any_store.state(code=code).revealed == {"barrier"}


def test_staying_on_the_same_stage_and_prompt_keeps_the_wall_up(any_store, new_workshop):
    code, key = revealed_wall(any_store, new_workshop(any_store))
    any_store.set_prompt(code=code, key=key, prompt_id="barrier")
    any_store.go_to_stage(code=code, key=key, index=1)
    any_store.set_slide(code=code, key=key, index=1)
    any_store.timer_start(code=code, key=key, seconds=60)
    assert any_store.state(code=code).revealed == {"barrier"}


def test_taking_results_down_on_purpose_means_they_were_not_shared(any_store, new_workshop):
    code, key = revealed_wall(any_store, new_workshop(any_store))
    assert any_store.results(code=code, prompt_id="barrier").shared
    any_store.unreveal(code=code, key=key, prompt_id="barrier")
    results = any_store.results(code=code, prompt_id="barrier")
    assert (results.revealed, results.shared) == (False, False)
    assert not any_store.results(code=code, prompt_id="pick").shared
