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
