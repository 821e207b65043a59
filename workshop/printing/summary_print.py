"""The printable workshop summary: one self-contained HTML page (print CSS) and a PDF with
the same sections. Charts are the app's own (:mod:`workshop.printing.charts`), rendered as
inline SVG for the page and as images in the PDF, each followed by its values as text. Built
only from a :class:`workshop.printing.summary.Summary`; user text is escaped in HTML and plain
text in the PDF."""

from __future__ import annotations

import html
from pathlib import Path

import altair as alt

from workshop.i18n import N_
from workshop.i18n.catalogues import gettext_for
from workshop.i18n.formats import number
from workshop.printing import charts
from workshop.printing.document import FONT_DIR, MUTED, PrintDocument, page
from workshop.printing.summary import TOP_WORDS, PromptSummary, Summary

OPENING, CLOSING = charts.OPENING, charts.CLOSING
"""The check-in prompts compared side by side."""

PRIVACY_NOTE = N_(
    "Only totals and anonymous answers are shown. A question answered by fewer people than "
    "its reveal threshold appears as \u201cfewer than N\u201d, with nothing of what was "
    "said. What people wrote (reflections, words, lists) appears only for questions "
    "revealed to the room during the workshop; for the others only the number of "
    "answers is given. Scales, choices and rankings with enough answers are shown as totals "
    "whether or not they were revealed. Reflections hidden during the workshop are left "
    "out; those shown appear in a random order."
)
UNDER_ONE = N_("under 1")
TOTAL = N_("Total")
AVERAGE = N_("average {mean}")
RANKING_CAPTION = N_("Points for the whole order: a first place scores most, a last place none.")
TOP_WORDS_CAPTION = N_("The {top} most frequent of {count} different words.")
NONE = N_("none")
AT_EACH_POINT = N_("Answers at each point: {values}.")
CHECKIN_NAMES = {"Opening": N_("Opening check-in"), "Closing": N_("Closing check-in")}
"""Each check-in of :data:`charts.CHECKIN_MOMENTS` as a sentence names it."""
CHECKIN_ABSENT = N_("{checkin}: not part of this workshop.")
CHECKIN_TOO_FEW = N_("{checkin}: {responses}, so it is not shown.")
CHECKIN_LINE = N_("{checkin}: {responses}, average {mean}; answers at each point: {values}.")
SUMMARY_META = N_("Workshop summary \u00b7 code {code} \u00b7 exported {date}")
SUMMARY_TITLE = N_("{title}: workshop summary")
SUMMARY_FOOTER = N_("{title} \u00b7 workshop summary \u00b7 {date}")
PLAN_AND_TIMING = N_("Plan and timing")
STAGE = N_("Stage")
PLANNED = N_("Planned (min)")
ACTUAL = N_("Actual (min)")
DIFFERENCE = N_("Difference")
OPENING_AND_CLOSING = N_("Opening and closing check-in")
RESPONSES = N_("Responses")
EXERCISE = N_("Exercise")
KIND = N_("Kind")
RESULTS_BY_STAGE = N_("Results by stage")


def _minutes(value: float, language: str = "en") -> str:
    return number(value, language, places=0 if value == int(value) else 1)


def _difference(actual: float, planned: float, language: str = "en") -> str:
    diff = round(actual - planned)
    if diff == 0:
        return number(0, language)
    return ("+" if diff > 0 else "\u2212") + number(abs(diff), language)


def timing_rows(summary: Summary) -> list[list[str]]:
    """Stage, planned, actual and difference, in minutes, then a total row. A stage never
    opened shows a dash."""
    language = summary.language
    rows = []
    for s in summary.stages:
        if s.actual_minutes == 0:
            actual, diff = "\u2013", ""
        elif s.actual_minutes < 0.5:
            actual = summary.said(UNDER_ONE)
            diff = _difference(s.actual_minutes, s.planned_minutes, language)
        else:
            actual = number(round(s.actual_minutes), language)
            diff = _difference(s.actual_minutes, s.planned_minutes, language)
        rows.append([s.label, _minutes(s.planned_minutes, language), actual, diff])
    planned = sum(s.planned_minutes for s in summary.stages)
    actual_total = sum(s.actual_minutes for s in summary.stages)
    total_diff = _difference(actual_total, planned, language)
    rows.append(
        [
            summary.said(TOTAL),
            _minutes(planned, language),
            number(round(actual_total), language),
            total_diff,
        ]
    )
    return rows


