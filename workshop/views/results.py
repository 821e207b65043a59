"""Drawing a prompt's results: charts for scales and choices, words, the reflection wall."""

from __future__ import annotations

import html

import streamlit as st

from workshop import charts
from workshop.store import PromptSpec, Results

WALL_CSS = """
<style>
.bedrock-wall{display:grid;align-items:start;grid-template-columns:repeat(auto-fill,minmax(var(--card,260px),1fr));gap:14px}
.bedrock-card{background:#fbf5ef;border:1px solid #e6d5c8;border-radius:12px;padding:14px 16px;
  font-size:var(--size,1rem);line-height:1.4;white-space:pre-wrap;overflow-wrap:anywhere;color:#2b211d}
</style>
"""


def wall(texts: list[str], *, big: bool = False) -> None:
    """Reflections as cards: each one escaped text inside our own markup."""
    style = "--card:420px;--size:1.9rem" if big else "--card:240px;--size:1rem"
    cards = "".join(f'<div class="bedrock-card">{html.escape(t)}</div>' for t in texts)
    st.html(f'{WALL_CSS}<div class="bedrock-wall" style="{style}">{cards}</div>')


def show(results: Results, spec: PromptSpec, *, big: bool = False) -> None:
    """Everything a prompt's results may show. Callers decide whether it may be shown now."""
    if not results.enough:
        st.caption(
            f"{results.count_label} so far: results appear once {results.needed} have answered."
        )
        return
    height = 520 if big else 260
    if spec.kind == "scale":
        lo, hi = spec.scale_min or 1, spec.scale_max or 10
        frame = charts.scale_frame(results, lo=lo, hi=hi)
        chart = charts.bar_chart(frame, big=big, horizontal=False).properties(height=height)
        st.altair_chart(chart, width="stretch")
        if results.mean is not None:
            st.markdown(f"**Average: {results.mean:.1f}** · {results.count_label}")
    elif spec.kind in {"choice", "ranking"}:
        frame = charts.distribution_frame(results, order=list(spec.options))
        chart = charts.bar_chart(frame, big=big).properties(height=height)
        st.altair_chart(chart, width="stretch")
        label = "first choices" if spec.kind == "ranking" else "answers"
        st.caption(f"{results.count} {label}")
    elif spec.kind == "word":
        frame = charts.words_frame(results)
        if not frame.empty:
            chart = charts.bar_chart(frame, big=big).properties(height=height)
            st.altair_chart(chart, width="stretch")
    if results.reflections:
        wall(results.reflections, big=big)
