"""Participant handouts and the facilitator guide, read back as a counsellor would see them."""

from __future__ import annotations

import html
import io

import pytest
from pypdf import PdfReader

from workshop.content.loader import get_content
from workshop.printing import handouts_pdf
from workshop.printing.document import markdown_html
from workshop.printing.handout_files import handout_bytes

SAFETY_SECTIONS = (
    "Agenda",
    "Ground rules",
    "Safety and care",
    "Content notes",
    "The right to pass",
    "When someone is distressed",
    "If someone tells you about harm",
    "When to suggest a professional",
)


def pdf_text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def read(data: bytes, fmt: str) -> str:
    """The text a reader sees: PDF text, or the HTML with its entities decoded."""
    return pdf_text(data) if fmt == "pdf" else html.unescape(data.decode())


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def content():
    return get_content()


@pytest.mark.parametrize("fmt", ["pdf", "html"])
def test_handouts_hold_every_stage_its_ideas_and_exercises(content, fmt):
    data = handout_bytes(fmt=fmt, document="handouts", content=content)
    text = read(data, fmt)
    for module in content.modules:
        assert module.title in text
        for exercise in content.exercises_for(module.id):
            assert exercise.title in text
    assert text.count("Key ideas") == len(content.modules)
    assert text.count("My notes") == len(content.modules)
    barriers = content.module("barriers")
    assert words(barriers.content_note)[:60] in words(text)  # the content note comes first
    ritual = content.exercises["weekly-ritual"]
    assert all(field.label in text for field in ritual.fields)  # a plan's questions to fill in


def test_html_handouts_show_our_markdown_and_no_scripts(content):
    page = handout_bytes(fmt="html", document="handouts", content=content).decode()
    assert "<strong>your own partner</strong>" in page
    assert "**" not in page
    assert "<script" not in page.lower()


def test_markdown_is_escaped_before_it_is_formatted():
    assert markdown_html("- **Trust** <img src=x>\n- plain") == (
        "<ul>\n<li><strong>Trust</strong> &lt;img src=x&gt;</li>\n<li>plain</li>\n</ul>"
    )


def test_raw_html_and_images_in_slide_text_print_as_text():
    page = markdown_html(
        "# Closeness\n\n<script>alert(1)</script>\n\nSee ![a map](http://example.org/t.png) "
        "and <b onclick=x>this</b>, *gently*."
    )
    assert "<script" not in page and "<b " not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "example.org" not in page  # a printed page loads nothing from elsewhere
    assert "See a map and &lt;b onclick=x&gt;this&lt;/b&gt;, <em>gently</em>." in page
    assert "<h3>Closeness</h3>" in page  # below the page's own h1 and h2


def test_slide_markdown_reaches_the_pdf_as_formatting_not_marks(content):
    slide = content.module("welcome").slides[0]
    body = "- **Close** and *warm*\n- 2--3 times a week, `__init__` stays\n- <i>raw</i>"
    module = content.module("welcome").model_copy(
        update={"slides": [slide.model_copy(update={"body": body})]}
    )
    changed = content.model_copy(update={"modules": [module, *content.modules[1:]]})
    text = pdf_text(handouts_pdf.handouts(changed, module_id="welcome"))
    assert "Close and warm" in text
    assert "2--3 times a week, __init__ stays" in text
    assert "<i>raw</i>" in text
    assert "**" not in text and "*warm*" not in text


@pytest.mark.parametrize("fmt", ["pdf", "html"])
def test_facilitator_guide_has_agenda_safety_and_every_stage(content, fmt):
    data = handout_bytes(fmt=fmt, document="guide", content=content)
    text = read(data, fmt)
    for section in SAFETY_SECTIONS:
        assert section in text, section
    for module in content.modules:
        assert module.title in text
        first_note = module.slides[0].notes
        assert words(first_note)[:50] in words(text)
    assert "results shown from 6 answers" in text  # the sensitive reflection's threshold


def test_one_stage_handout_holds_only_that_stage(content):
    text = pdf_text(handout_bytes(fmt="pdf", document="barriers", content=content))
    assert "Overcoming barriers to emotional connection" in text
    assert "Welcome and ground rules" not in text
    with pytest.raises(ValueError, match="unknown document"):
        handout_bytes(fmt="pdf", document="nowhere", content=content)


def test_pdf_without_dejavu_uses_a_core_font(content, tmp_path):
    data = handouts_pdf.handouts(content, module_id="welcome", font_dir=tmp_path)
    text = pdf_text(data)
    assert "Welcome and ground rules" in text
    assert '"I feel..."' in text  # typographic quotes and ellipsis made plain
