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
from workshop.i18n import N_, N_plural
from workshop.i18n.catalogues import gettext_for, translator
from workshop.i18n.formats import number
from workshop.printing.document import inline_html, markdown_lines, page

KIND_NAMES = {
    "reflection": N_("Reflection"),
    "word": N_("One word"),
    "scale": N_("Scale"),
    "choice": N_("Choice"),
    "ranking": N_("Ranking"),
    "speaker-listener": N_("Listening turns"),
    "timed-writing": N_("Timed list"),
    "plan": N_("Plan together"),
    "checklist": N_("Checklist"),
    "pair-share": N_("Talk together"),
}
"""Each exercise kind's name as printed (catalogue entries: translate where drawn)."""
DOCUMENTS = ("handouts", "guide")
"""What :func:`handout_bytes` makes besides a single stage's handout."""
PASS_NOTE = N_(
    "You can pass on anything in this workshop. If something here stirs up more than you "
    "expected, talk to the facilitator, to someone you trust, or to a professional."
)
MINUTES = N_("{minutes} min")
IN_THE_WORKSHOP = N_("In the workshop")
AT_HOME = N_("Together at home")
TURNS = N_plural(
    "{count} round each. The speaker talks for {speak}, the listener says back what they "
    "heard for {paraphrase}, then swap.",
    "{count} rounds each. The speaker talks for {speak}, the listener says back what they "
    "heard for {paraphrase}, then swap.",
)
WHAT_I_HEARD = N_("What I heard, what I want to remember")
MY_WORD = N_("My word")
MY_ANSWER = N_("My answer")
NOTES = N_("Notes")
AGENDA_ITEM = N_("{title} ({minutes})")
HANDOUTS = N_("Workshop handouts")
PARTICIPANT_HANDOUT = N_("{title} \u00b7 participant handout")
GUIDE = N_("Facilitator guide")
STAGE_OF = N_("Stage {number} of {count}")
BEFORE_YOU_BEGIN = N_("Before you begin.")
KEY_IDEAS = N_("Key ideas")
EXERCISES = N_("Exercises")
KIND_AND_TIME = N_("{kind} \u00b7 about {minutes}")
MY_NOTES = N_("My notes")
GUIDE_META = N_plural(
    "{count} stage \u00b7 about {minutes} minutes in all",
    "{count} stages \u00b7 about {minutes} minutes in all",
)
AGENDA = N_("Agenda")
START = N_("Start")
STAGE = N_("Stage")
MINUTES_HEADING = N_("Minutes")
MIN_HEADING = N_("Min")
GROUND_RULES_HEADING = N_("Ground rules")
SAFETY_HEADING = N_("Safety and care")
READ_ALOUD = N_("Content note to read aloud.")
SHOWN_FROM = N_plural("results shown from {count} answer", "results shown from {count} answers")
NOTHING_COLLECTED = N_("nothing collected")
GUIDE_EXERCISE = N_("{title} ({kind}, {minutes}; {shown})")
SLIDES_AND_NOTES = N_("Slides and presenter notes")


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


def _minutes(value: float, language: str = "en") -> str:
    return gettext_for(language)(MINUTES).format(minutes=number(value, language))


def key_ideas(module: Module, *, per_slide: int = 5) -> list[tuple[str, list[str]]]:
    """Each slide's title with its first few points (Markdown emphasis kept)."""
    ideas = []
    for slide in module.slides:
        points = [text for kind, text in markdown_lines(slide.body) if kind != "heading"]
        ideas.append((slide.title, points[:per_slide]))
    return ideas


