"""Two clocks that move only when a test says so: the page's and the app server's.

The page gets Playwright's paused clock. The app reads its clock from a file
(``BEDROCK_TEST_CLOCK``; real time while the file is empty), which :class:`ServerClock` keeps
equal to the page's. Every countdown measures the offset between the two clocks from the data
of each script run, so a run must never land between the two halves of a move: a run that read
the server's new time and reached the page before the page's clock jumped would show the jump
twice. :func:`move` and :func:`press` therefore wait, after every step, until each countdown on
the page counts from the server's current time (``data-server-now``), so nothing is still on
its way when the next step moves the clocks.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Download, Page

RETRY_MS = 2_000
"""How long to wait for a page to connect before letting its retry timers run, and how far
both clocks move for them (Streamlit retries within 4 s, sooner at first)."""
LOAD_TIMEOUT_S = 60
"""How long a page may take to load on a shared, busy machine (the first script run of a
fresh server imports everything)."""
CLICK_MS = 50
"""How far both clocks move for a click: Streamlit sends clicks from a timer, which the
paused page clock holds back until it runs."""


class ServerClock:
    """The app's clock: a file holding epoch seconds, written whole or not at all."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.now = 0.0

    def set(self, now: float) -> None:
        self.now = now
        # Written aside and renamed over the old file, so a script run never reads a
        # half-written clock (an empty file means "real time").
        spare = self.path.with_name(self.path.name + ".new")
        spare.write_text(repr(now))
        os.replace(spare, self.path)

    def clear(self) -> None:
        """Back to real time."""
        spare = self.path.with_name(self.path.name + ".new")
        spare.write_text("")
        os.replace(spare, self.path)

    @property
    def ms(self) -> int:
        """The clock as the countdown sends it to the page (rounded epoch milliseconds)."""
        return int(math.floor(self.now * 1000.0 + 0.5))


def read_clock(path: str | os.PathLike[str]) -> float:
    """What an app under test uses as its clock: the file's time, or real time if it is empty."""
    text = Path(path).read_text(encoding="utf-8").strip() if Path(path).exists() else ""
    return float(text) if text else time.time()


def open_paired(
    context: BrowserContext,
    url: str,
    wait_ready: Callable[..., None],
    server: ServerClock,
    *,
    device_offset_s: float = 0.0,
) -> Page:
    """Open ``url`` with the page's clock paused and the app's clock at the same moment (the
    device's clock ``device_offset_s`` seconds off the server's, as a phone's may be).

    On a slow server Streamlit retries its first connection on timers, which a paused clock
    holds back for ever: while the page is not connected, both clocks move on by
    :data:`RETRY_MS` at a time so the retries run. A countdown drawn just as that happened
    measured its offset across the step: :func:`resync` it before reading it to the second.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    page = context.new_page()
    start = float(math.floor(time.time()))
    page.clock.install(time=start + device_offset_s)
    page.clock.pause_at(start + device_offset_s + 1)
    server.set(start + 1)
    page.goto(url)
    app = page.get_by_test_id("stApp")
    give_up = time.monotonic() + LOAD_TIMEOUT_S
    while True:
        try:
            wait_ready(page, timeout_ms=RETRY_MS)
            return page
        except PlaywrightTimeoutError:
            connection = app.get_attribute("data-test-connection-state")
            if time.monotonic() > give_up:
                script = app.get_attribute("data-test-script-state")
                raise AssertionError(
                    f"{url} did not load in {LOAD_TIMEOUT_S} s "
                    f"(connection {connection}, script {script})"
                ) from None
            if connection != "CONNECTED":
                server.set(server.now + RETRY_MS / 1000)
                page.clock.run_for(RETRY_MS)
            # Connected: the server is still running the page's first script run.


def resync(page: Page, server: ServerClock, rerun: Callable[[], object]) -> None:
    """Have every countdown on the page measure its offset again: ``rerun`` (a click that runs
    the script) with both clocks paused, then wait until its run reached the page."""
    click(page, server, rerun)
    in_sync(page, server)


def in_sync(page: Page, server: ServerClock, *, countdowns: int = 1) -> None:
    """Wait until at least ``countdowns`` countdowns are on the page and every one of them
    counts from the server's current time: the last script run has reached the page."""
    # Imported here: the apps under test read their clock from this module too, without a
    # browser driver. Locator assertions poll on their own timers, which the paused page
    # clock leaves alone (page.wait_for_function would wait on the paused clock).
    from playwright.sync_api import expect

    every = page.locator(".bedrock-countdown")
    synced = page.locator(f'.bedrock-countdown[data-server-now="{server.ms}"]')
    if countdowns:
        expect(synced.nth(countdowns - 1)).to_be_attached()
    expect(every.and_(page.locator(f':not([data-server-now="{server.ms}"])'))).to_have_count(0)


def move(page: Page, server: ServerClock, seconds: float, *, reruns: bool = True) -> None:
    """Time jumps ahead on the server and on the page alike.

    The server first, so the script run the jump sets off reads the new time; a jump, not a
    run, so every timer on the page fires once, at the new time. With ``reruns`` (a running
    countdown polls the server) this returns once that run's countdowns reached the page.
    """
    server.set(server.now + seconds)
    page.clock.fast_forward(int(seconds * 1000))
    if reruns:
        in_sync(page, server)


def press(page: Page, server: ServerClock, name: str, *, countdowns: int = 1) -> None:
    """Click the button labelled exactly ``name`` and wait for the run it starts.

    The run then shows at least ``countdowns`` countdowns (0: the page may show none).
    """
    click(page, server, lambda: page.get_by_role("button", name=name, exact=True).click())
    in_sync(page, server, countdowns=countdowns)


def click(page: Page, server: ServerClock, action: Callable[[], object]) -> None:
    """Do ``action`` (a click) while both clocks move on by :data:`CLICK_MS`."""
    server.set(server.now + CLICK_MS / 1000)
    action()
    page.clock.run_for(CLICK_MS)


def at_rest(page: Page) -> None:
    """Wait until the page's script run has ended and nothing on it is drawn as stale: the
    paused clock's counterpart of ``tests.e2e.buttons.settled`` (which polls on page timers)."""
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning")
    expect(page.locator('[data-stale="true"]')).to_have_count(0)


DOWNLOAD_TIMEOUT_S = 30
"""How long a download may take to start on a shared, busy machine."""


def download(page: Page, server: ServerClock, action: Callable[[], object]) -> Download:
    """Do ``action`` (a click on a download button) and return the file it downloads.

    Streamlit hands the file to the browser once the click's run is over, on the page's
    timers; how long that takes depends on the server, so both clocks move on by
    :data:`CLICK_MS` at a time until the download starts, as real time would carry them.
    """
    at_rest(page)  # a click on a button that a run under way is about to replace is lost
    arrived: list[Download] = []

    def arrive(file: Download) -> None:
        arrived.append(file)

    page.on("download", arrive)
    try:
        click(page, server, action)
        give_up = time.monotonic() + DOWNLOAD_TIMEOUT_S
        while not arrived:
            if time.monotonic() > give_up:
                raise AssertionError(f"no download started within {DOWNLOAD_TIMEOUT_S} s")
            page.wait_for_timeout(100)  # real time, in which the server works
            server.set(server.now + CLICK_MS / 1000)
            page.clock.run_for(CLICK_MS)
    finally:
        page.remove_listener("download", arrive)
    return arrived[0]
