"""Phones and the projector wait on the server's long poll instead of polling; with the long
poll out of reach they poll as before, by themselves and without a word to the room.

A quiet page is measured by the messages it sends the server over its websocket: polling
sends one every 1-2 s, a listening page none until something moves.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

LAPTOP = {"viewport": {"width": 1440, "height": 900}}
STAGE_TWO = "What is emotional connection?"
QUIET_MS = 6_000


class Sent:
    """Counts what a page sends over its websockets and its long-poll requests."""

    def __init__(self, page: Page) -> None:
        self.frames = 0
        self.waits: list[str] = []
        self.refused: list[str] = []
        page.on("response", lambda r: self.refused.append(r.url) if r.status >= 400 else None)
        page.on("websocket", lambda ws: ws.on("framesent", self._frame))
        page.on("request", self._request)

    def _frame(self, _payload) -> None:
        self.frames += 1

    def _request(self, request) -> None:
        if "/api/wait" in request.url:
            self.waits.append(request.url)


def open_counted(
    context: BrowserContext, url: str, wait_ready, errors: list[str], page_errors
) -> tuple[Page, Sent]:
    page = context.new_page()
    sent = Sent(page)
    errors_here = page_errors(page)
    page.goto(url)
    wait_ready(page)
    errors.append(errors_here)
    return page, sent


def wait_until(page: Page, condition: Callable[[], bool], timeout_ms: float = 15_000) -> None:
    """Let the page run (and its events reach this test) until ``condition`` holds."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not condition():
        assert time.monotonic() < deadline, "the page never got there"
        page.wait_for_timeout(100)


def quiet_frames(page: Page, sent: Sent) -> int:
    """How many messages the page sends while nothing in the workshop moves."""
    before = sent.frames
    page.wait_for_timeout(QUIET_MS)
    return sent.frames - before


def assert_nothing_went_wrong(errors: list[list[str]], *sent: Sent) -> None:
    """No error on any page, and no request refused but Streamlit's own probes for its
    health check under a page's path (``/screen/_stcore/...``), which it then finds at the
    root. A blocked long poll is no response at all, so it is not counted here."""
    refused = [url for one in sent for url in one.refused if "/screen/_stcore/" not in url]
    assert refused == []
    unexpected = [e for page in errors for e in page if "Failed to load resource" not in e]
    assert unexpected == []


def holding(sent: Sent) -> Callable[[], bool]:
    """Whether the page has asked the long poll to wait from the version it drew."""
    return lambda: any("seen=" in url for url in sent.waits)


def test_phones_and_the_projector_wait_for_a_change_instead_of_polling(
    run_app, group, desktop, phone, projector, page_errors, wait_ready
):
    app = run_app("server.py")
    console, code = group.create(desktop(**LAPTOP), app)
    screen_href = console.get_by_role("link", name="Open projector screen").get_attribute("href")
    errors: list[list[str]] = []
    screen_url = f"{app.url}/{screen_href.lstrip('/')}"
    screen, screen_sent = open_counted(projector(), screen_url, wait_ready, errors, page_errors)
    handset, phone_sent = open_counted(
        phone(), app.at(f"code={code}"), wait_ready, errors, page_errors
    )
    wait_until(handset, holding(phone_sent))
    wait_until(screen, holding(screen_sent))
    wait_ready(handset)
    wait_ready(screen)

    # Polling would send three or more messages from the phone and six from the projector.
    assert quiet_frames(handset, phone_sent) == 0
    assert quiet_frames(screen, screen_sent) == 0

    group.stage(console, 2)
    moved = time.monotonic()
    expect(handset.get_by_role("heading", name=STAGE_TWO)).to_be_visible(timeout=group.live_ms)
    print(f"\n[figure] next stage to a listening phone: {time.monotonic() - moved:.2f} s")
    expect(screen.get_by_text(f"Stage 2 of 8 · {STAGE_TWO}")).to_be_visible(timeout=group.live_ms)
    assert_nothing_went_wrong(errors, phone_sent, screen_sent)


