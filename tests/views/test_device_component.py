"""The device token a phone keeps in localStorage: what the server accepts from a browser."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from workshop.components.device import valid_token
from workshop.engine import privacy


def test_a_token_the_app_makes_is_accepted_as_it_is():
    token = privacy.new_token()
    assert valid_token(token) == token


def test_anything_but_43_url_safe_characters_is_refused():
    good = privacy.new_token()
    for bad in (
        None,
        42,
        "",
        good[:-1],
        good + "A",
        good[:-1] + "=",
        good[:-1] + "+",
        good[:-1] + "/",
        good[:-1] + "\n",
        " " + good[1:],
        "<script>alert(1)</script>" + "a" * 18,
        {"token": good},
    ):
        assert valid_token(bad) is None, bad


def _page() -> None:
    import streamlit as st

    from workshop.components.device import device_token

    st.session_state.device = device_token(key="device_component")
    st.write(f"device known: {st.session_state.device is not None}")


def test_before_the_browser_answers_the_page_has_no_device_token_and_still_runs():
    at = AppTest.from_function(_page, default_timeout=30).run()
    assert not at.exception, at.exception
    assert at.session_state.device is None
    assert "device known: False" in at.markdown[0].value
