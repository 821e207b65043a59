"""Printable material from the workshop content: a participant handout per stage (key ideas,
the exercises with room to write) and a facilitator guide (agenda, ground rules, safety,
notes per stage), as HTML pages with print CSS and as PDF.

Only the workshop's own content is read, never anything participants wrote.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from workshop.content.guidance import GROUND_RULES, SAFETY
from workshop.content.model import DEFAULT_MIN_REVEAL, Content, Exercise, Module
from workshop.engine import privacy
from workshop.printing.document import inline_html, markdown_lines, page

KIND_NAMES = {
    "reflection": "Reflection",
    "word": "One word",
    "scale": "Scale",
    "choice": "Choice",
    "ranking": "Ranking",
    "speaker-listener": "Listening turns",
    "timed-writing": "Timed list",
    "plan": "Plan together",
    "checklist": "Checklist",
    "pair-share": "Talk together",
}
DOCUMENTS = ("handouts", "guide")
"""What :func:`handout_bytes` makes besides a single stage's handout."""
PASS_NOTE = (
    "You can pass on anything in this workshop. If something here stirs up more than you "
    "expected, talk to the facilitator, to someone you trust, or to a professional."
)


@dataclass(frozen=True)
class Part:
    """One piece of an exercise as printed. ``kind``: prompt (``label`` and text in
    ``items``), scale (points in ``items``, end labels in ``hints``), boxes, order, rules,
    numbered (``count`` lines), fields (labels in ``items``, ``hints``), lines (``count``)."""

    kind: str
    label: str = ""
    items: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()
    count: int = 0


def _minutes(value: float) -> str:
    return f"{value:g} min"


def key_ideas(module: Module, *, per_slide: int = 5) -> list[tuple[str, list[str]]]:
    """Each slide's title with its first few points (Markdown emphasis kept)."""
    ideas = []
    for slide in module.slides:
        points = [text for kind, text in markdown_lines(slide.body) if kind != "heading"]
        ideas.append((slide.title, points[:per_slide]))
    return ideas


def exercise_parts(exercise: Exercise) -> list[Part]:
    """What a participant needs on paper to do the exercise: both prompts, then the options,
    rules or space to write that its kind calls for."""
    parts = [
        Part("prompt", "In the workshop", (exercise.group_prompt.strip(),)),
        Part("prompt", "Together at home", (exercise.couple_prompt.strip(),)),
    ]
    kind = exercise.kind
    if kind == "scale":
        points = tuple(str(n) for n in range(exercise.min, exercise.max + 1))
        parts.append(Part("scale", items=points, hints=(exercise.min_label, exercise.max_label)))
    elif kind in ("choice", "checklist"):
        items = exercise.options if kind == "choice" else exercise.items
        parts.append(Part("boxes", items=tuple(items)))
    elif kind == "ranking":
        parts.append(Part("order", items=tuple(exercise.items)))
    elif kind == "speaker-listener":
        timing = (
            f"{exercise.rounds} rounds each. The speaker talks for "
            f"{_minutes(exercise.speak_minutes)}, the listener says back what they heard for "
            f"{_minutes(exercise.paraphrase_minutes)}, then swap."
        )
        parts.append(Part("rules", timing, tuple(exercise.rules)))
        parts.append(Part("lines", "What I heard, what I want to remember", count=3))
    elif kind == "timed-writing":
        parts.append(Part("numbered", count=exercise.target))
    elif kind == "plan":
        fields = exercise.fields
        parts.append(
            Part(
                "fields", items=tuple(f.label for f in fields), hints=tuple(f.hint for f in fields)
            )
        )
    elif kind == "word":
        parts.append(Part("lines", "My word", count=1))
    elif kind == "reflection":
        parts.append(Part("lines", "My answer", count=5))
    else:
        parts.append(Part("lines", "Notes", count=3))
    return parts


def threshold(exercise: Exercise) -> int | None:
    """Answers needed before an exercise's results can be shown (None: nothing collected)."""
    if not exercise.collects:
        return None
    return privacy.reveal_threshold(
        min_reveal=exercise.min_reveal, sensitive=exercise.sensitive, default=DEFAULT_MIN_REVEAL
    )


