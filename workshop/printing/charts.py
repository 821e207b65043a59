"""Altair charts of a prompt's results, shared by the console, the projector and the printed
summary: each chart is defined once here, drawn by the app in the browser and rendered for
print by vl-convert (SVG for HTML pages, PNG for PDFs), with no browser and nothing fetched."""

from __future__ import annotations

import gettext
import struct
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import altair as alt
import pandas as pd

from workshop.engine.store import Results
from workshop.i18n import N_plural

BAR = "#8a4b3c"
INK = "#2b211d"
"""Axis and legend labels: dark enough to read on a washed-out projector (over 15:1 on white)."""


def distribution_frame(results: Results, *, order: list[str] | None = None) -> pd.DataFrame:
    """One row per answer option with its count, in the option order when one is given."""
    dist = results.distribution or {}
    keys = order if order else list(dist)
    return pd.DataFrame({"answer": [str(k) for k in keys], "count": [dist.get(k, 0) for k in keys]})


def bar_chart(
    frame: pd.DataFrame, *, big: bool = False, horizontal: bool = True, colour: str = BAR
) -> alt.Chart:
    """Counts per answer as bars, labelled with their numbers."""
    font = 28 if big else 14
    order = list(frame["answer"])
    if horizontal:
        base = alt.Chart(frame).encode(
            y=alt.Y("answer:N", sort=order, title=None, axis=alt.Axis(labelLimit=600)),
            x=alt.X("count:Q", title=None, axis=None),
        )
        text = base.mark_text(align="left", dx=6, fontSize=font).encode(text="count:Q")
    else:
        base = alt.Chart(frame).encode(
            x=alt.X("answer:N", sort=order, title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("count:Q", title=None, axis=None),
        )
        text = base.mark_text(baseline="bottom", dy=-6, fontSize=font).encode(text="count:Q")
    chart = base.mark_bar(color=colour, cornerRadius=4) + text
    return chart.configure_axis(labelFontSize=font, labelColor=INK, grid=False).configure_view(
        strokeWidth=0
    )


PEOPLE = N_plural("{count} person", "{count} people")
POINTS = N_plural("{count} point", "{count} points")


def in_numbers(
    frame: pd.DataFrame,
    *,
    unit: tuple[str, str] = PEOPLE,
    zeros: bool = True,
    translator: gettext.NullTranslations | None = None,
) -> list[tuple[str, str]]:
    """A chart's numbers in words, for anyone who cannot see its bars: ("Time", "4 people"),
    one per row of ``frame`` (an ``answer`` and a ``count`` column, or the check-ins'
    ``point``, ``moment`` and ``count``). ``unit`` is what is counted (:data:`PEOPLE`,
    :data:`POINTS`); rows counting nothing are left out unless ``zeros``. ``translator``: a
    language's catalogue (English without)."""
    said = translator or gettext.NullTranslations()
    one, many = unit
    found = []
    for row in frame.to_dict("records"):
        count = int(row["count"])
        if not count and not zeros:
            continue
        what = str(row["answer"]) if "answer" in row else f"{row['moment']}, {row['point']}"
        if not count and unit == PEOPLE:
            amount = said.gettext("nobody")
        else:
            words = said.ngettext(one, many, count)
            amount = words.format(count=count) if "{count}" in words else f"{count} {words}"
        found.append((what, amount))
    return found


def scale_frame(results: Results, *, lo: int, hi: int) -> pd.DataFrame:
    """Every point of a scale with its count, including points nobody chose."""
    dist = {str(k): v for k, v in (results.distribution or {}).items()}
    points = [str(n) for n in range(lo, hi + 1)]
    return pd.DataFrame({"answer": points, "count": [dist.get(p, 0) for p in points]})


def words_frame(results: Results, *, top: int = 20) -> pd.DataFrame:
    """The most frequent words, most frequent first."""
    words = (results.words or [])[:top]
    return pd.DataFrame(words, columns=["answer", "count"])


SECOND = "#2e6f7a"
"""The colour of the closing check-in, beside the opening one in :data:`BAR`."""

CHECKIN_MOMENTS = ("Opening", "Closing")
OPENING, CLOSING = "checkin-open", "checkin-close"
"""The prompts of the opening and closing check-in, compared side by side."""


def checkin_frame(
    opening: Results | None, closing: Results | None, *, lo: int, hi: int
) -> pd.DataFrame:
    """Counts per scale point for the opening and the closing check-in, one row per point and
    moment. A check-in below its reveal threshold (or missing) adds no rows, so nothing about
    so few answers can be read from the chart."""
    rows = []
    for moment, results in zip(CHECKIN_MOMENTS, (opening, closing), strict=True):
        if results is None or not results.enough or results.distribution is None:
            continue
        frame = scale_frame(results, lo=lo, hi=hi)
        rows += [
            {"point": point, "moment": moment, "count": int(count)}
            for point, count in zip(frame["answer"], frame["count"], strict=True)
        ]
    return pd.DataFrame(rows, columns=["point", "moment", "count"])


def checkin_chart(frame: pd.DataFrame, *, big: bool = False) -> alt.Chart:
    """The opening and closing check-in side by side at every scale point, with counts on the
    columns; ``big`` sizes the text for a projector."""
    font = 28 if big else 14
    points = list(dict.fromkeys(frame["point"]))
    base = alt.Chart(frame).encode(
        x=alt.X("point:N", sort=points, title=None, axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("moment:N", sort=list(CHECKIN_MOMENTS)),
        y=alt.Y("count:Q", title=None, axis=None),
    )
    colour = alt.Color(
        "moment:N",
        scale=alt.Scale(domain=list(CHECKIN_MOMENTS), range=[BAR, SECOND]),
        legend=alt.Legend(
            title=None, orient="top", labelFontSize=font, labelColor=INK, symbolSize=font * 12
        ),
    )
    bars = base.mark_bar(cornerRadius=3).encode(color=colour, tooltip=["moment", "point", "count"])
    text = (
        base.transform_filter(alt.datum.count > 0)
        .mark_text(baseline="bottom", dy=-4, fontSize=font * 0.8)
        .encode(text="count:Q")
    )
    return (
        (bars + text)
        .configure_axis(labelFontSize=font, labelColor=INK, grid=False)
        .configure_view(strokeWidth=0)
    )


def rows_frame(rows: Sequence[tuple[str, int]]) -> pd.DataFrame:
    """(answer, count) rows as the frame :func:`bar_chart` draws."""
    return pd.DataFrame(list(rows), columns=["answer", "count"])


# -- for print -------------------------------------------------------------------------------

PNG_SCALE = 2
"""Pixels of the PNG per pixel of the chart: about 200 dots per inch at the size it prints."""


def to_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as a self-contained SVG (text as text, no scripts, nothing fetched)."""
    import vl_convert  # loads only when a chart is printed

    # Our own charts, checked when the app draws them and in the tests: skipping the schema
    # check here halves the time a chart takes to print.
    return vl_convert.vegalite_to_svg(chart.to_dict(validate=False))


def to_png(chart: alt.TopLevelMixin) -> bytes:
    """The chart as a PNG at :data:`PNG_SCALE`, its labels drawn with the installed fonts."""
    import vl_convert

    return vl_convert.vegalite_to_png(chart.to_dict(validate=False), scale=PNG_SCALE)


T = TypeVar("T")

PRINT_WORKERS = 3
"""Charts rendered at once for one document: vl-convert draws outside Python's interpreter
lock, so a summary's charts take about half the time side by side."""


def render_all(
    items: Sequence[alt.TopLevelMixin | None], render: Callable[[alt.TopLevelMixin], T]
) -> list[T | None]:
    """Each chart rendered with ``render`` (:func:`to_svg` or :func:`to_png`), side by side,
    in order; ``None`` stays ``None``."""
    todo = [chart for chart in items if chart is not None]
    if len(todo) < 2:
        return [None if chart is None else render(chart) for chart in items]
    with ThreadPoolExecutor(max_workers=min(PRINT_WORKERS, len(todo))) as pool:
        done = iter(pool.map(render, todo))
    return [None if chart is None else next(done) for chart in items]


def png_size(png: bytes) -> tuple[int, int]:
    """A PNG's width and height in pixels, read from its header."""
    width, height = struct.unpack(">II", png[16:24])
    return width, height
