"""The couple's turn timer in Chromium on a tablet, and the couple's screens on a phone.

The page gets Playwright's paused clock; the app's clock reads a file the test moves in step
with it, so the browser's countdown and the server's phase agree, as they do in real use.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.sounds import COUNT_SOUNDS

APP = """
import os
import time
from pathlib import Path

import streamlit as st

from workshop.couple import evening
from workshop.content.loader import get_content
from workshop.views import together, together_common

CLOCK = Path(os.environ["BEDROCK_TEST_CLOCK"])


def test_clock() -> float:
    text = CLOCK.read_text().strip() if CLOCK.exists() else ""
    return float(text) if text else time.time()


together_common.clock = test_clock
st.set_page_config(page_title="Bedrock", layout="centered")
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


class ServerClock:
    """The app's clock, kept equal to the page's paused clock."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.now = 0.0

    def set(self, now: float) -> None:
        self.now = now
        self.path.write_text(repr(now))

    def clear(self) -> None:
        self.path.write_text("")


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
    page = context.new_page()
    if server is not None:
        now = time.time()
        page.clock.install(time=now)
        page.clock.pause_at(now + 1)
        server.set(now + 1)
    page.goto(url)
    wait_ready(page)
    return page


def press(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    # Streamlit sends the click from a timer, which the paused page clock holds back.
    page.clock.run_for(50)


def move(page: Page, server: ServerClock, seconds: float) -> None:
    """Time jumps ahead on the server and on the page alike.

    A jump, not a run: every reply from the server then meets the page at the same time, so
    the countdown's measured offset between the two clocks stays zero.
    """
    server.set(server.now + seconds)
    page.clock.fast_forward(int(seconds * 1000))


def test_the_turn_timer_moves_through_its_phases_on_a_tablet(
    app, tablet, wait_ready, shot, page_errors, server_clock
) -> None:
    context = tablet()
    context.add_init_script(COUNT_SOUNDS)
    page = open_page(context, app.at("at=listening-turns"), wait_ready, server_clock)
    errors = page_errors(page)
    expect(page.get_by_text("Sam is A and speaks first; Alex is B.")).to_be_visible()
    shot(page, "together-tablet-turns-ready")

    press(page, "Start")
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
    assert page.evaluate("window.__soundsStarted") > 0
    shot(page, "together-tablet-turns-last-minute")

    move(page, server_clock, 60)  # the phase ends: the server's next look moves it on
    expect(headline).to_have_text("Alex says back what they heard")
    expect(digits).to_have_text(re.compile(r"^(1:00|0:59)$"))
    box = headline.bounding_box()
    assert box is not None and box["height"] >= 30, "who holds the floor is in big type"

    press(page, "Pause")
    expect(page.get_by_role("timer").first).to_contain_text("Paused")
    paused_at = digits.text_content()
    move(page, server_clock, 20)
    expect(digits).to_have_text(paused_at or "")

    press(page, "Skip phase")
    expect(headline).to_have_text("Swap: Alex speaks next")
    expect(digits).to_have_text("0:15")
    press(page, "Resume")
    expect(page.get_by_role("button", name="Pause", exact=True)).to_be_visible()
    move(page, server_clock, 16)
    expect(headline).to_have_text("Alex speaks")
    shot(page, "together-tablet-turns-swapped")

    sounds = page.evaluate("window.__soundsStarted")
    page.get_by_text("Soft sounds").click()
    page.clock.run_for(50)
    expect(page.get_by_label("Soft sounds")).not_to_be_checked()
    expect(page.get_by_text("Sounds are off: the timers stay silent.")).to_be_visible()
    move(page, server_clock, 62)
    expect(digits).to_have_text(re.compile(r"^0:5\d$"))
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
    press(page, "I'm ready: show my question")
    box = page.get_by_label("Your answer")
    box.fill("A private thought")
    shot(page, "together-phone-entry")
    press(page, "Done")
    expect(page.get_by_text("Alex's turn")).to_be_visible()
    expect(page.get_by_text("A private thought")).to_have_count(0)
    shot(page, "together-phone-handover")

    page.get_by_role("button", name="Take a break").click()
    page.clock.run_for(50)
    press(page, "Start the break")
    expect(page.get_by_text(re.compile(r"^Back at \d\d:\d\d$"))).to_be_visible()
    shot(page, "together-phone-break")
    press(page, "We're ready to carry on")
    expect(page.get_by_text("Alex's turn")).to_be_visible()

    page.get_by_text("Our plan, saving and wiping").click()
    with page.expect_download() as saving:
        page.get_by_role("button", name="Save our progress").click()
        page.clock.run_for(50)
    saved = Path(saving.value.path()).read_text(encoding="utf-8")
    assert '"format": "bedrock-couple-progress"' in saved
    assert "A private thought" not in saved, "an answer not yet shared stays out of the file"
    with page.expect_download() as plan:
        page.get_by_role("button", name="Plan (PDF)").click()
        page.clock.run_for(50)
    assert Path(plan.value.path()).read_bytes().startswith(b"%PDF")
