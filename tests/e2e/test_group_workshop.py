"""A group workshop in Chromium: a facilitator's console, three phones and the projector.

One app server (``server.py``, as ``bedrock serve`` runs it, on a fresh SQLite file) serves
every test here. The facilitator works on a 1440x900 laptop, participants on 390x844 phones,
the projector is 1920x1080. Phones and the projector wait on the server's long poll and
redraw when the workshop moves; the console refreshes every 1.5 s; waits are ``expect`` with
a timeout, never fixed sleeps.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from urllib.parse import urljoin

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.e2e.buttons import button
from tests.e2e.conftest import GroupPages

PASSCODE = "a quiet room"
LAPTOP = {"viewport": {"width": 1440, "height": 900}}
STAGE_TWO = "What is emotional connection?"
PROMPT = "A time I felt understood"
ANSWER_BOX = "Your answer (anonymous)"
# Long enough for a phone to poll, the console to refresh and the server to catch up on a
# shared two-core machine.
LIVE_MS = 15_000
REFLECTIONS = [
    "When I was scared before the operation, they sat with me and didn't try to fix it.",
    "They remembered a small thing I said weeks ago and asked how it went.",
    "After a long day they just said: that sounds exhausting, tell me more.",
]
LATE = "Sent after the reveal: they brought tea without asking."


@pytest.fixture(scope="module")
def app(run_app):
    return run_app("server.py")


# --- what a facilitator and a participant do ----------------------------------------------


def create_workshop(context: BrowserContext, app, wait_ready) -> tuple[Page, str]:
    """Fill in the new-workshop form and land on the console; returns it and the join code."""
    console = context.new_page()
    console.goto(f"{app.url}/facilitate")
    wait_ready(console)
    console.get_by_label("Workshop passcode (to reopen this console)").fill(PASSCODE)
    console.get_by_label("Passcode again").fill(PASSCODE)
    console.get_by_role("button", name="Create workshop").click()
    expect(console.get_by_role("button", name="Stage ▶")).to_be_visible(timeout=LIVE_MS)
    heading = console.get_by_text(re.compile(r"· code [A-Z0-9]{6}")).first
    code = re.search(r"code ([A-Z0-9]{6})", heading.inner_text())
    assert code, heading.inner_text()
    return console, code.group(1)


def click(page: Page, name: str) -> None:
    button(page, name).click()


def go_to_stage_two_and_ask(console: Page) -> None:
    """Move the room to stage 2 and put the reflection prompt on every phone."""
    click(console, "Stage ▶")
    expect(console.get_by_text("Stage 2 of 8", exact=True)).to_be_visible()
    expect(console.get_by_role("heading", name=STAGE_TWO).first).to_be_visible()
    GroupPages().ask(console, PROMPT)
    expect(answers(console)).to_have_text("fewer than 3", timeout=LIVE_MS)


def answers(console: Page):
    """The console's live count of answers on the current prompt."""
    return console.get_by_test_id("stMetricValue")


def join(context: BrowserContext, app, code: str, wait_ready) -> Page:
    page = context.new_page()
    page.goto(app.at(f"code={code}"))
    wait_ready(page)
    return page


def send(phone: Page, text: str) -> None:
    """Write a reflection on a phone and send it."""
    phone.get_by_label(ANSWER_BOX).fill(text)
    # A phone has no Ctrl key: no hint to press one, only the characters used.
    expect(phone.get_by_text(f"{len(text)}/600")).to_be_visible()
    expect(phone.get_by_text("Press Ctrl+Enter to apply")).to_be_hidden()
    click(phone, "Send")
    expect(phone.get_by_text("Sent, anonymously. Thank you.")).to_be_visible()


def projector_link(console: Page) -> str:
    href = console.get_by_role("link", name="Open projector screen").get_attribute("href")
    assert href and "key=" in href, href
    return urljoin(console.url, href)


def seconds(clock: str) -> int:
    """``"3:58"`` or ``"1:02:03"`` as seconds."""
    total = 0
    for part in clock.strip().split(":"):
        total = total * 60 + int(part)
    return total


def no_sideways_scroll(page: Page, width: int) -> None:
    """Nothing on the page is wider than the screen, so nobody has to scroll sideways."""
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width
    main = page.get_by_test_id("stMain")
    assert main.evaluate("e => e.scrollWidth <= e.clientWidth"), "the page scrolls sideways"


def wall(page: Page, count: int = len(REFLECTIONS)) -> list[str]:
    """The texts on the page's wall of reflections, sorted (the wall shuffles them)."""
    cards = page.locator(".bedrock-card")
    expect(cards).to_have_count(count, timeout=LIVE_MS)
    expect(cards.first).to_be_visible()
    return sorted(cards.all_inner_texts())


