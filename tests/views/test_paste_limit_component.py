"""The paste limit a phone's text box gets: only its key and limit reach the browser."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from workshop.components import paste_limit


def _page() -> None:
    import streamlit as st

    from workshop.components.paste_limit import paste_limit

    st.text_area("Your answer", max_chars=600, key=st.session_state.get("box", "answer_text"))
    paste_limit(box_key=st.session_state.get("box", "answer_text"), limit=600)


def test_the_box_gets_its_limit_and_nothing_it_holds_reaches_the_browser():
    at = AppTest.from_function(_page).run()
    at.text_area(key="answer_text").input("words someone is writing").run()
    assert not at.exception
    (element,) = at.get("bidi_component")
    assert json.loads(element.proto.json) == {"key": "answer_text", "limit": 600}


def test_a_key_a_css_class_cannot_carry_mounts_nothing_and_the_box_still_works():
    at = AppTest.from_function(_page)
    at.session_state.box = "answer text]"
    at.run()
    assert not at.exception
    assert at.get("bidi_component") == []
    assert at.text_area(key="answer text]") is not None


def test_the_browser_code_writes_its_note_as_text_and_reads_no_words():
    assert "innerHTML" not in paste_limit.JS
    assert "textContent" in paste_limit.JS
    # Only the pasted text's length is used, never the text itself.
    assert "text.length" in paste_limit.JS
    assert "fetch(" not in paste_limit.JS and "setStateValue" not in paste_limit.JS
