"""WCAG 2.2 AA checks by axe-core on every screen that matters, in Chromium.

Two browser flows, one per path, each checking many states on its way: the group workshop
(home, the console while planning and running, a phone through every answer kind, the
revealed wall on a phone and on the projector) and a couple at home (names, a card, whose
turn, a private answer, the reveal, the break, the turn timer). Each fails once at its end,
listing every serious or critical violation by screen, rule and element.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.axe import Audit

LAPTOP = {"viewport": {"width": 1440, "height": 900}}
LIVE_MS = 15_000

# Rules not checked, each with its reason. Keep this short: a rule goes here only when the
# violation is Streamlit's own markup that the app cannot reach, and the README says so.
SKIP: dict[str, str] = {}


@pytest.fixture(scope="module")
def app(run_app):
    return run_app("app.py")


def press(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def open_at(context: BrowserContext, app, exercise_id: str, wait_ready) -> Page:
    page = context.new_page()
    page.goto(app.at(f"at={exercise_id}"))
    wait_ready(page)
    return page


def test_the_group_workshop_has_no_serious_barrier_on_any_screen(
    app, desktop, phone, projector, group, wait_ready
) -> None:
    audit = Audit(skip=SKIP)
    first = phone().new_page()
    first.goto(app.at())
    wait_ready(first)
    expect(first.get_by_label("Workshop code")).to_be_visible()
    audit.check(first, "home (phone)")

    laptop = desktop(**LAPTOP)
    planning = laptop.new_page()
    planning.goto(f"{app.url}/facilitate")
    wait_ready(planning)
    expect(planning.get_by_label("Passcode again")).to_be_visible()
    audit.check(planning, "console: planning a new workshop")
    planning.close()

    console, code = group.create(laptop, app)
    audit.check(console, "console: running, stage 1")

    mine = group.join(phone(), app, code)
    expect(mine.get_by_text("Listen in for now")).to_be_visible(timeout=LIVE_MS)
    audit.check(mine, "phone: joined with a code, listening")

    group.ask(console, "Opening check-in")
    expect(mine.get_by_role("slider")).to_be_visible(timeout=LIVE_MS)
    audit.check(mine, "phone: scale")
    group.ask(console, "Arrival word")
    expect(mine.get_by_label("One word or a few")).to_be_visible(timeout=LIVE_MS)
    audit.check(mine, "phone: word")

    group.stage(console, 2)
    group.ask(console, "A time I felt understood")
    press(console, "Start")
    expect(console.locator(".bc-face")).to_have_text(re.compile(r"\d:\d\d"), timeout=LIVE_MS)
    expect(mine.get_by_label("Your answer (anonymous)")).to_be_visible(timeout=LIVE_MS)
    expect(mine.locator(".bc-face")).to_have_text(re.compile(r"\d:\d\d"), timeout=LIVE_MS)
    audit.check(mine, "phone: reflection, timer running")
    mine.get_by_label("Your answer (anonymous)").fill("They listened without fixing it.")
    press(mine, "Send")
    expect(mine.get_by_text("Sent, anonymously. Thank you.")).to_be_visible(timeout=LIVE_MS)
    audit.check(mine, "phone: sent")
    for text in ("A walk where we just talked.", "They remembered a small thing."):
        group.send(group.join(phone(), app, code), text)
    expect(group.answers(console)).to_have_text("3 answers", timeout=LIVE_MS)
    audit.check(console, "console: timer running, answers in")
    press(console, "Reveal to the room")
    expect(console.get_by_role("button", name="Hide results from the room")).to_be_visible(
        timeout=LIVE_MS
    )
    screen = group.screen(projector(), console)
    expect(screen.locator(".bedrock-card")).to_have_count(3, timeout=LIVE_MS)
    audit.check(screen, "projector: revealed wall")
    expect(mine.get_by_text("What the room shared")).to_be_visible(timeout=LIVE_MS)
    audit.check(mine, "phone: revealed wall")
    audit.check(console, "console: wall revealed")

    group.stage(console, 3)
    group.ask(console, "What makes closeness feel close")
    expect(mine.get_by_role("radiogroup")).to_be_visible(timeout=LIVE_MS)
    audit.check(mine, "phone: choice")

    for number in (4, 5):
        group.stage(console, number)
    group.ask(console, "What matters most right now")
    expect(mine.get_by_text("Tap them in order, most important first")).to_be_visible(
        timeout=LIVE_MS
    )
    audit.check(mine, "phone: ranking")

    group.stage(console, 6)
    group.ask(console, "Three things I am grateful for")
    expect(mine.get_by_label("Your answer (anonymous)")).to_be_visible(timeout=LIVE_MS)
    audit.check(mine, "phone: timed writing")
    group.ask_private(console, "Our weekly time together")
    expect(mine.get_by_label("What will we do?")).to_be_visible(timeout=LIVE_MS)
    audit.check(mine, "phone: plan")

    group.stage(console, 7)
    expect(mine.get_by_text("Before this part")).to_be_visible(timeout=LIVE_MS)
    audit.check(mine, "phone: content note")

    group.stage(console, 8)
    group.ask_private(console, "Things to try this week")
    expect(mine.get_by_role("checkbox").first).to_be_visible(timeout=LIVE_MS)
    audit.check(mine, "phone: checklist")

    assert not audit.blocking(), "\n" + audit.report()


def test_a_couple_at_home_meets_no_serious_barrier_on_any_screen(
    app, couple_at_app, tablet, wait_ready
) -> None:
    audit = Audit(skip=SKIP)
    context: BrowserContext = tablet()
    page = context.new_page()
    page.goto(f"{app.url}/together")
    wait_ready(page)
    expect(page.get_by_label("First partner")).to_be_visible()
    audit.check(page, "couple: names")
    press(page, "Let's begin")
    expect(page.get_by_text(re.compile(r"^Stage 1 of 8"))).to_be_visible(timeout=LIVE_MS)
    audit.check(page, "couple: first card")

    check = open_at(context, couple_at_app, "checkin-open", wait_ready)
    expect(check.get_by_text("Sam's turn")).to_be_visible(timeout=LIVE_MS)
    audit.check(check, "couple: whose turn")
    press(check, "I'm ready: show my question")
    expect(check.get_by_role("radio", name="7", exact=True)).to_be_visible(timeout=LIVE_MS)
    audit.check(check, "couple: private scale")
    for value in ("7", "4"):
        check.get_by_role("radio", name=value, exact=True).click()
        press(check, "Done")
        expect(check.get_by_role("button", name="Done", exact=True)).to_have_count(0)
        if value == "7":
            press(check, "I'm ready: show my question")
    press(check, "Reveal")
    expect(check.get_by_text("out of 10").first).to_be_visible(timeout=LIVE_MS)
    audit.check(check, "couple: revealed check-in")

    writing = open_at(context, couple_at_app, "felt-understood", wait_ready)
    press(writing, "I'm ready: show my question")
    expect(writing.get_by_label("Your answer")).to_be_visible(timeout=LIVE_MS)
    audit.check(writing, "couple: private reflection")
    press(writing, "Take a break")
    press(writing, "Start the break")
    expect(writing.get_by_text(re.compile(r"^Back at \d\d:\d\d$"))).to_be_visible(timeout=LIVE_MS)
    audit.check(writing, "couple: break")

    turns = open_at(context, couple_at_app, "listening-turns", wait_ready)
    press(turns, "Start")
    expect(turns.get_by_role("button", name="Pause", exact=True)).to_be_visible(timeout=LIVE_MS)
    audit.check(turns, "couple: turn timer running")

    assert not audit.blocking(), "\n" + audit.report()