def caption(prompt: PromptSummary) -> str:
    """What the chart of a prompt shows, in a line (scale ends and average, first places)."""
    r = prompt.results
    language = prompt.language
    said = gettext_for(language)
    if prompt.kind == "scale" and prompt.scale:
        parts = []
        if prompt.scale_labels:
            lo, hi = (number(n, language) for n in prompt.scale)
            parts.append(f"{lo} = {prompt.scale_labels[0]}, {hi} = {prompt.scale_labels[1]}")
        if r.mean is not None:
            parts.append(said(AVERAGE).format(mean=number(r.mean, language, places=1)))
        return "; ".join(parts)
    if prompt.kind == "ranking":
        return said(RANKING_CAPTION)
    if prompt.kind == "word" and r.words and len(r.words) > TOP_WORDS:
        return said(TOP_WORDS_CAPTION).format(
            top=number(TOP_WORDS, language), count=number(len(r.words), language)
        )
    return ""


PRINT_WIDTH = 380
"""The plot width of a printed chart in chart pixels (labels add to it)."""


def prompt_chart(p: PromptSummary) -> alt.TopLevelMixin | None:
    """The app's chart of a prompt's results, sized for paper; ``None`` when there is nothing
    to chart (too few answers, written answers, no words)."""
    rows = p.chart_rows
    if not rows:
        return None
    colour = charts.SECOND if p.prompt_id == CLOSING else charts.BAR
    frame = charts.rows_frame(rows)
    if p.kind == "scale":
        chart = charts.bar_chart(frame, horizontal=False, colour=colour)
        return chart.properties(width=PRINT_WIDTH + 120, height=110)
    return charts.bar_chart(frame, colour=colour).properties(
        width=PRINT_WIDTH, height=24 * len(rows)
    )


def scale_values(rows: list[tuple[str, int]], language: str = "en") -> str:
    """How many answered at each chosen point of a scale, e.g. '3 → 1, 4 → 2'."""
    shown = ", ".join(f"{point} \u2192 {number(count, language)}" for point, count in rows if count)
    return shown or gettext_for(language)(NONE)


def values_text(p: PromptSummary) -> str:
    """What the chart of a prompt shows, as text (so nothing rests on the picture alone)."""
    if p.kind == "scale":
        values = scale_values(p.chart_rows, p.language)
        return gettext_for(p.language)(AT_EACH_POINT).format(values=values)
    # Each label is isolated (U+2068 … U+2069), so a word in a right-to-left script keeps
    # its count on its own side: "أمل: 1", not "1 :أمل".
    return (
        "; ".join(
            f"\u2068{label}\u2069: {number(count, p.language)}" for label, count in p.chart_rows
        )
        + "."
    )


def checkin(summary: Summary) -> tuple[alt.TopLevelMixin | None, list[str]]:
    """The side-by-side check-in: the app's chart of every check-in with enough answers
    (``None`` when neither has), and one line per check-in saying what it shows, with its
    values, or that it is not shown."""
    found = [summary.prompt(OPENING), summary.prompt(CLOSING)]
    scale = next((p.scale for p in found if p is not None and p.scale), None)
    if scale is None:
        return None, []
    frame = charts.checkin_frame(
        *(p.results if p else None for p in found), lo=scale[0], hi=scale[1]
    )
    language, said = summary.language, summary.said
    lines = []
    labels = next((p.scale_labels for p in found if p is not None and p.scale_labels), None)
    if labels:
        lo, hi = (number(n, language) for n in scale)
        lines.append(f"{lo} = {labels[0]}, {hi} = {labels[1]}.")
    for moment, prompt in zip(charts.CHECKIN_MOMENTS, found, strict=True):
        name = said(CHECKIN_NAMES[moment])
        if prompt is None:
            lines.append(said(CHECKIN_ABSENT).format(checkin=name))
            continue
        r = prompt.results
        if not r.enough:
            lines.append(said(CHECKIN_TOO_FEW).format(checkin=name, responses=prompt.responses))
            continue
        rows = frame[frame["moment"] == moment]
        counts = scale_values(list(zip(rows["point"], rows["count"], strict=True)), language)
        lines.append(
            said(CHECKIN_LINE).format(
                checkin=name,
                responses=prompt.responses,
                mean=number(r.mean, language, places=1),
                values=counts,
            )
        )
    if frame.empty:
        return None, lines
    chart = charts.checkin_chart(frame).properties(width=PRINT_WIDTH + 160, height=140)
    return chart, lines


