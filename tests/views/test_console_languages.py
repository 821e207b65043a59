"""The facilitator's side in the facilitator's language (AppTest): a console whose browser asks
for Spanish signs in and runs the room in Spanish, switches in one tap, and opens a projector
that speaks the console's language whatever the projector's own browser asks for."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.views.test_group_pages import PASSCODE, app_db, texts
from tests.views.test_page_languages import page_element
from workshop.engine.store import Store

__all__ = ["app_db"]  # the fixture, shared with the group pages' tests

# The app's entry, for one page: the screen's language is settled before the page draws.
ENTRY = """
import streamlit as st
from workshop.views import {name}
from workshop.views.language import screen_language
from workshop.views.navigation import build_pages
st.set_page_config(page_title="Bedrock")
screen_language()
build_pages()
{name}.page()
"""


def opened(name: str, *, locale: str | None, **query: str) -> AppTest:
    """The page ``name`` opened afresh in a browser asking for ``locale``."""
    st.cache_resource.clear()
    at = AppTest.from_string(ENTRY.format(name=name), default_timeout=30)
    at.context["locale"] = locale
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def projector_link(console: AppTest) -> str:
    (button,) = [b for b in console.get("link_button") if "tv" in b.proto.icon]
    return button.proto.url


def test_a_console_whose_browser_asks_for_spanish_is_spanish_from_sign_in_to_the_room(app_db):
    console = opened("facilitate", locale="es-ES")
    assert not console.exception, console.exception
    assert [t.value for t in console.title] == ["Dirigir un taller en grupo"]
    assert [t.label for t in console.tabs] == ["Nuevo taller", "Volver a abrir un taller"]
    assert console.button(key="fac_create_go").label == "Crear el taller"
    assert console.segmented_control(key="fac_language_es").value == "es"

    console.text_input(key="fac_passcode").input(PASSCODE)
    console.text_input(key="fac_passcode2").input(PASSCODE)
    console.button(key="fac_create_go").click().run()
    assert not console.exception, console.exception
    shown = texts(console)
    assert "Etapa 1 de" in shown and "Stage 1 of" not in shown
    labels = [b.label for b in console.button]
    assert {"◀ Etapa", "Etapa ▶", "Empezar", "Ya la guardé"} <= set(labels)
    assert "Start" not in labels
    popovers = [p.proto.popover.label for p in console.get("popover")]
    assert popovers[:2] == ["Exportar", "Terminar el taller"]
    assert console.segmented_control(key="fac_language_es").value == "es"
    # The projector the console opens speaks the console's language.
    assert parse_qs(urlsplit(projector_link(console)).query)["lang"] == ["es"]

    # One tap beside the title: the console, and the projector it opens from now on, English.
    console.segmented_control(key="fac_language_es").set_value("en").run()
    assert not console.exception, console.exception
    assert "Start" in [b.label for b in console.button]
    assert "Stage 1 of" in texts(console)
    assert parse_qs(urlsplit(projector_link(console)).query)["lang"] == ["en"]
    told = page_element(console)
    assert told["keep"] == "en" and told["lang"] == "en"


def test_a_refusal_on_the_console_is_said_in_its_language(app_db):
    console = opened("facilitate", locale="es-ES")
    console.text_input(key="fac_passcode").input("short")
    console.text_input(key="fac_passcode2").input("short")
    console.button(key="fac_create_go").click().run()
    assert [e.value for e in console.error] == ["Elige una contraseña de al menos 8 caracteres."]

    # The engine's refusal too, with its numbers.
    console.text_input(key="fac_title").input("T" * 121)
    console.text_input(key="fac_passcode").input(PASSCODE)
    console.text_input(key="fac_passcode2").input(PASSCODE)
    console.button(key="fac_create_go").click().run()
    assert [e.value for e in console.error] == [
        "Título del taller: que tenga 120 caracteres o menos (ahora tiene 121)."
    ]


def test_the_projector_opened_with_the_consoles_language_speaks_it(app_db):
    console = opened("facilitate", locale="es-ES")
    console.text_input(key="fac_passcode").input(PASSCODE)
    console.text_input(key="fac_passcode2").input(PASSCODE)
    console.button(key="fac_create_go").click().run()
    query = parse_qs(urlsplit(projector_link(console)).query)
    code, key = console.session_state["fac_code"], console.session_state["fac_key"]
    assert query["code"] == [code] and query["key"] == [
        Store(app_db).screen_key(code=code, key=key)
    ]

    # The projector's own browser asks for English; the link's language wins.
    wall = opened("screen", locale="en-US", code=code, key=query["key"][0], lang=query["lang"][0])
    assert not wall.exception, wall.exception
    shown = texts(wall)
    assert "Etapa 1 de" in shown and "Stage 1 of" not in shown
    told = page_element(wall)
    assert told["lang"] == "es" and told["dir"] == "ltr"
    assert told["keep"] is None  # a link's language is not a choice this browser keeps

    # Right to left when the link asks for it.
    mirrored = opened("screen", locale="en-US", code=code, key=query["key"][0], lang="ar-XB")
    assert not mirrored.exception, mirrored.exception
    assert page_element(mirrored)["dir"] == "rtl"


def test_a_projector_without_its_key_says_so_in_the_links_language(app_db):
    wall = opened("screen", locale="en-US", code="ABC123", key="wrong", lang="es")
    assert not wall.exception, wall.exception
    assert [t.value for t in wall.title] == ["Pantalla del proyector"]
    assert [e.value for e in wall.info] == [
        "Abre esta pantalla desde la consola de facilitación: su enlace lleva la clave de la "
        "pantalla."
    ]
