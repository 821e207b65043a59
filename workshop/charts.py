"""Altair charts of a prompt's results, shared by the console, the projector and reports."""

from __future__ import annotations

import altair as alt
import pandas as pd

from workshop.store import Results

BAR = "#8a4b3c"


def distribution_frame(results: Results, *, order: list[str] | None = None) -> pd.DataFrame:
    """One row per answer option with its count, in the option order when one is given."""
    dist = results.distribution or {}
    keys = order if order else list(dist)
    return pd.DataFrame({"answer": [str(k) for k in keys], "count": [dist.get(k, 0) for k in keys]})


def bar_chart(frame: pd.DataFrame, *, big: bool = False, horizontal: bool = True) -> alt.Chart:
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
    chart = base.mark_bar(color=BAR, cornerRadius=4) + text
    return chart.configure_axis(labelFontSize=font, grid=False).configure_view(strokeWidth=0)


def scale_frame(results: Results, *, lo: int, hi: int) -> pd.DataFrame:
    """Every point of a scale with its count, including points nobody chose."""
    dist = {str(k): v for k, v in (results.distribution or {}).items()}
    points = [str(n) for n in range(lo, hi + 1)]
    return pd.DataFrame({"answer": points, "count": [dist.get(p, 0) for p in points]})


def words_frame(results: Results, *, top: int = 20) -> pd.DataFrame:
    """The most frequent words, most frequent first."""
    words = (results.words or [])[:top]
    return pd.DataFrame(words, columns=["answer", "count"])
