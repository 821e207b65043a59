"""The participant handouts and the facilitator guide as PDF, drawn with fpdf2 from the same
pieces as the HTML pages in :mod:`workshop.printing.handouts`."""

from __future__ import annotations

from pathlib import Path

from workshop.content.guidance import GROUND_RULES, SAFETY
from workshop.content.model import Content, Module
from workshop.i18n.catalogues import gettext_for
from workshop.i18n.formats import number
from workshop.printing.document import FIRST, FONT_DIR, INK, MUTED, RULE, PrintDocument
from workshop.printing.handouts import (
    AGENDA,
    BEFORE_YOU_BEGIN,
    EXERCISES,
    GROUND_RULES_HEADING,
    GUIDE,
    GUIDE_EXERCISE,
    HANDOUTS,
    KEY_IDEAS,
    KIND_AND_TIME,
    KIND_NAMES,
    MIN_HEADING,
    MY_NOTES,
    PARTICIPANT_HANDOUT,
    PASS_NOTE,
    READ_ALOUD,
    SAFETY_HEADING,
    SLIDES_AND_NOTES,
    STAGE,
    STAGE_OF,
    START,
    Part,
    _minutes,
    agenda,
    exercise_parts,
    guide_meta,
    key_ideas,
    note_paragraphs,
    shown_from,
)

BOX = "\u2610"


def _label(pdf: PrintDocument, text: str) -> None:
    pdf.keep(14)
    pdf.paragraph(text.upper(), size=8, colour=MUTED, style="B")


def _part(pdf: PrintDocument, part: Part) -> None:
    if part.kind == "prompt":
        _label(pdf, part.label)
        pdf.paragraph(part.items[0])
    elif part.kind == "scale":
        pdf.keep(22)
        size = 8.5
        gap = min(14.0, (pdf.inner_width - size) / max(len(part.items) - 1, 1))
        y = pdf.get_y() + 1
        pdf.set_draw_color(*INK)
        pdf.set_line_width(0.35)
        for i, point in enumerate(part.items):
            x = pdf.l_margin + i * gap
            pdf.ellipse(x, y, size, size)
            pdf.set_xy(x, y + 1.5)
            pdf.cell(size, 5.5, point, align="C")
        pdf.set_xy(pdf.l_margin, y + size + 1.5)
        pdf.set_font(pdf.family, size=9)
        pdf.set_text_color(*MUTED)
        width = (len(part.items) - 1) * gap + size
        pdf.cell(width / 2, 5, pdf.text_of(part.hints[0]))
        pdf.cell(width / 2, 5, pdf.text_of(part.hints[1]), align="R")
        pdf.set_text_color(*INK)
        pdf.set_font(pdf.family, size=10.5)
        pdf.set_xy(pdf.l_margin, y + size + 9)
    elif part.kind in ("boxes", "order"):
        mark = (BOX if pdf.unicode else "[ ]") if part.kind == "boxes" else "______"
        for item in part.items:
            pdf.bullet(item, mark=mark, mark_width=6 if part.kind == "boxes" else 14)
        pdf.space(1)
    elif part.kind == "rules":
        pdf.paragraph(part.label, style="B")
        for rule in part.items:
            pdf.bullet(rule)
        pdf.space(1)
    elif part.kind == "numbered":
        for number in range(1, part.count + 1):
            pdf.keep(10)
            pdf.cell(6, 9, f"{number}.")
            y = pdf.get_y() + 8
            pdf.set_draw_color(*RULE)
            pdf.line(pdf.l_margin + 7, y, pdf.w - pdf.r_margin, y)
            pdf.set_xy(pdf.l_margin, y + 1)
        pdf.space(3)
    elif part.kind == "fields":
        for label, hint in zip(part.items, part.hints, strict=True):
            pdf.keep(22)
            pdf.paragraph(label, style="B")
            if hint:
                pdf.paragraph(hint, size=9, colour=MUTED)
            pdf.writing_lines(1, gap=7)
    else:
        if part.label:
            pdf.keep(10 + 9 * min(part.count, 3))
            _label(pdf, part.label)
        pdf.writing_lines(part.count)


