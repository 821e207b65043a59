"""The couple's plan document: what they shared and the plan they wrote, as Markdown, HTML or PDF.

Only answers whose writer chose to share them, after the couple pressed Reveal, go into the
document (and the plan they filled in together). Every word they wrote is escaped in Markdown
and HTML and written as plain text in the PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from workshop.content.model import Content, Exercise
from workshop.couple.evening import (
    PARTNERS,
    AnswerValue,
    CoupleProgress,
    Names,
    Partner,
    checkins,
    shared_answers,
)
from workshop.i18n import N_, N_plural
from workshop.i18n.catalogues import gettext_for, translator
from workshop.i18n.formats import day, number
from workshop.i18n.languages import direction

if TYPE_CHECKING:
    from workshop.printing.fonts import WorldPDF

OUR_PLAN = N_("Our plan")
OUR_CHECKINS = N_("Our check-ins")
BOTH_OF_US = N_("Both of us")
CHECKIN_LINE = N_("{title}: {value} out of {high}")
WHO_AND_WHEN = N_("{a} and {b} · {day}")
NOTHING_SHARED = N_("Nothing shared yet.")
SHORTENED = N_plural(
    "To fit one page, {count} answer was shortened (marked …).",
    "To fit one page, {count} answers were shortened (marked …).",
)
LEFT_OUT = N_("Left out to fit one page: {titles}.")
FULL_PLAN = N_("The full plan (PDF or To print) has every word.")
AND_MORE = N_("(and {count} more)")
PRINT_HINT = N_("Use your browser's Print command for a paper copy.")


@dataclass(frozen=True)
class PlanEntry:
    """A labelled group of lines, e.g. one partner's answer or one field of the plan."""

    label: str
    lines: tuple[str, ...]
    partner: Partner | None = None
    """Whose answer this is; ``None`` for what they wrote or share together."""


@dataclass(frozen=True)
class PlanSection:
    """A heading and its entries."""

    heading: str
    entries: tuple[PlanEntry, ...]


@dataclass(frozen=True)
class PlanDocument:
    """Their shared answers and commitments, ready to be written as Markdown, HTML or PDF."""

    title: str
    subtitle: str
    sections: tuple[PlanSection, ...]
    language: str = "en"
    """The language of the plan's own words (what they wrote stays as written)."""

    def said(self, message: str) -> str:
        """``message`` (one of this module's) in the plan's language."""
        return gettext_for(self.language)(message)


def optional_answers(progress: CoupleProgress, *, content: Content) -> dict[str, str]:
    """Exercises whose shared answers the couple may add to their plan, by id, with titles:
    everything shared before the last stage (which holds their commitments)."""
    last_stage = content.modules[-1].id if content.modules else ""
    found: dict[str, str] = {}
    for module in content.modules:
        if module.id == last_stage:
            continue
        for exercise in content.exercises_for(module.id):
            if exercise.kind not in ("scale", "plan") and _shared_entries(
                progress, exercise, Names()
            ):
                found[exercise.id] = exercise.title
    return found


def plan_document(
    progress: CoupleProgress,
    *,
    content: Content,
    names: Names,
    today: date,
    answers: frozenset[str] | None = None,
    language: str = "en",
) -> PlanDocument:
    """Gather only what they shared (and the plan they wrote together): commitments first.

    ``answers``: the ids of earlier exercises whose shared answers they chose to add (see
    :func:`optional_answers`); ``None`` adds them all. Commitments (their plan, the last
    stage) and check-ins are always in. ``language``: the language of the plan's own words
    (headings, labels); ``content`` is best in the same one."""
    said = gettext_for(language)
    last_stage = content.modules[-1].id if content.modules else ""
    commitments: list[PlanSection] = []
    closing: list[PlanSection] = []
    earlier: list[PlanSection] = []
    for module in content.modules:
        for exercise in content.exercises_for(module.id):
            if exercise.kind == "scale":
                continue
            if exercise.kind == "plan":
                plan = progress.plans.get(exercise.id, {})
                entries = tuple(
                    PlanEntry(f.label, _lines(plan.get(f.name, "")))
                    for f in exercise.fields
                    if plan.get(f.name)
                )
                if entries:
                    commitments.append(PlanSection(exercise.title, entries))
                continue
            is_last = module.id == last_stage
            if not is_last and answers is not None and exercise.id not in answers:
                continue
            entries = _shared_entries(progress, exercise, names, both=said(BOTH_OF_US))
            if entries:
                target = closing if is_last else earlier
                target.append(PlanSection(exercise.title, entries))
    points = checkins(progress, content=content)
    if points:
        by_partner = {
            p: tuple(
                said(CHECKIN_LINE).format(
                    title=c.title,
                    value=number(c.value, language),
                    high=number(c.high, language),
                )
                for c in points
                if c.partner == p
            )
            for p in PARTNERS
        }
        entries = tuple(
            PlanEntry(names.of(p), lines, p) for p, lines in by_partner.items() if lines
        )
        closing.append(PlanSection(said(OUR_CHECKINS), entries))
    subtitle = said(WHO_AND_WHEN).format(a=names.a, b=names.b, day=day(today, language))
    return PlanDocument(
        said(OUR_PLAN), subtitle, tuple(commitments + closing + earlier), language=language
    )


