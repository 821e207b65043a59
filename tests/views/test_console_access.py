"""Getting into the console in AppTest: the recovery key shown once at creation, and a
counsellor let in while someone else's guesses make passcode tries wait. AppTest sessions
all come from this machine, so they share one address, as phones behind one venue router do.
"""

from __future__ import annotations

import re

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

PASSCODE = "a quiet room"


@pytest.fixture
def app_db(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("BEDROCK_ORGANISER_PASSCODE", raising=False)
    st.cache_resource.clear()
    yield url
    st.cache_resource.clear()


def session(name: str = "facilitate", **query: str) -> AppTest:
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


def errors(at: AppTest) -> str:
    return " ".join(e.value for e in at.error)


def create(at: AppTest) -> AppTest:
    at.text_input(key="fac_passcode").input(PASSCODE)
    at.text_input(key="fac_passcode2").input(PASSCODE)
    at.button(key="fac_create_go").click().run()
    assert not at.exception, at.exception
    return at


def reopen(at: AppTest, code: str, passcode: str) -> AppTest:
    at.text_input(key="fac_reopen_code").input(code)
    at.text_input(key="fac_reopen_pass").input(passcode)
    return at.button(key="fac_reopen_go").click().run()


def test_the_recovery_key_is_shown_once_and_opens_the_console_when_tries_wait(app_db):
    console = create(session())
    code = console.session_state["fac_code"]
    (shown,) = [c.value for c in console.code]
    assert shown.startswith(code + "-")
    console.button(key="fac_recovery_done").click().run()
    assert not console.code  # put away, and never shown again
    console.run()
    assert not console.code

    guesser = session()
    for _ in range(5):
        reopen(guesser, code, "not the passcode")
        assert "don't match an open workshop" in errors(guesser)
    counsellor = reopen(session(), code, PASSCODE)
    assert "wait" in errors(counsellor) and "recovery key" in errors(counsellor)
    assert "fac_key" not in counsellor.session_state

    counsellor.text_input(key="fac_recovery_key").input(shown.lower())
    counsellor.button(key="fac_recover_go").click().run()
    assert not counsellor.exception
    assert counsellor.session_state["fac_code"] == code
    assert [b for b in counsellor.button if b.label == "Stage ▶"]


def test_a_wrong_recovery_key_is_refused_plainly(app_db):
    code = create(session()).session_state["fac_code"]
    at = session()
    at.text_input(key="fac_recovery_key").input(f"{code}-AAAAAA-AAAAAA-AAAAAA-AAAAAA")
    at.button(key="fac_recover_go").click().run()
    assert "doesn't open an open workshop" in errors(at)
    assert "fac_key" not in at.session_state


def test_organiser_passcode_guesses_from_many_sessions_wait(app_db, monkeypatch):
    monkeypatch.setenv("BEDROCK_ORGANISER_PASSCODE", "only for organisers")
    for guess in ("a", "b", "c", "d", "e"):
        at = session()
        at.text_input(key="fac_org").input(guess)
        at.button(key="fac_org_go").click().run()
        assert "isn't right" in errors(at)
    organiser = session()
    organiser.text_input(key="fac_org").input("only for organisers")
    organiser.button(key="fac_org_go").click().run()
    assert "Please wait" in errors(organiser)
    assert not [t for t in organiser.text_input if t.key == "fac_passcode"]


def test_the_organiser_passcode_lets_the_organiser_plan_a_workshop(app_db, monkeypatch):
    monkeypatch.setenv("BEDROCK_ORGANISER_PASSCODE", "only for organisers")
    at = session()
    assert not [t for t in at.text_input if t.key == "fac_passcode"]
    at.text_input(key="fac_org").input("only for organisers")
    at.button(key="fac_org_go").click().run()
    assert not at.error
    create(at)
    assert at.session_state["fac_code"]


def test_creating_many_workshops_from_one_address_waits_and_keeps_the_form(app_db):
    for _ in range(10):
        create(session())
    at = session()
    at.text_input(key="fac_title").input("Tuesday group")
    create(at)
    waiting = re.search(r"Please wait (\d+) seconds", errors(at))
    assert waiting and 0 < int(waiting.group(1)) <= 60  # the first wait is a minute
    assert "fac_code" not in at.session_state
    assert at.text_input(key="fac_title").value == "Tuesday group"
