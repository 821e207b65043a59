"""The database goes away while a workshop is running: every page already drawn, and each of
its live parts run on its own, says calmly that it is reconnecting. Nothing raises, so
nothing reaches the server's log and no page shows an error box.

Each page is drawn once with the database there, then the database refuses every new
connection (as a stopped PostgreSQL does) and the page or its live part runs again. The
process's one-second cache of workshop states is either still fresh (what was read just
before the outage is served from it, while any direct read of the store fails) or stale
(every read fails); both happen in a real outage, depending on the moment it starts.
"""

from __future__ import annotations

import sqlite3
import time

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from workshop.engine.identity import SendPace
from workshop.engine.live import signature
from workshop.engine.store import Store
from workshop.views import common

PASSCODE = "a quiet room"
PROMPT = "arrival-word"
PAGE = """
import streamlit as st
from workshop.views import {name}
from workshop.views.navigation import build_pages
st.set_page_config(page_title="Bedrock")
build_pages()
{name}.page()
"""
PART = """
import streamlit as st
from workshop.views import {module}
from workshop.views.navigation import build_pages
st.set_page_config(page_title="Bedrock")
build_pages()
{module}.{part}(*{args!r})
"""
"""One live part of a page (a fragment) run on its own, as the browser reruns it."""


@pytest.fixture
def app_db(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    st.cache_resource.clear()
    yield url
    st.cache_resource.clear()


@pytest.fixture(params=["fresh", "stale"])
def cache(request) -> str:
    """Whether the shared cache still answers for the workshop when the database goes."""
    return request.param


@pytest.fixture
def database_away(monkeypatch, cache):
    """Call to make the app's database refuse every new connection from then on."""

    def away() -> None:
        engine = common.store().engine
        engine.dispose()

        def refuse(*_args, **_kwargs):
            raise sqlite3.OperationalError("unable to open database file")

        monkeypatch.setattr(engine.dialect, "connect", refuse)

    common.live().ttl = 3600.0 if cache == "fresh" else 0.0
    return away


def page(name: str, *, state: dict | None = None, **query: str) -> AppTest:
    at = AppTest.from_string(PAGE.format(name=name), default_timeout=30)
    for key, value in query.items():
        at.query_params[key] = value
    for key, value in (state or {}).items():
        at.session_state[key] = value
    return at.run()


def part(module: str, name: str, *args: str, state: dict | None = None) -> AppTest:
    at = AppTest.from_string(
        PART.format(module=module, part=name, args=tuple(args)), default_timeout=30
    )
    for key, value in (state or {}).items():
        at.session_state[key] = value
    return at.run()


def calm(at: AppTest) -> str:
    """What the page says while it waits: its captions, subheaders and warnings."""
    parts = [e.value for e in at.caption] + [e.value for e in at.subheader]
    return "\n".join(parts + [e.value for e in at.warning])


def no_failure(at: AppTest) -> None:
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


@pytest.fixture
def running(app_db) -> dict:
    """A workshop on its first stage with the one-word prompt on the phones, three words
    sent, the answers revealed, and a fourth one held back for the console to read."""
    console = page("facilitate")
    console.text_input(key="fac_passcode").input(PASSCODE)
    console.text_input(key="fac_passcode2").input(PASSCODE)
    console.button(key="fac_create_go").click().run()
    code, key = console.session_state["fac_code"], console.session_state["fac_key"]
    console.radio(key="fac_prompt_0_None").set_value(PROMPT).run()
    common.store().pace = SendPace(gap=0)
    box = f"join_done_{code}_{PROMPT}"
    phones = []
    for word in ("hopeful", "tired", "calm"):
        phone = page("join", code=code)
        phone.text_input(key=f"{box}_text").input(word)
        phone.button(key=f"{box}_send").click().run()
        no_failure(phone)
        phones.append(phone)
    console.run()
    console.button(key="fac_reveal").click().run()
    phones[0].button(key=f"{box}_again").click().run()
    phones[0].text_input(key=f"{box}_text").input("late")
    phones[0].button(key=f"{box}_send").click().run()
    no_failure(phones[0])
    console.run()
    no_failure(console)
    return {
        "code": code,
        "key": key,
        "screen_key": Store(app_db).screen_key(code=code, key=key),
        "console": console,
        "phones": phones,
    }


def test_the_console_s_live_answers_say_reconnecting_when_the_database_goes(running, database_away):
    code, key = running["code"], running["key"]
    answers = part("facilitate", "_live_responses", code, PROMPT, state={"fac_key": key})
    no_failure(answers)
    assert "answers from 3 people · 3 phones joined" in calm(answers)
    database_away()
    answers.run()
    no_failure(answers)
    # Even with the states and results still cached: the count of phones is read fresh.
    assert "Reconnecting…" in calm(answers)


def test_the_console_drawn_again_waits_for_the_database(running, database_away):
    console = running["console"]
    database_away()
    console.run()
    no_failure(console)
    assert "Can't reach the database right now" in calm(console)


def test_a_phone_that_has_drawn_keeps_its_page_and_waits(running, database_away, cache):
    phone = running["phones"][1]
    phone.run()
    database_away()
    phone.run()
    no_failure(phone)
    assert "The answers are up on the screen now." in calm(phone)
    if cache == "stale":
        assert "Reconnecting…" in calm(phone)


def test_a_phone_that_learns_its_identity_during_the_outage_waits(running, database_away):
    """A reloaded phone is drawn before the browser hands over its identity; the identity
    comes on the next run, which asks what this phone sent before."""
    code = running["code"]
    token = running["phones"][2].session_state["join_phones"][code]
    phone = page("join", code=code)
    no_failure(phone)
    database_away()
    phone.session_state["join_phones"] = {code: token}
    phone.run()
    no_failure(phone)


def drawn_phone(url: str, code: str) -> dict:
    """What a phone's full run leaves for its live strip: the workshop it drew, and when."""
    state = Store(url).state(code=code)
    return {
        "join_seen": signature(state),
        "join_seen_version": state.phones_version,
        "join_drawn_at": time.time(),
    }


@pytest.mark.parametrize("live_part", ["phone", "projector"])
def test_each_live_part_run_alone_says_reconnecting(
    app_db, running, database_away, cache, live_part
):
    code = running["code"]
    if live_part == "phone":
        alone = part("join", "_live_strip", code, state=drawn_phone(app_db, code))
    else:
        alone = part("screen", "_screen", code)
    no_failure(alone)
    database_away()
    alone.run()
    no_failure(alone)
    if cache == "stale":
        assert "Reconnecting…" in calm(alone)


def test_a_projector_that_has_drawn_says_reconnecting(running, database_away):
    screen = page("screen", code=running["code"], key=running["screen_key"])
    no_failure(screen)
    database_away()
    screen.run()
    no_failure(screen)
    assert "Reconnecting…" in calm(screen)
