"""The group workshop pages in AppTest: a facilitator and three participants on one store."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from workshop.engine.errors import BelowThreshold
from workshop.engine.identity import SendPace
from workshop.engine.store import PromptSpec, StagePlan, Store
from workshop.views.common import store

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PASSCODE = "a quiet room"


@pytest.fixture
def app_db(tmp_path, monkeypatch) -> str:
    """Every page of the app talks to a fresh SQLite file (the app's cached store is reset)."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    st.cache_resource.clear()
    yield url
    st.cache_resource.clear()


def facilitator_creates_workshop() -> AppTest:
    at = _session("facilitate")
    at.text_input(key="fac_passcode").input(PASSCODE)
    at.text_input(key="fac_passcode2").input(PASSCODE)
    at.button(key="fac_create_go").click().run()
    assert not at.exception, at.exception
    return at


def _session(name: str, **query: str) -> AppTest:
    script = f"""
import streamlit as st
from workshop.views import {name}
from workshop.views.navigation import build_pages
st.set_page_config(page_title="Bedrock")
build_pages()
{name}.page()
"""
    at = AppTest.from_string(script, default_timeout=30)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def texts_and_errors(at: AppTest) -> str:
    return texts(at) + "\n".join(e.value for e in at.error)


def texts(at: AppTest) -> str:
    """Everything a person can read on the page."""
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption]
    parts += [e.value for e in at.header] + [e.value for e in at.subheader]
    parts += [e.value for e in at.text] + [str(e.value) for e in at.metric]
    parts += [e.value for e in at.info] + [e.value for e in at.success]
    parts += [e.proto.body for e in at.get("html")]
    parts += [e.proto.spec + e.proto.datasets.__str__() for e in at.get("vega_lite_chart")]
    return "\n".join(str(p) for p in parts)


def test_the_console_is_not_shown_without_the_passcode(app_db):
    at = _session("facilitate")
    assert not at.exception
    assert "Presenter notes" not in texts(at)
    assert not [b for b in at.button if b.label.startswith("Stage")]
    at.text_input(key="fac_reopen_code").input("ACDEFG")
    at.text_input(key="fac_reopen_pass").input("not the passcode")
    at.button(key="fac_reopen_go").click().run()
    assert "don't match an open workshop" in " ".join(e.value for e in at.error)
    assert "Presenter notes" not in texts(at)


def test_a_facilitator_and_three_participants_run_a_prompt_to_reveal(app_db):
    console = facilitator_creates_workshop()
    code = console.session_state["fac_code"]
    key = console.session_state["fac_key"]
    assert "Presenter notes" in texts(console)

    # Put the one-word arrival prompt on everyone's phone.
    console.radio(key="fac_prompt_0_None").set_value("arrival-word").run()
    assert not console.exception

    phones = [_session("join", code=code) for _ in range(3)]
    for phone in phones:
        assert not phone.exception
        assert "Welcome" in texts(phone)
    words = ["hopeful", "tired", "hopeful"]
    for phone, word in zip(phones[:2], words, strict=False):
        phone.text_input(key=f"join_done_{code}_arrival-word_text").input(word)
        phone.button(key=f"join_done_{code}_arrival-word_send").click().run()
        assert "Sent, anonymously" in texts(phone)

    console.run()
    assert "fewer than 3" in texts(console)
    assert console.button(key="fac_reveal").disabled
    with pytest.raises(BelowThreshold):
        Store(app_db).reveal(code=code, key=key, prompt_id="arrival-word")

    phones[2].text_input(key=f"join_done_{code}_arrival-word_text").input(words[2])
    phones[2].button(key=f"join_done_{code}_arrival-word_send").click().run()
    console.run()
    assert "3 answers" in texts(console)
    screen_key = Store(app_db).screen_key(code=code, key=key)
    before = _session("screen", code=code, key=screen_key)
    assert "hopeful" not in texts(before)
    assert "Presenter notes" not in texts(before)
    console.button(key="fac_reveal").click().run()
    assert not console.exception
    assert "hopeful" in texts(console)

    screen = _session("screen", code=code, key=screen_key)
    assert not screen.exception
    shown = texts(screen)
    assert "Arrival word" in shown
    assert "hopeful" in shown and "tired" in shown
    phones[0].run()
    assert "The answers are up on the screen now." in texts(phones[0])


def send_word(phone: AppTest, code: str, word: str) -> None:
    box = f"join_done_{code}_arrival-word"
    again = [b for b in phone.button if b.key == f"{box}_again"]
    if again:
        again[0].click().run()
    phone.text_input(key=f"{box}_text").input(word)
    phone.button(key=f"{box}_send").click().run()
    assert not phone.exception, phone.exception
    assert "Sent, anonymously" in texts(phone)