def exercise_parts(exercise: Exercise, language: str = "en") -> list[Part]:
    """What a participant needs on paper to do the exercise: both prompts, then the options,
    rules or space to write that its kind calls for, labelled in ``language`` (the exercise's
    own text is as ``exercise`` has it)."""
    said = gettext_for(language)
    parts = [
        Part("prompt", said(IN_THE_WORKSHOP), (exercise.group_prompt.strip(),)),
        Part("prompt", said(AT_HOME), (exercise.couple_prompt.strip(),)),
    ]
    kind = exercise.kind
    if kind == "scale":
        points = tuple(number(n, language) for n in range(exercise.min, exercise.max + 1))
        parts.append(Part("scale", items=points, hints=(exercise.min_label, exercise.max_label)))
    elif kind in ("choice", "checklist"):
        items = exercise.options if kind == "choice" else exercise.items
        parts.append(Part("boxes", items=tuple(items)))
    elif kind == "ranking":
        parts.append(Part("order", items=tuple(exercise.items)))
    elif kind == "speaker-listener":
        timing = (
            translator(language)
            .ngettext(*TURNS, exercise.rounds)
            .format(
                count=number(exercise.rounds, language),
                speak=_minutes(exercise.speak_minutes, language),
                paraphrase=_minutes(exercise.paraphrase_minutes, language),
            )
        )
        parts.append(Part("rules", timing, tuple(exercise.rules)))
        parts.append(Part("lines", said(WHAT_I_HEARD), count=3))
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
        parts.append(Part("lines", said(MY_WORD), count=1))
    elif kind == "reflection":
        parts.append(Part("lines", said(MY_ANSWER), count=5))
    else:
        parts.append(Part("lines", said(NOTES), count=3))
    return parts


def threshold(exercise: Exercise) -> int | None:
    """Answers needed before an exercise's results can be shown (None: nothing collected)."""
    if not exercise.collects:
        return None
    return privacy.reveal_threshold(
        min_reveal=exercise.min_reveal, sensitive=exercise.sensitive, default=DEFAULT_MIN_REVEAL
    )


def shown_from(exercise: Exercise, language: str = "en") -> str:
    """When the guide says an exercise's results appear: 'results shown from 3 answers', or
    'nothing collected'."""
    needed = threshold(exercise)
    if not needed:
        return gettext_for(language)(NOTHING_COLLECTED)
    said = translator(language).ngettext(*SHOWN_FROM, needed)
    return said.format(count=number(needed, language))


def guide_meta(content: Content, language: str = "en") -> str:
    """'6 stages · about 120 minutes in all', in ``language``."""
    count = len(content.modules)
    said = translator(language).ngettext(*GUIDE_META, count)
    return said.format(
        count=number(count, language), minutes=number(content.total_minutes, language)
    )


def agenda(content: Content, language: str = "en") -> list[tuple[str, str, str, str]]:
    """(start, stage, minutes, exercises) per stage; start counts from 0:00."""
    said = gettext_for(language)
    rows, start = [], 0.0
    for module in content.modules:
        exercises = "; ".join(
            said(AGENDA_ITEM).format(title=e.title, minutes=_minutes(e.minutes, language))
            for e in content.exercises_for(module.id)
        )
        clock = f"{int(start // 60)}:{int(round(start % 60)):02d}"
        rows.append(
            (clock, f"{module.order + 1}. {module.title}", number(module.minutes, language),
             exercises)
        )  # fmt: skip
        start += module.minutes
    return rows


_LEAD = re.compile(r"^([A-Z\u00c0-\u00de\u00a1\u00bf][^:.\n]{0,48}):\s")


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


def module_html(module: Module, content: Content, language: str = "en") -> str:
    """One stage's participant handout as an HTML fragment starting on a new page, its own
    words in ``language``."""
    e = html.escape
    said = gettext_for(language)
    stage_of = said(STAGE_OF).format(
        number=number(module.order + 1, language), count=number(len(content.modules), language)
    )
    out = [f'<section class="page"><h1>{e(module.title)}</h1>']
    out.append(f'<p class="meta">{e(stage_of)}</p>')
    if module.content_note:
        out.append(f'<p class="note"><strong>{e(said(BEFORE_YOU_BEGIN))}</strong> '
                   f"{e(module.content_note)}</p>")  # fmt: skip
    out.append(f'<h2>{e(said(KEY_IDEAS))}</h2><div class="ideas">')
    for title, points in key_ideas(module):
        items = "".join(f"<li>{inline_html(p)}</li>" for p in points)
        out.append(f"<h4>{inline_html(title)}</h4><ul>{items}</ul>")
    out.append("</div>")
    exercises = content.exercises_for(module.id)
    if exercises:
        out.append(f"<h2>{e(said(EXERCISES))}</h2>")
    for exercise in exercises:
        out.append(f'<div class="exercise"><h3>{e(exercise.title)}</h3>')
        kind = said(KIND_AND_TIME).format(
            kind=said(KIND_NAMES[exercise.kind]), minutes=_minutes(exercise.minutes, language)
        )
        out.append(f'<p class="muted">{e(kind)}</p>')
        out += [_part_html(part) for part in exercise_parts(exercise, language)]
        out.append("</div>")
    out.append(f"<h2>{e(said(MY_NOTES))}</h2>{_lines_html(6)}"
               f'<p class="muted">{e(said(PASS_NOTE))}</p></section>')  # fmt: skip
    return "".join(out)