def _shared_entries(
    progress: CoupleProgress, exercise: Exercise, names: Names, *, both: str = "Both of us"
) -> tuple[PlanEntry, ...]:
    shared = shared_answers(progress, exercise_id=exercise.id)
    entries = [PlanEntry(names.of(p), answer_lines(exercise, v), p) for p, v in shared.items() if v]
    if exercise.kind == "checklist" and all(isinstance(v, list) for v in shared.values()):
        in_both = [i for i in shared["A"] if i in shared["B"]]  # type: ignore[operator,union-attr]
        if in_both:
            entries.insert(0, PlanEntry(both, tuple(in_both)))
    return tuple(entries)


def answer_lines(exercise: Exercise, value: AnswerValue) -> tuple[str, ...]:
    """An answer as plain lines of text (numbered for a ranking)."""
    if isinstance(value, int):
        return (f"{value} out of {getattr(exercise, 'max', value)}",)
    if isinstance(value, list):
        if exercise.kind == "ranking":
            return tuple(f"{n}. {v}" for n, v in enumerate(value, start=1))
        return tuple(value)
    return _lines(value)


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


_MD_SPECIAL = set("\\`*_{}[]()#+-.!|<>~&")


def _md(text: str) -> str:
    """Text escaped so a Markdown viewer shows it literally (no links, images or HTML)."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)


def plan_markdown(document: PlanDocument) -> str:
    """The plan as Markdown; every word they wrote is escaped."""
    out = [f"# {document.title}", "", f"*{_md(document.subtitle)}*", ""]
    for section in document.sections:
        out += [f"## {_md(section.heading)}", ""]
        for entry in section.entries:
            out.append(f"**{_md(entry.label)}**")
            out += [f"- {_md(line)}" for line in entry.lines]
            out.append("")
    if not document.sections:
        out += [document.said(NOTHING_SHARED), ""]
    return "\n".join(out)


_PRINT_CSS = """
@page { size: A4; margin: 16mm 18mm; }
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #2b2a28;
  max-width: 44rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.4; font-size: 10pt; }
