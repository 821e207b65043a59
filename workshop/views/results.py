"""Drawing a prompt's results: charts for scales and choices, words, the reflection wall."""

from __future__ import annotations

import html
import time
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from workshop.components.hidden import visually_hidden
from workshop.engine.privacy import count_label
from workshop.engine.store import PromptSpec, Results, WorkshopState
from workshop.i18n.formats import number
from workshop.i18n.screen import _, here, language, ngettext
from workshop.printing import charts
from workshop.printing.wall import DEFAULT_TURN_SECONDS, page_on_screen, wall_pages
from workshop.views.common import content

if TYPE_CHECKING:
    import altair as alt

WALL_CSS = """
<style>
.bedrock-wall{display:grid;align-items:start;grid-template-columns:repeat(auto-fill,minmax(var(--card,260px),1fr));gap:14px}
.bedrock-card{background:#fbf5ef;border:1px solid #e6d5c8;border-radius:12px;padding:14px 16px;
  font-size:var(--size,1rem);line-height:1.4;white-space:pre-wrap;overflow-wrap:anywhere;color:#2b211d}
.bedrock-wall-page{font-size:1.4rem;color:#5b4a42;margin-top:.6rem}
</style>
"""


NUMBERS_CSS = f"<style>{visually_hidden('.bedrock-chart-values')}</style>"


def chart(drawn: alt.Chart, numbers: list[tuple[str, str]]) -> None:
    """Draw the Altair chart ``drawn`` across the column, and under it, out of sight, its
    ``numbers`` (:func:`charts.in_numbers`) as a list: a screen reader gets nothing from the
    bars themselves. Each answer is isolated, so a word in a right-to-left script keeps its
    count on its own side."""
    st.altair_chart(drawn, width="stretch")
    items = "".join(
        f"<li><bdi>{html.escape(what)}</bdi>: {html.escape(amount)}</li>"
        for what, amount in numbers
    )
    label = html.escape(_("The chart in numbers"), quote=True)
    st.html(f'{NUMBERS_CSS}<ul class="bedrock-chart-values" aria-label="{label}">{items}</ul>')


def count_said(results: Results) -> str:
    """How many answered ("fewer than 3", "7 answers"), in the screen's language."""
    return count_label(results.count, results.needed, here())


def _one_place(mean: float | None) -> str:
    """An average to one decimal place, as the screen's language writes it."""
    return number(mean, language(), places=1) if mean is not None else ""


def wall(texts: list[str], *, big: bool = False) -> None:
    """Reflections as cards: each one escaped text inside our own markup."""
    style = "--card:420px;--size:1.9rem" if big else "--card:240px;--size:1rem"
    cards = "".join(f'<div class="bedrock-card">{html.escape(t)}</div>' for t in texts)
    st.html(f'{WALL_CSS}<div class="bedrock-wall" style="{style}">{cards}</div>')


def opening_for(state: WorkshopState, prompt_id: str, read) -> Results | None:
    """The opening check-in's results when ``prompt_id`` is the closing one, so the two can
    be shown side by side; ``read(prompt_id)`` fetches results. None otherwise."""
    if prompt_id == charts.CLOSING and charts.OPENING in state.prompts:
        return read(charts.OPENING)
    return None


def _average(text: str, count: str, *, big: bool) -> None:
    """The average under a scale chart, readable from the back of the room on the projector."""
    if big:
        st.subheader(f"{text} · {count}")
    else:
        st.markdown(f"**{text}** · {count}")


def paged_wall(
    texts: list[str], *, turn_seconds: float = DEFAULT_TURN_SECONDS, held: int | None = None
) -> None:
    """The projector's wall: as many cards as fit the screen, the page the facilitator holds
    (``held``) or else the pages turning every ``turn_seconds``, with a line saying which
    cards are up."""
    pages = wall_pages(texts)
    number = page_on_screen(len(pages), held=held, now=time.time(), turn_seconds=turn_seconds)
    wall(pages[number], big=True)
    if len(pages) > 1:
        st.html(f'<div class="bedrock-wall-page">{wall_position(pages, number)}</div>')


