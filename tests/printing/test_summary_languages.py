"""A workshop summary in Spanish: its headings, captions, counts and date in Spanish, the
options of a choice in the Spanish workshop's words, and reflections written in English,
Chinese and Arabic exactly as typed, in every format; CSV and JSON keep their keys."""

from __future__ import annotations

import csv
import html
import io
import json
import unicodedata

import pytest
from pypdf import PdfReader

from workshop.content.loader import get_content
from workshop.content.planning import build_plan
from workshop.engine.errors import AccessDenied
from workshop.engine.store import Store
from workshop.printing import report

NOW = 1_780_315_200.0  # 1 June 2026, midday UTC
REFLECTIONS = ["Walk after dinner on Sundays", "我们每周日晚上一起散步", "نطبخ معا كل جمعة"]
"""What three people wrote, each in their own language."""


@pytest.fixture
def workshop(tmp_path):
    """The shipped workshop (run in English) with an opening check-in, a choice and the
    three reflections revealed to the room; returns (store, code, key)."""
    store = Store(f"sqlite:///{tmp_path / 'bedrock.db'}", clock=lambda: NOW)
    content = get_content()
    plan = build_plan(content, [(m.id, m.minutes) for m in content.modules])
    made = store.create_workshop(title="Grupo del martes", stages=plan, passcode="open sesame")
    code, key = made.code, made.facilitator_key
    for value in [3, 4, 4, 6]:
        store.answer(code=code, prompt_id="checkin-open", token=store.join(code=code), value=value)
    options = content.exercises["mechanical-or-close"].options
    for option in [options[2], options[2], options[0]]:
        store.answer(
            code=code, prompt_id="mechanical-or-close", token=store.join(code=code), value=option
        )
    for text in REFLECTIONS:
        store.submit_reflection(
            code=code, prompt_id="one-thing-this-week", token=store.join(code=code), text=text
        )
    store.go_to_stage(code=code, key=key, index=len(plan) - 1)
    store.set_prompt(code=code, key=key, prompt_id="one-thing-this-week")
    store.reveal(code=code, key=key, prompt_id="one-thing-this-week")
    yield store, code, key
    store.close()


def pdf_text(data: bytes) -> str:
    """The PDF's text without layout spaces (pypdf's NULs in CJK text dropped, Arabic's
    presentation forms folded back to the letters typed)."""
    pages = PdfReader(io.BytesIO(data)).pages
    text = "".join("".join(page.extract_text().split()) for page in pages)
    text = "".join(c for c in text if unicodedata.category(c) != "Cc")
    return unicodedata.normalize("NFKC", text.replace("\u2068", "").replace("\u2069", ""))


def squeezed(text: str) -> str:
    return "".join(text.split())


def spanish(workshop, fmt: str) -> bytes:
    store, code, key = workshop
    return report.report_bytes(store=store, code=code, key=key, fmt=fmt, now=NOW, language="es")


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_a_spanish_summary_speaks_spanish_around_reflections_kept_as_typed(workshop, fmt):
    data = spanish(workshop, fmt)
    text = squeezed(html.unescape(data.decode())) if fmt == "html" else pdf_text(data)
    for words in (
        "Resumen del taller",
        "exportado el 1 de junio de 2026",
        "Plan y tiempos",
        "Previsto (min)",
        "Check-in de apertura y de cierre",
        "Check-in de apertura: 4 respuestas, media 4,2",
        "Resultados por etapa",
        "Sentir que me valoran",  # the choice's option, in the Spanish workshop's words
        "3 respuestas",
        "Solo se muestran totales y respuestas anónimas.",
    ):
        assert squeezed(words) in text, words
    for typed in REFLECTIONS:
        assert squeezed(typed) in text, typed
    for english in ("Plan and timing", "Results by stage", "answers", "exported", "average"):
        assert squeezed(english) not in text
    if fmt == "html":
        assert '<htmllang="es"dir="ltr">' in text


def test_a_spanish_csv_and_json_keep_their_keys_and_translate_only_human_text(workshop):
    rows = list(csv.DictReader(io.StringIO(spanish(workshop, "csv").decode("utf-8-sig"))))
    assert list(rows[0]) == ["stage", "exercise", "kind", "responses", "answer", "count", "note"]
    chosen = {r["answer"]: r["count"] for r in rows if r["kind"] == "Elección"}
    assert chosen["Sentir que me valoran"] == "2"
    written = [r["answer"] for r in rows if r["kind"] == "Reflexión" and r["answer"]]
    assert sorted(written) == sorted(REFLECTIONS)
    assert any(r["note"] == "No se muestra: hay muy pocas respuestas." for r in rows)

    data = json.loads(spanish(workshop, "json"))
    assert set(data["workshop"]) == {"code", "title", "exported"}
    assert data["workshop"]["exported"] == "1 de junio de 2026"
    prompts = {p["id"]: p for s in data["stages"] for p in s["prompts"]}
    week = prompts["one-thing-this-week"]
    assert week["kind"] == "reflection" and week["responses"] == "3 respuestas"
    assert sorted(week["reflections"]) == sorted(REFLECTIONS)
    assert prompts["mechanical-or-close"]["distribution"]["Sentir que me valoran"] == 2


def test_an_english_summary_is_as_it_was(workshop):
    store, code, key = workshop
    text = report.report_bytes(store=store, code=code, key=key, fmt="html", now=NOW).decode()
    assert '<html lang="en" dir="ltr">' in text
    assert "exported 1 June 2026" in text and "Plan and timing" in text
    assert "Opening check-in: 4 answers, average 4.2" in text
    assert "Feeling appreciated" in text


def test_a_summary_that_cannot_be_made_says_why_in_spanish(workshop):
    store, code, _ = workshop
    data = report.export_bytes(store=store, code=code, key="wrong", fmt="csv", language="es")
    assert data.decode().startswith("No se pudo preparar el resumen.")
    with pytest.raises(AccessDenied):
        report.report_bytes(store=store, code=code, key="wrong", fmt="csv")
