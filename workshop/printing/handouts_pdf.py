"""The participant handouts and the facilitator guide as PDF, drawn with fpdf2 from the same
pieces as the HTML pages in :mod:`workshop.printing.handouts`."""

from __future__ import annotations

from pathlib import Path

from workshop.content.guidance import GROUND_RULES, SAFETY
from workshop.content.model import Content, Module
from workshop.printing.document import FIRST, FONT_DIR, INK, MUTED, RULE, PrintDocument
from workshop.printing.handouts import (
    KIND_NAMES,
    PASS_NOTE,
    Part,
    _minutes,
    agenda,
    exercise_parts,
    key_ideas,
    note_paragraphs,
    threshold,
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


def _module(pdf: PrintDocument, module: Module, content: Content) -> None:
    pdf.add_page()
    pdf.heading(module.title, level=0)
    pdf.paragraph(f"Stage {module.order + 1} of {len(content.modules)}", colour=MUTED)
    if module.content_note:
        pdf.paragraph(f"**Before you begin.** {' '.join(module.content_note.split())}",
                      markdown=True, colour=FIRST)  # fmt: skip
    pdf.heading("Key ideas", level=2)
    for title, points in key_ideas(module):
        pdf.keep(18)
        pdf.paragraph(title, style="B", size=10.5)
        for point in points:
            pdf.bullet(point, markdown=True)
        pdf.space(1)
    exercises = content.exercises_for(module.id)
    if exercises:
        pdf.heading("Exercises", level=2)
    for exercise in exercises:
        pdf.keep(50)
        pdf.heading(exercise.title, level=3)
        pdf.paragraph(
            f"{KIND_NAMES[exercise.kind]} \u00b7 about {_minutes(exercise.minutes)}",
            size=9,
            colour=MUTED,
        )
        for part in exercise_parts(exercise):
            _part(pdf, part)
    pdf.keep(64)
    pdf.heading("My notes", level=2)
    room = pdf.page_break_trigger - pdf.get_y() - 20
    pdf.writing_lines(max(4, int(room // 9)))
    pdf.paragraph(PASS_NOTE, size=9, colour=MUTED)


def handouts(
    content: Content, *, module_id: str | None = None, font_dir: Path | None = FONT_DIR
) -> bytes:
    """Every stage's participant handout (or one stage's), each starting on a new page, with
    the rest of its last page ruled for notes. Reads the font files."""
    modules = [content.module(module_id)] if module_id else content.modules
    title = modules[0].title if module_id else "Workshop handouts"
    pdf = PrintDocument(
        title=title, footer=f"{title} \u00b7 participant handout", font_dir=font_dir
    )
    for module in modules:
        _module(pdf, module, content)
    return pdf.to_bytes()


def guide(content: Content, *, font_dir: Path | None = FONT_DIR) -> bytes:
    """The facilitator guide: agenda, ground rules, safety and care, then every stage's
    notes, exercises and presenter notes. Reads the font files."""
    pdf = PrintDocument(title="Facilitator guide", footer="Facilitator guide", font_dir=font_dir)
    pdf.add_page()
    pdf.heading("Facilitator guide", level=0)
    pdf.paragraph(
        f"{len(content.modules)} stages \u00b7 about {content.total_minutes:g} minutes in all",
        colour=MUTED,
    )
    pdf.heading("Agenda")
    pdf.table_of(
        ["Start", "Stage", "Min", "Exercises"],
        [list(row) for row in agenda(content)],
        widths=(14, 60, 12, 88),
        right=(2,),
    )
    pdf.heading("Ground rules")
    for rule in GROUND_RULES:
        pdf.bullet(rule)
    pdf.add_page()
    pdf.heading("Safety and care")
    for topic in SAFETY:
        pdf.keep(40)
        pdf.heading(topic.title, level=2)
        pdf.paragraph(topic.intro)
        for point in topic.points:
            pdf.bullet(point)
    for module in content.modules:
        pdf.add_page()
        pdf.heading(f"{module.order + 1}. {module.title} ({_minutes(module.minutes)})")
        if module.content_note:
            note = " ".join(module.content_note.split())
            pdf.paragraph(f"**Content note to read aloud.** {note}", markdown=True, colour=FIRST)
        for paragraph in note_paragraphs(module.notes):
            pdf.paragraph(paragraph, markdown=True)
        exercises = content.exercises_for(module.id)
        if exercises:
            pdf.heading("Exercises", level=2)
        for ex in exercises:
            needed = threshold(ex)
            shown = f"results shown from {needed} answers" if needed else "nothing collected"
            pdf.keep(20)
            pdf.paragraph(f"{ex.title} ({KIND_NAMES[ex.kind]}, {_minutes(ex.minutes)}; {shown})",
                          style="B")  # fmt: skip
            pdf.paragraph(" ".join(ex.group_prompt.split()), indent=4)
        pdf.heading("Slides and presenter notes", level=2)
        for slide in module.slides:
            pdf.keep(20)
            pdf.paragraph(slide.title, style="B")
            pdf.paragraph(" ".join(slide.notes.split()) or "\u2013", indent=4)
    return pdf.to_bytes()