def wall_position(pages: list[list[str]], number: int) -> str:
    """ "Cards 13–24 of 42 · page 2 of 4": which cards page ``number`` (from 0) holds."""
    first = sum(len(page) for page in pages[:number]) + 1
    last = first + len(pages[number]) - 1
    total = sum(len(page) for page in pages)
    return _("Cards {first}–{last} of {total} · page {number} of {count}").format(
        first=first, last=last, total=total, number=number + 1, count=len(pages)
    )


def wall_summary(texts: list[str]) -> str:
    """For the console: how much of the wall the projector shows at once."""
    pages = wall_pages(texts)
    if len(pages) <= 1:
        return ngettext(
            "On the projector: {count} card.",
            "On the projector: all {count} cards at once.",
            len(texts),
        ).format(count=len(texts))
    most = max(len(page) for page in pages)
    return _("On the projector: {count} cards on {pages} pages (up to {most} at a time).").format(
        count=len(texts), pages=len(pages), most=most
    )


def _shown(frame: pd.DataFrame, spec: PromptSpec) -> pd.DataFrame:
    """``frame`` with its options (stored in the original's words) in this screen's language."""
    return frame.assign(answer=[content().from_original(spec.id, a) for a in frame["answer"]])


def show(
    results: Results,
    spec: PromptSpec,
    *,
    big: bool = False,
    opening: Results | None = None,
    turn_seconds: float = DEFAULT_TURN_SECONDS,
    held: int | None = None,
    cards: bool = True,
) -> None:
    """Everything a prompt's results may show. Callers decide whether it may be shown now.
    With ``opening`` (the closing check-in's counterpart), the two check-ins stand side by
    side; a check-in below its threshold adds nothing to that chart. Without ``cards`` the
    reflections are left out (the console lists them once, for moderation)."""
    counted = count_said(results)
    if not results.enough:
        st.caption(
            _("{count} so far: results appear once {needed} have answered.").format(
                count=counted, needed=results.needed
            )
        )
        return
    height = 520 if big else 260
    if spec.kind == "scale":
        lo, hi = spec.scale_min or 1, spec.scale_max or 10
        both = charts.checkin_frame(opening, results, lo=lo, hi=hi) if opening else None
        if both is not None and both["moment"].nunique() == 2:
            drawn = charts.checkin_chart(both, big=big).properties(height=height)
            chart(drawn, charts.in_numbers(both, zeros=False, translator=here()))
            _average(
                _("Average: {opening} at the opening, {now} now").format(
                    opening=_one_place(opening.mean), now=_one_place(results.mean)
                ),
                counted,
                big=big,
            )
        else:
            frame = charts.scale_frame(results, lo=lo, hi=hi)
            drawn = charts.bar_chart(frame, big=big, horizontal=False).properties(height=height)
            chart(drawn, charts.in_numbers(frame, zeros=False, translator=here()))
            if results.mean is not None:
                average = _("Average: {mean}").format(mean=_one_place(results.mean))
                _average(average, counted, big=big)
    elif spec.kind == "ranking" and results.points is not None:
        # The whole order, not only first places: each option's points, highest first.
        frame = _shown(
            pd.DataFrame(list(results.points.items()), columns=["answer", "count"]), spec
        )
        drawn = charts.bar_chart(frame, big=big).properties(height=height)
        chart(drawn, charts.in_numbers(frame, unit=charts.POINTS, translator=here()))
        top = len(spec.options) - 1
        st.caption(
            _(
                "{count} rankings · points for the whole order: {top} for each first place, "
                "one fewer for each place below, none for the last"
            ).format(count=results.count, top=top)
        )
    elif spec.kind in {"choice", "ranking"}:
        frame = _shown(charts.distribution_frame(results, order=list(spec.options)), spec)
        drawn = charts.bar_chart(frame, big=big).properties(height=height)
        chart(drawn, charts.in_numbers(frame, translator=here()))
        st.caption(
            ngettext("{count} answer", "{count} answers", results.count).format(count=results.count)
        )
    elif spec.kind == "word":
        frame = charts.words_frame(results)
        if not frame.empty:
            drawn = charts.bar_chart(frame, big=big).properties(height=height)
            chart(drawn, charts.in_numbers(frame, translator=here()))
    if results.reflections and cards:
        if big:
            paged_wall(results.reflections, turn_seconds=turn_seconds, held=held)
        else:
            wall(results.reflections)