def agenda(content: Content) -> list[tuple[str, str, str, str]]:
    """(start, stage, minutes, exercises) per stage; start counts from 0:00."""
    rows, start = [], 0.0
    for module in content.modules:
        exercises = "; ".join(
            f"{e.title} ({_minutes(e.minutes)})" for e in content.exercises_for(module.id)
        )
        clock = f"{int(start // 60)}:{int(round(start % 60)):02d}"
        rows.append(
            (clock, f"{module.order + 1}. {module.title}", f"{module.minutes:g}", exercises)
        )
        start += module.minutes
    return rows


_LEAD = re.compile(r"^([A-Z][^:.\n]{0,48}):\s")


def note_paragraphs(notes: str) -> list[str]:
    """Facilitator notes split into paragraphs, with a leading 'Timing (...):' in bold."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", notes.strip()) if p.strip()]
    return [_LEAD.sub(r"**\1:** ", p) for p in paragraphs]


# -- HTML ----------------------------------------------------------------------------------

HANDOUT_CSS = """
.ideas h4 { margin: .6rem 0 .1rem; }
.ideas ul { margin: .1rem 0 .4rem; padding-left: 1.2rem; }
.exercise { border-top: 1px solid var(--rule); margin-top: 1rem; padding-top: .4rem;
            break-inside: avoid; page-break-inside: avoid; }
.label { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em;
         color: var(--muted); margin: .5rem 0 0; }
.lines div { border-bottom: 1px solid var(--rule); height: 2rem; }
.box { display: inline-block; width: .9rem; height: .9rem; border: 1.5px solid var(--ink);
       margin-right: .5rem; vertical-align: -2px; }
.scale { display: flex; gap: .6rem; margin: .4rem 0 .1rem; }
.scale span { border: 1.5px solid var(--ink); border-radius: 50%; width: 1.9rem; height: 1.9rem;
              display: inline-flex; align-items: center; justify-content: center; }
.ends { display: flex; justify-content: space-between; color: var(--muted); font-size: .9rem; }
ul.plain { list-style: none; padding-left: 0; }
.blank { display: inline-block; width: 2.2rem; border-bottom: 1px solid var(--ink);
         margin-right: .5rem; }
.card { border: 1px solid var(--rule); padding: .4rem .9rem; border-radius: 6px; }
"""


def _lines_html(count: int) -> str:
    return '<div class="lines">' + "<div></div>" * count + "</div>"


def _part_html(part: Part) -> str:
    e = html.escape
    label = f'<p class="label">{e(part.label)}</p>' if part.label else ""
    if part.kind == "prompt":
        return f"{label}<p>{e(part.items[0])}</p>"
    if part.kind == "scale":
        points = "".join(f"<span>{e(p)}</span>" for p in part.items)
        ends = "".join(f"<span>{e(h)}</span>" for h in part.hints)
        return f'<div class="scale">{points}</div><div class="ends">{ends}</div>'
    if part.kind in ("boxes", "order"):
        mark = '<i class="box"></i>' if part.kind == "boxes" else '<i class="blank"></i>'
        items = "".join(f"<li>{mark}{e(i)}</li>" for i in part.items)
        return f'<ul class="plain">{items}</ul>'
    if part.kind == "rules":
        items = "".join(f"<li>{e(r)}</li>" for r in part.items)
        return f'<div class="card"><p>{e(part.label)}</p><ul>{items}</ul></div>'
    if part.kind == "numbered":
        rows = "".join(f"<li>{_lines_html(1)}</li>" for _ in range(part.count))
        return f"<ol>{rows}</ol>"
    if part.kind == "fields":
        out = []
        for name, hint in zip(part.items, part.hints, strict=True):
            out.append(f"<p><strong>{e(name)}</strong><br><span class=muted>{e(hint)}</span></p>")
            out.append(_lines_html(1))
        return "".join(out)
    return label + _lines_html(part.count)


def module_html(module: Module, content: Content) -> str:
    """One stage's participant handout as an HTML fragment starting on a new page."""
    e = html.escape
    out = [f'<section class="page"><h1>{e(module.title)}</h1>']
    out.append(f'<p class="meta">Stage {module.order + 1} of {len(content.modules)}</p>')
    if module.content_note:
        out.append(
            f'<p class="note"><strong>Before you begin.</strong> {e(module.content_note)}</p>'
        )
    out.append('<h2>Key ideas</h2><div class="ideas">')
    for title, points in key_ideas(module):
        items = "".join(f"<li>{inline_html(p)}</li>" for p in points)
        out.append(f"<h4>{inline_html(title)}</h4><ul>{items}</ul>")
    out.append("</div>")
    exercises = content.exercises_for(module.id)
    if exercises:
        out.append("<h2>Exercises</h2>")
    for exercise in exercises:
        out.append(f'<div class="exercise"><h3>{e(exercise.title)}</h3>')
        out.append(f'<p class="muted">{e(KIND_NAMES[exercise.kind])} \u00b7 about '
                   f"{e(_minutes(exercise.minutes))}</p>")  # fmt: skip
        out += [_part_html(part) for part in exercise_parts(exercise)]
        out.append("</div>")
    out.append(f'<h2>My notes</h2>{_lines_html(6)}<p class="muted">{e(PASS_NOTE)}</p></section>')
    return "".join(out)


