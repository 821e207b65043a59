"""The couple's turn timer in Chromium on a tablet, and the couple's screens on a phone.

The page gets Playwright's paused clock; the app's clock reads a file the test moves in step
with it (``tests/e2e/clocks.py``), so the browser's countdown and the server's phase agree, as
they do in real use, and every display can be checked to the second.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.clocks import (
    ServerClock,
    at_rest,
    click,
    download,
    in_sync,
    move,
    open_paired,
    press,
)
from tests.e2e.sounds import COUNT_SOUNDS, ONE_CHIME

APP = """
import os

import streamlit as st

from tests.e2e.clocks import read_clock
from workshop.couple import evening
from workshop.content.loader import get_content
from workshop.views import together, together_common
from workshop.views.language import screen_language

together_common.clock = lambda: read_clock(os.environ["BEDROCK_TEST_CLOCK"])
st.set_page_config(page_title="Bedrock", layout="centered")
screen_language()
wanted = st.query_params.get("at")
if wanted and "together_names" not in st.session_state:
    for stage, module in enumerate(get_content().modules):
        for item in evening.stage_items(module):
            if item.exercise_id == wanted or f"{module.id}:{item.index}" == wanted:
                st.session_state["together_names"] = evening.Names(a="Sam", b="Alex")
                st.session_state["together_progress"] = evening.CoupleProgress(
                    stage=stage, item=item.index
                )
