"""Faults in the middle of a workshop, in Chromium: the app server killed outright, and the
PostgreSQL server restarted under a running app.

What must hold: nothing a phone was told was sent is lost, every screen comes back to the
same stage, the shared timer still agrees with its deadline, and while the database is away
people see a calm "Reconnecting…" instead of an error, with their unsent words kept.
"""

from __future__ import annotations

import re
import subprocess
import time

import pytest
from playwright.sync_api import Page, expect

from workshop.engine.store import Store

STAGE_TWO = "What is emotional connection?"
PROMPT = "A time I felt understood"
LAPTOP = {"viewport": {"width": 1440, "height": 900}}
PG_CTL = ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main"]


def agrees_with(page: Page, deadline: float) -> None:
    """The page's countdown counts down to the stored deadline: it shows no more than was
    left at the server moment it last synced to (its ``data-server-now``; a page that was
    slow to arrive on a busy machine counts from then), and no less than is left now, give
    or take the display's once-a-second step and its rounding up."""
    shown, synced = remaining_and_sync(page)
    least = deadline - time.time()
    most = deadline - synced
    assert least - 1 <= shown <= most + 1, (shown, least, most)


def remaining_and_sync(page: Page) -> tuple[int, float]:
    """Seconds shown by the page's countdown and the server moment (s) it synced to."""
    # The moment first: a run arriving in between then only makes the shown time smaller.
    synced = page.locator(".bedrock-countdown").first.get_attribute("data-server-now")
    shown = remaining_on(page)
    assert synced, "the countdown names the server moment it counts from"
    return shown, int(synced) / 1000


def remaining_on(page: Page) -> int:
    """Seconds shown by the page's countdown (``"3:58"`` is 238)."""
    digits = page.locator(".bc-digits")
    expect(digits).to_have_text(re.compile(r"^\d+:\d\d$"), timeout=15_000)
    minutes, seconds = digits.inner_text().strip().split(":")
    return int(minutes) * 60 + int(seconds)


def stored_reflections(url: str, code: str, passcode: str) -> list[str]:
    """Every reflection on the prompt, read straight from the database, sorted."""
    store = Store(url)
    try:
        key = store.open_console(code=code, passcode=passcode)
        queue = store.moderation_queue(code=code, key=key, prompt_id="felt-understood")
    finally:
        store.close()
    return sorted(r.text for r in queue)


def stored_deadline(url: str, code: str) -> float:
    """When the workshop's running timer ends, as stored."""
    store = Store(url)
    try:
        ends_at = store.state(code=code).timer.ends_at
    finally:
        store.close()
    assert ends_at is not None
    return ends_at


def pg_ctl(action: str) -> None:
    """Stop or start the local PostgreSQL cluster and wait until it has; starting one that is
    already running is fine (exit status 2)."""
    done = subprocess.run([*PG_CTL, action], capture_output=True, text=True, timeout=60)
    if done.returncode not in ((0, 2) if action == "start" else (0,)):
        raise AssertionError(f"pg_ctlcluster {action} failed: {done.stdout}{done.stderr}")


def no_error_shown(page: Page) -> None:
    """No exception box and no traceback anywhere on the page."""
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert "Traceback" not in page.content()


def report(name: str, value: float, unit: str = "s") -> None:
    """Print a measured figure (shown with ``pytest -n 0 -s``)."""
    print(f"\n[figure] {name}: {value:.2f} {unit}")