def _charts(summary: Summary, chart: alt.TopLevelMixin | None, render):
    """The check-in chart and each prompt's chart (by prompt id), rendered side by side."""
    prompts = summary.prompts
    wanted = [chart, *(None if p.note else prompt_chart(p) for p in prompts)]
    done = charts.render_all(wanted, render)
    return done[0], {p.prompt_id: image for p, image in zip(prompts, done[1:], strict=True)}


def _chart_html(svg: str, label: str) -> str:
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
    return f'<figure class="keep chart">{svg}</figure>'


def _prompt_html(p: PromptSummary, svg: str | None) -> str:
    e = html.escape
    out = [f'<div class="keep"><h4>{e(p.title)}</h4>']
    out.append(f'<p class="muted">{e(p.kind_label)} \u00b7 {e(p.responses)}</p>')
    if p.note:
        out.append(f"<p><em>{e(p.note)}</em></p></div>")
        return "".join(out)
    if svg is not None:
        out.append(_chart_html(svg, e(p.title)))
        out.append(f'<p class="values">{e(values_text(p))}</p>')
        if text := caption(p):
            out.append(f'<p class="muted">{e(text)}</p>')
    out.append("</div>")
    if p.kind in ("reflection", "timed-writing"):
        items = "".join(f"<li>{e(t)}</li>" for t in p.texts)
        out.append(f'<ul class="texts">{items}</ul>')
    return "".join(out)


CHART_CSS = """
figure.chart svg { display: block; max-width: 100%; height: auto; }
p.values { font-size: .9rem; margin-top: 0; }
"""


def to_html(summary: Summary) -> str:
    """The summary as one self-contained, printable HTML page (charts as inline SVG), its
    own words in the summary's language and what people wrote as they wrote it."""
    e = html.escape
    said = summary.said
    meta = said(SUMMARY_META).format(code=summary.code, date=summary.date)
    body = [
        f"<header><h1>{e(summary.title)}</h1>",
        f'<p class="meta">{e(meta)}</p></header>',
        f'<p class="note">{e(said(PRIVACY_NOTE))}</p>',
        f"<section><h2>{e(said(PLAN_AND_TIMING))}</h2>",
        f'<table><thead><tr><th>{e(said(STAGE))}</th><th class="num">{e(said(PLANNED))}</th>'
        f'<th class="num">{e(said(ACTUAL))}</th><th class="num">{e(said(DIFFERENCE))}</th>'
        "</tr></thead><tbody>",
    ]
    for row in timing_rows(summary):
        cells = "".join(f'<td class="num">{e(v)}</td>' for v in row[1:])
        body.append(f"<tr><td>{e(row[0])}</td>{cells}</tr>")
    chart, lines = checkin(summary)
    checkin_svg, svgs = _charts(summary, chart, charts.to_svg)
    body.append("</tbody></table></section>")
    if lines:
        body.append(f'<section class="keep"><h2>{e(said(OPENING_AND_CLOSING))}</h2>')
        if checkin_svg is not None:
            body.append(_chart_html(checkin_svg, e(said(OPENING_AND_CLOSING))))
        body += [f"<p>{e(line)}</p>" for line in lines]
        body.append("</section>")
    body.append(f"<section><h2>{e(said(RESPONSES))}</h2>")
    body.append(
        f"<table><thead><tr><th>{e(said(STAGE))}</th><th>{e(said(EXERCISE))}</th>"
        f'<th>{e(said(KIND))}</th><th class="num">{e(said(RESPONSES))}</th></tr></thead><tbody>'
    )
    for p in summary.prompts:
        body.append(
            f"<tr><td>{e(summary.stages[p.stage].label)}</td><td>{e(p.title)}</td>"
            f'<td>{e(p.kind_label)}</td><td class="num">{e(p.responses)}</td></tr>'
        )
    body.append("</tbody></table></section>")
    body.append(f'<section><h2 class="page">{e(said(RESULTS_BY_STAGE))}</h2>')
    for stage in summary.stages:
        if stage.prompts:
            body.append(f"<h3>{e(stage.label)}</h3>")
            body += [_prompt_html(p, svgs[p.prompt_id]) for p in stage.prompts]
    body.append("</section>")
    title = said(SUMMARY_TITLE).format(title=summary.title)
    return page(title=title, body="\n".join(body), css=CHART_CSS, language=summary.language)


