"""The group workshop as a real room lives it, in Chromium: joining from a phone, the end of
the evening reaching every phone, the link on the wall, and the smaller things a counsellor
and the phones notice.

One app server (the real ``app.py`` on a fresh SQLite file) serves every test here. Waits are
``expect`` with a timeout, never fixed sleeps.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import Audit
from tests.e2e.buttons import button, settled
from workshop.engine.address import network_address

LAPTOP = {"viewport": {"width": 1440, "height": 900}}
FIRST_STAGE = "Welcome and ground rules"
LIVE_MS = 15_000


@pytest.fixture(scope="module")
def app(run_app):
    return run_app("app.py")


def test_one_tap_or_enter_joins_from_the_landing_page_and_from_the_retry_box(
    app, desktop, phone, wait_ready, group
) -> None:
    _console, code = group.create(desktop(**LAPTOP), app)

    # One tap on Join, with the keyboard still up over the code just typed.
    tapped = phone().new_page()
    tapped.goto(app.at())
    wait_ready(tapped)
    tapped.get_by_label("Workshop code").fill(code.lower())
    tapped.get_by_role("button", name="Join", exact=True).tap(timeout=5_000)
    expect(tapped.get_by_role("heading", name=FIRST_STAGE)).to_be_visible(timeout=LIVE_MS)

    # Enter on the keyboard.
    entered = phone().new_page()
    entered.goto(app.at())
    wait_ready(entered)
    entered.get_by_label("Workshop code").fill(code)
    entered.get_by_label("Workshop code").press("Enter")
    expect(entered.get_by_role("heading", name=FIRST_STAGE)).to_be_visible(timeout=LIVE_MS)

    # A mistyped link, then the right code in the box that offers another try: one tap.
    retry = phone().new_page()
    retry.goto(app.at("code=ZZZZZZ"))
    wait_ready(retry)
    expect(retry.get_by_text("We couldn't find a workshop with that code.")).to_be_visible()
    retry.get_by_label("Workshop code").fill(code)
    retry.get_by_role("button", name="Join", exact=True).tap(timeout=5_000)
    expect(retry.get_by_role("heading", name=FIRST_STAGE)).to_be_visible(timeout=LIVE_MS)

    # Join with nothing typed says what to do, and stays put.
    empty = phone().new_page()
    empty.goto(app.at())
    wait_ready(empty)
    empty.get_by_role("button", name="Join", exact=True).tap()
    expect(empty.get_by_text("Type the six-letter code from the screen first.")).to_be_visible()


def end_workshop(console) -> None:
    """The facilitator ends the workshop and deletes everything, from the console."""
    console.get_by_role("button", name="End workshop").click()
    console.get_by_text("I have exported what I need").click()
    console.get_by_role("button", name="End and delete everything").click()
    expect(console.get_by_text("Workshop ended; its data is deleted.")).to_be_visible(
        timeout=LIVE_MS
    )


def test_ending_the_workshop_reaches_every_open_phone_within_seconds(
    app, desktop, phone, wait_ready, group, shot
) -> None:
    console, code = group.create(desktop(**LAPTOP), app)
    group.stage(console, 2)
    group.ask(console, "A time I felt understood")
    writing = group.join(phone(), app, code)
    sent = group.join(phone(), app, code)
    group.send(sent, "They listened without fixing anything.")
    writing.get_by_label("Your answer (anonymous)").fill("Half a sentence not sent yet")

    end_workshop(console)
    # Phones ask every 2 seconds: each one shows the ended page within a few seconds,
    # without a reload, with the support panel still one tap away.
    for page in (writing, sent):
        expect(page.get_by_text("This workshop has ended")).to_be_visible(timeout=8_000)
        expect(page.get_by_role("button", name="Send")).to_have_count(0)
        expect(page.get_by_text("A time I felt understood")).to_have_count(0)
        page.get_by_role("button", name="Support").click()
        expect(page.get_by_text("not a crisis service")).to_be_visible()
    shot(writing, "room-phone-ended")


def test_ticking_the_end_box_keeps_the_popover_open_and_reopen_says_the_workshop_ended(
    app, desktop, group, shot
) -> None:
    console, code = group.create(desktop(**LAPTOP), app)
    # Just signed in again: the console's first run draws a little more than the next one.
    group.reopen(console, app, code)
    console.get_by_role("button", name="End workshop").click()
    console.get_by_text("I have exported what I need").click()
    end = console.get_by_role("button", name="End and delete everything")
    # The tick reruns the console: the popover stays open, its button now on.
    expect(end).to_be_enabled(timeout=LIVE_MS)
    shot(console, "room-console-end-ticked")
    end.click()
    expect(console.get_by_text("Workshop ended; its data is deleted.")).to_be_visible(
        timeout=LIVE_MS
    )
    # Trying the ended workshop's code: the answer shows at once, on the tab it was asked on.
    console.get_by_role("tab", name="Reopen a workshop").click()
    console.get_by_label("Workshop code").fill(code)
    console.get_by_label("Workshop passcode", exact=True).fill(group.passcode)
    group.click(console, "Open the console")
    expect(console.get_by_text("That workshop has ended and its data was deleted.")).to_be_visible(
        timeout=LIVE_MS
    )
    expect(console.get_by_role("tab", name="Reopen a workshop")).to_have_attribute(
        "aria-selected", "true"
    )


def luminance(css: str) -> float:
    """The relative luminance of a CSS ``rgb(...)`` colour (WCAG 2)."""
    channels = [int(c) / 255 for c in re.findall(r"\d+", css)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_on_white(css: str) -> float:
    return 1.05 / (luminance(css) + 0.05)


TEXT_LOOK = "e => [parseFloat(getComputedStyle(e).fontSize), getComputedStyle(e).color]"
SLIDE_BOTTOM = """() => Math.max(...[...document.querySelectorAll('.st-key-bedrock_slide li')]
  .map(e => e.getBoundingClientRect().bottom))"""


def test_the_projector_reads_from_the_back_of_the_room_and_closes_with_care(
    app, desktop, projector, group, shot
) -> None:
    console, code = group.create(desktop(**LAPTOP), app)
    group.stage(console, 2)
    screens = {
        1080: group.screen(projector(), console),
        720: group.screen(projector(viewport={"width": 1280, "height": 720}), console),
    }
    for height, screen in screens.items():
        line = screen.get_by_text("Stage 2 of 8 · What is emotional connection?", exact=True)
        expect(line).to_be_visible(timeout=LIVE_MS)
        size, color = line.evaluate(TEXT_LOOK)
        assert size >= height / 36, f"the stage line is {size}px high on a {height}px screen"
        assert contrast_on_white(color) >= 4.5, color
        # The slide uses the screen: its bullets reach well into its lower half.
        assert screen.evaluate(SLIDE_BOTTOM) > 0.6 * height
        body = screen.locator(".st-key-bedrock_slide li").first
        assert body.evaluate(TEXT_LOOK)[0] >= height / 30
        shot(screen, f"room-screen-slide-{height}")

    end_workshop(console)
    for height, screen in screens.items():
        expect(screen.get_by_role("heading", name="Thank you for coming")).to_be_visible(
            timeout=LIVE_MS
        )
        for said in (
            "it grows in small moments",
            "Everything typed on your phones tonight has now been deleted",
            "Where to find support",
            "Talk to the counsellor running your session",  # the workshop's support text
            "not a crisis service",
        ):
            expect(screen.get_by_text(said)).to_be_visible()
        closing = screen.locator(".bedrock-closing")
        size, color = closing.evaluate(TEXT_LOOK)
        assert size >= height / 30 and contrast_on_white(color) >= 4.5
        shot(screen, f"room-screen-ended-{height}")


WALL_WARNING = "Phones can't open this link"


def test_a_link_on_the_wall_that_only_opens_on_this_computer_is_flagged_on_both_screens(
    app, desktop, projector, group, shot
) -> None:
    # This server listens on 127.0.0.1 only: no phone can reach it whatever the wall says.
    console, code = group.create(desktop(**LAPTOP), app)
    screen = group.screen(projector(), console)
    expect(screen.locator(".bedrock-url")).to_have_text(f"{app.url}/?code={code}")
    expect(screen.get_by_text(WALL_WARNING)).to_be_visible(timeout=LIVE_MS)
    expect(console.get_by_text("it only opens on this computer")).to_be_visible()
    expect(console.get_by_text("--server.address 0.0.0.0")).to_be_visible()
    shot(screen, "room-screen-loopback")
    shot(console, "room-console-loopback")


def test_a_laptop_on_the_venue_network_puts_its_network_address_on_the_wall(
    run_app, desktop, projector, phone, group, wait_ready, shot
) -> None:
    address = network_address()
    assert address, "this machine has no network address to offer"
    laptop = run_app("app.py", address="0.0.0.0")
    # The counsellor opens the console on the laptop itself, as the README first says.
    console, code = group.create(desktop(**LAPTOP), laptop)
    expected = f"http://{address}:{laptop.port}/?code={code}"
    expect(console.get_by_text(f"Phones join at {expected}")).to_be_visible()
    screen = group.screen(projector(), console)
    expect(screen.locator(".bedrock-url")).to_have_text(expected, timeout=LIVE_MS)
    expect(screen.get_by_text(WALL_WARNING)).to_have_count(0)
    shot(screen, "room-screen-network")
    # And a phone can open what the wall shows.
    page = phone().new_page()
    page.goto(expected)
    wait_ready(page)
    expect(page.get_by_role("heading", name=FIRST_STAGE)).to_be_visible(timeout=LIVE_MS)


def test_the_operators_public_address_is_the_one_on_the_wall(
    run_app, desktop, projector, group
) -> None:
    hosted = run_app("app.py", env={"BEDROCK_PUBLIC_URL": "https://bedrock.example.org/"})
    console, code = group.create(desktop(**LAPTOP), hosted)
    screen = group.screen(projector(), console)
    expect(screen.locator(".bedrock-url")).to_have_text(
        f"https://bedrock.example.org/?code={code}", timeout=LIVE_MS
    )
    expect(screen.get_by_text(WALL_WARNING)).to_have_count(0)
    expect(console.get_by_text("it only opens on this computer")).to_have_count(0)


def send_word(page, word: str) -> None:
    page.get_by_label("One word or a few").fill(word)
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Sent, anonymously. Thank you.")).to_be_visible(timeout=LIVE_MS)


def test_word_answers_come_back_on_the_wall_as_typed(
    app, desktop, phone, projector, group, shot
) -> None:
    console, code = group.create(desktop(**LAPTOP), app)
    group.ask(console, "Arrival word")
    screen = group.screen(projector(), console)
    phones = [group.join(phone(), app, code) for _ in range(3)]
    for page, word in zip(phones, ("<b>tired</b>", ":red[calm]", ":Red[calm] "), strict=True):
        send_word(page, word)
    expect(group.answers(console)).to_have_text("3 answers", timeout=LIVE_MS)
    group.click(console, "Reveal to the room")
    for page in (screen, phones[0], console):
        labels = page.get_by_test_id("stVegaLiteChart").locator(".role-axis-label text")
        expect(labels).to_have_count(2, timeout=LIVE_MS)
        shown = labels.evaluate_all("els => els.map(e => e.textContent)")
        assert sorted(shown) == [":red[calm]", "<b>tired</b>"]
    shot(screen, "room-screen-words")

    # The room moves on, taking the chart off the wall; the export still says it was revealed.
    group.stage(console, 2)
    group.click(console, "Export")
    with console.expect_download() as download:
        console.get_by_role("button", name="Answers (JSON)").click()
    data = json.loads(download.value.path().read_text(encoding="utf-8"))
    (word,) = [p for s in data["stages"] for p in s["prompts"] if p["title"] == "Arrival word"]
    assert word["revealed"] is True
    assert sorted(w for w, _n in word["words"]) == [":red[calm]", "<b>tired</b>"]


def test_pasting_more_than_the_box_holds_keeps_the_first_600_characters_and_says_so(
    app, desktop, phone, group, shot
) -> None:
    console, code = group.create(desktop(**LAPTOP), app)
    group.stage(console, 2)
    group.ask(console, "A time I felt understood")
    page = group.join(phone(permissions=["clipboard-read", "clipboard-write"]), app, code)
    long_text = "".join(f"sentence {n:04d} of a long letter. " for n in range(160))[:5000]
    assert len(long_text) == 5000
    page.evaluate("text => navigator.clipboard.writeText(text)", long_text)
    box = page.get_by_label("Your answer (anonymous)")
    box.click()
    page.keyboard.press("Control+V")
    expect(box).to_have_value(long_text[:600])
    expect(page.get_by_text("600/600")).to_be_visible()
    expect(
        page.get_by_text("The box holds 600 characters, so it kept the first 600 of the 5000")
    ).to_be_visible()
    shot(page, "room-phone-paste")
    group.click(page, "Send")
    expect(page.get_by_text("Sent, anonymously. Thank you.")).to_be_visible(timeout=LIVE_MS)
    expect(console.get_by_text("Moderate (1)")).to_be_visible(timeout=LIVE_MS)


def rank(page, order: list[str]) -> None:
    """Tap the options of a ranking in order, then send."""
    box = page.get_by_label("Tap them in order, most important first")
    for option in order:
        box.click()
        page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Sent, anonymously.")).to_be_visible(timeout=LIVE_MS)


def test_a_ranking_on_the_wall_shows_the_whole_order(
    app, desktop, phone, projector, group, shot
) -> None:
    console, code = group.create(desktop(**LAPTOP), app)
    for number in range(2, 6):
        group.stage(console, number)
    group.ask(console, "What matters most right now")
    screen = group.screen(projector(), console)
    rankings = [
        ["Trust", "Deeper intimacy", "Open, honest communication"],
        ["Trust", "Open, honest communication", "Deeper intimacy"],
        ["Open, honest communication", "Deeper intimacy", "Trust"],
    ]
    for order in rankings:
        rank(group.join(phone(), app, code), order)
    expect(group.answers(console)).to_have_text("3 answers", timeout=LIVE_MS)
    group.click(console, "Reveal to the room")
    chart = screen.get_by_test_id("stVegaLiteChart")
    labels = chart.locator(".role-axis-label text")
    expect(labels).to_have_count(3, timeout=LIVE_MS)
    # Highest points first; first places alone would put Deeper intimacy at 0.
    assert labels.evaluate_all("els => els.map(e => e.textContent)") == [
        "Trust",
        "Open, honest communication",
        "Deeper intimacy",
    ]
    bars = chart.locator("[aria-roledescription='bar']")
    assert sorted(bars.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")) == [
        "count: 2; answer: Deeper intimacy",
        "count: 3; answer: Open, honest communication",
        "count: 4; answer: Trust",
    ]
    expect(screen.get_by_text("points for the whole order")).to_be_visible()
    shot(screen, "room-screen-ranking")


def test_someone_who_skipped_the_sensitive_stage_can_come_back_in(
    app, desktop, phone, group
) -> None:
    console, code = group.create(desktop(**LAPTOP), app)
    for number in range(2, 8):
        group.stage(console, number)
    group.ask(console, "Which barrier resonates most")
    page = group.join(phone(), app, code)
    expect(page.get_by_text("Before this part")).to_be_visible()
    group.click(page, "Skip this part")
    expect(page.get_by_text("You're skipping this part.")).to_be_visible()
    expect(page.get_by_text("Choose one")).to_have_count(0)
    group.click(page, "I'm ready to join again")
    expect(page.get_by_text("Choose one")).to_be_visible()
    expect(page.get_by_text("You're skipping this part.")).to_have_count(0)


CUT_OFF = """e => [e, ...e.querySelectorAll('*')].some(n => n.scrollWidth > n.clientWidth + 1)"""


def test_the_console_counts_people_plainly_and_its_moderation_buttons_are_whole(
    app, desktop, phone, group, shot
) -> None:
    console, code = group.create(desktop(**LAPTOP), app)
    group.stage(console, 2)
    group.ask(console, "A time I felt understood")
    page = group.join(phone(), app, code)
    group.send(page, "First thing I noticed.")
    group.send(page, "A second thought from the same phone.")
    # Two texts, one person: the count says people, and why the two differ.
    expect(console.get_by_text("Moderate (2)")).to_be_visible(timeout=LIVE_MS)
    expect(console.get_by_text("People who answered")).to_be_visible()
    expect(group.answers(console)).to_have_text("fewer than 3")
    expect(console.get_by_text("Several texts from one phone count once")).to_be_visible()

    console.get_by_text("Moderate (2)").click()
    console.get_by_role("button", name="Hide", exact=True).first.click()
    restore = console.get_by_role("button", name="Restore", exact=True)
    expect(restore).to_be_visible(timeout=LIVE_MS)
    assert not restore.evaluate(CUT_OFF), "the Restore button's label is cut off"
    hide = console.get_by_role("button", name="Hide", exact=True)
    assert not hide.evaluate(CUT_OFF)
    shot(console, "room-console-moderation")


FONT_SIZE = "e => parseFloat(getComputedStyle(e).fontSize)"


def test_on_the_phone_the_question_leads_and_send_stays_in_view_while_the_timer_runs(
    app, desktop, phone, group, shot
) -> None:
    console, code = group.create(desktop(**LAPTOP), app)
    group.stage(console, 2)
    group.ask(console, "A time I felt understood")
    group.click(console, "Start")
    page = group.join(phone(), app, code)
    expect(page.locator(".bc-digits")).to_be_visible(timeout=LIVE_MS)
    question = page.get_by_role("heading", name="A time I felt understood")
    stage = page.get_by_role("heading", name="What is emotional connection?")
    assert question.evaluate(FONT_SIZE) > stage.evaluate(FONT_SIZE)
    send = page.get_by_role("button", name="Send", exact=True)
    expect(send).to_be_in_viewport(ratio=1)
    shot(page, "room-phone-reflection-timer")


HELD = "the facilitator reads yours before it joins them"


def test_a_phone_whose_text_is_already_on_the_wall_is_not_told_it_waits(
    app, desktop, phone, group
) -> None:
    console, code = group.create(desktop(**LAPTOP), app)
    group.stage(console, 2)
    group.ask(console, "A time I felt understood")
    phones = [group.join(phone(), app, code) for _ in range(3)]
    for n, page in enumerate(phones):
        group.send(page, f"Sent before the reveal, number {n}.")
    expect(group.answers(console)).to_have_text("3 answers", timeout=LIVE_MS)
    group.click(console, "Reveal to the room")
    first = phones[0]
    expect(first.get_by_text("The answers are up on the screen now.")).to_be_visible(
        timeout=LIVE_MS
    )
    expect(first.locator(".bedrock-card", has_text="number 0")).to_be_visible()
    expect(first.get_by_text(HELD)).to_have_count(0)
    # A text sent now, with the answers up, does wait for the facilitator, and is told so.
    group.send(first, "Sent while the answers are up.")
    expect(first.get_by_text(HELD)).to_be_visible()


def test_a_reloaded_phone_says_what_it_already_sent(app, desktop, phone, group, shot) -> None:
    console, code = group.create(desktop(**LAPTOP), app)
    group.ask(console, "Opening check-in")
    page = group.join(phone(), app, code)
    group.click(page, "Send")
    expect(page.get_by_text("Sent, anonymously.")).to_be_visible(timeout=LIVE_MS)
    page.reload()
    expect(page.get_by_text("You've answered this one from this phone already")).to_be_visible(
        timeout=LIVE_MS
    )
    expect(group.answers(console)).to_have_text("fewer than 3", timeout=LIVE_MS)

    group.stage(console, 2)
    group.ask(console, "A time I felt understood")
    group.send(page, "Written before the reload.")
    group.send(page, "And a second thought.")
    page.reload()
    expect(
        page.get_by_text("You've sent 2 answers to this question from this phone. Thank you.")
    ).to_be_visible(timeout=LIVE_MS)
    expect(page.get_by_label("Your answer (anonymous)")).to_have_count(0)
    shot(page, "room-phone-reloaded")
    # It can still send another, and it still counts as one person.
    group.click(page, "Send another")
    expect(page.get_by_label("Your answer (anonymous)")).to_be_visible()
    expect(page.get_by_text("You've answered this one")).to_have_count(0)
    expect(console.get_by_text("Moderate (2)")).to_be_visible(timeout=LIVE_MS)
    expect(console.get_by_text("answers from 1 person")).to_be_visible()


def test_the_plan_and_the_checklist_work_on_the_phone_and_stay_there(
    app, desktop, phone, projector, group, shot
) -> None:
    console, code = group.create(desktop(**LAPTOP), app)
    for number in range(2, 7):
        group.stage(console, number)
    screen = group.screen(projector(), console)
    page = group.join(phone(), app, code)

    group.ask_private(console, "Our weekly time together")
    expect(group.answers(console)).to_have_count(0)
    expect(screen.get_by_text("It stays on your phone: nothing is collected.")).to_be_visible(
        timeout=LIVE_MS
    )
    expect(screen.get_by_text("so far")).to_have_count(0)
    for label in ("What will we do?", "When?", "For how long?", "How will we protect it?"):
        expect(page.get_by_label(label)).to_be_visible(timeout=LIVE_MS)
    expect(page.get_by_text("Nothing to send")).to_have_count(0)
    page.get_by_label("What will we do?").fill("A slow walk by the river")
    page.get_by_label("When?").fill("Sunday mornings")
    expect(page.get_by_text("Not sent to the room and not saved anywhere.")).to_be_visible()
    expect(page.get_by_role("button", name="Download a copy")).to_have_count(0)
    # Straight from the last box to the copy, the keyboard still up: the copy holds it all.
    group.click(page, "Make a copy")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download a copy").click()
    kept = download.value.path().read_text(encoding="utf-8")
    assert "A slow walk by the river" in kept and "Sunday mornings" in kept
    shot(page, "room-phone-plan")

    for number in (7, 8):
        group.stage(console, number)
    group.ask_private(console, "Things to try this week")
    expect(screen.get_by_text("It stays on your phone: nothing is collected.")).to_be_visible(
        timeout=LIVE_MS
    )
    item = page.get_by_role("checkbox", name="Thank my partner for something specific")
    expect(item).to_be_visible(timeout=LIVE_MS)
    expect(page.get_by_role("checkbox")).to_have_count(7)
    page.get_by_text("Thank my partner for something specific").click()
    expect(item).to_be_checked()
    expect(page.get_by_role("button", name="Download a copy")).to_be_visible()
    shot(page, "room-phone-checklist")


def test_listening_turns_run_on_the_projector_from_the_console(
    app, desktop, projector, group, shot
) -> None:
    console, code = group.create(desktop(**LAPTOP), app)
    for number in range(2, 7):
        group.stage(console, number)
    screen = group.screen(projector(), console)
    group.ask_private(console, "Listening turns")
    expect(console.get_by_text("Start runs the listening turns on the projector")).to_be_visible()
    # The turns as written: 2 rounds of 2 + 1 minutes each way, and three 15-second swaps.
    expect(console.get_by_label("Minutes")).to_have_value("12.75")
    group.click(console, "Start")

    expect(screen.get_by_text("Round 1 of 2", exact=True)).to_be_visible(timeout=LIVE_MS)
    expect(screen.get_by_text("A speaks · B listens", exact=True)).to_be_visible()
    expect(screen.get_by_text("Next: B says back what they heard (1 min)")).to_be_visible()
    expect(screen.get_by_text("The listener says back what they heard")).to_be_visible()
    digits = screen.locator(".bc-digits")
    expect(digits).to_have_count(1)
    expect(digits).to_have_text(re.compile(r"^(2:00|1:[0-5]\d)$"), timeout=LIVE_MS)
    expect(
        console.get_by_text("Listening turns: round 1 of 2 · A speaks · B listens")
    ).to_be_visible(timeout=LIVE_MS)
    shot(screen, "room-screen-turns")

    group.click(console, "Pause")
    expect(console.get_by_role("button", name="Resume")).to_be_visible(timeout=LIVE_MS)
    expect(screen.locator(".bedrock-countdown")).to_have_attribute(
        "data-state", "paused", timeout=LIVE_MS
    )
    # Read once the projector has the pause (until then it may still tick a second on),
    # then a clock that still ran would have moved on within the next 1.5 s.
    frozen = digits.inner_text()
    screen.wait_for_timeout(1500)
    assert digits.inner_text() == frozen


SNAPSHOT = """() => [
  document.querySelector('.bedrock-wall-page').innerText,
  [...document.querySelectorAll('.bedrock-card')].map(
    e => [e.innerText, e.getBoundingClientRect().bottom])
]"""
STORY = "They listened to the whole story before saying anything at all."
WALL_TEXTS = [f"{n:02d}. {STORY[: 30 + 7 * (n % 8)]}".strip() for n in range(42)]


def test_a_wall_of_42_cards_turns_its_pages_so_every_card_is_read_on_the_projector(
    app, desktop, projector, group, shot
) -> None:
    from workshop.engine.store import Store

    console, code = group.create(desktop(**LAPTOP), app)
    group.stage(console, 2)
    group.ask(console, "A time I felt understood")
    store = Store(app.database_url)
    try:
        for n, text in enumerate(WALL_TEXTS):
            phone = store.join(code=code, client=f"wall {n}")
            store.submit_reflection(code=code, prompt_id="felt-understood", token=phone, text=text)
    finally:
        store.close()
    expect(group.answers(console)).to_have_text("42 answers", timeout=LIVE_MS)
    console.get_by_text("Projector settings").click()
    turn = console.get_by_role("spinbutton", name="Seconds each page of a long wall stays up")
    turn.fill("10")
    turn.press("Enter")
    expect(console.get_by_role("link", name="Open projector screen")).to_have_attribute(
        "href", re.compile(r"&turn=10$"), timeout=LIVE_MS
    )
    group.click(console, "Reveal to the room")
    expect(
        console.get_by_text(re.compile(r"On the projector: 42 cards on \d pages"))
    ).to_be_visible(timeout=LIVE_MS)
    screen = group.screen(projector(), console)
    indicator = screen.locator(".bedrock-wall-page")
    expect(indicator).to_contain_text("of 42", timeout=LIVE_MS)
    pages = int(re.search(r"page \d+ of (\d+)", indicator.inner_text()).group(1))
    assert pages >= 2
    seen: set[str] = set()
    for _ in range(pages):
        # One look at the page, so a page turning meanwhile cannot mix two pages up.
        label, cards = screen.evaluate(SNAPSHOT)
        assert cards, label
        for text, bottom in cards:
            assert bottom <= 1080, f"{text!r} runs off the screen on {label}"
        seen |= {text for text, _bottom in cards}
        if len(seen) < len(WALL_TEXTS):
            expect(indicator).not_to_have_text(label, timeout=15_000)
    shot(screen, "room-screen-wall-pages")
    assert seen == set(WALL_TEXTS)

    # The console turns the projector's page itself, holds it there, and says which is up.
    on_screen = console.get_by_text(re.compile(r"^On screen now: "))
    expect(on_screen).to_contain_text("turning every 10 s")
    group.click(console, "Page ▶")
    expect(on_screen).to_contain_text("held here", timeout=LIVE_MS)
    held = re.search(r"Cards .* of \d+", on_screen.inner_text()).group(0)
    expect(indicator).to_have_text(held, timeout=LIVE_MS)
    group.click(console, "◀ Page")
    expect(on_screen).not_to_contain_text(held, timeout=LIVE_MS)
    before = re.search(r"Cards .* of \d+", on_screen.inner_text()).group(0)
    expect(indicator).to_have_text(before, timeout=LIVE_MS)
    assert before != held
    shot(console, "room-console-wall-held")
    group.click(console, "Turn by time")
    expect(on_screen).to_contain_text("turning every 10 s", timeout=LIVE_MS)


def test_the_console_keeps_its_controls_in_reach_with_a_revealed_wall_of_40_texts(
    app, desktop, group, shot
) -> None:
    from workshop.engine.store import Store

    console, code = group.create(desktop(**LAPTOP), app)
    group.stage(console, 2)
    group.ask(console, "A time I felt understood")
    store = Store(app.database_url)
    try:
        for n, text in enumerate(WALL_TEXTS[:40]):
            phone = store.join(code=code, client=f"wall {n}")
            store.submit_reflection(code=code, prompt_id="felt-understood", token=phone, text=text)
    finally:
        store.close()
    expect(group.answers(console)).to_have_text("40 answers", timeout=LIVE_MS)
    group.click(console, "Reveal to the room")
    expect(console.get_by_role("button", name="Hide results from the room")).to_be_visible(
        timeout=LIVE_MS
    )
    console.get_by_text("Moderate (40)").click()
    # The moderation list shows twenty at a time, each text once; no second copy as cards.
    listed = console.get_by_test_id("stExpanderDetails").get_by_test_id("stText")
    expect(listed).to_have_count(20)
    assert len(set(listed.all_inner_texts())) == 20
    expect(console.locator(".bedrock-card")).to_have_count(0)
    console.get_by_test_id("stMain").evaluate("e => e.scrollTo(0, 0)")
    for control in (
        console.get_by_role("button", name="Stage ▶"),
        console.get_by_role("button", name="Slide ▶"),
        console.get_by_role("button", name="Start"),
        console.get_by_test_id("stRadio").get_by_text("A time I felt understood"),
        console.get_by_role("button", name="Hide results from the room"),
    ):
        expect(control).to_be_in_viewport(ratio=1)
    height = console.get_by_test_id("stMain").evaluate("e => e.scrollHeight")
    assert height < 1400, f"the console grew to {height} px"
    shot(console, "room-console-revealed-40")


ROOM = [
    # (stage title, the exercise put on the phones, what a phone shows for it)
    ("Welcome and ground rules", "Opening check-in", "Your answer"),
    ("What is emotional connection?", "A time I felt understood", "Your answer (anonymous)"),
    ("Why it matters in a relationship", "What makes closeness feel close", "Choose one"),
    ("Building emotional connection", "What already helps us", "Nothing to send"),
    ("Why is emotional connection important?", "What matters most right now", "Tap them"),
    ("How to cultivate emotional connection", "Our weekly time together", "What will we do?"),
    ("Overcoming barriers to emotional connection", "Which barrier resonates most", "Choose one"),
    ("Bringing it together", "Closing check-in", "Your answer"),
]
COLLECTS_NOTHING = {"What already helps us", "Our weekly time together"}
#: Other exercises a stage puts on the phones before its own (above), each checked by axe:
#: (exercise, collects nothing, the phone's answer box).
BEFORE = {
    1: ("Arrival word", False, lambda page: page.get_by_label("One word or a few")),
    6: (
        "Three things I am grateful for",
        False,
        lambda page: page.get_by_label("Your answer (anonymous)"),
    ),
    8: ("Things to try this week", True, lambda page: page.get_by_role("checkbox").first),
}
AUDITED = {1, 3, 4, 5, 6}
"""Stages whose own exercise shows the phone a kind of screen no earlier check has seen."""
TAP = 44
"""CSS pixels each side of a phone's Send and Pass, so a thumb finds them."""
UNDERSTOOD = [
    "They listened without fixing it.",
    "A walk where we just talked.",
    "They remembered a small thing.",
]


