"""The workshop summary as a PDF, drawn with fpdf2: the sections of the HTML summary, with
bars and columns drawn as rectangles. User text is written as plain text, never Markdown."""

from __future__ import annotations

from pathlib import Path

from workshop.printing import FIRST, FONT_DIR, MUTED, SECOND, PrintDocument
from workshop.report import (
    CLOSING,
    KIND_LABELS,
    PRIVACY_NOTE,
    PromptSummary,
    Summary,
    caption,
    checkin,
    timing_rows,
)


def _height(p: PromptSummary) -> float:
    """Roughly how tall a prompt's block starts out, in mm: its title, its count line and its
    whole chart (a chart is never split across pages), or its first few reflections."""
    if not p.results.enough:
        return 24
    rows = len(p.rows) * (8 if p.kind in ("choice", "ranking") else 6)
    return min(24 + rows + (8 if caption(p) else 0) + 7 * min(len(p.texts), 3), 150)


def _prompt(pdf: PrintDocument, p: PromptSummary) -> None:
    pdf.keep(_height(p))
    pdf.heading(p.title, level=3)
    pdf.paragraph(f"{KIND_LABELS[p.kind]} \u00b7 {p.responses}", size=9.5, colour=MUTED)
    if not p.results.enough:
        pdf.paragraph("Not shown: too few answers.", style="I")
        return
    if p.rows:
        label_width = {"scale": 18, "word": 45}.get(p.kind, 72)
        pdf.bars(
            p.rows, colour=SECOND if p.prompt_id == CLOSING else FIRST, label_width=label_width
        )
        if text := caption(p):
            pdf.paragraph(text, size=9.5, colour=MUTED)
    for text in p.texts:
        pdf.bullet(text, mark="\u2013")
    pdf.space(2)


def render(summary: Summary, *, font_dir: Path | None = FONT_DIR) -> bytes:
    """The PDF bytes of the summary. Reads the font files."""
    pdf = PrintDocument(
        title=f"{summary.title}: workshop summary",
        footer=f"{summary.title} \u00b7 workshop summary \u00b7 {summary.date}",
        font_dir=font_dir,
    )
    pdf.add_page()
    pdf.heading(summary.title, level=0)
    pdf.paragraph(
        f"Workshop summary \u00b7 code {summary.code} \u00b7 exported {summary.date}",
        colour=MUTED,
    )
    pdf.paragraph(PRIVACY_NOTE, size=9.5)

    pdf.heading("Plan and timing")
    pdf.table_of(
        ["Stage", "Planned (min)", "Actual (min)", "Difference"],
        timing_rows(summary),
        widths=(94, 26, 26, 28),
        right=(1, 2, 3),
    )

    points, series, lines = checkin(summary)
    if lines:
        pdf.keep(90)
        pdf.heading("Opening and closing check-in")
        if series:
            pdf.columns(points, series)
        for line in lines:
            pdf.paragraph(line)

    pdf.heading("Responses")
    pdf.table_of(
        ["Stage", "Exercise", "Kind", "Responses"],
        [
            [summary.stages[p.stage].label, p.title, KIND_LABELS[p.kind], p.responses]
            for p in summary.prompts
        ],
        widths=(50, 52, 32, 40),
        right=(3,),
    )

    first = next((p for p in summary.prompts), None)
    pdf.keep(30 + (_height(first) if first else 0))
    pdf.heading("Results by stage")
    for stage in summary.stages:
        if stage.prompts:
            pdf.keep(14 + _height(stage.prompts[0]))
            pdf.heading(stage.label, level=2)
            for p in stage.prompts:
                _prompt(pdf, p)
    return pdf.to_bytes()
