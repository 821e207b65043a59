"""The projector: a sensitive stage opens with its content note, then its slides."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from workshop.content.loader import get_content
from workshop.content.planning import build_plan
from workshop.engine.store import Store


@pytest.fixture
def app_store(tmp_path, monkeypatch) -> Store:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    st.cache_resource.clear()
    yield Store(url)
    st.cache_resource.clear()


def projector(code: str, key: str) -> AppTest:
    """A projector opened afresh (the app's one-second cache of workshop state starts empty)."""
    st.cache_resource.clear()
    at = AppTest.from_string(
        "from workshop.views import screen\nfrom workshop.views.navigation import build_pages\nbuild_pages()\nscreen.page()\n",
        default_timeout=30,
    )
    at.query_params["code"] = code
    at.query_params["key"] = key
    return at.run()


def shown(at: AppTest) -> str:
    return "\n".join([e.proto.body for e in at.get("html")] + [e.value for e in at.title])


def test_a_sensitive_stage_opens_on_the_projector_with_its_content_note(app_store):
    content = get_content()
    sensitive = next(m for m in content.modules if m.content_note)
    plain = content.modules[0]
    created = app_store.create_workshop(
        title="Evening",
        stages=build_plan(content, [(plain.id, plain.minutes), (sensitive.id, sensitive.minutes)]),
        passcode="quiet room",
    )
    first_words = " ".join(sensitive.content_note.split()[:6])

    at = projector(created.code, created.screen_key)
    assert not at.exception
    assert first_words not in " ".join(shown(at).split())

    app_store.next_stage(code=created.code, key=created.facilitator_key)
    at = projector(created.code, created.screen_key)
    text = " ".join(shown(at).split())
    assert "Before this part" in text
    assert first_words in text
    assert sensitive.slides[0].title in text

    app_store.set_slide(code=created.code, key=created.facilitator_key, index=1)
    at = projector(created.code, created.screen_key)
    assert "Before this part" not in shown(at)
    assert sensitive.slides[1].title in shown(at)


def test_the_closing_check_in_stands_beside_the_opening_one_on_the_projector(app_store):
    content = get_content()
    first, last = content.modules[0], content.modules[-1]
    created = app_store.create_workshop(
        title="Evening",
        stages=build_plan(content, [(first.id, first.minutes), (last.id, last.minutes)]),
        passcode="quiet room",
    )
    code, key = created.code, created.facilitator_key
    for before, after in [(3, 7), (4, 8), (4, 6)]:
        token = app_store.join(code=code)
        app_store.answer(code=code, prompt_id="checkin-open", token=token, value=before)
        app_store.answer(code=code, prompt_id="checkin-close", token=token, value=after)
    app_store.next_stage(code=code, key=key)
    app_store.set_prompt(code=code, key=key, prompt_id="checkin-close")
    app_store.reveal(code=code, key=key, prompt_id="checkin-close")

    at = projector(code, created.screen_key)
    assert not at.exception
    charts = [e.proto.spec for e in at.get("vega_lite_chart")]
    assert len(charts) == 1 and "Opening" in charts[0] and "Closing" in charts[0]
    averages = " ".join(e.value for e in at.subheader)
    assert "3.7 at the opening, 7.0 now" in averages