together.page()
"""


@pytest.fixture(scope="module")
def clock_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("together") / "clock.txt"


@pytest.fixture(scope="module")
def app(run_app, clock_file: Path, tmp_path_factory: pytest.TempPathFactory):
    script = tmp_path_factory.mktemp("together-app") / "together_app.py"
    script.write_text(APP, encoding="utf-8")
    clock_file.write_text("")
    return run_app(script, env={"BEDROCK_TEST_CLOCK": str(clock_file)})


@pytest.fixture
def server_clock(clock_file: Path):
    clock = ServerClock(clock_file)
    yield clock
    clock.clear()


def open_page(context: BrowserContext, url: str, wait_ready, server: ServerClock | None) -> Page:
    """Open ``url``; with ``server``, the page's clock is paused and the app's follows it."""
    if server is not None:
        return open_paired(context, url, wait_ready, server)
    page = context.new_page()
    page.goto(url)
    wait_ready(page)
    return page


def test_the_turn_timer_moves_through_its_phases_on_a_tablet(
    app, tablet, wait_ready, shot, page_errors, server_clock
) -> None:
    context = tablet()
    context.add_init_script(COUNT_SOUNDS)
    page = open_page(context, app.at("at=listening-turns"), wait_ready, server_clock)
    errors = page_errors(page)
    expect(page.get_by_text("Sam is A and speaks first; Alex is B.")).to_be_visible()
    shot(page, "together-tablet-turns-ready")

    press(page, server_clock, "Start")
    headline = page.locator(".together-turn")
    digits = page.locator(".bc-digits").first
    expect(headline).to_have_text("Sam speaks")
    expect(digits).to_have_text("2:00")
    expect(page.get_by_text("Next: Alex says back what they heard")).to_be_visible()

    move(page, server_clock, 30)
    expect(digits).to_have_text("1:30")
    move(page, server_clock, 29)
    expect(digits).to_have_text("1:01")
    assert page.evaluate("window.__soundsStarted") == 0
    move(page, server_clock, 2)  # the soft one-minute cue
    expect(digits).to_have_text("0:59")
    expect(page.get_by_role("timer").first).to_have_attribute("data-urgent", "true")
    assert page.evaluate("window.__soundsStarted") == ONE_CHIME, "the cue sounds once"
    shot(page, "together-tablet-turns-last-minute")

    move(page, server_clock, 60)  # the phase ends: the server's next look moves it on
    expect(headline).to_have_text("Alex says back what they heard")
    expect(digits).to_have_text("0:59")
    box = headline.bounding_box()
    assert box is not None and box["height"] >= 30, "who holds the floor is in big type"

    press(page, server_clock, "Pause")  # 58.95 s left
    expect(page.get_by_role("timer").first).to_contain_text("Paused")
    expect(digits).to_have_text("0:59")
    move(page, server_clock, 20, reruns=False)  # a paused timer does not poll
    expect(digits).to_have_text("0:59")

    press(page, server_clock, "Skip phase")
    expect(headline).to_have_text("Swap: Alex speaks next")
    expect(digits).to_have_text("0:15")
    press(page, server_clock, "Resume")
    expect(page.get_by_role("button", name="Pause", exact=True)).to_be_visible()
    move(page, server_clock, 16)  # the 15-second swap is over
    expect(headline).to_have_text("Alex speaks")
    expect(digits).to_have_text("1:59")
    shot(page, "together-tablet-turns-swapped")

    sounds = page.evaluate("window.__soundsStarted")
    click(page, server_clock, lambda: page.get_by_text("Soft sounds").click())
    in_sync(page, server_clock)
    expect(page.get_by_label("Soft sounds")).not_to_be_checked()
    expect(page.get_by_text("Sounds are off: the timers stay silent.")).to_be_visible()
    move(page, server_clock, 62)  # past Alex's one-minute mark: 56.95 s left
    expect(digits).to_have_text("0:57")
    assert page.evaluate("window.__soundsStarted") == sounds, "muted: no cue"
    assert errors == []


SCREENS = [
    ("names", ""),
    ("slide", "at=welcome:1"),
    ("handover", "at=felt-understood"),
    ("turns", "at=listening-turns"),
    ("plan", "at=weekly-ritual"),
]


@pytest.mark.parametrize("size", ["phone", "tablet"])
def test_the_couple_screens_fit_phones_and_tablets(
    app, size: str, request, wait_ready, shot, page_errors
) -> None:
    make: Callable[..., BrowserContext] = request.getfixturevalue(size)
    context = make()
    width = 390 if size == "phone" else 820
    for name, query in SCREENS:
        page = open_page(context, app.at(query), wait_ready, None)
        errors = page_errors(page)
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width, f"{name} is wider than the {size}"
        shot(page, f"together-{size}-{name}")
        page.close()
        assert errors == [], name


def test_a_private_answer_is_hidden_from_the_other_partner_and_the_break_resumes(
    app, phone, wait_ready, shot, server_clock
) -> None:
    page = open_page(phone(), app.at("at=felt-understood"), wait_ready, server_clock)
    press(page, server_clock, "I'm ready: show my question", countdowns=0)
    box = page.get_by_label("Your answer")
    box.fill("A private thought")
    shot(page, "together-phone-entry")
    press(page, server_clock, "Done", countdowns=0)
    expect(page.get_by_text("Alex's turn", exact=True)).to_be_visible()
    expect(page.get_by_text("A private thought")).to_have_count(0)
    shot(page, "together-phone-handover")

    press(page, server_clock, "Take a break", countdowns=0)
    press(page, server_clock, "Start the break")
    expect(page.get_by_text(re.compile(r"^Back at \d\d:\d\d$"))).to_be_visible()
    shot(page, "together-phone-break")
    press(page, server_clock, "We're ready to carry on", countdowns=0)
    expect(page.get_by_text("Alex's turn", exact=True)).to_be_visible()

    at_rest(page)
    page.get_by_text("Our plan, saving and wiping").click()
    saving = download(
        page, server_clock, lambda: page.get_by_role("button", name="Save our progress").click()
    )
    saved = Path(saving.path()).read_text(encoding="utf-8")
    assert '"format": "bedrock-couple-progress"' in saved
    assert "A private thought" not in saved, "an answer not yet shared stays out of the file"
    plan = download(
        page, server_clock, lambda: page.get_by_role("button", name="Plan (PDF)").click()
    )
    assert Path(plan.path()).read_bytes().startswith(b"%PDF")
