"""WCAG 2.2 AA checks by axe-core on every screen that matters, in Chromium.

A couple at home checked on every screen on its way (names, a card, whose turn, a private
answer, the reveal, the break, the turn timer), failing once at its end with every serious
or critical violation by screen, rule and element; the group workshop's screens are checked
the same way along the room's walk through every stage (``test_room.py``). Then what a
screen reader is told, a thumb's reach and the keyboard alone.
"""

from __future__ import annotations

import re
from contextlib import suppress

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e.axe import Audit
from tests.e2e.buttons import button, labelled, settled
from tests.e2e.conftest import open_at

LAPTOP = {"viewport": {"width": 1440, "height": 900}}
LIVE_MS = 15_000
TAP = 44
"""CSS pixels each side of a phone's main buttons, so a thumb finds them (WCAG's enhanced
target size; axe's target-size rule checks the 24 px minimum everywhere)."""

# Rules not checked, each with its reason. Keep this short: a rule goes here only when the
# violation is Streamlit's own markup that the app cannot reach, and the README says so.
SKIP: dict[str, str] = {}


@pytest.fixture(scope="module")
def app(run_app):
    return run_app("app.py")


def press(page: Page, name: str) -> None:
    """Click a button once the page's run is over (a button a run is replacing loses the
    click); on a page that keeps running (a clock), after 10 s all the same."""
    with suppress(PlaywrightTimeoutError):
        settled(page, timeout_ms=10_000)
    button(page, name).click()


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

    check = open_at(context, couple_at_app, "checkin-open")
    expect(check.get_by_text("Sam's turn", exact=True)).to_be_visible(timeout=LIVE_MS)
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

    writing = open_at(context, couple_at_app, "felt-understood")
    press(writing, "I'm ready: show my question")
    expect(writing.get_by_label("Your answer")).to_be_visible(timeout=LIVE_MS)
    audit.check(writing, "couple: private reflection")
    press(writing, "Take a break")
    press(writing, "Start the break")
    expect(writing.get_by_text(re.compile(r"^Back at \d\d:\d\d$"))).to_be_visible(timeout=LIVE_MS)
    audit.check(writing, "couple: break")

    turns = open_at(context, couple_at_app, "listening-turns")
    press(turns, "Start")
    expect(turns.get_by_role("button", name=labelled("Pause"))).to_be_visible(timeout=LIVE_MS)
    audit.check(turns, "couple: turn timer running")

    assert not audit.blocking(), "\n" + audit.report()


TARGETS = "button, [data-testid='stRadioOption'], [data-testid='stCheckbox'] label"
"""What a thumb taps on the couple's answer form: buttons, pills, a choice's whole row and a
checklist item's whole row (label and box)."""


def small_targets(controls: Locator, count: int) -> list[tuple[str, float, float]]:
    """Each of ``controls`` (``count`` of them, once all are drawn) narrower or lower than
    :data:`TAP`: (its text, width, height)."""
    # Counted once the page's run is over, among the controls drawn on screen only (the
    # screen before keeps its buttons in the page for a moment, with no size, until the
    # browser drops them), and measured all at once in the page, so a run drawing them
    # again cannot interleave.
    settled(controls.page)
    controls = controls.filter(visible=True)
    expect(controls).to_have_count(count, timeout=LIVE_MS)
    boxes = controls.evaluate_all(
        """(all) => all.map((control) => {
          const box = control.getBoundingClientRect();
          return [control.innerText.trim(), box.width, box.height];
        })"""
    )
    assert len(boxes) == count, boxes
    return [(text, width, height) for text, width, height in boxes if min(width, height) < TAP]


def test_a_couple_s_answer_controls_are_big_enough_for_a_thumb_on_a_phone(
    couple_at_app, phone, wait_ready
) -> None:
    context = phone()
    form = "[class*='st-key-together_form_']"
    small: dict[str, list[tuple[str, float, float]]] = {}
    # Each form: its own controls, then Show it / Keep it to myself and Done / Pass.
    for exercise, count in (
        ("checkin-open", 10 + 4),
        ("mechanical-or-close", 6 + 4),
        ("this-week-checklist", 7 + 4),
    ):
        page = open_at(context, couple_at_app, exercise)
        press(page, "I'm ready: show my question")
        small[exercise] = small_targets(page.locator(form).locator(TARGETS), count)
        if exercise == "checkin-open":
            for value in ("7", "4"):
                page.get_by_role("radio", name=value, exact=True).click()
                page.get_by_text("Keep it to myself", exact=True).click()
                press(page, "Done")
                expect(page.get_by_role("button", name="Done", exact=True)).to_have_count(0)
                if value == "7":
                    press(page, "I'm ready: show my question")
            button(page, "Change my choice").first.click()
            expect(page.get_by_text("Sam, only you see this")).to_be_visible(timeout=LIVE_MS)
            small["private choice"] = small_targets(
                button(page, "Show it at the reveal").or_(button(page, "Keep it to myself")), 2
            )
    assert not any(small.values()), small