# Eleven screens of three phones, a console and a projector through every stage, each screen
# checked by axe-core on the way: about 130 s on a shared two-core machine.
@pytest.mark.timeout(300)
def test_a_room_of_phones_follows_all_eight_stages_with_no_serious_barrier_on_any_screen(
    app, desktop, phone, projector, group, shot, wait_ready
) -> None:
    """The whole evening as a room lives it: every stage on the projector and on three
    phones, each answer kind, a timer, two reveals and the end; and on the way every screen
    of the group workshop (home, the console planning, running and revealed, the phone in
    each answer kind, the projector's wall) checked by axe-core's WCAG 2.2 A/AA rules."""
    audit = Audit()
    laptop = desktop(**LAPTOP)
    planning = laptop.new_page()
    planning.goto(f"{app.url}/facilitate")
    wait_ready(planning)
    expect(planning.get_by_label("Passcode again")).to_be_visible()
    audit.check(planning, "console: planning a new workshop")
    planning.close()
    console, code = group.create(laptop, app)
    audit.check(console, "console: running, stage 1")
    screen = group.screen(projector(), console)

    mine = phone().new_page()  # the phone every screen is checked on
    mine.goto(app.at())
    wait_ready(mine)
    expect(mine.get_by_label("Workshop code")).to_be_visible()
    audit.check(mine, "home (phone)")
    mine.goto(app.at(f"code={code}"))
    wait_ready(mine)
    expect(mine.get_by_text("Listen in for now")).to_be_visible(timeout=LIVE_MS)
    audit.check(mine, "phone: joined with a code, listening")
    phones = [mine, *(group.join(phone(), app, code) for _ in range(2))]

    for number, (stage, exercise, shown) in enumerate(ROOM, start=1):
        if number > 1:
            group.stage(console, number)
        if number in BEFORE:
            other, private, box = BEFORE[number]
            (group.ask_private if private else group.ask)(console, other)
            expect(box(mine)).to_be_visible(timeout=LIVE_MS)
            audit.check(mine, f"phone: {other}")
        if exercise in COLLECTS_NOTHING:
            group.ask_private(console, exercise)
        else:
            group.ask(console, exercise)
        expect(screen.get_by_text(f"Stage {number} of 8 · {stage}", exact=True)).to_be_visible(
            timeout=LIVE_MS
        )
        expect(screen.get_by_role("heading", name=f"On your phone: {exercise}")).to_be_visible()
        for page in phones:
            if stage.startswith("Overcoming"):  # the sensitive stage: its note comes first
                expect(page.get_by_text("Before this part")).to_be_visible(timeout=LIVE_MS)
                if page is mine:
                    audit.check(mine, "phone: content note")
                group.click(page, "Continue")
            expect(page.get_by_role("heading", name=exercise)).to_be_visible(timeout=LIVE_MS)
            expect(page.get_by_text(shown).first).to_be_visible()
        if number in AUDITED:
            audit.check(mine, f"phone: {exercise}")
        if number == 1:  # the scale's two ends stand under its two ends, even on a phone
            # Both measured at once, once the run is over: a line drawn above them between
            # two measurements (the phone's live part) would move one and not the other.
            settled(mine)
            low, high = mine.locator(".bedrock-scale-ends span").evaluate_all(
                """(ends) => ends.map((end) => {
                  const box = end.getBoundingClientRect();
                  return {text: end.innerText, x: box.x, y: box.y};
                })"""
            )
            assert low["text"] == "1 = Not connected at all", low
            assert high["text"] == "10 = Deeply connected", high
            assert abs(low["y"] - high["y"]) < 4 and high["x"] > low["x"], (low, high)
        if number == 2:  # a reflection under a running timer, sent by all, then revealed
            group.click(console, "Start")
            expect(console.locator(".bc-face")).to_have_text(
                re.compile(r"\d:\d\d"), timeout=LIVE_MS
            )
            expect(mine.locator(".bc-face")).to_have_text(re.compile(r"\d:\d\d"), timeout=LIVE_MS)
            audit.check(mine, "phone: reflection, timer running")
            settled(mine)
            for label in ("Send", "Pass"):
                box = button(mine, label).bounding_box()
                assert box and min(box["width"], box["height"]) >= TAP, (label, box)
            for page, text in zip(phones, UNDERSTOOD, strict=True):
                group.send(page, text)
            audit.check(mine, "phone: sent")
            expect(group.answers(console)).to_have_text("3 answers", timeout=LIVE_MS)
            audit.check(console, "console: timer running, answers in")
            group.click(console, "Reveal to the room")
            expect(screen.locator(".bedrock-card")).to_have_count(3, timeout=LIVE_MS)
            audit.check(screen, "projector: revealed wall")
            expect(mine.get_by_text("What the room shared")).to_be_visible(timeout=LIVE_MS)
            audit.check(mine, "phone: revealed wall")
            audit.check(console, "console: wall revealed")
        if number in (1, 8):  # both check-ins, from every phone
            for sent, page in enumerate(phones, start=1):
                group.click(page, "Send")
                expect(page.get_by_text("Sent, anonymously.")).to_be_visible(timeout=LIVE_MS)
                if sent == 2:  # a phone that has not answered yet is joined, not counted
                    expect(
                        console.get_by_text("answers from 2 people · 3 phones joined")
                    ).to_be_visible(timeout=LIVE_MS)
            expect(group.answers(console)).to_have_text("3 answers", timeout=LIVE_MS)
            expect(console.get_by_text("answers from 3 people · 3 phones joined")).to_be_visible()
    shot(mine, "room-phone-scale")

    # The closing check-in beside the opening one, on the wall and on every phone.
    group.click(console, "Reveal to the room")
    expect(screen.get_by_text(re.compile(r"at the opening, .* now"))).to_be_visible(timeout=LIVE_MS)
    for page in phones:
        expect(page.get_by_text("The answers are up on the screen now.")).to_be_visible(
            timeout=LIVE_MS
        )
    labels = screen.get_by_test_id("stVegaLiteChart").locator(".role-axis-label text")
    expect(labels.first).to_be_visible(timeout=LIVE_MS)  # the chart is drawn, labels and all
    for fill in labels.evaluate_all("els => els.map(e => getComputedStyle(e).fill)"):
        assert contrast_on_white(fill) >= 4.5, f"a chart label in {fill} is hard to read"
    shot(screen, "room-screen-checkins")

    end_workshop(console)
    expect(screen.get_by_role("heading", name="Thank you for coming")).to_be_visible(
        timeout=LIVE_MS
    )
    for page in phones:
        expect(page.get_by_text("This workshop has ended")).to_be_visible(timeout=LIVE_MS)
    assert not audit.blocking(), "\n" + audit.report()
