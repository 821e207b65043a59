"""Every PDF writes what people type in any script (Chinese, Hindi, Arabic, Hebrew, emoji),
says so in the PDF when a character cannot be drawn, and never lets those words reach a log.

Runs on the fonts the project's set-up installs (.ci/run: fonts-dejavu-core, fonts-noto-core,
fonts-noto-cjk, fonts-noto-color-emoji); a missing font is simulated with an empty folder.
"""

from __future__ import annotations

import io
import logging
import unicodedata
import warnings
from datetime import date

import pytest
from pypdf import PdfReader

from workshop.content.loader import get_content
from workshop.content.planning import build_plan
from workshop.couple import evening
from workshop.couple.evening import CoupleProgress, Names
from workshop.printing import couple_plan, handouts_pdf, report
from workshop.printing.document import PrintDocument

NAMES = Names(a="美玲", b="अनु")
ARABIC = "نمشي معًا كل أحد"
HEBREW = "ללכת יחד"
WORDS = {
    "A": "每个星期天一起散步 🌿",
    "B": f"हर रविवार साथ टहलना, {ARABIC} 💛",
}
NOWHERE = "𓂀"  # an Egyptian hieroglyph: no installed font has it
TYPED = [NAMES.a, NAMES.b, ARABIC, HEBREW, *WORDS.values(), NOWHERE, "美", "玲", "अ", "🌿"]
"""What people typed, and single characters of it, that no log may hold."""
LOST = "could not be drawn with the fonts installed"


def pdf_text(data: bytes) -> str:
    """The PDF's text as a reader copying it would get it, without layout spaces. pypdf
    puts a NUL before each character of a CJK font's two-byte codes (poppler's pdftotext
    does not), so those are dropped; Arabic comes back in its presentation forms, which
    NFKC folds to the letters typed; the invisible marks that isolate a right-to-left word
    in a line are dropped, as are the codes pypdf gives a glyph that shaping adds with no
    letter of its own (one in "रविवार", whose letters are mapped to the glyph before)."""
    pages = PdfReader(io.BytesIO(data)).pages
    text = "".join("".join(page.extract_text().split()) for page in pages)
    text = text.replace("\u2068", "").replace("\u2069", "")
    text = "".join(char for char in text if unicodedata.category(char) != "Cc")
    return unicodedata.normalize("NFKC", text)


def squeezed(text: str) -> str:
    return "".join(text.split())


def drawn(data: bytes) -> list[tuple[str, str, float]]:
    """Each run of text the PDF draws, with its font's name and its size in points."""
    runs: list[tuple[str, str, float]] = []

    def visit(text, cm, tm, font, size) -> None:
        if text.strip():
            runs.append((text.replace("\x00", ""), str(font["/BaseFont"]), size))

    for page in PdfReader(io.BytesIO(data)).pages:
        page.extract_text(visitor_text=visit)
    return runs


MIXED = {
    "Chinese": "我们每周日晚上一起散步 and talk about the week ahead, 然后一起做饭",
    "Hindi": "हर रविवार साथ टहलना and talk about the week ahead, फिर खाना बनाना",
}
"""Lines mixing a script DejaVu Sans lacks with English, as a couple might write them."""


def plan_pdf(extra: str = "", **fonts) -> bytes:
    content = get_content()
    progress = CoupleProgress()
    exercise = content.exercises["felt-understood"]
    for partner in ("A", "B"):
        progress = evening.open_entry(progress, exercise=exercise, partner=partner, now=0)
        progress = evening.submit_answer(
            progress, exercise=exercise, partner=partner, value=WORDS[partner] + extra
        )
        progress = evening.choose(progress, exercise_id=exercise.id, partner=partner, share=True)
    progress = evening.reveal(progress, exercise_id=exercise.id)
    progress = evening.set_plan(
        progress,
        exercise=content.exercises["weekly-ritual"],
        values={"what": HEBREW, "when": "周日 10:00"},
    )
    document = couple_plan.plan_document(
        progress, content=content, names=NAMES, today=date(2026, 11, 30)
    )
    return couple_plan.plan_pdf(document, **fonts)


def summary_pdf(store) -> bytes:
    content = get_content()
    plan = build_plan(content, [(m.id, m.minutes) for m in content.modules])
    made = store.create_workshop(
        title=f"Tuesday group {NAMES.a}", stages=plan, passcode="open sesame"
    )
    code, key = made.code, made.facilitator_key
    for text in [*WORDS.values(), HEBREW, f"{NAMES.b} {NOWHERE}"]:
        store.submit_reflection(
            code=code, prompt_id="one-thing-this-week", token=store.join(code=code), text=text
        )
    for word in [NAMES.a, NAMES.a, "أمل"]:
        store.submit_reflection(
            code=code, prompt_id="arrival-word", token=store.join(code=code), text=word
        )
    store.set_prompt(code=code, key=key, prompt_id="arrival-word")
    store.reveal(code=code, key=key, prompt_id="arrival-word")
    store.go_to_stage(code=code, key=key, index=len(plan) - 1)
    store.set_prompt(code=code, key=key, prompt_id="one-thing-this-week")
    store.reveal(code=code, key=key, prompt_id="one-thing-this-week")
    return report.report_bytes(store=store, code=code, key=key, fmt="pdf", content=content)


def handout_pdf() -> bytes:
    """A stage's handout as a counsellor might write it: a title and slide in other scripts."""
    content = get_content()
    welcome = content.module("welcome")
    slide = welcome.slides[0].model_copy(
        update={"title": f"{NAMES.a} {NAMES.b}", "body": f"- {ARABIC}\n- **{HEBREW}** 🌿"}
    )
    module = welcome.model_copy(update={"title": "Bienvenue 美玲", "slides": [slide]})
    changed = content.model_copy(update={"modules": [module, *content.modules[1:]]})
    return handouts_pdf.handouts(changed, module_id="welcome")


