"""After the workshop: a summary of what the room answered, as frames, CSV, JSON, a printable
HTML page and a PDF, for the facilitator to keep before deleting the workshop.

Everything comes from :meth:`Store.results`, which already enforces the reveal thresholds:
a prompt below its threshold shows only "fewer than N" (no count, no distribution, no text),
and a hidden reflection never appears. Nothing here reads raw rows.
"""

from __future__ import annotations

import html
import io
import json
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from workshop import charts, privacy
from workshop.content import Content
from workshop.printing import FIRST, FONT_DIR, SECOND, bars_html, columns_svg, page
from workshop.store import ANSWER_KINDS, TEXT_KINDS, Results, Store

FORMATS = ("csv", "json", "html", "pdf")
"""The export formats, as named on the command line."""
OPENING, CLOSING = "checkin-open", "checkin-close"
"""The check-in prompts compared side by side."""
TOP_WORDS = 20

KIND_LABELS = {
    "scale": "Scale",
    "choice": "Choice",
    "ranking": "Ranking (first place)",
    "word": "Words",
    "reflection": "Reflection",
    "timed-writing": "Written list",
}


@dataclass(frozen=True)
class PromptSummary:
    """One prompt that collected answers, with its results (thresholds already applied)."""

    stage: int
    prompt_id: str
    title: str
    kind: str
    results: Results
    options: tuple[str, ...] = ()
    scale: tuple[int, int] | None = None
    scale_labels: tuple[str, str] | None = None

    @property
    def responses(self) -> str:
        """'7 answers', or 'fewer than 5 answers' below the threshold."""
        label = self.results.count_label
        return f"{label} answers" if label.startswith("fewer than") else label

    @property
    def rows(self) -> list[tuple[str, int]]:
        """(answer, count) rows: scale points, options, first places or words; empty below
        the threshold and for written answers."""
        r = self.results
        if not r.enough:
            return []
        if r.words is not None:
            frame = charts.words_frame(r, top=TOP_WORDS)
        elif r.distribution is None:
            return []
        elif self.scale is not None:
            frame = charts.scale_frame(r, lo=self.scale[0], hi=self.scale[1])
        else:
            frame = charts.distribution_frame(r, order=list(self.options) or None)
        return [(str(a), int(c)) for a, c in zip(frame["answer"], frame["count"], strict=True)]

    @property
    def texts(self) -> list[str]:
        """Visible reflections, in a fresh random order; empty below the threshold."""
        return privacy.shuffled(self.results.reflections or [])


@dataclass(frozen=True)
class StageSummary:
    index: int
    module_id: str
    title: str
    planned_minutes: float
    actual_minutes: float
    prompts: tuple[PromptSummary, ...]

    @property
    def label(self) -> str:
        return f"{self.index + 1}. {self.title}"


@dataclass(frozen=True)
class Summary:
    """What a report shows of one workshop."""

    code: str
    title: str
    exported_at: float
    stages: tuple[StageSummary, ...]

    @property
    def prompts(self) -> list[PromptSummary]:
        return [p for stage in self.stages for p in stage.prompts]

    def prompt(self, prompt_id: str) -> PromptSummary | None:
        return next((p for p in self.prompts if p.prompt_id == prompt_id), None)

    @property
    def date(self) -> str:
        return datetime.fromtimestamp(self.exported_at).strftime("%-d %B %Y")