def test_one_phone_sending_another_and_another_cannot_open_the_wall_alone(app_db):
    console = facilitator_creates_workshop()
    code = console.session_state["fac_code"]
    console.radio(key="fac_prompt_0_None").set_value("arrival-word").run()
    # Here only the count matters, not the pace a phone may send at (tested below).
    store().pace = SendPace(gap=0)
    phone = _session("join", code=code)
    for word in ("hopeful", "tired", "calm", "warm"):
        send_word(phone, code, word)
    console.run()
    assert "Moderate (4)" in [e.label for e in console.expander]
    assert "fewer than 3" in texts(console)
    assert console.button(key="fac_reveal").disabled
    assert "from one phone count once" in console.button(key="fac_reveal").help

    for word in ("sleepy", "glad"):
        send_word(_session("join", code=code), code, word)
    console.run()
    assert "3 answers" in texts(console)
    assert not console.button(key="fac_reveal").disabled


def test_a_phone_is_told_plainly_how_many_texts_it_may_send_and_how_fast(app_db):
    console = facilitator_creates_workshop()
    code = console.session_state["fac_code"]
    console.radio(key="fac_prompt_0_None").set_value("arrival-word").run()
    phone = _session("join", code=code)
    said = "up to 5 answers to this question; after the first 2, one every 3 seconds"
    assert said in texts(phone)
    send_word(phone, code, "hopeful")
    send_word(phone, code, "tired")
    box = f"join_done_{code}_arrival-word"
    phone.button(key=f"{box}_again").click().run()
    phone.text_input(key=f"{box}_text").input("sleepy")
    phone.button(key=f"{box}_send").click().run()
    assert "That was quick: please wait" in texts_and_errors(phone)
    assert phone.text_input(key=f"{box}_text").value == "sleepy"  # nothing lost
    console.run()
    assert "Moderate (2)" in [e.label for e in console.expander]


def test_a_participant_can_pass_on_any_prompt(app_db):
    console = facilitator_creates_workshop()
    code = console.session_state["fac_code"]
    console.radio(key="fac_prompt_0_None").set_value("checkin-open").run()
    phone = _session("join", code=code)
    phone.button(key=f"join_done_{code}_checkin-open_pass").click().run()
    assert "You passed on this one" in texts(phone)
    console.run()
    assert "fewer than 3" in texts(console)


def test_a_wrong_code_gets_a_kind_message_and_a_box_to_try_again(app_db):
    phone = _session("join", code="ZZZZZZ")
    assert not phone.exception
    assert "couldn't find a workshop" in texts(phone)
    assert phone.text_input(key="join_retry_code") is not None


def test_the_screen_refuses_a_missing_or_wrong_key(app_db):
    console = facilitator_creates_workshop()
    code = console.session_state["fac_code"]
    screen = _session("screen", code=code, key=console.session_state["fac_key"])
    assert not screen.exception
    assert "Open this screen from the facilitator console" in texts(screen)


def test_guessing_codes_from_many_sessions_is_slowed_down_and_said_plainly(app_db):
    """Each new session used to start with a fresh throttle. AppTest sessions all come from
    this machine: one address, as a script opening websocket after websocket would be."""
    console = facilitator_creates_workshop()
    code = console.session_state["fac_code"]
    guesses = [c for c in (f"QQQQ{a}{b}" for a in "ACDEF" for b in "GHJK") if c != code]
    for guess in guesses[:20]:
        phone = _session("join", code=guess)
        assert "couldn't find a workshop" in texts(phone)
    phone = _session("join", code=code)
    waiting = re.search(r"Please wait (\d+) seconds", texts(phone))
    assert waiting and 0 < int(waiting.group(1)) <= 30  # the first wait is 30 s
    assert "Welcome" not in texts(phone)
    phone.text_input(key="join_retry_code").input(code).run()
    phone.button(key="join_retry").click().run()
    assert "Please wait" in texts(phone) and "Welcome" not in texts(phone)


def test_a_word_sent_after_the_reveal_waits_in_the_console_until_shown(app_db):
    console = facilitator_creates_workshop()
    code, key = console.session_state["fac_code"], console.session_state["fac_key"]
    console.radio(key="fac_prompt_0_None").set_value("arrival-word").run()
    phones = [_session("join", code=code) for _ in range(3)]
    for phone, word in zip(phones, ("hopeful", "tired", "calm"), strict=True):
        send_word(phone, code, word)
    console.run()
    console.button(key="fac_reveal").click().run()
    screen_key = Store(app_db).screen_key(code=code, key=key)
    assert "calm" in texts(_session("screen", code=code, key=screen_key))

    phones[0].run()
    store().pace = SendPace(gap=0)  # the same phone again, without waiting its 3 seconds
    send_word(phones[0], code, "Zebra-late")
    assert "the facilitator reads yours before it joins them" in texts(phones[0])
    assert "zebra-late" not in texts(_session("screen", code=code, key=screen_key)).lower()
    console.run()
    shown = texts(console)
    assert "New since the reveal — not on the wall yet" in shown
    assert "Zebra-late" in [e.value for e in console.text]

    (show,) = [b for b in console.button if b.label == "Show"]
    show.click().run()
    assert not console.exception, console.exception
    assert "New since the reveal" not in texts(console)
    assert "zebra-late" in texts(_session("screen", code=code, key=screen_key))