def test_the_couples_plan_keeps_their_names_and_words_in_every_script():
    text = pdf_text(plan_pdf())
    for typed in (NAMES.a, NAMES.b, ARABIC, HEBREW, "30November2026", "🌿", "💛", "周日10:00"):
        assert squeezed(typed) in text, typed
    assert LOST not in text  # every character was drawn


def test_the_summary_keeps_reflections_words_and_title_in_every_script(any_store):
    text = pdf_text(summary_pdf(any_store))
    for typed in (f"Tuesdaygroup{NAMES.a}", NAMES.b, ARABIC, HEBREW, "🌿", "أمل"):
        assert squeezed(typed) in text, typed
    assert f"{NAMES.a}:2;" in text  # the word chart's values, as text


def test_a_handout_keeps_a_counsellors_own_words_in_every_script():
    text = pdf_text(handout_pdf())
    for typed in ("Bienvenue美玲", NAMES.b, ARABIC, HEBREW, "🌿"):
        assert squeezed(typed) in text, typed


def test_a_character_no_font_has_is_noted_in_the_pdf_not_lost_in_silence():
    text = pdf_text(plan_pdf(extra=f" {NOWHERE}"))
    assert squeezed(f"Note: 1 character in this document {LOST}") in text
    assert "TheHTMLversionshowseverycharacter" in text


def test_without_the_fallback_fonts_the_pdf_is_still_made_and_says_what_is_missing(tmp_path):
    text = pdf_text(plan_pdf(fallback_dir=tmp_path))
    assert "Ourplan" in text and "30November2026" in text
    assert squeezed(LOST) in text
    assert "fonts-noto-cjk" in text


def test_with_only_a_core_font_the_pdf_is_still_made_and_says_what_is_missing(tmp_path):
    text = pdf_text(plan_pdf(font_dir=tmp_path, fallback_dir=tmp_path))
    assert "Ourplan" in text and "??and???" in text
    assert squeezed(LOST) in text


def test_no_word_anyone_typed_reaches_a_log_or_stderr(any_store, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        made = [plan_pdf(extra=f" {NOWHERE}"), summary_pdf(any_store), handout_pdf()]
    assert all(data.startswith(b"%PDF") for data in made)
    out, err = capfd.readouterr()
    logged = "\n".join(
        [caplog.text, out, err, *(str(w.message) for w in warned)]
        + [str(record.args) for record in caplog.records]
    )
    for typed in TYPED:
        assert typed not in logged, (typed, logged[:500])
    assert "missing" not in logged.lower()


@pytest.mark.parametrize("name", [NAMES.a, NAMES.b, ARABIC])
def test_no_typed_name_reaches_a_log_even_when_its_font_is_missing(tmp_path, caplog, capfd, name):
    caplog.set_level(logging.DEBUG)
    document = couple_plan.plan_document(
        CoupleProgress(),
        content=get_content(),
        names=Names(a=name, b="Sam"),
        today=date(2026, 11, 30),
    )
    data = couple_plan.plan_pdf(document, fallback_dir=tmp_path)
    out, err = capfd.readouterr()
    if name != ARABIC:  # DejaVu Sans itself has Arabic letters: nothing is lost
        assert squeezed(LOST) in pdf_text(data)
    for part in (name, *name.replace(" ", "")):
        assert part not in caplog.text + out + err


def long_mixed(script: str) -> str:
    """A line that wraps over three lines or more in any column of any PDF."""
    return " ".join([MIXED[script]] * 4)


@pytest.mark.parametrize("script", MIXED)
def test_a_long_line_mixing_scripts_keeps_every_letter_and_its_font_where_it_wraps(script):
    words = long_mixed(script)
    document = couple_plan.PlanDocument(
        "Our plan",
        f"{NAMES.a} and Sam",
        (
            couple_plan.PlanSection(
                "Our weekly time together",
                (
                    couple_plan.PlanEntry("What will we do?", (words,)),
                    couple_plan.PlanEntry(NAMES.a, (words,), "A"),
                    couple_plan.PlanEntry("Sam", (words, words), "B"),
                ),
            ),
        ),
    )
    typed = f"What will we do? {words} {NAMES.a} {words} Sam • {words} • {words}"
    for data in (couple_plan.plan_pdf(document), couple_plan.plan_pdf_one_page(document)):
        assert squeezed(typed) in pdf_text(data)
        runs = drawn(data)
        answers = runs[[text for text, _, _ in runs].index("What will we do?") + 1 :]
        for text, font, size in answers:
            if text.strip() not in ("What will we do?", NAMES.a, "Sam"):
                assert "Bold" not in font and size == 9.5, (text, font, size)


@pytest.mark.parametrize("script", MIXED)
def test_a_printed_document_keeps_a_long_mixed_line_and_its_font_where_it_wraps(script):
    words = long_mixed(script)
    pdf = PrintDocument(title="Summary", footer="Summary")
    pdf.add_page()
    pdf.heading("Responses")
    pdf.paragraph(words)
    pdf.table_of(["Stage", "Words"], [[MIXED[script][:6], words]], widths=(40, 134))
    pdf.bullet(words)
    data = pdf.to_bytes()
    text = pdf_text(data)
    assert squeezed(f"Responses {words} Stage Words {MIXED[script][:6]} {words} • {words}") in text
    runs = drawn(data)
    footer = [text for text, _, _ in runs].index("Summary")
    for text, font, size in runs[1:footer]:
        if text.strip() not in ("Stage", "Words"):
            assert "Bold" not in font and size in (10.5, 9.5), (text, font, size)
