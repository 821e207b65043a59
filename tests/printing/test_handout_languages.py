"""Handouts and the facilitator guide in Spanish: their headings, labels, footers, ground
rules and safety guidance in Spanish, drawn from the Spanish workshop, in HTML and PDF; the
English ones as they were."""

from __future__ import annotations

import html
import io

import pytest
from pypdf import PdfReader

from workshop.content.loader import get_content
from workshop.printing.handout_files import handout_bytes

SPANISH_GUIDE = (
    "Guía para quien facilita",
    "Agenda",
    "Normas del grupo",
    "Lo que se dice en la sala se queda en la sala.",
    "Seguridad y cuidado",
    "El derecho a pasar",
    "Cuándo sugerir ayuda profesional",
    "Diapositivas y notas para presentar",
)


def read(data: bytes, fmt: str) -> str:
    """The text a reader sees, on one line: PDF text, or the HTML with entities decoded."""
    if fmt == "pdf":
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    else:
        text = html.unescape(data.decode())
    return " ".join(text.split())


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_spanish_handouts_speak_spanish_and_hold_the_spanish_workshop(fmt):
    spanish = get_content("es")
    text = read(handout_bytes(fmt=fmt, document="handouts", language="es"), fmt)
    for module in spanish.modules:
        assert module.title in text
    assert "Etapa 1 de 8" in text and "Ideas clave" in text and "Ejercicios" in text
    labels = text.lower()  # the PDF prints labels in capitals
    assert "mis notas" in labels and "en el taller" in labels and "en pareja, en casa" in labels
    assert "Cuando siento que me comprenden" in text  # a Spanish exercise
    assert "En este taller puedes pasar de cualquier cosa." in text
    for english in ("key ideas", "my notes", "stage 1 of", "in the workshop", "about"):
        assert english not in labels
    if fmt == "html":
        assert '<html lang="es" dir="ltr">' in text
    else:
        assert "material para participantes" in text  # the footer


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_the_spanish_guide_has_spanish_ground_rules_and_safety(fmt):
    text = read(handout_bytes(fmt=fmt, document="guide", language="es"), fmt)
    for heading in SPANISH_GUIDE:
        assert heading in text
    assert "resultados visibles a partir de" in text
    for english in ("Ground rules", "Safety and care", "What is said in the room"):
        assert english not in text


def test_one_spanish_stage_handout_speaks_spanish():
    spanish = get_content("es")
    stage = spanish.modules[1]
    text = read(handout_bytes(fmt="html", document=stage.id, language="es"), "html")
    assert f"<title>{stage.title}</title>" in text
    assert "Etapa 2 de 8" in text


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_english_handouts_are_as_they_were(fmt):
    text = read(handout_bytes(fmt=fmt, document="guide"), fmt)
    assert "Facilitator guide" in text and "Ground rules" in text
    assert "What is said in the room stays in the room." in text
    assert "stages · about" in text and "results shown from" in text
    if fmt == "html":
        assert '<html lang="en" dir="ltr">' in text
