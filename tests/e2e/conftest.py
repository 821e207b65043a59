"""Real-browser tests: a Streamlit server per test module and Debian's Chromium.

Fixtures
--------
``chromium``   session-wide Playwright ``Browser`` on ``/usr/bin/chromium``.
``run_app``    ``run_app(script, env=None, *, port=None, address="127.0.0.1") -> App``:
               starts ``streamlit run`` from the repo root on ``port`` (default: a free one),
               listening on ``address``, with a fresh SQLite ``DATABASE_URL`` unless ``env``
               names one; servers stop when the test module ends. ``App.kill()`` ends a
               server with SIGKILL, ``App.stop()`` politely; ``run_app(app.script,
               env=app.env, port=app.port)`` starts it again on the same port and database.
``phone``, ``tablet``, ``projector``, ``desktop``
               ``factory(**context_options) -> BrowserContext``; contexts close after the test.

``wait_ready``  ``wait_ready(page)``: waits until the app is connected and its script run
               has finished.
``shot``        ``shot(page, name) -> Path``: saves a screenshot under ``$BEDROCK_SCREENSHOTS``
               (default ``/tmp/bedrock-screenshots``, outside the repo).
``page_errors`` ``page_errors(page) -> list[str]``: collects uncaught errors, live.
``group``       a :class:`GroupPages`: create a workshop, reopen the console, move stages, put
               a prompt on the phones, open the projector, join and send from a phone.
``couple_at_app``
               a server of the couple's page alone (module-wide), styled as ``app.py`` styles
               every page; ``?at=<exercise id>`` opens it at that exercise, partners Sam and
               Alex; ``open_at(context, couple_at_app, exercise_id)`` opens a tab there.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e.buttons import button, settled
from tests.e2e.recorder import Recorder

RECORDER = pytest.StashKey[Recorder]()

REPO_ROOT = Path(__file__).resolve().parents[2]
E2E_DIR = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # A projector screen sounds its chime without anyone clicking first.
    "--autoplay-policy=no-user-gesture-required",
]
# Generous for a shared 2-core machine, still short enough that a hang fails fast.
TEST_TIMEOUT_S = 120
SERVER_START_TIMEOUT_S = 60
PAGE_TIMEOUT_MS = 20_000
READY_SELECTOR = '[data-testid="stApp"][data-test-script-state="notRunning"]'

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
TABLET = {"viewport": {"width": 820, "height": 1180}, "device_scale_factor": 2, "has_touch": True}
PROJECTOR = {"viewport": {"width": 1920, "height": 1080}, "device_scale_factor": 1}
DESKTOP = {"viewport": {"width": 1280, "height": 800}, "device_scale_factor": 1}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test under tests/e2e as ``e2e`` and bound its run time."""
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)
            if item.get_closest_marker("timeout") is None:
                item.add_marker(pytest.mark.timeout(TEST_TIMEOUT_S))


# --- the browser -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium driven by Playwright, shared by the whole session."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: browser tests need it. Install it with "
            "`apt-get install -y chromium`."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def recorder(request: pytest.FixtureRequest) -> Recorder:
    """The script runs each tab of this test asked for; written out if the test fails."""
    tabs = Recorder()
    request.node.stash[RECORDER] = tabs
    return tabs


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    tabs = item.stash.get(RECORDER, None)
    if tabs is not None and report.when == "call" and report.failed and tabs.tabs:
        report.sections.append(("what each tab asked the server", tabs.write(item.nodeid)))
    return report


def _context_factory(
    browser: Browser, defaults: Mapping[str, Any], tabs: Recorder
) -> Iterator[Callable[..., BrowserContext]]:
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        context = browser.new_context(**{**defaults, **options})
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        tabs.watch(context)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def phone(chromium: Browser, recorder: Recorder) -> Iterator[Callable[..., BrowserContext]]:
    """``phone(**options)``: a new 390x844 touch-screen context (closed after the test)."""
    yield from _context_factory(chromium, PHONE, recorder)


