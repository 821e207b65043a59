"""Every page runs without an exception; the landing page and the preview behave."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from workshop.content.loader import get_content

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def test_landing_page_offers_the_three_paths():
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "Join a workshop" in text
    assert "Go through it together" in text
    assert "Run a group workshop" in text
    assert at.text_input(key="home_code") is not None


def test_typing_a_code_on_the_landing_page_puts_it_in_the_link():
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.text_input(key="home_code").input("abc234")
    at.button(key="home_join").click().run()
    assert at.query_params["code"] == "ABC234"


def test_join_with_an_empty_code_box_says_what_to_type():
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.button(key="home_join").click().run()
    assert "code" not in at.query_params
    assert "Type the six-letter code" in " ".join(e.value for e in at.error)


def test_preview_steps_from_the_first_slide_to_the_last_slide_of_the_last_stage():
    content = get_content()
    at = _preview()
    first = content.modules[0]
    assert at.header[0].value == first.title
    assert at.subheader[0].value == first.slides[0].title
    total = sum(len(m.slides) for m in content.modules)
    for _ in range(total - 1):
        at.button(key="preview_next").click().run()
        assert not at.exception
    last = content.modules[-1]
    assert at.header[0].value == last.title
    assert at.subheader[0].value == last.slides[-1].title
    assert at.button(key="preview_next").disabled


def _preview() -> AppTest:
    def script() -> None:
        from workshop.views import preview

        preview.page()

    return AppTest.from_function(script, default_timeout=30).run()