# --- what a screen reader is told ------------------------------------------------------------


def said(page: Page, key: str) -> Locator:
    """The live region mounted under ``key``: what a screen reader reads out."""
    return page.locator(f".st-key-{key} .bedrock-announcer[aria-live='polite']")


def test_a_phone_says_in_its_live_region_what_changed_and_what_it_did(
    app, desktop, phone, group, wait_ready
) -> None:
    console, code = group.create(desktop(**LAPTOP), app)
    mine = phone().new_page()
    mine.goto(app.at(f"code={code}"))
    wait_ready(mine)
    region = said(mine, "join_say")
    expect(region).to_have_count(1, timeout=LIVE_MS)
    expect(region).to_have_text("")

    group.ask(console, "Arrival word")
    expect(region).to_have_text("New question: Arrival word.", timeout=LIVE_MS)
    mine.get_by_label("One word or a few").fill("calm")
    press(mine, "Send")
    expect(region).to_have_text("Sent.", timeout=LIVE_MS)

    group.stage(console, 2)
    expect(region).to_have_text("New stage: What is emotional connection?", timeout=LIVE_MS)
    group.stage(console, 3)
    expect(region).to_have_text("New stage: Why it matters in a relationship.", timeout=LIVE_MS)
    group.ask(console, "What makes closeness feel close")
    expect(region).to_have_text("New question: What makes closeness feel close.", timeout=LIVE_MS)
    press(mine, "Send")  # nothing chosen yet
    error = mine.get_by_test_id("stAlertContentError")
    expect(error).to_have_text("Choose an answer first, or pass.", timeout=LIVE_MS)
    expect(region).to_have_text("Choose an answer first, or pass.")
    press(mine, "Pass")
    expect(region).to_have_text("Passed.", timeout=LIVE_MS)

    # A timer of 66 seconds: a minute is left after 6; cut short, its time is up at once.
    minutes = console.get_by_label("Minutes")
    minutes.fill("1.1")
    minutes.press("Tab")
    expect(minutes).to_have_value("1.10", timeout=LIVE_MS)
    press(console, "Start")
    timer = said(mine, "join_timer_say")
    expect(mine.locator(".bc-face")).to_have_text(re.compile(r"^1:0\d$"), timeout=LIVE_MS)
    expect(timer).to_have_text("", timeout=1_000)
    expect(timer).to_have_text("One minute left.", timeout=LIVE_MS)
    press(console, "−1 min")
    expect(timer).to_have_text("Time is up.", timeout=LIVE_MS)
    expect(mine.locator(".bc-face")).to_have_text("Time's up")

    # Three people answer; the counsellor puts the answers up.
    press(mine, "Answer after all")
    for answering in (mine, group.join(phone(), app, code), group.join(phone(), app, code)):
        answering.get_by_text("Feeling appreciated", exact=True).click()
        press(answering, "Send")
        expect(answering.get_by_text(re.compile("^Sent, anonymously"))).to_be_visible(
            timeout=LIVE_MS
        )
    expect(group.answers(console)).to_have_text("3 answers", timeout=LIVE_MS)
    press(console, "Reveal to the room")
    expect(region).to_have_text("Answers are now on the screen.", timeout=LIVE_MS)


