"""The listening element: what reaches the browser, and how a page's live fragment polls
until the browser says it is listening."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from workshop.components.listen import JS, listen_data


def test_only_numbers_the_join_code_and_a_fixed_path_reach_the_browser():
    data = listen_data(
        name="screen_listen", code="AB-12<script>", version=17, every=2, spread=0.5, listening=True
    )
    assert data == {
        "name": "screen_listen",
        "of": "all",
        "pair": "",
        "listening": True,
        "endpoint": "/api/wait",
        "code": "AB12script",
        "version": 17,
        "gap_ms": 2000,
        "spread_ms": 500,
        "hold_s": 25,
    }
    assert listen_data(code="ABC123", version="17", every=1, spread=0)["version"] is None
    assert listen_data(code="ABC123", version=3, every=1, spread=0, phone=True)["of"] == "phone"
    named = listen_data(name='join_listen"><b>', code="ABC123", version=3, every=1, spread=0)
    assert named["name"] == "join_listenb"


def test_a_paired_phone_waits_on_its_pair_and_only_a_key_shaped_text_reaches_the_browser():
    key = "Ab3-_x" * 6
    data = listen_data(code="ABC123", version=4, every=2, spread=0, phone=True, pair=key)
    assert (data["of"], data["pair"], data["version"]) == ("pair", key[:32], 4)
    cleaned = listen_data(code="ABC123", version=4, every=2, spread=0, pair='x"><img src=y>')
    assert cleaned["pair"] == "ximgsrcy"


def test_the_browser_code_never_writes_markup():
    assert "innerHTML" not in JS and "insertAdjacentHTML" not in JS


def _page() -> None:
    import streamlit as st

    from workshop.components.listen import listening, live_fragment, wait_for_change

    def strip() -> None:
        wait_for_change(key="test_listen", code="ABC123", version=3, every=2)
        st.write(f"listening: {listening('test_listen')}")

    live_fragment(strip, key="test_listen", every=2)()


def test_until_the_browser_answers_the_page_polls_as_before():
    at = AppTest.from_function(_page, default_timeout=30).run()
    assert not at.exception, at.exception
    assert "listening: False" in at.markdown[0].value
    assert at.session_state["test_listen_registered"] is False
