"""A couple named 美玲 and अनु at home in Chromium: their plan downloads as a PDF that keeps
their names, and nothing they typed (names, a private answer in Arabic with emoji) reaches
the server's output."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

NAMES = ("美玲", "अनु")
ANSWER = "نمشي معًا كل أحد 🌿"

APP = f"""
import streamlit as st

from workshop.content.loader import get_content
from workshop.couple import evening
from workshop.views import together

st.set_page_config(page_title="Bedrock", layout="centered")
if "together_names" not in st.session_state:
    for stage, module in enumerate(get_content().modules):
        for item in evening.stage_items(module):
            if item.exercise_id == "felt-understood":
                st.session_state["together_names"] = evening.Names(a={NAMES[0]!r}, b={NAMES[1]!r})
                st.session_state["together_progress"] = evening.CoupleProgress(
                    stage=stage, item=item.index
                )
together.page()
"""


@pytest.fixture(scope="module")
def app(run_app, tmp_path_factory: pytest.TempPathFactory):
    script = tmp_path_factory.mktemp("plan-scripts") / "plan_scripts_app.py"
    script.write_text(APP, encoding="utf-8")
    return run_app(script)


def test_their_names_reach_the_pdf_and_none_of_their_words_reach_the_server_log(
    app, desktop, wait_ready, page_errors
) -> None:
    page = desktop().new_page()
    errors = page_errors(page)
    page.goto(app.at())
    wait_ready(page)
    page.get_by_role("button", name="I'm ready: show my question", exact=True).click()
    page.get_by_label("Your answer").fill(ANSWER)
    page.get_by_role("button", name="Done", exact=True).click()
    expect(page.get_by_text(f"{NAMES[1]}'s turn", exact=True)).to_be_visible()

    page.get_by_text("Our plan, saving and wiping").click()
    with page.expect_download() as plan:
        page.get_by_role("button", name="Plan (PDF)").click()
    data = Path(plan.value.path()).read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    text = unicodedata.normalize("NFKC", "".join(text.replace("\x00", "").split()))
    assert f"{NAMES[0]}and{NAMES[1]}" in text  # not "and · 30 November"
    assert "couldnotbedrawn" not in text

    log = app.log()
    for typed in (*NAMES, ANSWER, *"".join(NAMES), *ANSWER.replace(" ", "")):
        assert typed not in log, typed
    assert errors == []
