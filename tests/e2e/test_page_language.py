"""The page's own language in a real browser: a phone whose browser speaks Spanish gets
``<html lang="es">`` and the Spanish join and answer screens, switches to English in one tap
and keeps that choice after a reload; the right-to-left pseudo-language turns the page to
``dir="rtl"`` on the join and answer screens."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
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


def english_only_messages() -> list[str]:
    """Interface sentences whose Spanish differs from the English: none of them may show on a
    Spanish screen (single words and names are left out, as they may be either)."""
    from babel.messages.pofile import read_po

    from workshop.i18n.catalogues import catalogue_path

    with catalogue_path("es").open("rb") as po:
        catalogue = read_po(po)
    found = []
    for message in catalogue:
        if not message.id or not isinstance(message.id, str) or "{" in message.id:
            continue
        english = message.id.replace("**", "").replace("#", "").strip()
        spanish = str(message.string).replace("**", "").replace("#", "").strip()
        if len(english.split()) >= 3 and english != spanish and "\n" not in english:
            found.append(english)
    return found


NAMES_TYPED = ("美玲", "अनु")


def typed_word(number: int) -> str:
    """A word nobody else types, in three scripts, so a log line holding it is unmistakable."""
    return f"Ρ{number}静か{number}ठहर{number}"


@pytest.mark.timeout(420)
def test_a_couple_s_whole_evening_in_spanish_comes_home_in_spanish_and_leaves_no_word_behind(
    run_app, desktop, wait_ready, tmp_path
):
    """A couple whose browser speaks Spanish and who write in any script: every card of the
    evening, its buttons and notes are Spanish (no English sentence of the interface on any
    screen); their plan comes home in Spanish, as a PDF and to print, and holds their words;
    their progress file continues the evening; and no word they typed, not even a lone
    letter of their names, reaches the server's output."""
    from pypdf import PdfReader

    english = english_only_messages()
    app = run_app("app.py", env={"PYTHONWARNINGS": "always"})
    context = desktop(locale="es-ES", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{app.url}/together")
    wait_ready(page, timeout_ms=60_000)
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.get_by_label("Primera persona").fill(NAMES_TYPED[0])
    page.get_by_label("Segunda persona").fill(NAMES_TYPED[1])
    group_press = page.get_by_role("button", name="Empecemos", exact=True)
    settled(page)
    group_press.click()
    expect(page.get_by_text(re.compile(r"^Etapa 1 de 8"))).to_be_visible(timeout=15_000)
    typed: list[str] = list(NAMES_TYPED)

    def type_into(box) -> None:
        word = typed_word(len(typed))
        typed.append(word)
        box.fill(word)

    def press(name: str) -> None:
        settled(page)
        page.get_by_role("button", name=name, exact=True).click()

    main = page.locator("[data-testid=stMain]")
    seen: set[str] = set()
    for step in range(120):
        wait_ready(page)
        settled(page)
        shown = " ".join(main.inner_text().split())
        left = [sentence for sentence in english if sentence in shown]
        assert not left, f"English on a Spanish screen at step {step}: {left}"
        seen.add(page.locator("h3").first.inner_text() if page.locator("h3").count() else "")
        if page.get_by_text("Han llegado al final").count():
            break
        if page.get_by_text("Antes de esta parte").count():
            press("Continuar")
            expect(page.get_by_text("Antes de esta parte")).to_have_count(0, timeout=15_000)
            continue
        if page.get_by_role("button", name="Adelante: muéstrame mi pregunta").count():
            press("Adelante: muéstrame mi pregunta")
            form = page.locator("[class*='st-key-together_form_']")
            expect(form).to_be_visible(timeout=15_000)
            boxes = form.get_by_role("textbox")
            if boxes.count():
                for n in range(boxes.count()):
                    type_into(boxes.nth(n))
                press("Listo")
            else:
                press("Pasar")
            expect(form).to_have_count(0, timeout=15_000)
            continue
        if page.get_by_role("button", name="Revelar").count():
            press("Revelar")
            expect(page.get_by_role("button", name="Revelar")).to_have_count(0, timeout=15_000)
            continue
        plan_boxes = main.locator("[class*='st-key-together_plan_'] textarea")
        if plan_boxes.count() and not page.get_by_text("Guardado en esta pantalla").count():
            for n in range(plan_boxes.count()):
                type_into(plan_boxes.nth(n))
            press("Guardar nuestro plan")
            expect(page.get_by_text("Guardado en esta pantalla")).to_be_visible(timeout=15_000)
            continue
        heading = page.locator("h3").first.inner_text()
        press("Siguiente")
        expect(page.locator("h3", has_text=heading)).to_have_count(0, timeout=15_000)
    else:
        raise AssertionError("the evening never reached its end")
    assert "Nuestro tiempo semanal en pareja" in seen, seen
    assert len(typed) > 12, typed

    files: dict[str, Path] = {}
    for label in ("Plan (PDF)", "Una página (PDF)", "Para imprimir", "Guardar nuestro avance"):
        with page.expect_download() as made:
            press(label)
        files[label] = tmp_path / made.value.suggested_filename
        made.value.save_as(files[label])
    with page.expect_download() as made:
        press("Añadir a nuestros calendarios (.ics)")
    made.value.save_as(tmp_path / made.value.suggested_filename)

    reader = PdfReader(files["Plan (PDF)"])
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert text.startswith("Nuestro plan "), text[:80]
    assert re.search(r"\d+ de [a-z]+ de \d{4}", text), text[:80]
    assert "Nuestro tiempo semanal en pareja" in text and "¿Qué haremos?" in text
    for sentence in ("Our plan", "Our check-ins", "out of"):
        assert sentence not in text
    html_page = files["Para imprimir"].read_text(encoding="utf-8")
    assert '<html lang="es" dir="ltr">' in html_page and "Nuestro plan" in html_page
    assert typed[-1] in html_page

    # The progress file continues the evening in a new tab.
    again = context.new_page()
    again.goto(f"{app.url}/together")
    wait_ready(again)
    again.get_by_text("¿Siguen desde una tarde anterior?").click()
    again.locator("input[type=file]").first.set_input_files(files["Guardar nuestro avance"])
    expect(again.get_by_text(re.compile("Su avance guardado está listo"))).to_be_visible(
        timeout=15_000
    )

    app.stop()
    output = app.log()
    assert "Traceback" not in output, output[-2000:]
    for word in typed:
        assert word not in output, "no word a couple types reaches the server's output"
        for letter in word:
            # A lone character of their names or words, as a font log quotes it.
            if ord(letter) > 0x2FF:
                assert f"'{letter}'" not in output, letter