def test_with_the_long_poll_blocked_phones_and_the_projector_poll_as_before(
    run_app, group, desktop, phone, projector, page_errors, wait_ready
):
    app = run_app("server.py")
    console, code = group.create(desktop(**LAPTOP), app)
    screen_href = console.get_by_role("link", name="Open projector screen").get_attribute("href")
    phone_context, projector_context = phone(), projector()
    for context in (phone_context, projector_context):
        context.route("**/api/wait**", lambda route: route.abort())
    errors: list[list[str]] = []
    screen_url = f"{app.url}/{screen_href.lstrip('/')}"
    screen, screen_sent = open_counted(
        projector_context, screen_url, wait_ready, errors, page_errors
    )
    handset, phone_sent = open_counted(
        phone_context, app.at(f"code={code}"), wait_ready, errors, page_errors
    )
    wait_until(handset, lambda: len(phone_sent.waits) > 0)
    wait_until(screen, lambda: len(screen_sent.waits) > 0)

    # Still polling: the phone every 2 s, the projector every second.
    assert quiet_frames(handset, phone_sent) >= 2
    assert quiet_frames(screen, screen_sent) >= 4

    group.stage(console, 2)
    expect(handset.get_by_role("heading", name=STAGE_TWO)).to_be_visible(timeout=group.live_ms)
    expect(screen.get_by_text(f"Stage 2 of 8 · {STAGE_TWO}")).to_be_visible(timeout=group.live_ms)
    for page in (handset, screen):
        expect(page.get_by_text("Reconnecting")).to_have_count(0)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        expect(page.get_by_test_id("stAlert")).to_have_count(0)
    assert_nothing_went_wrong(errors, phone_sent, screen_sent)


def test_paired_phones_wait_on_their_pair_and_each_hears_the_other_at_once(
    run_app, group, desktop, phone, page_errors, wait_ready
):
    """Two paired phones during a partner exercise hold the long poll on their pair's own
    counter: quiet while neither does anything (polling would send a message every 2 s), and
    the second partner's answer brings the reveal to the first phone, which was waiting."""
    from tests.e2e.test_couples_in_room import answer, pair

    app = run_app("server.py")
    console, code = group.create(desktop(**LAPTOP), app)
    errors: list[list[str]] = []
    first, first_sent = open_counted(
        phone(), app.at(f"code={code}"), wait_ready, errors, page_errors
    )
    second, second_sent = open_counted(
        phone(), app.at(f"code={code}"), wait_ready, errors, page_errors
    )
    pair(group, first, second)
    group.stage(console, 2)
    group.ask(console, "A time I felt understood")
    for page, sent in ((first, first_sent), (second, second_sent)):
        expect(page.get_by_role("textbox", name="Your answer", exact=True)).to_be_visible(
            timeout=group.live_ms
        )
        wait_until(
            page, lambda sent=sent: any("of=pair" in url and "seen=" in url for url in sent.waits)
        )
        wait_ready(page)

    assert quiet_frames(first, first_sent) == 0
    assert quiet_frames(second, second_sent) == 0

    answer(group, first, "You waited for me at the station")
    expect(first.get_by_text("Your partner is still answering", exact=False)).to_be_visible(
        timeout=group.live_ms
    )
    wait_ready(first)
    wait_until(
        first, lambda: any("of=pair" in url and "seen=" in url for url in first_sent.waits[-1:])
    )
    answer(group, second, "You called when the results came")
    told = time.monotonic()
    expect(first.get_by_text("You called when the results came")).to_be_visible(
        timeout=group.live_ms
    )
    print(
        f"\n[figure] a partner's answer to the other listening phone: {time.monotonic() - told:.2f} s"
    )
    assert_nothing_went_wrong(errors, first_sent, second_sent)