def test_moving_on_takes_the_answers_off_the_projector(app_db):
    console = facilitator_creates_workshop()
    code, key = console.session_state["fac_code"], console.session_state["fac_key"]
    console.radio(key="fac_prompt_0_None").set_value("arrival-word").run()
    for word in ("hopeful", "tired", "calm"):
        send_word(_session("join", code=code), code, word)
    console.run()
    console.button(key="fac_reveal").click().run()
    screen_key = Store(app_db).screen_key(code=code, key=key)
    assert "hopeful" in texts(_session("screen", code=code, key=screen_key))
    next(b for b in console.button if b.label == "Stage ▶").click().run()
    console.radio(key="fac_prompt_1_None").set_value("understood-word").run()
    assert not console.exception, console.exception
    # Back to the first stage and its prompt: the wall stays down until revealed again.
    next(b for b in console.button if b.label == "◀ Stage").click().run()
    console.radio(key="fac_prompt_0_None").set_value("arrival-word").run()
    assert "hopeful" not in texts(_session("screen", code=code, key=screen_key))
    assert not console.button(key="fac_reveal").disabled


RETIRED = (
    StagePlan(
        module_id="welcome",
        title="Welcome and ground rules",
        minutes=10,
        prompts=(PromptSpec(id="arrival-word", kind="word", title="Arrival word", max_chars=40),),
    ),
    StagePlan(
        module_id="a-stage-since-removed",
        title="A stage since removed",
        minutes=15,
        prompts=(
            PromptSpec(id="an-old-question", kind="reflection", title="An old question"),
            PromptSpec(
                id="an-old-hard-one", kind="reflection", title="An old hard one", sensitive=True
            ),
        ),
    ),
)
"""A workshop planned from content that has changed since: its second stage and prompts are
no longer in the content files."""


def test_a_workshop_planned_from_older_content_still_runs(app_db):
    created = Store(app_db).create_workshop(title="Older", stages=RETIRED, passcode=PASSCODE)
    code, key = created.code, created.facilitator_key
    console = _session("facilitate")
    console.session_state["fac_code"] = code
    console.session_state["fac_key"] = key
    console.run()
    next(b for b in console.button if b.label == "Stage ▶").click().run()
    assert not console.exception, console.exception
    assert "A stage since removed" in texts(console)
    assert "no longer in the content files" in texts(console)
    # The prompts stored with the workshop are offered, not the content files' list.
    radio = console.radio(key="fac_prompt_1_None")
    assert list(radio.options) == ["Nothing (just listen)", "An old question", "An old hard one"]
    radio.set_value("an-old-hard-one").run()
    assert not console.exception, console.exception

    phone = _session("join", code=code)
    assert not phone.exception, phone.exception
    assert "A stage since removed" in texts(phone)
    # A sensitive stage still gets a note first, in our own words.
    assert "touches on personal things" in texts(phone)
    next(b for b in phone.button if b.label == "Continue").click().run()
    phone.text_area(key=f"join_done_{code}_an-old-hard-one_text").input("Still heard.")
    phone.button(key=f"join_done_{code}_an-old-hard-one_send").click().run()
    assert not phone.exception, phone.exception
    assert "Sent, anonymously" in texts(phone)
    console.run()
    assert "Moderate (1)" in [e.label for e in console.expander]


def test_a_phone_sees_the_content_note_first_and_can_continue_or_skip(app_db):
    console = facilitator_creates_workshop()
    code, key = console.session_state["fac_code"], console.session_state["fac_key"]
    store = Store(app_db)
    state = store.state(code=code)
    sensitive = next(s for s in state.stages if "barrier-resonates" in s.prompt_ids)
    store.go_to_stage(code=code, key=key, index=sensitive.index)
    store.set_prompt(code=code, key=key, prompt_id="barrier-resonates")
    st.cache_resource.clear()  # phones opened now, past the app's one-second cache

    going_on, skipping = _session("join", code=code), _session("join", code=code)
    for phone in (going_on, skipping):
        assert "Before this part" in texts(phone)
        assert not [r for r in phone.radio if r.key and "barrier-resonates" in r.key]

    going_on.button(key=f"join_note_{code}_{sensitive.index}_go").click().run()
    assert "Before this part" not in texts(going_on)
    assert going_on.radio(key=f"join_done_{code}_barrier-resonates_choice") is not None

    skipping.button(key=f"join_note_{code}_{sensitive.index}_skip").click().run()
    assert "You're skipping this part" in texts(skipping)
    assert not [r for r in skipping.radio if r.key and "barrier-resonates" in r.key]
    # Ready again: the same stage, this time with its question.
    skipping.button(key=f"join_note_{code}_{sensitive.index}_back").click().run()
    assert "You're skipping this part" not in texts(skipping)
    assert skipping.radio(key=f"join_done_{code}_barrier-resonates_choice") is not None