def _module(pdf: PrintDocument, module: Module, content: Content, language: str = "en") -> None:
    said = gettext_for(language)
    pdf.add_page()
    pdf.heading(module.title, level=0)
    stage_of = said(STAGE_OF).format(
        number=number(module.order + 1, language), count=number(len(content.modules), language)
    )
    pdf.paragraph(stage_of, colour=MUTED)
    if module.content_note:
        pdf.paragraph(f"**{said(BEFORE_YOU_BEGIN)}** {' '.join(module.content_note.split())}",
                      markdown=True, colour=FIRST)  # fmt: skip
    pdf.heading(said(KEY_IDEAS), level=2)
    for title, points in key_ideas(module):
        pdf.keep(18)
        pdf.paragraph(title, style="B", size=10.5)
        for point in points:
            pdf.bullet(point, markdown=True)
        pdf.space(1)
    exercises = content.exercises_for(module.id)
    if exercises:
        pdf.heading(said(EXERCISES), level=2)
    for exercise in exercises:
        pdf.keep(50)
        pdf.heading(exercise.title, level=3)
        kind = said(KIND_AND_TIME).format(
            kind=said(KIND_NAMES[exercise.kind]), minutes=_minutes(exercise.minutes, language)
        )
        pdf.paragraph(kind, size=9, colour=MUTED)
        for part in exercise_parts(exercise, language):
            _part(pdf, part)
    pdf.keep(64)
    pdf.heading(said(MY_NOTES), level=2)
    room = pdf.page_break_trigger - pdf.get_y() - 20
    pdf.writing_lines(max(4, int(room // 9)))
    pdf.paragraph(said(PASS_NOTE), size=9, colour=MUTED)


def handouts(
    content: Content,
    *,
    module_id: str | None = None,
    font_dir: Path | None = FONT_DIR,
    language: str = "en",
) -> bytes:
    """Every stage's participant handout (or one stage's), each starting on a new page, with
    the rest of its last page ruled for notes, its own words in ``language`` (``content`` is
    best in the same one). Reads the font files."""
    said = gettext_for(language)
    modules = [content.module(module_id)] if module_id else content.modules
    title = modules[0].title if module_id else said(HANDOUTS)
    pdf = PrintDocument(
        title=title, footer=said(PARTICIPANT_HANDOUT).format(title=title), font_dir=font_dir
    )
    for module in modules:
        _module(pdf, module, content, language)
    return pdf.to_bytes()


def guide(content: Content, *, font_dir: Path | None = FONT_DIR, language: str = "en") -> bytes:
    """The facilitator guide: agenda, ground rules, safety and care, then every stage's
    notes, exercises and presenter notes, its own words in ``language`` (``content`` is best
    in the same one). Reads the font files."""
    said = gettext_for(language)
    pdf = PrintDocument(title=said(GUIDE), footer=said(GUIDE), font_dir=font_dir)
    pdf.add_page()
    pdf.heading(said(GUIDE), level=0)
    pdf.paragraph(guide_meta(content, language), colour=MUTED)
    pdf.heading(said(AGENDA))
    pdf.table_of(
        [said(START), said(STAGE), said(MIN_HEADING), said(EXERCISES)],
        [list(row) for row in agenda(content, language)],
        widths=(14, 60, 12, 88),
        right=(2,),
    )
    pdf.heading(said(GROUND_RULES_HEADING))
    for rule in GROUND_RULES:
        pdf.bullet(said(rule))
    pdf.add_page()
    pdf.heading(said(SAFETY_HEADING))
    for topic in SAFETY:
        pdf.keep(40)
        pdf.heading(said(topic.title), level=2)
        pdf.paragraph(said(topic.intro))
        for point in topic.points:
            pdf.bullet(said(point))
    for module in content.modules:
        pdf.add_page()
        pdf.heading(f"{module.order + 1}. {module.title} ({_minutes(module.minutes, language)})")
        if module.content_note:
            note = " ".join(module.content_note.split())
            pdf.paragraph(f"**{said(READ_ALOUD)}** {note}", markdown=True, colour=FIRST)
        for paragraph in note_paragraphs(module.notes):
            pdf.paragraph(paragraph, markdown=True)
        exercises = content.exercises_for(module.id)
        if exercises:
            pdf.heading(said(EXERCISES), level=2)
        for ex in exercises:
            line = said(GUIDE_EXERCISE).format(
                title=ex.title, kind=said(KIND_NAMES[ex.kind]),
                minutes=_minutes(ex.minutes, language), shown=shown_from(ex, language),
            )  # fmt: skip
            pdf.keep(20)
            pdf.paragraph(line, style="B")
            pdf.paragraph(" ".join(ex.group_prompt.split()), indent=4)
        pdf.heading(said(SLIDES_AND_NOTES), level=2)
        for slide in module.slides:
            pdf.keep(20)
            pdf.paragraph(slide.title, style="B")
            pdf.paragraph(" ".join(slide.notes.split()) or "\u2013", indent=4)
    return pdf.to_bytes()