def handouts_html(content: Content, *, module_id: str | None = None, language: str = "en") -> str:
    """Every stage's handout (or one stage's) as a printable page, one stage per sheet, its
    own words in ``language`` (``content`` is best in the same one)."""
    modules = [content.module(module_id)] if module_id else content.modules
    body = "\n".join(module_html(m, content, language) for m in modules)
    title = modules[0].title if module_id else gettext_for(language)(HANDOUTS)
    return page(title=title, body=body, css=HANDOUT_CSS, language=language)


def guide_html(content: Content, language: str = "en") -> str:
    """The facilitator guide as a printable page, its own words (headings, ground rules,
    safety and care) in ``language`` (``content`` is best in the same one)."""
    e = html.escape
    said = gettext_for(language)
    out = [
        f"<h1>{e(said(GUIDE))}</h1>",
        f'<p class="meta">{e(guide_meta(content, language))}</p>',
        f"<h2>{e(said(AGENDA))}</h2><table><thead><tr><th>{e(said(START))}</th>"
        f'<th>{e(said(STAGE))}</th><th class="num">{e(said(MINUTES_HEADING))}</th>'
        f"<th>{e(said(EXERCISES))}</th></tr></thead><tbody>",
    ]
    for start, stage, minutes, exercises in agenda(content, language):
        out.append(
            f"<tr><td>{e(start)}</td><td>{e(stage)}</td><td class=num>{e(minutes)}</td>"
            f"<td>{e(exercises)}</td></tr>"
        )
    out.append(f"</tbody></table><h2>{e(said(GROUND_RULES_HEADING))}</h2><ul>")
    out += [f"<li>{e(said(rule))}</li>" for rule in GROUND_RULES]
    out.append(f'</ul><h2 class="page">{e(said(SAFETY_HEADING))}</h2>')
    for topic in SAFETY:
        points = "".join(f"<li>{e(said(p))}</li>" for p in topic.points)
        out.append(f'<div class="keep"><h3>{e(said(topic.title))}</h3>'
                   f"<p>{e(said(topic.intro))}</p><ul>{points}</ul></div>")  # fmt: skip
    for module in content.modules:
        out.append(
            f'<section class="page"><h2>{module.order + 1}. {e(module.title)} '
            f'<span class="muted">({e(_minutes(module.minutes, language))})</span></h2>'
        )
        if module.content_note:
            out.append(f'<p class="note"><strong>{e(said(READ_ALOUD))}</strong> '
                       f"{e(module.content_note)}</p>")  # fmt: skip
        out += [f"<p>{inline_html(p)}</p>" for p in note_paragraphs(module.notes)]
        exercises = content.exercises_for(module.id)
        if exercises:
            out.append(f"<h3>{e(said(EXERCISES))}</h3><ul>")
        for ex in exercises:
            line = said(GUIDE_EXERCISE).format(
                title="\0", kind=said(KIND_NAMES[ex.kind]),
                minutes=_minutes(ex.minutes, language), shown=shown_from(ex, language),
            )  # fmt: skip
            lead, _, rest = line.partition("\0")
            out.append(
                f"<li>{e(lead)}<strong>{e(ex.title)}</strong>{e(rest)}. "
                f"{e(ex.group_prompt.strip())}</li>"
            )
        if exercises:
            out.append("</ul>")
        out.append(f"<h3>{e(said(SLIDES_AND_NOTES))}</h3>")
        for slide in module.slides:
            notes = " ".join(slide.notes.split()) or "\u2013"
            out.append(f"<h4>{inline_html(slide.title)}</h4><p>{e(notes)}</p>")
        out.append("</section>")
    return page(title=said(GUIDE), body="\n".join(out), css=HANDOUT_CSS, language=language)