def collect(
    *, store: Store, code: str, key: str, now: float | None = None, content: Content | None = None
) -> Summary:
    """Read a workshop's plan, stage times and every collecting prompt's results. ``content``
    (when given) adds the scale labels. Raises AccessDenied for a wrong key, WorkshopNotFound,
    WorkshopEnded. Read-only."""
    store.check_facilitator(code=code, key=key)
    state = store.state(code=code)
    now = store.clock() if now is None else now
    stages = []
    for stage in state.stages:
        prompts = []
        for prompt_id in stage.prompt_ids:
            spec = state.prompts[prompt_id]
            if spec.kind not in TEXT_KINDS | ANSWER_KINDS:
                continue
            scale = labels = None
            if spec.kind == "scale":
                scale = (spec.scale_min, spec.scale_max)
                exercise = content.exercises.get(prompt_id) if content else None
                if exercise is not None and exercise.kind == "scale":
                    labels = (exercise.min_label, exercise.max_label)
            prompts.append(
                PromptSummary(
                    stage=stage.index,
                    prompt_id=prompt_id,
                    title=spec.title,
                    kind=spec.kind,
                    results=store.results(code=code, prompt_id=prompt_id),
                    options=spec.options,
                    scale=scale,
                    scale_labels=labels,
                )
            )
        stages.append(
            StageSummary(
                index=stage.index,
                module_id=stage.module_id,
                title=stage.title,
                planned_minutes=stage.minutes,
                actual_minutes=state.elapsed(stage.index, now) / 60,
                prompts=tuple(prompts),
            )
        )
    return Summary(code=state.code, title=state.title, exported_at=now, stages=tuple(stages))


# -- frames --------------------------------------------------------------------------------


def plan_frame(summary: Summary) -> pd.DataFrame:
    """One row per stage: planned and actual minutes (actual rounded to one decimal)."""
    return pd.DataFrame(
        {
            "stage": [s.label for s in summary.stages],
            "planned_minutes": [s.planned_minutes for s in summary.stages],
            "actual_minutes": [round(s.actual_minutes, 1) for s in summary.stages],
        }
    )


def counts_frame(summary: Summary) -> pd.DataFrame:
    """One row per prompt: its stage, title, kind and responses; ``count`` is empty below the
    threshold, where only "fewer than N" is told."""
    prompts = summary.prompts
    return pd.DataFrame(
        {
            "stage": [summary.stages[p.stage].label for p in prompts],
            "exercise": [p.title for p in prompts],
            "kind": [KIND_LABELS[p.kind] for p in prompts],
            "responses": [p.responses for p in prompts],
            "count": pd.array(
                [p.results.count if p.results.enough else None for p in prompts], dtype="Int64"
            ),
        }
    )


def prompt_frame(prompt: PromptSummary) -> pd.DataFrame:
    """A prompt's answers: ``answer``/``count`` rows, or one ``reflection`` per row for
    written answers; empty below the threshold."""
    if prompt.kind in ("reflection", "timed-writing"):
        return pd.DataFrame({"reflection": prompt.texts}, dtype="object")
    return pd.DataFrame(prompt.rows, columns=["answer", "count"])


def responses_frame(summary: Summary) -> pd.DataFrame:
    """Every prompt's answers in one long table, the shape of the CSV export: one row per
    option, scale point, word or reflection, and a single "not shown" row for a prompt below
    its threshold."""
    rows = []
    for p in summary.prompts:
        head = {
            "stage": summary.stages[p.stage].label,
            "exercise": p.title,
            "kind": KIND_LABELS[p.kind],
            "responses": p.responses,
        }
        frame = prompt_frame(p)
        if frame.empty:
            rows.append({**head, "answer": "(not shown: too few answers)", "count": None})
        elif "reflection" in frame:
            rows += [{**head, "answer": text, "count": None} for text in frame["reflection"]]
        else:
            rows += [
                {**head, "answer": a, "count": int(c)}
                for a, c in zip(frame["answer"], frame["count"], strict=True)
            ]
    frame = pd.DataFrame(
        rows, columns=["stage", "exercise", "kind", "responses", "answer", "count"]
    )
    frame["count"] = frame["count"].astype("Int64")
    return frame


# -- CSV and JSON --------------------------------------------------------------------------