@pytest.fixture
def tablet(chromium: Browser, recorder: Recorder) -> Iterator[Callable[..., BrowserContext]]:
    """``tablet(**options)``: a new 820x1180 context (closed after the test)."""
    yield from _context_factory(chromium, TABLET, recorder)


@pytest.fixture
def projector(chromium: Browser, recorder: Recorder) -> Iterator[Callable[..., BrowserContext]]:
    """``projector(**options)``: a new 1920x1080 context (closed after the test)."""
    yield from _context_factory(chromium, PROJECTOR, recorder)


@pytest.fixture
def desktop(chromium: Browser, recorder: Recorder) -> Iterator[Callable[..., BrowserContext]]:
    """``desktop(**options)``: a new 1280x800 laptop context (closed after the test)."""
    yield from _context_factory(chromium, DESKTOP, recorder)


def wait_ready(page: Page, *, timeout_ms: float = PAGE_TIMEOUT_MS) -> None:
    """Wait until the app is connected and its script run has finished."""
    page.locator(READY_SELECTOR).wait_for(state="attached", timeout=timeout_ms)


def shot(page: Page, name: str) -> Path:
    """Save a screenshot of the viewport as ``<name>.png``; returns its path."""
    folder = Path(os.environ.get("BEDROCK_SCREENSHOTS", "/tmp/bedrock-screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), animations="disabled")
    return path


def watch_errors(page: Page) -> list[str]:
    """Collect uncaught page errors and console errors into the returned list, live."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    page.on(
        "console",
        lambda message: (
            errors.append(f"console: {message.text}") if message.type == "error" else None
        ),
    )
    return errors


# --- the app server ----------------------------------------------------------------------


@dataclass
class App:
    """A running ``streamlit run`` server."""

    url: str
    port: int
    script: Path
    log_path: Path
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    """The environment given on top of this process's, ``DATABASE_URL`` always included:
    pass it to ``run_app`` again to start a server on the same database."""

    def log(self) -> str:
        """Everything the server printed so far (stdout and stderr)."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    @property
    def database_url(self) -> str:
        return self.env["DATABASE_URL"]

    def kill(self) -> None:
        """End the server at once with SIGKILL, as a crash or power cut would; waits for it."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """Stop the server politely (SIGTERM, SIGKILL after 10 s); waits for it."""
        _stop(self.process)

    def at(self, query: str = "") -> str:
        """The app's URL with ``query`` (``"code=ABC"`` or ``"?code=ABC"``) appended."""
        query = query.lstrip("?")
        return f"{self.url}/?{query}" if query else f"{self.url}/"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextmanager
def serve(
    script: Path | str,
    *,
    workdir: Path,
    env: Mapping[str, str] | None = None,
    port: int | None = None,
    address: str = "127.0.0.1",
) -> Iterator[App]:
    """Run ``script`` with ``streamlit run`` from the repo root until the block ends.

    ``env`` adds to (or overrides) this process's environment; ``DATABASE_URL`` defaults
    to a new SQLite file in ``workdir``. ``port`` defaults to a free one. ``address`` is
    the one the server listens on (``"0.0.0.0"``: every network of this machine, as on a
    laptop in a venue). Fails the test with the server log if the server does not answer
    its health check.
    """
    script = Path(script)
    if not script.is_absolute():
        script = REPO_ROOT / script
    workdir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    given = {"DATABASE_URL": f"sqlite:///{workdir / 'bedrock.db'}", **(env or {})}
    full_env = dict(os.environ)
    full_env.setdefault("DATABASE_URL", given["DATABASE_URL"])
    full_env.update(env or {})
    given["DATABASE_URL"] = full_env["DATABASE_URL"]
    full_env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO_ROOT), full_env.get("PYTHONPATH", "")) if p
    )
    log_path = workdir / f"server-{port}.log"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.headless",
        "true",
        "--server.address",
        address,
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
    ]
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=full_env, stdout=log_file, stderr=subprocess.STDOUT
        )
    app = App(
        url=f"http://127.0.0.1:{port}",
        port=port,
        script=script,
        log_path=log_path,
        process=process,
        env=given,
    )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while not _healthy(port):
            if process.poll() is not None:
                pytest.fail(f"streamlit exited with {process.returncode}:\n{app.log()}")
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not become healthy on port {port}:\n{app.log()}")
            time.sleep(0.1)
        yield app
    finally:
        _stop(process)