h1 { font-size: 22pt; margin: 0; color: #8a4b3c; }
.sub { color: #6b6660; margin: 0.2rem 0 1.2rem; }
h2 { font-size: 13pt; margin: 1.1rem 0 0.3rem; border-bottom: 1px solid #e6dcd6;
  padding-bottom: 0.15rem; break-after: avoid; }
.entry { margin: 0.25rem 0 0.5rem; break-inside: avoid; }
.pair { display: grid; grid-template-columns: 1fr 1fr; column-gap: 1.5rem; }
.pair .a { grid-column: 1; } .pair .b { grid-column: 2; }
.label { font-weight: 700; margin-right: 0.4rem; }
ul { margin: 0.1rem 0 0 1.1rem; padding: 0; }
.hint { color: #6b6660; font-size: 9pt; margin-top: 1.5rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 9pt; line-height: 1.25; }
  h1 { font-size: 17pt; } .sub { margin-bottom: 0.6rem; }
  h2 { font-size: 10.5pt; margin: 0.45rem 0 0.1rem; }
  .entry { margin: 0.05rem 0 0.15rem; } ul { margin-top: 0; } .hint { display: none; }
}
"""


def plan_html(document: PlanDocument) -> str:
    """The plan as one printable HTML page (print CSS, no scripts); every word is escaped."""
    from html import escape

    parts = [
        f'<!doctype html>\n<html lang="{escape(document.language)}" '
        f'dir="{direction(document.language)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(document.title)}</title><style>{_PRINT_CSS}</style></head><body>",
        f"<h1>{escape(document.title)}</h1>",
        f'<p class="sub">{escape(document.subtitle)}</p>',
    ]
    for section in document.sections:
        parts.append(f"<h2>{escape(section.heading)}</h2>")
        together = [e for e in section.entries if e.partner is None]
        pair = [e for e in section.entries if e.partner is not None]
        parts += [_html_entry(entry) for entry in together]
        if pair:
            parts.append('<div class="pair">' + "".join(_html_entry(e) for e in pair) + "</div>")
    if not document.sections:
        parts.append(f"<p>{escape(document.said(NOTHING_SHARED))}</p>")
    parts.append(f'<p class="hint">{escape(document.said(PRINT_HINT))}</p>')
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _html_entry(entry: PlanEntry) -> str:
    from html import escape

    label = escape(entry.label)
    side = f"entry {entry.partner.lower()}" if entry.partner else "entry"
    if len(entry.lines) == 1:
        line = escape(entry.lines[0])
        return f'<div class="{side}"><span class="label">{label}</span> {line}</div>'
    items = "".join(f"<li>{escape(line)}</li>" for line in entry.lines)
    return f'<div class="{side}"><div class="label">{label}</div><ul>{items}</ul></div>'


def plan_pdf(
    document: PlanDocument,
    *,
    font_dir: str | Path | None = None,
    fallback_dir: str | Path | None = None,
) -> bytes:
    """The plan as an A4 PDF in DejaVu Sans with fallback fonts for every script (by default
    from :data:`workshop.printing.fonts.FONT_DIR` and ``FALLBACK_DIR``), else a core font;
    a character no font has is noted at the end.

    Reads the font files; writes nothing.
    """
    return bytes(_draw(document, font_dir=font_dir, fallback_dir=fallback_dir).output())


ONE_PAGE_LINE_CHARS = (None, 300, 180, 110, 60)
"""The longest line the one-page plan keeps, tried in turn until the plan fits one page."""
ONE_PAGE_LINES = (None, 8, 5, 3, 2)
"""The most lines an entry keeps, alongside each of :data:`ONE_PAGE_LINE_CHARS`."""


def plan_pdf_one_page(
    document: PlanDocument,
    *,
    font_dir: str | Path | None = None,
    fallback_dir: str | Path | None = None,
) -> bytes:
    """The plan on exactly one A4 page, for the fridge.

    When it does not fit, long answers are cut (ending in "…") ever shorter, then whole
    sections are left out from the end (earlier answers first, commitments last); a note at
    the foot of the page says what was shortened or left out, so nothing goes missing
    unsaid. Reads the font files; writes nothing.
    """
    fonts = {"font_dir": font_dir, "fallback_dir": fallback_dir}
    for chars, lines in zip(ONE_PAGE_LINE_CHARS, ONE_PAGE_LINES, strict=True):
        shorter, cut = _shortened(document, chars=chars, lines=lines)
        pdf = _draw(shorter, note=_fit_note(document, cut, ()), **fonts)
        if pdf.page == 1:
            return bytes(pdf.output())
    sections = list(shorter.sections)
    left_out: list[str] = []
    while sections:
        left_out.insert(0, sections.pop().heading)
        fewer = replace(shorter, sections=tuple(sections))
        pdf = _draw(fewer, note=_fit_note(document, cut, tuple(left_out)), **fonts)
        if pdf.page == 1:
            break
    return bytes(pdf.output())


def _shortened(
    document: PlanDocument, *, chars: int | None, lines: int | None
) -> tuple[PlanDocument, int]:
    """``document`` with every line cut to ``chars`` and every entry to ``lines`` lines (a
    last line saying how many more there were); also how many entries were shortened."""
    cut = 0
    sections = []
    for section in document.sections:
        entries = []
        for entry in section.entries:
            kept = list(entry.lines)
            if lines is not None and len(kept) > lines:
                more = len(kept) - (lines - 1)
                more_text = document.said(AND_MORE).format(count=number(more, document.language))
                kept = [*kept[: lines - 1], more_text]
            if chars is not None:
                kept = [
                    line if len(line) <= chars else line[: chars - 1].rstrip() + "…"
                    for line in kept
                ]
            if tuple(kept) != entry.lines:
                cut += 1
            entries.append(PlanEntry(entry.label, tuple(kept), entry.partner))
        sections.append(PlanSection(section.heading, tuple(entries)))
    return replace(document, sections=tuple(sections)), cut


def _fit_note(document: PlanDocument, cut: int, left_out: tuple[str, ...]) -> str:
    """What the one-page plan tells its reader about words it could not hold ('' if none),
    in ``document``'s language."""
    said = translator(document.language)
    parts = []
    if cut:
        parts.append(said.ngettext(*SHORTENED, cut).format(count=number(cut, document.language)))
    if left_out:
        parts.append(said.gettext(LEFT_OUT).format(titles="; ".join(left_out)))
    if not parts:
        return ""
    return " ".join([*parts, said.gettext(FULL_PLAN)])


def _draw(
    document: PlanDocument,
    *,
    note: str = "",
    font_dir: str | Path | None = None,
    fallback_dir: str | Path | None = None,
) -> WorldPDF:
    """The plan drawn on as many A4 pages as it needs, ``note`` at its foot."""
    from workshop.printing import fonts  # the PDF library loads only when a PDF is asked for

    pdf = fonts.WorldPDF(
        font_dir=fonts.FONT_DIR if font_dir is None else font_dir,
        fallback_dir=fonts.FALLBACK_DIR if fallback_dir is None else fallback_dir,
        styles=("B",),
        format="A4",
        unit="mm",
    )
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(auto=True, margin=16)
    family, text = pdf.family, pdf.text_of
    bullet = "•" if pdf.unicode else "-"
    pdf.set_title(document.title)
    pdf.add_page()
    pdf.set_text_color(138, 75, 60)
    pdf.set_font(family, "B", 20)
    pdf.cell(0, 10, text(document.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(107, 102, 96)
    pdf.set_font(family, "", 10)
    pdf.multi_cell(0, 5, text(document.subtitle), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    half = (pdf.epw - 8) / 2

    def entry_at(entry: PlanEntry, x: float, width: float) -> float:
        """Write one entry in a column from the current height; returns where it ends.

        A one-line answer sits beside its label ("Sam  lighter"); longer ones go below it.
        """
        pdf.set_x(x)
        pdf.set_font(family, "B", 9.5)
        if len(entry.lines) == 1:
            label = text(entry.label)
            # Line breaking measures letter by letter, before shaping joins a vowel sign to
            # its consonant: make room for the wider of the two, or "अनु" breaks in two.
            letters = sum(pdf.get_string_width(letter) for letter in label)
            label_width = min(width / 2, max(pdf.get_string_width(label), letters) + 2.5)
            top = pdf.get_y()
            pdf.multi_cell(label_width, 4.6, text(entry.label), align="L")
            below_label = pdf.get_y()
            pdf.set_font(family, "", 9.5)
            pdf.set_xy(x + label_width, top)
            pdf.multi_cell(width - label_width, 4.6, text(entry.lines[0]), align="L")
            return max(pdf.get_y(), below_label) + 1
        pdf.multi_cell(width, 4.6, text(entry.label), align="L", new_x="LEFT", new_y="NEXT")
        pdf.set_font(family, "", 9.5)
        for line in entry.lines:
            pdf.set_x(x)
            pdf.multi_cell(width, 4.6, text(f"{bullet}  {line}"), align="L")
        return pdf.get_y() + 1

    for section in document.sections:
        pdf.set_text_color(43, 42, 40)
        pdf.set_font(family, "B", 11.5)
        pdf.multi_cell(0, 6.5, text(section.heading), align="L", new_x="LMARGIN", new_y="NEXT")
        for entry in section.entries:
            if entry.partner is None:
                pdf.set_y(entry_at(entry, pdf.l_margin, pdf.epw))
        pair = [e for e in section.entries if e.partner is not None]
        top, bottom = pdf.get_y(), pdf.get_y()
        for entry in pair:
            x = pdf.l_margin if entry.partner == "A" else pdf.l_margin + half + 8
            pdf.set_y(top)
            bottom = max(bottom, entry_at(entry, x, half))
        pdf.set_xy(pdf.l_margin, bottom + 1)
    if not document.sections:
        pdf.set_font(family, "", 10)
        pdf.multi_cell(0, 5, document.said(NOTHING_SHARED), new_x="LMARGIN", new_y="NEXT")
    if note:
        pdf.set_font(family, "B", 9)
        pdf.set_text_color(138, 75, 60)
        pdf.ln(2)
        pdf.multi_cell(0, 4.6, text(note), new_x="LMARGIN", new_y="NEXT")
    pdf.write_lost_note()
    return pdf
