"""After the workshop: a summary of what the room answered, as data, frames, CSV and JSON,
for the facilitator to keep before deleting the workshop (printed by
:mod:`workshop.printing.summary_print`, written as a file by :mod:`workshop.printing.report`).

Everything comes from :meth:`Store.results`, which already enforces the reveal thresholds:
a prompt below its threshold shows only "fewer than N" (no count, no distribution, no text),
and a hidden reflection never appears. Nothing here reads raw rows.

What people wrote (reflections, words, written lists) is kept only for prompts revealed to
the room during the workshop (``Results.shared``: set by a reveal, kept when the room moves
on, cleared when the facilitator takes a wall down): :func:`collect` drops the texts of every
other prompt, so
no format can show them, and each format says that they were left out. Scales, choices and
rankings with enough answers keep their totals whether or not they were revealed.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, replace
from datetime import datetime

import pandas as pd

from workshop.content.model import Content
from workshop.engine import privacy
from workshop.engine.store import ANSWER_KINDS, TEXT_KINDS, Results, Store
from workshop.i18n import N_
from workshop.i18n.catalogues import gettext_for, translator
from workshop.i18n.formats import day, number
from workshop.printing import charts

FORMATS = ("csv", "json", "html", "pdf")
"""The export formats, as named on the command line."""
TOP_WORDS = 20

WITHHELD_NOTES = {
    "reflection": N_("Reflections not shown to the room are not exported."),
    "word": N_("Words not shown to the room are not exported."),
    "timed-writing": N_("Written lists not shown to the room are not exported."),
}
TOO_FEW = N_("Not shown: too few answers.")
FEWER_ANSWERS = N_("fewer than {needed} answers")

KIND_LABELS = {
    "scale": N_("Scale"),
    "choice": N_("Choice"),
    "ranking": N_("Ranking (points for the whole order)"),
    "word": N_("Words"),
    "reflection": N_("Reflection"),
    "timed-writing": N_("Written list"),
}
"""Each kind of prompt as a report names it (catalogue entries: translate where shown)."""


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
    language: str = "en"
    """The language of the summary's own words (what people wrote stays as written)."""

    @property
    def kind_label(self) -> str:
        """The prompt's kind as the report names it, in its language."""
        return gettext_for(self.language)(KIND_LABELS[self.kind])

    @property
    def responses(self) -> str:
        """'7 answers', or 'fewer than 5 answers' below the threshold, in its language."""
        r = self.results
        if r.count < r.needed and r.needed > 1:
            said = gettext_for(self.language)(FEWER_ANSWERS)
            return said.format(needed=number(r.needed, self.language))
        return privacy.count_label(r.count, r.needed, translator(self.language))

    @property
    def rows(self) -> list[tuple[str, int]]:
        """(answer, count) rows: scale points, options, every word, or for a ranking every
        option's points (its Borda count), highest first; empty below the threshold and for
        written answers."""
        r = self.results
        if not r.enough:
            return []
        if r.points is not None:
            return list(r.points.items())
        if r.words is not None:
            frame = charts.words_frame(r, top=len(r.words))
        elif r.distribution is None:
            return []
        elif self.scale is not None:
            frame = charts.scale_frame(r, lo=self.scale[0], hi=self.scale[1])
        else:
            frame = charts.distribution_frame(r, order=list(self.options) or None)
        return [(str(a), int(c)) for a, c in zip(frame["answer"], frame["count"], strict=True)]

    @property
    def chart_rows(self) -> list[tuple[str, int]]:
        """The rows a chart shows: all of them, or the most frequent words."""
        return self.rows[:TOP_WORDS] if self.kind == "word" else self.rows

    @property
    def texts(self) -> list[str]:
        """Visible reflections, in a fresh random order; empty below the threshold and for
        a prompt not revealed to the room."""
        return privacy.shuffled(self.results.reflections or [])

    @property
    def withheld(self) -> bool:
        """True for written answers that reached the threshold but were not revealed to the
        room when the summary was made: their count is told, their texts are left out."""
        return self.kind in TEXT_KINDS and self.results.enough and not self.results.shared

    @property
    def note(self) -> str:
        """Why nothing of what was said appears ('' when the answers are shown)."""
        if not self.results.enough:
            return gettext_for(self.language)(TOO_FEW)
        if self.withheld:
            return withheld_note(self.kind, self.language)
        return ""


def withheld_note(kind: str, language: str = "en") -> str:
    """'Reflections not shown to the room are not exported.' (or words, or written lists)."""
    return gettext_for(language)(WITHHELD_NOTES[kind])


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
    language: str = "en"
    """The language of the summary's own words: headings, captions, counts, dates."""

    def said(self, message: str) -> str:
        """``message`` (a catalogue entry) in the summary's language."""
        return gettext_for(self.language)(message)

    @property
    def prompts(self) -> list[PromptSummary]:
        return [p for stage in self.stages for p in stage.prompts]

    def prompt(self, prompt_id: str) -> PromptSummary | None:
        return next((p for p in self.prompts if p.prompt_id == prompt_id), None)

    @property
    def date(self) -> str:
        return day(datetime.fromtimestamp(self.exported_at).date(), self.language)


