"""From the console: export what the room produced before ending, and switch the chime off."""

from __future__ import annotations

import io
import json
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

LAPTOP = {"viewport": {"width": 1440, "height": 900}, "accept_downloads": True}


@pytest.fixture(scope="module")
def app(run_app):
    return run_app("server.py")


def test_the_console_exports_what_the_room_saw_then_ends_the_workshop(
    app, desktop, phone, group, shot
):
    console, code = group.create(desktop(**LAPTOP), app)
    group.stage(console, 2)
    group.ask(console, "A time I felt understood")
    words = ["Being listened to at dinner", "A hand on my shoulder", "Coffee made for me"]
    # Three people, three phones: tabs of one browser share its token and count as one.
    phones = [phone() for _ in words]
    for browser, text in zip(phones, words, strict=True):
        group.send(group.join(browser, app, code), text)
    expect(group.answers(console)).to_have_text("3 answers", timeout=group.live_ms)
    group.click(console, "Reveal to the room")

    group.click(console, "Export")
    with console.expect_download() as pdf_download:
        console.get_by_role("button", name="Summary (PDF)").click()
    pdf = PdfReader(io.BytesIO(pdf_download.value.path().read_bytes()))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert code in text
    assert "What is emotional connection?" in text
    for written in words:
        assert written in " ".join(text.split())

    with console.expect_download() as json_download:
        console.get_by_role("button", name="Answers (JSON)").click()
    data = json.loads(json_download.value.path().read_text(encoding="utf-8"))
    assert sorted(words) == sorted(_all_reflections(data))
    shot(console, "console-export")

    console.keyboard.press("Escape")
    group.click(console, "End workshop")
    console.get_by_text("I have exported what I need").click()
    group.click(console, "End and delete everything")
    expect(console.get_by_text("Workshop ended; its data is deleted.")).to_be_visible(
        timeout=group.live_ms
    )
    ended = group.join(phones[0], app, code)
    expect(ended.get_by_text("This workshop has ended")).to_be_visible(timeout=group.live_ms)


def test_switching_the_chime_off_opens_a_silent_projector(app, desktop, group):
    console, _code = group.create(desktop(**LAPTOP), app)
    link = console.get_by_role("link", name="Open projector screen")
    assert "chime=0" not in (link.get_attribute("href") or "")
    console.get_by_text("Projector settings").click()
    console.get_by_text("Soft chime on the projector when time is up").click()
    expect(console.get_by_role("link", name="Open projector screen")).to_have_attribute(
        "href", re.compile(r"&chime=0$")
    )


def _all_reflections(data) -> list[str]:
    """Every reflection text anywhere in the exported JSON."""
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "reflections" and isinstance(value, list):
                    found.extend(v if isinstance(v, str) else v.get("text", "") for v in value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(data)
    return found