def _cell(value: object) -> object:
    """A spreadsheet cell that cannot run as a formula: text starting with = + - @ or a
    control character gets a leading apostrophe, as spreadsheets expect."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(summary: Summary) -> bytes:
    """The responses table as one CSV file (UTF-8 with a byte-order mark, so spreadsheet
    programs read accents right)."""
    frame = responses_frame(summary)
    for column in ("stage", "exercise", "answer"):
        frame[column] = frame[column].map(_cell)
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8-sig")


def to_data(summary: Summary) -> dict[str, object]:
    """The summary as plain data (what the JSON export holds)."""

    def prompt(p: PromptSummary) -> dict[str, object]:
        r = p.results
        data: dict[str, object] = {
            "id": p.prompt_id,
            "title": p.title,
            "kind": p.kind,
            "responses": p.responses,
            "count": r.count if r.enough else None,
            "needed": r.needed,
            "shown": r.enough,
        }
        if r.enough and r.distribution is not None:
            data["distribution"] = dict(p.rows)
        if r.enough and r.mean is not None:
            data["mean"] = round(r.mean, 2)
        if r.enough and r.words is not None:
            data["words"] = [[w, n] for w, n in r.words]
        if r.enough and r.reflections is not None:
            data["reflections"] = p.texts
        return data

    return {
        "workshop": {"code": summary.code, "title": summary.title, "exported": summary.date},
        "stages": [
            {
                "index": s.index + 1,
                "module_id": s.module_id,
                "title": s.title,
                "planned_minutes": s.planned_minutes,
                "actual_minutes": round(s.actual_minutes, 1),
                "prompts": [prompt(p) for p in s.prompts],
            }
            for s in summary.stages
        ],
    }


def to_json(summary: Summary) -> bytes:
    return json.dumps(to_data(summary), ensure_ascii=False, indent=2).encode("utf-8")


# -- the printable summary -----------------------------------------------------------------

PRIVACY_NOTE = (
    "Only totals and anonymous answers are shown. A question answered by fewer people than "
    "its reveal threshold appears as \u201cfewer than N\u201d, with nothing of what was "
    "said; reflections hidden during the workshop are left out. Reflections appear in a "
    "random order."
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
        return "How many people put each one first."
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
    if not p.results.enough:
        out.append("<p><em>Not shown: too few answers.</em></p></div>")
        return "".join(out)
    if p.rows:
        colour = SECOND if p.prompt_id == CLOSING else FIRST
        width = {"scale": "3rem", "word": "30%"}.get(p.kind, "45%")
        out.append(bars_html(p.rows, colour=colour, label_width=width))
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


def to_pdf(summary: Summary, *, font_dir=FONT_DIR) -> bytes:
    """The summary as a PDF: the same sections as :func:`to_html`, bars drawn in the PDF."""
    from workshop.report_pdf import render

    return render(summary, font_dir=font_dir)


def render(summary: Summary, fmt: str) -> bytes:
    """The summary in one of :data:`FORMATS`, as bytes to write or download."""
    if fmt == "csv":
        return to_csv(summary)
    if fmt == "json":
        return to_json(summary)
    if fmt == "html":
        return to_html(summary).encode("utf-8")
    if fmt == "pdf":
        return to_pdf(summary)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def report_bytes(
    *,
    store: Store,
    code: str,
    key: str,
    fmt: str,
    now: float | None = None,
    content: Content | None = None,
) -> bytes:
    """A workshop's summary in ``fmt`` (csv, json, html or pdf), for the facilitator holding
    ``key``. Uses the shipped content for scale labels unless ``content`` is given. Raises
    AccessDenied, WorkshopNotFound, WorkshopEnded, ValueError for an unknown format.
    Read-only."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if content is None:
        content = _shipped_content()
    summary = collect(store=store, code=code, key=key, now=now, content=content)
    return render(summary, fmt)


def report_filename(*, code: str, fmt: str) -> str:
    """A file name for a download: 'bedrock-ABC123-summary.pdf'."""
    return f"bedrock-{privacy.normalise_code(code)}-summary.{fmt}"


def _shipped_content() -> Content | None:
    from workshop.content import ContentError, get_content

    try:
        return get_content()
    except ContentError:
        return None
