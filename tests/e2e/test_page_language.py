"""The page's own language in a real browser: a phone whose browser speaks Spanish gets
``<html lang="es">`` and the Spanish join and answer screens, switches to English in one tap
and keeps that choice after a reload; the right-to-left pseudo-language turns the page to
``dir="rtl"`` on the join and answer screens."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.buttons import settled

WORD = "Arrival word"


def html_language(page) -> tuple[str, str]:
    return tuple(page.evaluate("[document.documentElement.lang, document.documentElement.dir]"))


def test_a_spanish_phone_is_a_spanish_page_and_keeps_its_switch_after_a_reload(
    run_app, group, desktop, phone, shot, page_errors
):
    app = run_app("server.py")
    console, code = group.create(desktop(), app)
    group.ask(console, WORD)

    page = group.join(phone(locale="es-ES"), app, code)
    errors = page_errors(page)
    expect(page.get_by_text(re.compile(rf"^Taller {code} · etapa 1 de \d+$"))).to_be_visible()
    expect(page.get_by_label("Una palabra o unas pocas")).to_be_visible(timeout=group.live_ms)
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert html_language(page) == ("es", "ltr")
    shot(page, "language-phone-es")

    page.get_by_label("Una palabra o unas pocas").fill("esperanza")
    group.click(page, "Enviar")
    expect(page.get_by_text("Enviado, de forma anónima. Gracias.")).to_be_visible(
        timeout=group.live_ms
    )

    # One tap on the phone's own language switch.
    settled(page)
    page.get_by_role("radiogroup", name="Idioma").get_by_role("radio", name="English").click()
    expect(page.get_by_text(re.compile(rf"^Workshop {code} · stage 1 of \d+$"))).to_be_visible(
        timeout=group.live_ms
    )
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.evaluate("localStorage.getItem('bedrock-language')") == "en"

    # A reload is a new session: the browser still asks for Spanish, the phone keeps English.
    page.reload()
    settled(page)
    expect(page.get_by_text(re.compile(rf"^Workshop {code} · stage 1 of \d+$"))).to_be_visible(
        timeout=group.live_ms
    )
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert errors == []


def test_the_right_to_left_pseudo_language_turns_the_join_and_answer_screens(
    run_app, group, desktop, phone, shot
):
    app = run_app("server.py")
    page = phone().new_page()
    page.goto(app.at("code=ZZZZZZ&lang=ar-XB"))
    settled(page)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert html_language(page) == ("ar-XB", "rtl")
    expect(page.get_by_role("heading", name=re.compile("Join a workshop"))).to_be_visible()
    shot(page, "language-rtl-join")

    console, code = group.create(desktop(), app)
    group.ask(console, WORD)
    page.goto(app.at(f"code={code}&lang=ar-XB"))
    settled(page)
    box = page.get_by_role("textbox", name=re.compile("One word or a few"))
    expect(box).to_be_visible(timeout=group.live_ms)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    box.fill("hope")
    page.get_by_role("button", name=re.compile(r"^\u202eSend\u202c")).click()
    expect(page.get_by_text(re.compile("Sent, anonymously. Thank you."))).to_be_visible(
        timeout=group.live_ms
    )
    assert html_language(page) == ("ar-XB", "rtl")
    shot(page, "language-rtl-answer")


def test_one_room_two_languages_each_phone_in_its_own_and_one_wall(
    run_app, group, desktop, phone, projector, shot, page_errors
):
    """A workshop run in English with one phone in Spanish and one in English: each phone
    shows the stage, question and options in its language, both answers count on one wall,
    the projector stays English, and the Spanish phone is a Spanish page."""
    app = run_app("server.py")
    console, code = group.create(desktop(), app)
    group.stage(console, 2)
    group.stage(console, 3)
    group.ask(console, "What makes closeness feel close")
    screen = group.screen(projector(), console)

    spanish = group.join(phone(locale="es-ES"), app, code)
    english = group.join(phone(locale="en-GB"), app, code)
    errors = page_errors(spanish)
    expect(spanish.get_by_role("heading", name="Por qué importa en una relación")).to_be_visible(
        timeout=group.live_ms
    )
    expect(
        spanish.get_by_role("heading", name="Lo que hace que la intimidad se sienta cercana")
    ).to_be_visible()
    expect(spanish.locator("html")).to_have_attribute("lang", "es")
    expect(english.get_by_role("heading", name="What makes closeness feel close")).to_be_visible(
        timeout=group.live_ms
    )
    expect(english.locator("html")).to_have_attribute("lang", "en")
    assert english.get_by_text("Lo que hace").count() == 0

    settled(spanish)
    spanish.get_by_text("Sentir que me escucharon ese día", exact=True).click()
    group.click(spanish, "Enviar")
    expect(spanish.get_by_text("Enviado, de forma anónima.")).to_be_visible(timeout=group.live_ms)
    shot(spanish, "language-phone-es-choice")
    settled(english)
    english.get_by_text("Feeling listened to that day", exact=True).click()
    group.click(english, "Send")
    expect(english.get_by_text("Sent, anonymously.")).to_be_visible(timeout=group.live_ms)
    third = group.join(phone(locale="en-GB"), app, code)  # the room's answers need three
    third.get_by_text("Feeling appreciated", exact=True).click()
    group.click(third, "Send")
    expect(third.get_by_text("Sent, anonymously.")).to_be_visible(timeout=group.live_ms)

    expect(group.answers(console)).to_have_text("3 answers", timeout=group.live_ms)
    group.click(console, "Reveal to the room")
    bars = screen.get_by_test_id("stVegaLiteChart").locator("[aria-roledescription='bar']")
    expect(bars.first).to_be_attached(timeout=group.live_ms)
    labels = bars.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    assert "count: 2; answer: Feeling listened to that day" in labels, labels
    expect(screen.locator("html")).to_have_attribute("lang", "en")
    # The Spanish phone reads the same two answers in its own words.
    expect(spanish.get_by_text("Lo que compartió la sala")).to_be_visible(timeout=group.live_ms)
    spanish_bars = spanish.get_by_test_id("stVegaLiteChart").locator("[aria-roledescription='bar']")
    expect(spanish_bars.first).to_be_attached()
    spanish_labels = spanish_bars.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    assert any("Sentir que me escucharon ese día" in label for label in spanish_labels), (
        spanish_labels
    )
    shot(screen, "language-screen-en")
    assert errors == []