@pytest.fixture(scope="module")
def run_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., App]]:
    """``run_app(script, env=None, *, port=None, address="127.0.0.1") -> App``; every server
    started stops after the module."""
    with ExitStack() as stack:

        def start(
            script: Path | str,
            env: Mapping[str, str] | None = None,
            *,
            port: int | None = None,
            address: str = "127.0.0.1",
        ) -> App:
            workdir = tmp_path_factory.mktemp("app")
            return stack.enter_context(
                serve(script, workdir=workdir, env=env, port=port, address=address)
            )

        yield start


@pytest.fixture(name="wait_ready")
def _wait_ready_fixture() -> Callable[..., None]:
    return wait_ready


@pytest.fixture(name="shot")
def _shot_fixture() -> Callable[[Page, str], Path]:
    return shot


@pytest.fixture(name="page_errors")
def _page_errors_fixture() -> Callable[[Page], list[str]]:
    return watch_errors


# --- the couple's page, opened at any exercise --------------------------------------------

COUPLE_AT_APP = """
import streamlit as st

from workshop.content.loader import get_content
from workshop.couple import evening
from workshop.views import together
from workshop.views.common import readable_style
from workshop.views.language import screen_language

st.set_page_config(page_title="Bedrock", layout="centered")
screen_language()
readable_style()
wanted = st.query_params.get("at")
if wanted and "placed" not in st.session_state:
    st.session_state["placed"] = True
    for stage, module in enumerate(get_content().modules):
        for item in evening.stage_items(module):
            if item.exercise_id == wanted:
                st.session_state["together_names"] = evening.Names(a="Sam", b="Alex")
                st.session_state["together_progress"] = evening.CoupleProgress(
                    stage=stage, item=item.index
                )
together.page()
"""


def open_at(context: BrowserContext, app: App, exercise_id: str) -> Page:
    """A new tab of ``couple_at_app`` at exercise ``exercise_id``, once its page is drawn."""
    page = context.new_page()
    page.goto(app.at(f"at={exercise_id}"))
    wait_ready(page)
    return page


@pytest.fixture(scope="module")
def couple_at_app(run_app: Callable[..., App], tmp_path_factory: pytest.TempPathFactory) -> App:
    script = tmp_path_factory.mktemp("together-at") / "together_at.py"
    script.write_text(COUPLE_AT_APP, encoding="utf-8")
    return run_app(script)


# --- driving the group workshop pages ----------------------------------------------------

PASSCODE = "a quiet room"
# Long enough for a phone to poll (2 s), the console to refresh (1.5 s) and a shared
# two-core machine to catch up.
LIVE_MS = 15_000


