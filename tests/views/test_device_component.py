"""The phone identity a browser keeps in localStorage: what the page takes from a browser."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from workshop.components.device import valid_token
from workshop.engine import identity, privacy


def test_an_identity_the_server_mints_is_taken_as_it_is():
    token = identity.mint(privacy.new_secret())
    assert valid_token(token) == token


def test_anything_not_shaped_like_a_minted_identity_is_refused():
    good = identity.mint(privacy.new_secret())
    for bad in (
        privacy.new_token(),
        good.replace(".", ""),
        good.replace(".", ".."),
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
