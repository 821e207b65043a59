"""The countdown in Chromium: it ticks on the device, from the server's deadline.

Every page gets Playwright's fake clock, installed before navigation and paused, and the
demo's clock follows it (``tests/e2e/clocks.py``), so time moves only when a test says so and
every display can be checked to the second. The demo page appends a line to a file on every
script run, which shows whether the server ran.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.clocks import ServerClock, click, in_sync, open_paired, resync
from tests.e2e.sounds import COUNT_SOUNDS, ONE_CHIME

DEMO = Path(__file__).resolve().parent / "apps" / "countdown_demo.py"
AMBER = "rgb(180, 83, 9)"


@pytest.fixture(scope="module")
def runs_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("countdown") / "runs.txt"


@pytest.fixture(scope="module")
def clock_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("countdown-clock") / "clock.txt"
    path.write_text("")
    return path


@pytest.fixture(scope="module")
def demo(run_app, runs_file: Path, clock_file: Path):
    return run_app(
        DEMO, env={"BEDROCK_DEMO_RUNS": str(runs_file), "BEDROCK_TEST_CLOCK": str(clock_file)}
    )


@pytest.fixture
def server_clock(clock_file: Path):
    clock = ServerClock(clock_file)
    yield clock
    clock.clear()


def script_runs(runs_file: Path) -> int:
    return len(runs_file.read_text().splitlines()) if runs_file.exists() else 0


def open_demo(
    context: BrowserContext,
    url: str,
    wait_ready: Callable[[Page], None],
    server: ServerClock,
    *,
    device_offset_s: float = 0.0,
) -> Page:
    """Open ``url`` with the page's clock paused, ``device_offset_s`` seconds off the
    server's, and its countdown counting from the server's time (after one rerun)."""
    page = open_paired(context, url, wait_ready, server, device_offset_s=device_offset_s)
    resync(page, server, lambda: page.get_by_role("button", name="Rerun", exact=True).click())
    expect(page.get_by_text("Run 2", exact=True)).to_be_visible()
    return page


def wait(page: Page, server: ServerClock, ms: int) -> None:
    """Let ``ms`` pass on the page and on the server (the page does not ask the server)."""
    server.set(server.now + ms / 1000)
    page.clock.run_for(ms)


def test_the_countdown_ticks_on_the_phone_without_running_the_script(
    demo, runs_file, phone, wait_ready, shot, page_errors, server_clock
) -> None:
    page = open_demo(phone(), demo.at("left=90&label=Speaker A talks"), wait_ready, server_clock)
    errors = page_errors(page)
    digits = page.locator(".bc-digits")
    expect(digits).to_have_text("1:30")
    expect(page.get_by_role("timer")).to_contain_text("Speaker A talks")
    runs_before = script_runs(runs_file)
    assert runs_before >= 1

    wait(page, server_clock, 3_000)
    expect(digits).to_have_text("1:27")
    wait(page, server_clock, 26_000)
    expect(digits).to_have_text("1:01")
    assert digits.evaluate("e => getComputedStyle(e).color") != AMBER

    wait(page, server_clock, 1_500)  # 59.45 s left
    expect(digits).to_have_text("1:00")
    expect(digits).to_have_css("color", AMBER)
    wait(page, server_clock, 20_000)
    expect(digits).to_have_text("0:40")
    shot(page, "countdown-phone-last-minute")

    wait(page, server_clock, 40_000)
    expect(digits).to_have_text("Time's up")
    expect(page.locator(".bc-announce")).to_have_text("Time's up")
    shot(page, "countdown-phone-times-up")
    assert script_runs(runs_file) == runs_before
    assert errors == []


def test_a_paused_timer_stands_still(demo, phone, wait_ready, server_clock) -> None:
    page = open_demo(phone(), demo.at("left=75&state=paused"), wait_ready, server_clock)
    digits = page.locator(".bc-digits")
    expect(digits).to_have_text("1:15")
    expect(page.get_by_role("timer")).to_contain_text("Paused")

    wait(page, server_clock, 10_000)

    expect(digits).to_have_text("1:15")


@pytest.mark.parametrize("offset_s", [300, -300], ids=["five-minutes-fast", "five-minutes-slow"])
def test_a_phone_with_a_wrong_clock_shows_the_time_the_server_set(
    demo, phone, wait_ready, server_clock, offset_s: float
) -> None:
    page = open_demo(
        phone(), demo.at("left=90"), wait_ready, server_clock, device_offset_s=offset_s
    )
    digits = page.locator(".bc-digits")

    expect(digits).to_have_text("1:30")
    wait(page, server_clock, 3_000)
    expect(digits).to_have_text("1:27")


def click_and_wait(page: Page, server: ServerClock, button: str, run: int) -> None:
    """Click ``button`` and wait until this session's run number ``run`` is on screen and the
    countdown counts from the server's time."""
    click(page, server, lambda: page.get_by_role("button", name=button, exact=True).click())
    expect(page.get_by_text(f"Run {run}", exact=True)).to_be_visible()
    in_sync(page, server)


def test_a_rerun_with_the_same_deadline_does_not_chime_again_a_new_one_does(
    demo, runs_file, desktop, wait_ready, server_clock
) -> None:
    context = desktop()
    context.add_init_script(COUNT_SOUNDS)
    page = open_demo(context, demo.at("left=2&chime=1"), wait_ready, server_clock)
    digits = page.locator(".bc-digits")
    expect(digits).to_have_text("0:02")
    assert page.evaluate("window.__soundsStarted") == 0

    wait(page, server_clock, 3_000)
    expect(digits).to_have_text("Time's up")
    sounds = page.evaluate("window.__soundsStarted")
    assert sounds == ONE_CHIME

    runs = script_runs(runs_file)
    click_and_wait(page, server_clock, "Rerun", 3)
    assert script_runs(runs_file) == runs + 1
    wait(page, server_clock, 2_500)
    expect(digits).to_have_text("Time's up")
    assert page.evaluate("window.__soundsStarted") == sounds

    click_and_wait(page, server_clock, "Start again", 4)
    expect(digits).to_have_text("0:02")
    wait(page, server_clock, 3_000)
    expect(digits).to_have_text("Time's up")
    assert page.evaluate("window.__soundsStarted") == 2 * ONE_CHIME


def test_adding_a_minute_moves_the_display_up(demo, tablet, wait_ready, server_clock) -> None:
    page = open_demo(tablet(), demo.at("left=90"), wait_ready, server_clock)
    digits = page.locator(".bc-digits")
    expect(digits).to_have_text("1:30")

    click_and_wait(page, server_clock, "Add a minute", 3)

    # Added 50 ms after the start, with the click: 2:29.95 left.
    expect(digits).to_have_text("2:30")


def test_the_caption_is_text_and_long_times_fit_a_phone(
    demo, phone, wait_ready, shot, server_clock
) -> None:
    hostile = '<img src=x onerror="document.title=1">'
    page = open_demo(
        phone(), demo.at(f"left=4000&state=idle&label={hostile}"), wait_ready, server_clock
    )
    timer = page.get_by_role("timer")

    expect(timer.locator(".bc-digits")).to_have_text("1:06:40")
    expect(timer.locator(".bc-label")).to_have_text(hostile)
    assert timer.locator("img").count() == 0
    box = timer.locator(".bc-digits").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    shot(page, "countdown-phone-long")