def handouts_html(content: Content, *, module_id: str | None = None) -> str:
    """Every stage's handout (or one stage's) as a printable page, one stage per sheet."""
    modules = [content.module(module_id)] if module_id else content.modules
    body = "\n".join(module_html(m, content) for m in modules)
    title = modules[0].title if module_id else "Workshop handouts"
    return page(title=title, body=body, css=HANDOUT_CSS)


def guide_html(content: Content) -> str:
    """The facilitator guide as a printable page."""
    e = html.escape
    out = [
        "<h1>Facilitator guide</h1>",
        f'<p class="meta">{len(content.modules)} stages \u00b7 about '
        f"{content.total_minutes:g} minutes in all</p>",
        "<h2>Agenda</h2><table><thead><tr><th>Start</th><th>Stage</th>"
        '<th class="num">Minutes</th><th>Exercises</th></tr></thead><tbody>',
    ]
    for start, stage, minutes, exercises in agenda(content):
        out.append(
            f"<tr><td>{e(start)}</td><td>{e(stage)}</td><td class=num>{e(minutes)}</td>"
            f"<td>{e(exercises)}</td></tr>"
        )
    out.append("</tbody></table><h2>Ground rules</h2><ul>")
    out += [f"<li>{e(rule)}</li>" for rule in GROUND_RULES]
    out.append('</ul><h2 class="page">Safety and care</h2>')
    for topic in SAFETY:
        points = "".join(f"<li>{e(p)}</li>" for p in topic.points)
        out.append(f'<div class="keep"><h3>{e(topic.title)}</h3><p>{e(topic.intro)}</p>'
                   f"<ul>{points}</ul></div>")  # fmt: skip
    for module in content.modules:
        out.append(
            f'<section class="page"><h2>{module.order + 1}. {e(module.title)} '
            f'<span class="muted">({e(_minutes(module.minutes))})</span></h2>'
        )
        if module.content_note:
            out.append(f'<p class="note"><strong>Content note to read aloud.</strong> '
                       f"{e(module.content_note)}</p>")  # fmt: skip
        out += [f"<p>{inline_html(p)}</p>" for p in note_paragraphs(module.notes)]
        exercises = content.exercises_for(module.id)
        if exercises:
            out.append("<h3>Exercises</h3><ul>")
        for ex in exercises:
            needed = threshold(ex)
            shown = f"; results shown from {needed} answers" if needed else "; nothing collected"
            out.append(
                f"<li><strong>{e(ex.title)}</strong> ({e(KIND_NAMES[ex.kind])}, "
                f"{e(_minutes(ex.minutes))}{e(shown)}). {e(ex.group_prompt.strip())}</li>"
            )
        if exercises:
            out.append("</ul>")
        out.append("<h3>Slides and presenter notes</h3>")
        for slide in module.slides:
            notes = " ".join(slide.notes.split()) or "\u2013"
            out.append(f"<h4>{inline_html(slide.title)}</h4><p>{e(notes)}</p>")
        out.append("</section>")
    return page(title="Facilitator guide", body="\n".join(out), css=HANDOUT_CSS)