def collect(
    *,
    store: Store,
    code: str,
    key: str,
    now: float | None = None,
    content: Content | None = None,
    language: str = "en",
) -> Summary:
    """Read a workshop's plan, stage times and every collecting prompt's results. ``content``
    (when given) adds the scale labels and shows the options of choices and rankings in its
    words (best in ``language``, the language of the summary's own words). The texts and
    words of a prompt not revealed to the room right now are dropped here, keeping only
    their count. Raises AccessDenied for a wrong key, WorkshopNotFound, WorkshopEnded.
    Read-only."""
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
            results = store.results(code=code, prompt_id=prompt_id)
            if spec.kind in TEXT_KINDS and not results.shared:
                results = replace(results, words=None, reflections=None)
            options = spec.options
            if content is not None and spec.kind in ("choice", "ranking"):
                results, options = _in_words_of(content, prompt_id, results, options)
            prompts.append(
                PromptSummary(
                    stage=stage.index,
                    prompt_id=prompt_id,
                    title=spec.title,
                    kind=spec.kind,
                    results=results,
                    options=options,
                    scale=scale,
                    scale_labels=labels,
                    language=language,
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
    return Summary(
        code=state.code,
        title=state.title,
        exported_at=now,
        stages=tuple(stages),
        language=language,
    )


def _in_words_of(
    content: Content, prompt_id: str, results: Results, options: tuple[str, ...]
) -> tuple[Results, tuple[str, ...]]:
    """A choice's or a ranking's results and options, stored in the original's words, in
    ``content``'s words (what people chose counts the same in every language)."""

    def shown(option: str) -> str:
        return str(content.from_original(prompt_id, option))

    def keyed(counts: dict[str, int] | None) -> dict[str, int] | None:
        return None if counts is None else {shown(k): v for k, v in counts.items()}

    return (
        replace(results, distribution=keyed(results.distribution), points=keyed(results.points)),
        tuple(shown(o) for o in options),
    )


# -- frames --------------------------------------------------------------------------------


def prompt_frame(prompt: PromptSummary) -> pd.DataFrame:
    """A prompt's answers: ``answer``/``count`` rows, or one ``reflection`` per row for
    written answers; empty below the threshold and for written answers not revealed."""
    if prompt.kind in ("reflection", "timed-writing"):
        return pd.DataFrame({"reflection": prompt.texts}, dtype="object")
    return pd.DataFrame(prompt.rows, columns=["answer", "count"])


def responses_frame(summary: Summary) -> pd.DataFrame:
    """Every prompt's answers in one long table, the shape of the CSV export: one row per
    option, scale point, word or reflection, and for a prompt below its threshold or written
    answers not revealed to the room a single row whose ``note`` says why nothing is there."""
    rows = []
    for p in summary.prompts:
        head = {
            "stage": summary.stages[p.stage].label,
            "exercise": p.title,
            "kind": p.kind_label,
            "responses": p.responses,
        }
        frame = prompt_frame(p)
        if p.note:
            rows.append({**head, "answer": "", "count": None, "note": p.note})
        elif frame.empty:
            rows.append({**head, "answer": "", "count": None})
        elif "reflection" in frame:
            rows += [{**head, "answer": text, "count": None} for text in frame["reflection"]]
        else:
            rows += [
                {**head, "answer": a, "count": int(c)}
                for a, c in zip(frame["answer"], frame["count"], strict=True)
            ]
    frame = pd.DataFrame(
        rows, columns=["stage", "exercise", "kind", "responses", "answer", "count", "note"]
    )
    frame["note"] = frame["note"].fillna("")
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


def _ranking_data(r: Results, options: int) -> dict[str, object]:
    """A ranking's whole order: per option (highest first) its points, its average place
    (1 is first) and how many put it first. ``distribution`` holds the points too."""
    people = max(r.count, 1)
    firsts = r.distribution or {}
    return {
        "order": [
            {
                "option": option,
                "points": points,
                "mean_rank": round(options - points / people, 2),
                "first_places": firsts.get(option, 0),
            }
            for option, points in (r.points or {}).items()
        ]
    }


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
            "enough": r.enough,
            # Shown to the room at some point and not taken down on purpose: moving on to
            # the next stage takes a wall off the screen but it was still revealed.
            "revealed": r.shared,
        }
        if p.note:
            data["note"] = p.note
        if r.enough and r.distribution is not None:
            data["distribution"] = dict(p.rows)
        if r.enough and r.mean is not None:
            data["mean"] = round(r.mean, 2)
        if r.enough and r.points is not None:
            data.update(_ranking_data(r, len(p.options)))
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