UNCOVERED = """e => {
  if (e.tagName === "IMG" && !(e.complete && e.naturalWidth > 0)) return false;
  const r = e.getBoundingClientRect();
  if (r.width === 0 || r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) {
    return false;
  }
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + 2);
  return e === hit || e.contains(hit);
}"""


def uncovered(locator: Locator) -> None:
    """Waits until the element is drawn inside the viewport with nothing over its top edge."""
    expect(locator).to_be_visible()
    deadline = time.monotonic() + 5
    while not locator.evaluate(UNCOVERED):
        if time.monotonic() > deadline:
            pytest.fail(f"{locator} is cut off or covered")
        locator.page.wait_for_timeout(100)


def main_width(page: Page) -> float:
    return page.get_by_test_id("stMainBlockContainer").evaluate(
        "e => e.getBoundingClientRect().width"
    )


# --- the tests ---------------------------------------------------------------------------


def test_three_phones_answer_and_the_facilitator_reveals_on_the_projector(
    app,
    desktop: Callable[..., BrowserContext],
    phone: Callable[..., BrowserContext],
    projector: Callable[..., BrowserContext],
    wait_ready,
    shot,
    page_errors,
) -> None:
    console, code = create_workshop(desktop(**LAPTOP), app, wait_ready)
    errors = page_errors(console)
    go_to_stage_two_and_ask(console)
    # The console keeps its wide layout through every action, not only the first one.
    assert main_width(console) > 1200

    screen = projector().new_page()
    screen.goto(projector_link(console))
    wait_ready(screen)
    expect(screen.get_by_text(f"On your phone: {PROMPT}")).to_be_visible(timeout=LIVE_MS)
    expect(screen.get_by_text(code, exact=True)).to_be_visible()
    # The QR code and the stage line are whole, not under the app's menu bar.
    uncovered(screen.get_by_test_id("stImage").locator("img"))
    uncovered(screen.get_by_text(f"Stage 2 of 8 · {STAGE_TWO}", exact=True))

    phones = [join(phone(), app, code, wait_ready) for _ in REFLECTIONS]
    for page in phones:
        errors += page_errors(page)
        expect(page.get_by_role("heading", name=STAGE_TWO)).to_be_visible()
        expect(page.get_by_text(PROMPT, exact=True)).to_be_visible()

    for page, text in zip(phones[:2], REFLECTIONS[:2], strict=True):
        send(page, text)
    # Two answers have arrived (the moderation list has them), yet the count still says
    # only "fewer than 3" and the room cannot see them.
    expect(console.get_by_text("Moderate (2)")).to_be_visible(timeout=LIVE_MS)
    expect(answers(console)).to_have_text("fewer than 3")
    expect(console.get_by_role("button", name="Reveal to the room")).to_be_disabled()

    send(phones[2], REFLECTIONS[2])
    expect(answers(console)).to_have_text("3 answers", timeout=LIVE_MS)
    expect(screen.get_by_text("3 answers so far")).to_be_visible(timeout=LIVE_MS)
    shot(screen, "group-screen-waiting")
    for text in REFLECTIONS:
        expect(screen.get_by_text(text)).to_have_count(0)

    click(console, "Reveal to the room")
    expect(console.get_by_role("button", name="Hide results from the room")).to_be_visible()
    assert main_width(console) > 1200
    for page in (screen, phones[0]):
        assert wall(page) == sorted(REFLECTIONS)
    # The console lists each text once, in its moderation list, not again as cards.
    expect(console.locator(".bedrock-card")).to_have_count(0)
    console.get_by_text("Moderate (3)").click()
    for text in REFLECTIONS:
        expect(console.get_by_text(text, exact=True)).to_be_visible()
    expect(phones[0].get_by_text("The answers are up on the screen now.")).to_be_visible()

    # The console opens where the new-workshop form was scrolled to; show its top.
    console.get_by_test_id("stMain").evaluate("e => e.scrollTo(0, 0)")
    shot(console, "group-console-revealed")
    shot(screen, "group-screen-revealed")
    shot(phones[0], "group-phone-revealed")
    no_sideways_scroll(phones[0], 390)
    no_sideways_scroll(screen, 1920)
    # On the projector the reflections are big enough to read from the back of the room.
    card = screen.locator(".bedrock-card").first
    assert float(card.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 28
    for text in REFLECTIONS:
        box = screen.locator(".bedrock-card", has_text=text).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 1920

    # A text sent while the wall is up waits for the facilitator, who shows it.
    click(phones[1], "Send another")
    send(phones[1], LATE)
    expect(
        phones[1].get_by_text("the facilitator reads yours before it joins them")
    ).to_be_visible()
    expect(console.get_by_text("New since the reveal — not on the wall yet")).to_be_visible(
        timeout=LIVE_MS
    )
    expect(console.get_by_text(LATE, exact=True)).to_be_visible()
    assert wall(screen) == sorted(REFLECTIONS)
    click(console, "Show")
    assert wall(screen, 4) == sorted([*REFLECTIONS, LATE])
    expect(console.get_by_text("New since the reveal — not on the wall yet")).to_have_count(0)

    # Moving on takes the wall down; it goes up again only when revealed again.
    click(console, "Stage ▶")
    expect(screen.locator(".bedrock-card")).to_have_count(0, timeout=LIVE_MS)
    expect(phones[0].get_by_text("The answers are up on the screen now.")).to_have_count(
        0, timeout=LIVE_MS
    )
    assert errors == []


def test_a_timer_started_on_the_console_counts_down_on_a_phone(
    app, desktop, phone, wait_ready, shot
) -> None:
    console, code = create_workshop(desktop(**LAPTOP), app, wait_ready)
    go_to_stage_two_and_ask(console)
    page = join(phone(), app, code, wait_ready)
    expect(page.get_by_text(PROMPT, exact=True)).to_be_visible()
    expect(page.locator(".bc-digits")).to_have_count(0)

    click(console, "Start")
    expect(console.get_by_role("button", name="Pause")).to_be_visible()

    digits = page.locator(".bc-digits")
    expect(digits).to_have_text(re.compile(r"^\d+:\d\d$"), timeout=LIVE_MS)
    first = digits.inner_text()
    assert 3 * 60 < seconds(first) <= 4 * 60  # the prompt's own four minutes
    expect(digits).not_to_have_text(first, timeout=5_000)
    assert seconds(digits.inner_text()) < seconds(first)
    # The answer box stays usable while the countdown runs.
    page.get_by_label(ANSWER_BOX).fill("Still writing while the clock runs.")
    expect(page.get_by_label(ANSWER_BOX)).to_have_value("Still writing while the clock runs.")
    shot(page, "group-phone-timer")
    no_sideways_scroll(page, 390)


def test_words_being_written_stay_in_the_box_when_the_wall_goes_up_meanwhile(
    app, desktop, phone, wait_ready
) -> None:
    """A participant is still writing when the facilitator reveals the wall: the phone's
    whole page is drawn again with the note that answers are up, and what they were writing
    must still be in the box, and be what Send sends."""
    from workshop.engine.store import Store

    console, code = create_workshop(desktop(**LAPTOP), app, wait_ready)
    go_to_stage_two_and_ask(console)
    page = join(phone(), app, code, wait_ready)
    box = page.get_by_label(ANSWER_BOX)
    half = "They noticed I was quiet and"
    box.fill(half)  # still writing: the box keeps focus, nothing is sent

    store = Store(app.database_url)
    try:
        for n, text in enumerate(REFLECTIONS):
            phone_id = store.join(code=code, client=f"writer {n}")
            store.submit_reflection(
                code=code, prompt_id="felt-understood", token=phone_id, text=text
            )
        expect(answers(console)).to_have_text("3 answers", timeout=LIVE_MS)
        click(console, "Reveal to the room")
        expect(page.get_by_text("The answers are up on the screen now.")).to_be_visible(
            timeout=LIVE_MS
        )
        expect(box).to_have_value(half)
        box.press("End")
        box.press_sequentially(" asked if I was all right.")
        click(page, "Send")
        expect(page.get_by_text("Sent, anonymously. Thank you.")).to_be_visible(timeout=LIVE_MS)
        # Sent while the wall is up, so it waits on the console to be read.
        expect(console.get_by_text("New since the reveal — not on the wall yet")).to_be_visible(
            timeout=LIVE_MS
        )
        expect(console.get_by_text(half + " asked if I was all right.", exact=True)).to_be_visible()
    finally:
        store.close()


def test_a_phone_that_reloads_comes_back_to_the_current_stage_and_prompt(
    app, desktop, phone, wait_ready
) -> None:
    console, code = create_workshop(desktop(**LAPTOP), app, wait_ready)
    page = join(phone(), app, code, wait_ready)
    expect(page.get_by_role("heading", name="Welcome and ground rules")).to_be_visible()

    go_to_stage_two_and_ask(console)
    expect(page.get_by_role("heading", name=STAGE_TWO)).to_be_visible(timeout=LIVE_MS)
    page.get_by_label(ANSWER_BOX).fill("Half a thought")

    page.reload()
    wait_ready(page)
    expect(page.get_by_role("heading", name=STAGE_TWO)).to_be_visible()
    expect(page.get_by_text("stage 2 of 8")).to_be_visible()
    expect(page.get_by_text(PROMPT, exact=True)).to_be_visible()
    send(page, "Written after coming back.")
    expect(console.get_by_text("Moderate (1)")).to_be_visible(timeout=LIVE_MS)

    # A stage change after the reload still reaches the phone.
    click(console, "Stage ▶")
    expect(page.get_by_role("heading", name="Why it matters in a relationship")).to_be_visible(
        timeout=LIVE_MS
    )