# -- PDF ---------------------------------------------------------------------------------


def _height(pdf: PrintDocument, p: PromptSummary, png: bytes | None) -> float:
    """Roughly how tall a prompt's block starts out, in mm: its title, its count line and its
    whole chart (a chart is never split across pages), or its first few reflections."""
    if p.note:
        return 24
    chart = pdf.chart_size(png)[1] + 12 if png else 0
    return min(
        24 + chart + (8 if caption(p) else 0) + 7 * min(len(p.results.reflections or []), 3),
        220,
    )


def _prompt_pdf(pdf: PrintDocument, p: PromptSummary, png: bytes | None) -> None:
    pdf.keep(_height(pdf, p, png))
    pdf.heading(p.title, level=3)
    pdf.paragraph(f"{p.kind_label} \u00b7 {p.responses}", size=9.5, colour=MUTED)
    if p.note:
        pdf.paragraph(p.note, style="I")
        pdf.space(2)
        return
    if png:
        pdf.chart(png)
        pdf.paragraph(values_text(p), size=9.5)
        if text := caption(p):
            pdf.paragraph(text, size=9.5, colour=MUTED)
    for text in p.texts:
        pdf.bullet(text, mark="\u2013")
    pdf.space(2)


def to_pdf(summary: Summary, *, font_dir: Path | None = FONT_DIR) -> bytes:
    """The summary as PDF bytes, with the sections of :func:`to_html`. Reads the font files."""
    said = summary.said
    pdf = PrintDocument(
        title=said(SUMMARY_TITLE).format(title=summary.title),
        footer=said(SUMMARY_FOOTER).format(title=summary.title, date=summary.date),
        font_dir=font_dir,
    )
    pdf.add_page()
    pdf.heading(summary.title, level=0)
    pdf.paragraph(said(SUMMARY_META).format(code=summary.code, date=summary.date), colour=MUTED)
    pdf.paragraph(said(PRIVACY_NOTE), size=9.5)

    pdf.heading(said(PLAN_AND_TIMING))
    pdf.table_of(
        [said(STAGE), said(PLANNED), said(ACTUAL), said(DIFFERENCE)],
        timing_rows(summary),
        widths=(94, 26, 26, 28),
        right=(1, 2, 3),
    )

    chart, lines = checkin(summary)
    png, pngs = _charts(summary, chart, charts.to_png)
    if lines:
        pdf.keep(30 + (pdf.chart_size(png)[1] if png else 0))
        pdf.heading(said(OPENING_AND_CLOSING))
        if png:
            pdf.chart(png)
        for line in lines:
            pdf.paragraph(line)

    pdf.heading(said(RESPONSES))
    pdf.table_of(
        [said(STAGE), said(EXERCISE), said(KIND), said(RESPONSES)],
        [
            [summary.stages[p.stage].label, p.title, p.kind_label, p.responses]
            for p in summary.prompts
        ],
        widths=(50, 52, 32, 40),
        right=(3,),
    )

    first = next((p for p in summary.prompts), None)
    pdf.keep(30 + (_height(pdf, first, pngs[first.prompt_id]) if first else 0))
    pdf.heading(said(RESULTS_BY_STAGE))
    for stage in summary.stages:
        if stage.prompts:
            lead = stage.prompts[0]
            pdf.keep(14 + _height(pdf, lead, pngs[lead.prompt_id]))
            pdf.heading(stage.label, level=2)
            for p in stage.prompts:
                _prompt_pdf(pdf, p, pngs[p.prompt_id])
    return pdf.to_bytes()
