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

    # A room prompt: a paired phone answers it for the room, as every phone does.
    console.radio(key="fac_prompt_0_None").set_value("checkin-open").run()
    assert "1 couple paired" in texts(console)
    first.run()
    assert "Paired · " in texts(first)
    assert f"pair_{code}_checkin-open_form" not in first.session_state
    first.slider(key=f"join_done_{code}_checkin-open_scale").set_value(6)
    first.button(key=f"join_done_{code}_checkin-open_send").click().run()
    assert "Sent, anonymously" in texts(first)
    assert Store(app_db).results(code=code, prompt_id="checkin-open").count == 1

    # A partner exercise: paired phones answer it privately to each other.
    next(b for b in console.button if b.label == "Stage ▶").click().run()
    console.radio(key="fac_prompt_1_None").set_value("felt-understood").run()
    assert "0 of 1 couple done" in texts(console)
    for phone in (first, second, alone):
        phone.run()
    # Paired phones read the couple's version of the question; nothing between them is
    # anonymous. The phone alone reads the room's.
    for phone in (first, second):
        assert "Each of you, think of a moment" in texts(phone)
        assert "Your answer is anonymous" not in texts(phone)
    assert "Your answer is anonymous" in texts(alone)
    box = f"pair_{code}_felt-understood"
    first.text_area(key=f"{box}_text").input("When you listened to the end")
    first.radio(key=f"{box}_show").set_value("Show my partner")
    first.checkbox(key=f"{box}_room").check()
    first.button(key=f"{box}_done").click().run()
    assert not first.exception, first.exception
    assert "chose to show it" in texts(first)
    second.run()
    assert "When you listened to the end" not in texts(second)
    second.text_area(key=f"{box}_text").input("The morning you stayed")
    second.radio(key=f"{box}_show").set_value("Keep it to myself")
    second.button(key=f"{box}_done").click().run()
    first.run()
    assert "Kept this one private." in texts(first)
    assert "The morning you stayed" not in texts(first)
    assert "When you listened to the end" in texts(second)
    # The phone alone answers as it always did.
    alone.text_area(key=f"join_done_{code}_felt-understood_text").input("A quiet walk")
    alone.button(key=f"join_done_{code}_felt-understood_send").click().run()
    assert "Sent, anonymously" in texts(alone)

    console.run()
    assert "1 of 1 couple done" in texts(console)
    screen = _session("screen", code=code, key=Store(app_db).screen_key(code=code, key=key))
    assert "1 of 1 couple done" in texts(screen)
    # The room counts what the first partner added to it and the phone alone: two people.
    assert Store(app_db).results(code=code, prompt_id="felt-understood").count == 2

    console.button(key="fac_gather").click().run()
    assert not console.exception, console.exception
    first.run()
    assert "Time to come back together" in texts(first)


def test_two_people_on_one_phone_hand_it_over(app_db):
    console = facilitator_creates_workshop()
    code = console.session_state["fac_code"]
    console.radio(key="fac_prompt_0_None").set_value("arrival-word").run()
    phone = _session("join", code=code)
    # A room prompt is one person's answer: no taking turns on it.
    assert f"pairone_{code}_arrival-word_take_turns" not in [b.key for b in phone.button]
    next(b for b in console.button if b.label == "Stage ▶").click().run()
    console.radio(key="fac_prompt_1_None").set_value("felt-understood").run()
    phone.run()
    base = f"pairone_{code}_felt-understood"
    assert "Your answer is anonymous" in texts(phone)
    phone.button(key=f"{base}_take_turns").click().run()
    assert "Each of you, think of a moment" in texts(phone)
    phone.button(key=f"{base}_open").click().run()
    phone.text_area(key=f"{base}_A_text").input("Hopeful")
    phone.button(key=f"{base}_A_done").click().run()
    assert "Second partner's turn" in texts(phone)
    phone.button(key=f"{base}_open").click().run()
    phone.text_area(key=f"{base}_B_text").input("Sleepy")
    phone.radio(key=f"{base}_B_show").set_value("Keep it to myself")
    phone.button(key=f"{base}_B_done").click().run()
    phone.button(key=f"{base}_reveal").click().run()
    assert not phone.exception, phone.exception
    shown = texts(phone)
    assert "Hopeful" in shown and "Sleepy" not in shown and "Kept this one private." in shown
    # Nothing of it went to the room or the database.
    assert Store(app_db).results(code=code, prompt_id="felt-understood").count == 0


def test_paired_phones_in_spanish_show_the_pairing_screens_in_spanish(app_db):
    console = facilitator_creates_workshop()
    code = console.session_state["fac_code"]
    first, second = (_session("join", code=code, lang="es") for _ in range(2))
    popover = str(first.get("popover")[0].proto) + str(first.get("popover")[1].proto)
    assert "Emparejar teléfonos" in popover and "Apoyo" in popover
    assert first.button(key="pair_open").label == "Mostrar un código"
    # A refusal from the pairing itself is said in Spanish too.
    second.text_input(key="pair_typed").input("12")
    second.button(key="pair_join").click().run()
    assert [e.value for e in second.error] == ["Un código para emparejar tiene 6 cifras."]
    first.button(key="pair_open").click().run()
    assert "**Tu código para emparejar**" in texts(first)
    assert first.button(key="pair_cancel").label == "Cancelar"
    first.button(key="pair_cancel").click().run()
    pair(first, second, code, app_db)
    assert "Emparejado · " in texts(first)  # the pair's word stays as drawn, in any language

    next(b for b in console.button if b.label == "Stage ▶").click().run()
    console.radio(key="fac_prompt_1_None").set_value("felt-understood").run()
    for phone in (first, second):
        phone.run()
    box = f"pair_{code}_felt-understood"
    assert first.text_area(key=f"{box}_text").label == "Tu respuesta"
    assert first.radio(key=f"{box}_show").options == [
        "Mostrársela a mi pareja",
        "Guardármela para mí",
    ]
    assert first.checkbox(key=f"{box}_room").label.startswith("Añadirla también")
    assert first.button(key=f"{box}_done").label == "Listo"
    first.text_area(key=f"{box}_text").input("Cuando me escuchaste hasta el final")
    first.button(key=f"{box}_done").click().run()
    assert "Respondiste y elegiste mostrársela a tu pareja." in texts(first)
    assert "Tu pareja aún está respondiendo" in texts(first)
    second.button(key=f"{box}_pass").click().run()
    first.run()
    shown = texts(first)
    assert "**Tú**" in shown and "**Tu pareja**" in shown and "Ha pasado en esta." in shown
    for phone in (first, second):
        assert not phone.exception, phone.exception
        shown = texts(phone)
        for english in ("Your partner", "Paired ·", "You answered", "Passed this one"):
            assert english not in shown, english