class GroupPages:
    """What a facilitator and a participant do on the group workshop pages, in a browser."""

    passcode = PASSCODE
    live_ms = LIVE_MS

    @staticmethod
    def click(page: Page, name: str) -> None:
        """Click the button labelled exactly ``name`` (its shortcut may follow in its name),
        once the page has settled: mid-run, the old button and the new one are both there.
        A page that keeps running (a clock ticking every second on a slow machine) is
        clicked after 10 s all the same, as a person would."""
        with suppress(PlaywrightTimeoutError):
            settled(page, timeout_ms=10_000)
        button(page, name).click()

    def create(self, context: BrowserContext, app: App) -> tuple[Page, str]:
        """Create a workshop with every stage and land on its console; returns the console
        and the join code."""
        console = context.new_page()
        console.goto(f"{app.url}/facilitate")
        wait_ready(console)
        console.get_by_label("Workshop passcode (to reopen this console)").fill(self.passcode)
        console.get_by_label("Passcode again").fill(self.passcode)
        self.click(console, "Create workshop")
        code = self.console_code(console)
        # The recovery key is shown once at the top; a counsellor saves it and puts it away.
        self.click(console, "I have saved it")
        expect(console.get_by_role("button", name="I have saved it")).to_have_count(0)
        return console, code

    def console_code(self, console: Page) -> str:
        """The join code in the console's heading, once the console is up."""
        expect(console.get_by_role("button", name="Stage ▶")).to_be_visible(timeout=LIVE_MS)
        heading = console.get_by_text(re.compile(r"· code [A-Z0-9]{6}")).first
        found = re.search(r"code ([A-Z0-9]{6})", heading.inner_text())
        assert found, heading.inner_text()
        return found.group(1)

    def reopen(self, console: Page, app: App, code: str) -> None:
        """Sign in to a running workshop again with its code and passcode."""
        console.goto(f"{app.url}/facilitate")
        wait_ready(console)
        console.get_by_role("tab", name="Reopen a workshop").click()
        console.get_by_label("Workshop code").fill(code)
        console.get_by_label("Workshop passcode", exact=True).fill(self.passcode)
        self.click(console, "Open the console")
        assert self.console_code(console) == code

    def stage(self, console: Page, number: int, of: int = 8) -> None:
        """Move the room on by one stage, to stage ``number``."""
        self.click(console, "Stage ▶")
        expect(console.get_by_text(f"Stage {number} of {of}", exact=True)).to_be_visible(
            timeout=LIVE_MS
        )

    def ask(self, console: Page, prompt: str) -> None:
        """Put ``prompt`` (a title of this stage's exercises) on every phone."""
        console.get_by_text(prompt, exact=True).click()
        # The choice redraws the radio group: wait for the new one, then for the old to go.
        expect(console.get_by_role("radio", name=prompt, checked=True)).to_have_count(
            1, timeout=LIVE_MS
        )
        expect(console.get_by_role("radio", name=prompt)).to_have_count(1, timeout=LIVE_MS)
        expect(self.answers(console)).to_be_visible(timeout=LIVE_MS)

    def ask_private(self, console: Page, title: str) -> None:
        """Put an exercise that collects nothing (a plan, a checklist) on every phone."""
        console.get_by_text(title, exact=True).click()
        expect(console.get_by_role("radio", name=title, checked=True)).to_have_count(
            1, timeout=LIVE_MS
        )
        expect(console.get_by_text("Nothing is collected for this exercise")).to_be_visible(
            timeout=LIVE_MS
        )

    @staticmethod
    def answers(console: Page) -> Locator:
        """The console's live count of answers on the current prompt."""
        return console.get_by_test_id("stMetricValue")

    def screen(self, context: BrowserContext, console: Page, base_url: str | None = None) -> Page:
        """Open the projector screen from the console's link (on ``base_url``, another
        server's address, when given)."""
        href = console.get_by_role("link", name="Open projector screen").get_attribute("href")
        assert href and "key=" in href, href
        url = urljoin(console.url, href)
        if base_url:
            url = base_url.rstrip("/") + "/" + href.lstrip("/")
        page = context.new_page()
        page.goto(url)
        wait_ready(page)
        return page

    @staticmethod
    def join(context: BrowserContext, app: App, code: str) -> Page:
        """A participant opens the join link on their phone."""
        page = context.new_page()
        page.goto(app.at(f"code={code}"))
        wait_ready(page)
        return page

    def send(self, phone: Page, text: str) -> None:
        """Write a reflection on a phone, send it and wait for the acknowledgement."""
        box = phone.get_by_label("Your answer (anonymous)")
        again = phone.get_by_role("button", name="Send another", exact=True)
        expect(box.or_(again)).to_be_visible(timeout=LIVE_MS)
        if again.is_visible():
            again.click()
        box.fill(text)
        self.click(phone, "Send")
        expect(phone.get_by_text("Sent, anonymously. Thank you.")).to_be_visible(timeout=LIVE_MS)


@pytest.fixture(name="group")
def _group_fixture() -> GroupPages:
    return GroupPages()
