"""A couple's evening at home in Chromium: what a reload, a wipe and a file bring back.

The real app (``app.py``) on a laptop-sized screen, driven as a couple would drive it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

LIVE_MS = 15_000


@pytest.fixture(scope="module")
def app(run_app):
    return run_app("app.py")


def press(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def begin(context: BrowserContext, app, wait_ready, a: str = "Sam", b: str = "Alex") -> Page:
    page = context.new_page()
    page.goto(f"{app.url}/together")
    wait_ready(page)
    page.get_by_label("First partner").fill(a)
    page.get_by_label("Second partner").fill(b)
    press(page, "Let's begin")
    expect(page.get_by_text(re.compile(r"^Stage 1 of 8"))).to_be_visible(timeout=LIVE_MS)
    return page


def check_in(page: Page, a: int, b: int) -> None:
    """Both partners answer the opening check-in privately, share, and reveal."""
    for value in (a, b):
        press(page, "I'm ready: show my question")
        page.get_by_role("radio", name=str(value), exact=True).click()
        press(page, "Done")
        expect(page.get_by_role("button", name="Done", exact=True)).to_have_count(0)
    share = page.get_by_role("button", name="Share", exact=True)
    for left in (1, 0):
        share.first.click()
        expect(share).to_have_count(left, timeout=LIVE_MS)
    press(page, "Reveal")
    expect(page.get_by_text("out of 10").first).to_be_visible(timeout=LIVE_MS)


def next_card(page: Page) -> None:
    """Press Next and wait until the next card's heading is on screen."""
    heading = page.locator("h3").first.inner_text()
    press(page, "Next")
    expect(page.locator("h3").first).not_to_have_text(heading, timeout=LIVE_MS)


def next_until(page: Page, title: str) -> None:
    for _ in range(12):
        if page.locator("h3").first.inner_text() == title:
            return
        next_card(page)
    raise AssertionError(f"never reached {title}")


def open_footer(page: Page) -> None:
    page.get_by_text("Our plan, saving and wiping").click()


def test_a_reload_comes_back_to_the_same_card_with_the_same_names_and_answers(
    app, desktop, wait_ready, shot
) -> None:
    page = begin(desktop(), app, wait_ready, a="Noor", b="Kit")
    next_until(page, "Opening check-in")
    check_in(page, 7, 4)
    next_card(page)
    heading = page.locator("h3").first.inner_text()

    page.reload()
    wait_ready(page)
    expect(page.locator("h3").first).to_have_text(heading, timeout=LIVE_MS)
    expect(page.get_by_label("First partner")).to_have_count(0)
    press(page, "Back")
    expect(page.get_by_text("Noor", exact=True)).to_be_visible(timeout=LIVE_MS)
    expect(page.get_by_text("Kit", exact=True)).to_be_visible()
    expect(page.locator(".together-big")).to_have_text(["7", "4"])
    shot(page, "together-laptop-after-reload")


def test_a_new_tab_starts_fresh_and_the_server_keeps_nothing_after_the_tab_closes(
    app, desktop, wait_ready
) -> None:
    context = desktop()
    page = begin(context, app, wait_ready, a="Noor", b="Kit")
    next_until(page, "Opening check-in")
    assert "Noor" in (page.evaluate("sessionStorage.getItem('bedrock-together')") or "")
    assert page.evaluate("localStorage.getItem('bedrock-together')") is None
    page.close()
    other = context.new_page()
    other.goto(f"{app.url}/together")
    wait_ready(other)
    expect(other.get_by_label("First partner")).to_have_value("Partner A")


def test_wipe_forgets_the_evening_even_after_continuing_from_a_file(
    app, desktop, wait_ready, tmp_path: Path
) -> None:
    context = desktop(accept_downloads=True)
    page = begin(context, app, wait_ready)
    next_until(page, "Opening check-in")
    check_in(page, 9, 2)
    open_footer(page)
    with page.expect_download() as saving:
        press(page, "Save our progress")
    saved = tmp_path / "ours.json"
    saving.value.save_as(saved)

    fresh = context.new_page()
    fresh.goto(f"{app.url}/together")
    wait_ready(fresh)
    fresh.get_by_text("Continuing from an earlier evening?").click()
    fresh.locator("input[type=file]").first.set_input_files(saved)
    expect(fresh.get_by_text(re.compile("Your saved progress is ready"))).to_be_visible(
        timeout=LIVE_MS
    )
    fresh.get_by_label("First partner").fill("Sam")
    fresh.get_by_label("Second partner").fill("Alex")
    press(fresh, "Let's begin")
    wait_ready(fresh)
    fresh.get_by_role("button", name="I was first", exact=True).first.click()
    open_footer(fresh)
    press(fresh, "Wipe everything")
    press(fresh, "Yes, wipe everything")
    expect(fresh.get_by_label("First partner")).to_have_value("Partner A", timeout=LIVE_MS)
    assert fresh.evaluate("sessionStorage.getItem('bedrock-together')") is None

    fresh.get_by_label("First partner").fill("Robin")
    fresh.get_by_label("Second partner").fill("Jo")
    press(fresh, "Let's begin")
    expect(fresh.get_by_text(re.compile(r"^Stage 1 of 8 · about 120"))).to_be_visible(
        timeout=LIVE_MS
    )
    expect(fresh.get_by_text(re.compile("Welcome back"))).to_have_count(0)
    fresh.reload()
    wait_ready(fresh)
    expect(fresh.get_by_text(re.compile(r"^Stage 1 of 8 · about 120"))).to_be_visible(
        timeout=LIVE_MS
    )
    expect(fresh.get_by_text("9", exact=True)).to_have_count(0)