def test_a_couple_hears_whose_turn_it_is_and_each_new_phase_of_the_turn_timer(
    couple_at_app, tablet, wait_ready
) -> None:
    context = tablet()
    page = open_at(context, couple_at_app, "arrival-word")
    region = said(page, "together_say")
    heading = page.locator(".together-turn")
    expect(heading).to_have_text(re.compile(r"^\w+'s turn$"), timeout=LIVE_MS)
    first = heading.inner_text()
    expect(region).to_have_text(f"{first}.", timeout=LIVE_MS)
    press(page, "I'm ready: show my question")
    page.get_by_label("Your word").fill("hopeful")
    press(page, "Done")
    expect(heading).not_to_have_text(first, timeout=LIVE_MS)
    second = heading.inner_text()
    assert second.endswith("'s turn") and second != first
    expect(region).to_have_text(f"{second}.", timeout=LIVE_MS)

    turns = open_at(context, couple_at_app, "listening-turns")
    press(turns, "Start")
    phase = said(turns, "together_turn_say")
    expect(phase).to_have_text("Round 1: Sam speaks.", timeout=LIVE_MS)
    press(turns, "Skip phase")
    expect(phase).to_have_text("Round 1: Alex says back what they heard.", timeout=LIVE_MS)


def test_a_phone_reads_a_revealed_chart_s_numbers_as_text(app, desktop, phone, group) -> None:
    console, code = group.create(desktop(**LAPTOP), app)
    phones = [group.join(phone(), app, code) for _ in range(3)]
    group.ask(console, "Opening check-in")
    for answering in phones:  # each sends the slider's middle point, 5
        expect(answering.get_by_role("slider")).to_be_visible(timeout=LIVE_MS)
        press(answering, "Send")
        expect(answering.get_by_text(re.compile("^Sent, anonymously"))).to_be_visible(
            timeout=LIVE_MS
        )
    expect(group.answers(console)).to_have_text("3 answers", timeout=LIVE_MS)
    press(console, "Reveal to the room")
    numbers = phones[0].get_by_role("list", name="The chart in numbers")
    expect(numbers.get_by_role("listitem")).to_have_text(["5: 3 people"], timeout=LIVE_MS)

    for number in (2, 3):
        group.stage(console, number)
    group.ask(console, "What makes closeness feel close")
    for answering, choice in zip(
        phones,
        ("Feeling appreciated", "Feeling appreciated", "Feeling listened to that day"),
        strict=True,
    ):
        answering.get_by_text(choice, exact=True).click()
        press(answering, "Send")
        expect(answering.get_by_text(re.compile("^Sent, anonymously"))).to_be_visible(
            timeout=LIVE_MS
        )
    expect(group.answers(console)).to_have_text("3 answers", timeout=LIVE_MS)
    press(console, "Reveal to the room")
    items = numbers.get_by_role("listitem")
    expect(items).to_have_count(7, timeout=LIVE_MS)  # every option, as on the chart
    for line in (
        "Having had unhurried time together beforehand: nobody",
        "Feeling listened to that day: 1 person",
        "Feeling appreciated: 2 people",
    ):
        expect(items.filter(has_text=line)).to_have_count(1)
    # Out of sight (one pixel high, clipped away), yet read aloud.
    box = numbers.bounding_box()
    assert box and box["height"] <= 1, box
    expect(numbers).to_have_css("clip-path", "inset(50%)")


# --- without a mouse -----------------------------------------------------------------------

