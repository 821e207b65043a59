"""Each screen in its own language (AppTest): a phone whose browser asks for Spanish joins in
Spanish, switches in one tap, and hears the engine's refusals in its language; the couple's
path follows the browser too; what people write is shown as written."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.views.test_group_pages import app_db, facilitator_creates_workshop, texts
from workshop.i18n.screen import CHOSEN, LANGUAGE

APP = str(Path(__file__).resolve().parents[2] / "app.py")
__all__ = ["app_db"]  # the fixture, shared with the group pages' tests


def phone(code: str, *, locale: str | None, lang: str | None = None) -> AppTest:
    """A participant's phone opening the join link, its browser asking for ``locale``."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.context["locale"] = locale
    at.query_params["code"] = code
    if lang:
        at.query_params["lang"] = lang
    return at.run()


def page_element(at: AppTest) -> dict:
    """What the page's invisible language element was told on the last run."""
    (element,) = [e for e in at.get("bidi_component") if e.proto.id.endswith("page_language")]
    return json.loads(element.proto.json)


def workshop_with_a_word_prompt() -> tuple[AppTest, str]:
    console = facilitator_creates_workshop()
    console.radio(key="fac_prompt_0_None").set_value("arrival-word").run()
    assert not console.exception
    return console, console.session_state["fac_code"]


def test_a_phone_whose_browser_asks_for_spanish_joins_in_spanish(app_db):
    _console, code = workshop_with_a_word_prompt()
    at = phone(code, locale="es-ES")
    assert not at.exception, at.exception
    shown = texts(at)
    assert f"Taller {code} · etapa 1 de" in shown
    assert "Apoyo" in str(at.get("popover")[0].proto)
    box = at.text_input(key=f"join_done_{code}_arrival-word_text")
    assert box.label == "Una palabra o unas pocas"
    assert at.button(key=f"join_done_{code}_arrival-word_send").label == "Enviar"
    assert at.button(key=f"join_done_{code}_arrival-word_pass").label == "Pasar"
    assert "Workshop" not in shown and "Send" not in shown

    # The engine's refusal is said in the phone's language too.
    at.button(key=f"join_done_{code}_arrival-word_send").click().run()
    assert [e.value for e in at.error] == ["Escribe algo antes de enviar."]

    # What a person writes is sent and shown as written.
    box = at.text_input(key=f"join_done_{code}_arrival-word_text")
    box.input("Hopeful, not «esperanzada»")
    at.button(key=f"join_done_{code}_arrival-word_send").click().run()
    assert [e.value for e in at.error] == []
    assert "Enviado, de forma anónima. Gracias." in texts(at)


def test_one_tap_switches_the_phone_and_the_choice_is_kept_for_this_browser(app_db):
    _console, code = workshop_with_a_word_prompt()
    at = phone(code, locale="es-MX")
    switch = at.segmented_control(key="join_language_es")
    assert switch.value == "es" and switch.options == ["English", "Español"]
    switch.set_value("en").run()
    assert not at.exception
    assert f"Workshop {code} · stage 1 of" in texts(at)
    assert at.button(key=f"join_done_{code}_arrival-word_send").label == "Send"
    assert at.session_state[LANGUAGE] == "en" and at.session_state[CHOSEN] == "here"
    # The invisible element is told to keep the choice on this browser, and the page's
    # <html> to say English.
    told = page_element(at)
    assert told["keep"] == "en" and told["lang"] == "en" and told["dir"] == "ltr"


def test_a_browser_in_a_language_without_a_catalogue_gets_english(app_db):
    _console, code = workshop_with_a_word_prompt()
    at = phone(code, locale="fr-FR")
    assert f"Workshop {code} · stage 1 of" in texts(at)


def test_the_link_can_name_the_language_and_the_right_to_left_pseudo_language(app_db):
    _console, code = workshop_with_a_word_prompt()
    spanish = phone(code, locale="en-GB", lang="es")
    assert f"Taller {code} · etapa 1 de" in texts(spanish)
    mirrored = phone(code, locale="en-GB", lang="ar-XB")
    assert "\u202eWorkshop " in texts(mirrored)
    told = page_element(mirrored)
    assert told["dir"] == "rtl" and told["lang"] == "ar-XB" and told["keep"] is None


def test_a_phone_that_cannot_find_the_workshop_says_so_in_its_language(app_db):
    at = phone("ZZZZZZ", locale="es-ES")
    assert "Unirte a un taller" in [t.value for t in at.title]
    assert "No encontramos ningún taller con ese código." in texts(at)


def _together() -> None:
    from workshop.views import together

    together.page()


def test_the_couples_path_follows_the_browser_and_keeps_their_names_as_written():
    at = AppTest.from_function(_together, default_timeout=30)
    at.context["locale"] = "es-ES"
    at.run()
    assert not at.exception, at.exception
    assert "En pareja" in [t.value for t in at.title]
    assert at.text_input(key="together_name_a").value == "Persona A"
    at.text_input(key="together_name_a").input("Sam")
    at.text_input(key="together_name_b").input("Álex")
    submit = [b for b in at.button if b.label == "Empecemos"]
    submit[0].click().run()
    assert not at.exception, at.exception
    progress = [p.proto.text for p in at.get("progress")]
    assert progress and progress[0].startswith("Etapa 1 de ")
    assert at.segmented_control(key="together_language_es").value == "es"
    assert at.button(key="together_next").label == "Siguiente"


def test_a_choice_this_browser_kept_wins_over_its_language(app_db):
    _console, code = workshop_with_a_word_prompt()
    at = AppTest.from_file(APP, default_timeout=30)
    at.context["locale"] = "en-US"
    at.query_params["code"] = code
    at.run()
    assert page_element(at)["ask"] is True
    # The browser answers with what it kept from an earlier visit, as the element does.
    at.session_state["page_language"] = {"kept": "es"}
    at.run()
    assert f"Taller {code} · etapa 1 de" in texts(at)
    told = page_element(at)
    assert told["lang"] == "es" and told["ask"] is False and told["keep"] is None