def test_a_killed_server_restarts_where_the_workshop_was(
    run_app, group, desktop, phone, projector, page_errors
) -> None:
    app = run_app("server.py")
    console, code = group.create(desktop(**LAPTOP), app)
    group.stage(console, 2)
    group.ask(console, PROMPT)
    screen = group.screen(projector(), console)
    phones = [group.join(phone(), app, code) for _ in range(3)]
    sent = [
        "Someone stayed on the phone with me until the storm passed.",
        "They noticed I was quiet and asked, without pushing.",
        "A friend repeated back what I meant better than I had said it.",
    ]
    group.send(phones[0], sent[0])
    group.send(phones[1], sent[1])
    group.click(console, "Start")
    expect(console.get_by_role("button", name="Pause")).to_be_visible()
    before = remaining_on(screen)
    deadline = stored_deadline(app.database_url, code)
    # The last reflection is acknowledged, then the server dies at once.
    group.send(phones[2], sent[2])
    app.kill()
    killed_at = time.monotonic()

    again = run_app(app.script, env=app.env, port=app.port)
    report("SQLite: server killed to healthy again", time.monotonic() - killed_at)
    assert stored_deadline(again.database_url, code) == deadline

    # The projector reconnects by itself; its countdown is drawn from the stored deadline.
    expect(screen.get_by_text(f"Stage 2 of 8 · {STAGE_TWO}")).to_be_visible()
    expect(screen.get_by_text(f"On your phone: {PROMPT}")).to_be_visible()
    agrees_with(screen, deadline)
    assert remaining_on(screen) <= before  # never more time than before the restart
    # The phones reload and are back at the same stage and prompt.
    for page in phones:
        page.reload()
        expect(page.get_by_role("heading", name=STAGE_TWO)).to_be_visible(timeout=group.live_ms)
        expect(page.get_by_text(PROMPT, exact=True)).to_be_visible()
        # Each sent its reflection before the kill, and says so rather than offering a
        # first answer again.
        expect(
            page.get_by_text("You've sent 1 answer to this question from this phone. Thank you.")
        ).to_be_visible(timeout=group.live_ms)
        agrees_with(page, deadline)
    report("SQLite: killed to phones back after a reload", time.monotonic() - killed_at)

    # The console opens again with the code and passcode, and has every reflection.
    started = time.monotonic()
    group.reopen(console, again, code)
    report("SQLite: console reopened with code and passcode", time.monotonic() - started)
    errors = page_errors(console)
    expect(console.get_by_text("Stage 2 of 8", exact=True)).to_be_visible()
    expect(group.answers(console)).to_have_text(f"{len(sent)} answers", timeout=group.live_ms)
    expect(console.get_by_role("button", name="Pause")).to_be_visible()
    agrees_with(console, deadline)

    # The store holds exactly what the phones were told was sent.
    assert stored_reflections(again.database_url, code, group.passcode) == sorted(sent)

    # And the workshop goes on: a phone that joins now is one more person, and its
    # reflection reaches the console and the projector, which was never reloaded. (The
    # reloaded phones keep their browser's token, so they still count as the same three.)
    group.send(group.join(phone(), again, code), "After the restart, still here.")
    expect(group.answers(console)).to_have_text(f"{len(sent) + 1} answers", timeout=group.live_ms)
    expect(screen.get_by_text(f"{len(sent) + 1} answers")).to_be_visible(timeout=group.live_ms)
    assert errors == []
    assert "Traceback" not in again.log()


@pytest.mark.restarts_postgresql
def test_a_postgresql_restart_mid_workshop_loses_nothing_and_recovers_by_itself(
    run_app, pg_url, group, desktop, phone, projector
) -> None:
    app = run_app("server.py", env={"DATABASE_URL": pg_url})
    console, code = group.create(desktop(**LAPTOP), app)
    group.stage(console, 2)
    group.ask(console, PROMPT)
    screen = group.screen(projector(), console)
    expect(screen.get_by_text(f"On your phone: {PROMPT}")).to_be_visible(timeout=group.live_ms)
    page = group.join(phone(), app, code)
    before = "Being asked a second question, not just the first polite one."
    group.send(page, before)
    group.click(page, "Send another")
    during = "Written while the database was away."
    box = page.get_by_label("Your answer (anonymous)")
    box.fill(during)

    stopped = time.monotonic()
    try:
        pg_ctl("stop")
        # A reflection sent now is said to be unsent (on screen, and to a screen reader),
        # and the words stay in the box.
        group.click(page, "Send")
        unsent = re.compile(r"^Not sent")
        alert = page.get_by_test_id("stAlertContentError").get_by_text(unsent)
        expect(alert).to_be_visible(timeout=group.live_ms)
        expect(page.get_by_role("status").filter(has_text=unsent)).to_have_count(1)
        expect(box).to_have_value(during)
        # A projector reloaded now, and a phone joining now, cannot be drawn yet.
        screen.reload()
        late = group.join(phone(), app, code)
        # Every screen says it is reconnecting, calmly.
        for waiting in (screen, page, late):
            expect(waiting.get_by_text(re.compile("^Reconnecting…")).first).to_be_visible(
                timeout=group.live_ms
            )
        expect(console.get_by_text(re.compile("Reconnecting…|Retrying…")).first).to_be_visible(
            timeout=group.live_ms
        )
        for shown in (screen, page, late, console):
            no_error_shown(shown)
    finally:
        starting = time.monotonic()
        pg_ctl("start")
    restarted = time.monotonic()
    report("PostgreSQL outage (stop to started)", restarted - stopped)

    # Back by themselves, with no reload.
    expect(screen.get_by_text(f"On your phone: {PROMPT}")).to_be_visible(timeout=group.live_ms)
    report("projector back, from the start command", time.monotonic() - starting)
    expect(late.get_by_text(PROMPT, exact=True)).to_be_visible(timeout=group.live_ms)
    report("newly joined phone back, from the start command", time.monotonic() - starting)
    for waiting in (screen, late):
        expect(waiting.get_by_text(re.compile("^Reconnecting…"))).to_have_count(0)
    expect(page.get_by_text("Reconnecting…")).to_have_count(0, timeout=group.live_ms)
    expect(box).to_have_value(during)
    group.click(page, "Send")
    expect(page.get_by_text("Sent, anonymously. Thank you.")).to_be_visible(timeout=group.live_ms)
    expect(group.answers(console)).to_have_text("fewer than 3", timeout=group.live_ms)
    for shown in (screen, page, late, console):
        no_error_shown(shown)
    assert stored_reflections(pg_url, code, group.passcode) == sorted([before, during])
    app.stop()
    assert "Traceback" not in app.log()