TABS = 80
"""More Tab presses than any screen needs to reach any control."""


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until ``target`` has the keyboard focus, as someone without a mouse does;
    fails when it is never reached."""
    handle = target.element_handle(timeout=LIVE_MS)
    for _ in range(TABS):
        if page.evaluate(
            "el => el === document.activeElement || el.contains(document.activeElement)", handle
        ):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


def focus_ring(page: Page) -> str:
    """How the focused element shows its focus: its outline, or its ring drawn as a shadow."""
    return page.evaluate(
        """() => {
          const style = getComputedStyle(document.activeElement);
          const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
          return outline ? `outline ${style.outlineWidth} ${style.outlineColor}`
            : style.boxShadow !== "none" ? `shadow ${style.boxShadow}` : "";
        }"""
    )


def choose_prompt(console: Page, steps: int, title: str, group) -> None:
    """On the console, Tab to the prompts and move down ``steps`` with the arrow keys."""
    prompts = console.get_by_role("radiogroup", name="Prompt")  # not the language switch
    tab_to(console, prompts.get_by_role("radio", checked=True))
    for _ in range(steps):
        console.keyboard.press("ArrowDown")
    expect(console.get_by_role("radio", name=title, checked=True)).to_have_count(1, timeout=LIVE_MS)
    expect(group.answers(console)).to_be_visible(timeout=LIVE_MS)
    # Shortcuts wait while a choice list has the focus (its arrow keys move the choice):
    # on to a button, from which every shortcut works.
    tab_to(console, button(console, "Stage ▶"))


def test_a_participant_and_a_facilitator_need_no_mouse(
    app, desktop, phone, group, wait_ready
) -> None:
    console, code = group.create(desktop(**LAPTOP), app)
    mine = phone().new_page()
    mine.goto(app.at())
    wait_ready(mine)
    tab_to(mine, mine.get_by_label("Workshop code"))
    mine.keyboard.type(code)
    mine.keyboard.press("Enter")
    expect(mine.get_by_text("Listen in for now")).to_be_visible(timeout=LIVE_MS)

    choose_prompt(console, 1, "Opening check-in", group)
    slider = mine.get_by_role("slider")
    tab_to(mine, slider)
    before = slider.get_attribute("aria-valuenow")
    mine.keyboard.press("ArrowRight")
    expect(slider).not_to_have_attribute("aria-valuenow", before or "")
    send = button(mine, "Send")
    tab_to(mine, send)
    assert focus_ring(mine), "the focused Send button shows its focus"
    mine.keyboard.press("Enter")
    expect(mine.get_by_text(re.compile("^Sent, anonymously"))).to_be_visible(timeout=LIVE_MS)

    choose_prompt(console, 1, "Arrival word", group)
    expect(mine.get_by_label("One word or a few")).to_be_visible(timeout=LIVE_MS)
    tab_to(mine, button(mine, "Pass"))
    mine.keyboard.press("Enter")
    expect(mine.get_by_text("You passed on this one.")).to_be_visible(timeout=LIVE_MS)

    console.keyboard.press("Shift+N")
    expect(console.get_by_text("Stage 2 of 8", exact=True)).to_be_visible(timeout=LIVE_MS)
    choose_prompt(console, 2, "A time I felt understood", group)
    console.keyboard.press("t")
    expect(console.get_by_role("button", name=labelled("Pause"))).to_be_visible(timeout=LIVE_MS)
    box = mine.get_by_label("Your answer (anonymous)")
    tab_to(mine, box)
    mine.keyboard.type("They stayed on the phone until I felt calmer.")
    tab_to(mine, button(mine, "Send"))
    mine.keyboard.press("Enter")
    expect(mine.get_by_text("Sent, anonymously. Thank you.")).to_be_visible(timeout=LIVE_MS)
    for text in ("A hand on my shoulder.", "They asked and then waited."):
        group.send(group.join(phone(), app, code), text)
    expect(group.answers(console)).to_have_text("3 answers", timeout=LIVE_MS)

    console.keyboard.press("s")
    expect(console.get_by_role("button", name="Hide results from the room")).to_be_visible(
        timeout=LIVE_MS
    )
    expect(mine.get_by_text("What the room shared")).to_be_visible(timeout=LIVE_MS)
    console.keyboard.press("t")
    expect(console.get_by_role("button", name=labelled("Resume"))).to_be_visible(timeout=LIVE_MS)
    console.keyboard.press("Shift+N")
    expect(console.get_by_text("Stage 3 of 8", exact=True)).to_be_visible(timeout=LIVE_MS)
    expect(mine.get_by_text("New stage: Why it matters in a relationship.")).to_have_count(
        1, timeout=LIVE_MS
    )


def test_a_couple_runs_the_turn_timer_from_the_keyboard(couple_at_app, tablet) -> None:
    page = open_at(tablet(), couple_at_app, "listening-turns")
    heading = page.locator(".together-turn")
    tab_to(page, button(page, "Start"))
    page.keyboard.press("Enter")
    expect(heading).to_have_text("Sam speaks", timeout=LIVE_MS)

    tab_to(page, button(page, "Pause"))
    page.keyboard.press("Space")
    expect(button(page, "Resume")).to_be_visible(timeout=LIVE_MS)
    expect(page.get_by_role("timer")).to_contain_text("Paused")

    tab_to(page, button(page, "Resume"))
    page.keyboard.press("Space")
    expect(button(page, "Pause")).to_be_visible(timeout=LIVE_MS)

    skip = button(page, "Skip phase")
    tab_to(page, skip)
    assert focus_ring(page), "the focused Skip phase button shows its focus"
    page.keyboard.press("Enter")
    expect(heading).to_have_text("Alex says back what they heard", timeout=LIVE_MS)
    expect(said(page, "together_turn_say")).to_have_text(
        "Round 1: Alex says back what they heard.", timeout=LIVE_MS
    )
