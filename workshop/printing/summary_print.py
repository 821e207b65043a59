"""The printable workshop summary: one self-contained HTML page (charts as inline SVG, print
CSS) and a PDF with the same sections (bars drawn with fpdf2). Built only from a
:class:`workshop.printing.summary.Summary`; user text is escaped in HTML and plain text in the PDF."""

from __future__ import annotations

import html
from pathlib import Path

from workshop.printing import charts
from workshop.printing.document import (
    FIRST,
    FONT_DIR,
    MUTED,
    SECOND,
    PrintDocument,
    bars_html,
    columns_svg,
    page,
)
from workshop.printing.summary import KIND_LABELS, TOP_WORDS, PromptSummary, Summary

OPENING, CLOSING = charts.OPENING, charts.CLOSING
"""The check-in prompts compared side by side."""

PRIVACY_NOTE = (
    "Only totals and anonymous answers are shown. A question answered by fewer people than "
    "its reveal threshold appears as \u201cfewer than N\u201d, with nothing of what was "
    "said. What people wrote (reflections, words, lists) appears only for questions "
    "revealed to the room during the workshop; for the others only the number of "
    "answers is given. Scales, choices and rankings with enough answers are shown as totals "
    "whether or not they were revealed. Reflections hidden during the workshop are left "
    "out; those shown appear in a random order."
)


