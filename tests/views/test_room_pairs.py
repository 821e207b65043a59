"""Couples in the room in AppTest: two phones pair, do a private answer together, and the
console and projector see counts only; a phone alone and two people on one phone too."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.views.test_group_pages import _session, app_db, facilitator_creates_workshop, texts
from workshop.engine.store import Store

__all__ = ["app_db"]


def pair(first: AppTest, second: AppTest, code: str, url: str) -> None:
    first.button(key="pair_open").click().run()
    token = first.session_state["join_phones"][code]
    shown = Store(url).pairs.status(code=code, token=token).pair_code
    assert shown[:3] + " " + shown[3:] in texts(first)
    second.text_input(key="pair_typed").input(shown)
    second.button(key="pair_join").click().run()
    first.run()


def test_two_phones_pair_and_share_privately_while_the_room_sees_counts(app_db):
    console = facilitator_creates_workshop()
    code = console.session_state["fac_code"]
    key = console.session_state["fac_key"]
    first, second, alone = (_session("join", code=code) for _ in range(3))
    pair(first, second, code, app_db)
    for phone in (first, second):
        assert not phone.exception, phone.exception
        assert "Paired · " in texts(phone)
    badges = {t for p in (first, second) for t in texts(p).splitlines() if "Paired · " in t}
    assert len(badges) == 1  # the same word and colour on both

    console.radio(key="fac_prompt_0_None").set_value("checkin-open").run()
    assert "0 of 1 couple done" in texts(console)
    for phone in (first, second, alone):
        phone.run()
    box = f"pair_{code}_checkin-open"
    first.button_group(key=f"{box}_scale").set_value(7)
    first.radio(key=f"{box}_show").set_value("Show my partner")
    first.checkbox(key=f"{box}_room").check()
    first.button(key=f"{box}_done").click().run()
    assert not first.exception, first.exception
    assert "chose to show it" in texts(first)
    second.run()
    assert "7" not in [t.strip() for t in texts(second).splitlines()]
    second.button_group(key=f"{box}_scale").set_value(3)
    second.radio(key=f"{box}_show").set_value("Keep it to myself")
    second.button(key=f"{box}_done").click().run()
    first.run()
    assert "Kept this one private." in texts(first)
    assert "### 3" not in texts(first)
    assert "### 7" in texts(second)
    # The phone alone answers as it always did.
    alone.slider(key=f"join_done_{code}_checkin-open_scale").set_value(5)
    alone.button(key=f"join_done_{code}_checkin-open_send").click().run()
    assert "Sent, anonymously" in texts(alone)

    console.run()
    assert "1 of 1 couple done" in texts(console)
    screen = _session("screen", code=code, key=Store(app_db).screen_key(code=code, key=key))
    assert "1 of 1 couple done" in texts(screen)
    # The room counts what the first partner added to it and the phone alone: two people.
    assert Store(app_db).results(code=code, prompt_id="checkin-open").count == 2

    console.button(key="fac_gather").click().run()
    assert not console.exception, console.exception
    first.run()
    assert "Time to come back together" in texts(first)


def test_two_people_on_one_phone_hand_it_over(app_db):
    console = facilitator_creates_workshop()
    code = console.session_state["fac_code"]
    console.radio(key="fac_prompt_0_None").set_value("arrival-word").run()
    phone = _session("join", code=code)
    base = f"pairone_{code}_arrival-word"
    phone.button(key=f"{base}_take_turns").click().run()
    phone.button(key=f"{base}_open").click().run()
    phone.text_input(key=f"{base}_A_text").input("Hopeful")
    phone.button(key=f"{base}_A_done").click().run()
    assert "Second partner's turn" in texts(phone)
    phone.button(key=f"{base}_open").click().run()
    phone.text_input(key=f"{base}_B_text").input("Sleepy")
    phone.radio(key=f"{base}_B_show").set_value("Keep it to myself")
    phone.button(key=f"{base}_B_done").click().run()
    phone.button(key=f"{base}_reveal").click().run()
    assert not phone.exception, phone.exception
    shown = texts(phone)
    assert "Hopeful" in shown and "Sleepy" not in shown and "Kept this one private." in shown
    # Nothing of it went to the room or the database.
    assert Store(app_db).results(code=code, prompt_id="arrival-word").count == 0
