"""A couple's plan in the language their screen shows: its headings, labels, date and notes
in that language, their own words as they wrote them, in every format."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader

from workshop.content.loader import get_content
from workshop.couple import evening
from workshop.couple.evening import CoupleProgress, Names
from workshop.printing import couple_plan

NAMES = Names(a="Sam", b="Alex")
WORDS = {"A": "Cuando me escuchaste sin mirar el móvil", "B": "When you made me tea"}


def spanish_plan() -> couple_plan.PlanDocument:
    content = get_content("es")
    progress = CoupleProgress()
    exercise = content.exercises["felt-understood"]
    for partner in ("A", "B"):
        progress = evening.open_entry(progress, exercise=exercise, partner=partner, now=0)
        progress = evening.submit_answer(
            progress, exercise=exercise, partner=partner, value=WORDS[partner]
        )
        progress = evening.choose(progress, exercise_id=exercise.id, partner=partner, share=True)
    progress = evening.reveal(progress, exercise_id=exercise.id)
    progress = evening.set_plan(
        progress,
        exercise=content.exercises["weekly-ritual"],
        values={"what": "Pasear los domingos", "when": "Domingo 10:00"},
    )
    return couple_plan.plan_document(
        progress, content=content, names=NAMES, today=date(2026, 12, 1), language="es"
    )


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def test_a_spanish_plan_speaks_spanish_around_the_words_they_wrote():
    document = spanish_plan()
    assert document.title == "Nuestro plan"
    assert document.subtitle == "Sam y Alex · 1 de diciembre de 2026"
    assert [s.heading for s in document.sections] == [
        "Nuestro tiempo semanal en pareja",
        "Cuando sentí que me comprendían",
    ]
    markdown = couple_plan.plan_markdown(document)
    assert "**¿Qué haremos?**" in markdown and "Pasear los domingos" in markdown
    assert "When you made me tea" in markdown  # what they wrote stays as written
    page = couple_plan.plan_html(document)
    assert '<html lang="es" dir="ltr">' in page
    assert "usen la opción Imprimir del navegador" in page
    text = text_of(couple_plan.plan_pdf(document))
    assert "Nuestro plan" in text and "1 de diciembre de 2026" in text
    assert "Cuando me escuchaste sin mirar el móvil" in text


def test_the_one_page_plan_says_what_it_shortened_and_left_out_in_spanish():
    lines = tuple(f"Paseo número {n}" for n in range(40))
    sections = tuple(
        couple_plan.PlanSection(f"Sección {n}", (couple_plan.PlanEntry("Sam", lines),))
        for n in range(12)
    )
    document = couple_plan.PlanDocument("Nuestro plan", "Sam y Alex", sections, language="es")
    flat = text_of(couple_plan.plan_pdf_one_page(document))
    assert "Para que quepa en una página, se acortaron 12 respuestas (marcadas con …)." in flat
    assert "se dejó fuera: Sección" in flat
    assert "El plan completo (PDF o Para imprimir) tiene cada palabra." in flat
    assert "(y 38 más)" in flat or "(y 39 más)" in flat
    assert "shortened" not in flat and "more)" not in flat


def test_an_english_plan_is_as_it_was():
    content = get_content()
    document = couple_plan.plan_document(
        CoupleProgress(), content=content, names=NAMES, today=date(2026, 12, 1)
    )
    assert (document.title, document.subtitle) == ("Our plan", "Sam and Alex · 1 December 2026")
    assert "Nothing shared yet." in couple_plan.plan_markdown(document)
    assert '<html lang="en" dir="ltr">' in couple_plan.plan_html(document)