def _minutes(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def _difference(actual: float, planned: float) -> str:
    diff = round(actual - planned)
    return "0" if diff == 0 else f"{diff:+d}".replace("-", "\u2212")


def timing_rows(summary: Summary) -> list[list[str]]:
    """Stage, planned, actual and difference, in minutes, then a total row. A stage never
    opened shows a dash."""
    rows = []
    for s in summary.stages:
        if s.actual_minutes == 0:
            actual, diff = "\u2013", ""
        else:
            actual = "under 1" if s.actual_minutes < 0.5 else f"{s.actual_minutes:.0f}"
            diff = _difference(s.actual_minutes, s.planned_minutes)
        rows.append([s.label, _minutes(s.planned_minutes), actual, diff])
    planned = sum(s.planned_minutes for s in summary.stages)
    actual_total = sum(s.actual_minutes for s in summary.stages)
    total_diff = _difference(actual_total, planned)
    rows.append(["Total", _minutes(planned), f"{actual_total:.0f}", total_diff])
    return rows


def caption(prompt: PromptSummary) -> str:
    """What the chart of a prompt shows, in a line (scale ends and average, first places)."""
    r = prompt.results
    if prompt.kind == "scale" and prompt.scale:
        parts = []
        if prompt.scale_labels:
            lo, hi = prompt.scale
            parts.append(f"{lo} = {prompt.scale_labels[0]}, {hi} = {prompt.scale_labels[1]}")
        if r.mean is not None:
            parts.append(f"average {r.mean:.1f}")
        return "; ".join(parts)
    if prompt.kind == "ranking":
        return "Points for the whole order: a first place scores most, a last place none."
    if prompt.kind == "word" and r.words and len(r.words) > TOP_WORDS:
        return f"The {TOP_WORDS} most frequent of {len(r.words)} different words."
    return ""


def checkin(summary: Summary) -> tuple[list[str], list[tuple[str, list[int], tuple]], list[str]]:
    """The side-by-side check-in: scale points, a series per check-in with enough answers,
    and one line per check-in saying what it shows (or that it is not shown)."""
    found = [summary.prompt(OPENING), summary.prompt(CLOSING)]
    scale = next((p.scale for p in found if p is not None and p.scale), None)
    if scale is None:
        return [], [], []
    frame = charts.checkin_frame(
        *(p.results if p else None for p in found), lo=scale[0], hi=scale[1]
    )
    points = [str(n) for n in range(scale[0], scale[1] + 1)]
    series, lines = [], []
    labels = next((p.scale_labels for p in found if p is not None and p.scale_labels), None)
    if labels:
        lines.append(f"{scale[0]} = {labels[0]}, {scale[1]} = {labels[1]}.")
    for moment, prompt, colour in zip(charts.CHECKIN_MOMENTS, found, (FIRST, SECOND), strict=True):
        if prompt is None:
            lines.append(f"{moment} check-in: not part of this workshop.")
            continue
        r = prompt.results
        if not r.enough:
            lines.append(f"{moment} check-in: {prompt.responses}, so it is not shown.")
            continue
        counts = frame[frame["moment"] == moment].set_index("point")["count"]
        series.append((f"{moment} ({r.count_label})", [int(counts[p]) for p in points], colour))
        lines.append(f"{moment} check-in: {r.count_label}, average {r.mean:.1f}.")
    return points, series, lines


def _prompt_html(p: PromptSummary) -> str:
    e = html.escape
    out = [f'<div class="keep"><h4>{e(p.title)}</h4>']
    out.append(f'<p class="muted">{e(KIND_LABELS[p.kind])} \u00b7 {e(p.responses)}</p>')
    if p.note:
        out.append(f"<p><em>{e(p.note)}</em></p></div>")
        return "".join(out)
    if p.chart_rows:
        colour = SECOND if p.prompt_id == CLOSING else FIRST
        width = {"scale": "3rem", "word": "30%"}.get(p.kind, "45%")
        out.append(bars_html(p.chart_rows, colour=colour, label_width=width))
        if text := caption(p):
            out.append(f'<p class="muted">{e(text)}</p>')
    out.append("</div>")
    if p.kind in ("reflection", "timed-writing"):
        items = "".join(f"<li>{e(t)}</li>" for t in p.texts)
        out.append(f'<ul class="texts">{items}</ul>')
    return "".join(out)


def to_html(summary: Summary) -> str:
    """The summary as one self-contained, printable HTML page (charts as inline SVG)."""
    e = html.escape
    body = [
        f"<header><h1>{e(summary.title)}</h1>",
        f'<p class="meta">Workshop summary \u00b7 code {e(summary.code)} \u00b7 '
        f"exported {e(summary.date)}</p></header>",
        f'<p class="note">{e(PRIVACY_NOTE)}</p>',
        "<section><h2>Plan and timing</h2>",
        '<table><thead><tr><th>Stage</th><th class="num">Planned (min)</th>'
        '<th class="num">Actual (min)</th><th class="num">Difference</th></tr></thead><tbody>',
    ]
    for row in timing_rows(summary):
        cells = "".join(f'<td class="num">{e(v)}</td>' for v in row[1:])
        body.append(f"<tr><td>{e(row[0])}</td>{cells}</tr>")
    points, series, lines = checkin(summary)
    body.append("</tbody></table></section>")
    if lines:
        body.append('<section class="keep"><h2>Opening and closing check-in</h2>')
        if series:
            body.append(columns_svg(points, series, label="Opening and closing check-in"))
        body += [f"<p>{e(line)}</p>" for line in lines]
        body.append("</section>")
    body.append("<section><h2>Responses</h2>")
    body.append(
        "<table><thead><tr><th>Stage</th><th>Exercise</th><th>Kind</th>"
        '<th class="num">Responses</th></tr></thead><tbody>'
    )
    for p in summary.prompts:
        body.append(
            f"<tr><td>{e(summary.stages[p.stage].label)}</td><td>{e(p.title)}</td>"
            f'<td>{e(KIND_LABELS[p.kind])}</td><td class="num">{e(p.responses)}</td></tr>'
        )
    body.append("</tbody></table></section>")
    body.append('<section><h2 class="page">Results by stage</h2>')
    for stage in summary.stages:
        if stage.prompts:
            body.append(f"<h3>{e(stage.label)}</h3>")
            body += [_prompt_html(p) for p in stage.prompts]
    body.append("</section>")
    return page(title=f"{summary.title}: workshop summary", body="\n".join(body))


# -- PDF ---------------------------------------------------------------------------------


def _height(p: PromptSummary) -> float:
    """Roughly how tall a prompt's block starts out, in mm: its title, its count line and its
    whole chart (a chart is never split across pages), or its first few reflections."""
    if p.note:
        return 24
    rows = len(p.chart_rows) * (8 if p.kind in ("choice", "ranking") else 6)
    return min(
        24 + rows + (8 if caption(p) else 0) + 7 * min(len(p.results.reflections or []), 3), 150
    )


def _prompt_pdf(pdf: PrintDocument, p: PromptSummary) -> None:
    pdf.keep(_height(p))
    pdf.heading(p.title, level=3)
    pdf.paragraph(f"{KIND_LABELS[p.kind]} \u00b7 {p.responses}", size=9.5, colour=MUTED)
    if p.note:
        pdf.paragraph(p.note, style="I")
        pdf.space(2)
        return
    if p.chart_rows:
        label_width = {"scale": 18, "word": 45}.get(p.kind, 72)
        pdf.bars(
            p.chart_rows,
            colour=SECOND if p.prompt_id == CLOSING else FIRST,
            label_width=label_width,
        )
        if text := caption(p):
            pdf.paragraph(text, size=9.5, colour=MUTED)
    for text in p.texts:
        pdf.bullet(text, mark="\u2013")
    pdf.space(2)


def to_pdf(summary: Summary, *, font_dir: Path | None = FONT_DIR) -> bytes:
    """The summary as PDF bytes, with the sections of :func:`to_html`. Reads the font files."""
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
                _prompt_pdf(pdf, p)
    return pdf.to_bytes()