def test_the_console_counts_people_and_phones_and_says_why_the_wall_came_down(app_db):
    console = facilitator_creates_workshop()
    code = console.session_state["fac_code"]
    console.radio(key="fac_prompt_0_None").set_value("arrival-word").run()
    # Without a browser the phones join when they first send (in a browser: on opening).
    for word in ("hopeful", "tired", "calm"):
        send_word(_session("join", code=code), code, word)
    console.run()
    assert "answers from 3 people · 3 phones joined" in texts(console)
    console.button(key="fac_reveal").click().run()
    assert "answers from 3 people · 3 phones joined" in texts(console)

    (hide, *_) = [b for b in console.button if b.label == "Hide"]
    hide.click().run()
    assert not console.exception, console.exception
    warning = "\n".join(w.value for w in console.warning)
    assert "came off the wall by themselves" in warning
    assert "fewer than 3 people's answers were left" in warning
    assert "answers from 2 people · 3 phones joined" in texts(console)
    assert console.button(key="fac_reveal").disabled


def test_a_thousand_held_texts_leave_the_console_a_bounded_page(app_db):
    console = facilitator_creates_workshop()
    code, key = console.session_state["fac_code"], console.session_state["fac_key"]
    console.radio(key="fac_prompt_0_None").set_value("arrival-word").run()
    writer = Store(app_db)
    for n in range(1003):
        phone = writer.join(code=code, client=f"phone {n}")
        writer.submit_reflection(code=code, prompt_id="arrival-word", token=phone, text=f"w{n}")
        if n == 2:
            writer.reveal(code=code, key=key, prompt_id="arrival-word")
    writer.close()

    console.run()
    assert not console.exception, console.exception
    shown = texts(console)
    assert "1,000 new · showing 20" in shown  # counts written by Babel, as on the phone
    listed = [e.value for e in console.text if e.value.startswith("w")]
    assert len(listed) == 20 + 3
    assert len(console.button) < 70  # the page's own buttons and two per listed text

    console.button(key="fac_keep_all_new").click().run()
    assert not console.exception, console.exception
    assert "New since the reveal" not in texts(console)
    assert "Moderate (1,003)" in [e.label for e in console.expander]
    assert "1–20 of 1,003" in texts(console)
    assert len([e for e in console.text if e.value.startswith("w")]) == 20
    console.button(key="fac_mod_ahead").click().run()
    assert "21–40 of 1,003" in texts(console)


def test_a_public_address_setting_that_is_no_web_address_is_named_on_the_console(
    app_db, monkeypatch
):
    monkeypatch.setenv("BEDROCK_PUBLIC_URL", "ftp://workshop.example.org")
    console = facilitator_creates_workshop()
    warnings = " ".join(e.value for e in console.warning)
    assert "BEDROCK_PUBLIC_URL" in warnings
    assert "it must start with http:// or https://" in warnings


def test_a_plan_filled_in_on_a_phone_never_reaches_the_database(app_db):
    console = facilitator_creates_workshop()
    code, key = console.session_state["fac_code"], console.session_state["fac_key"]
    store = Store(app_db)
    stage = next(s for s in store.state(code=code).stages if "weekly-ritual" in s.prompt_ids)
    store.go_to_stage(code=code, key=key, index=stage.index)
    store.set_prompt(code=code, key=key, prompt_id="weekly-ritual")
    st.cache_resource.clear()
    phone = _session("join", code=code)
    phone.text_area(key=f"join_done_{code}_weekly-ritual_plan_what").input("Quillwort picnic")
    phone.button(key=f"join_done_{code}_weekly-ritual_plan_copy").click()
    phone.run()
    assert not phone.exception
    assert "Not sent to the room and not saved anywhere" in texts(phone)
    copy = phone.get("download_button")[0].proto.url
    assert copy  # the copy is ready on the phone, made from the words in the box
    store.close()
    raw = Path(app_db.removeprefix("sqlite:///"))
    for path in raw.parent.glob(raw.name + "*"):  # the file and its write-ahead log
        assert b"Quillwort" not in path.read_bytes()
