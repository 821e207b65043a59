"""The wall of reflections on the projector, in pages that each fit the screen.

A projector cannot scroll: a wall taller than the screen hides its last cards. The cards
are packed, row by row as the wall lays them out, into pages no taller than the screen, and
the projector turns the pages at a pace the facilitator sets. Pure: no clock, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

COLUMNS = 3
"""Cards side by side on the projector's wall (1920 px wide, cards at least 420 px)."""
CHARS_PER_LINE = 26
"""About how many characters of projector-sized text fit on one line of a card."""
LINES_PER_PAGE = 17
"""About how many lines of projector-sized text fit under the wall's heading."""
CARD_LINES = 1
"""What a card's padding and the gap to the next row add, in lines."""
DEFAULT_TURN_SECONDS = 25
"""How long a page stays up when nobody chose otherwise: time to read a screenful."""


def card_lines(text: str) -> int:
    """About how many lines ``text`` takes on a card, its own line breaks included."""
    return sum(max(1, math.ceil(len(line) / CHARS_PER_LINE)) for line in text.split("\n"))


def wall_pages(
    texts: Sequence[str], *, columns: int = COLUMNS, lines_per_page: int = LINES_PER_PAGE
) -> list[list[str]]:
    """``texts`` in their order, cut into pages of whole rows of ``columns`` cards, each page
    at most ``lines_per_page`` tall (a single row taller than that gets a page of its own).
    No texts: no pages."""
    pages: list[list[str]] = []
    page: list[str] = []
    used = 0
    for start in range(0, len(texts), columns):
        row = list(texts[start : start + columns])
        height = max(card_lines(text) for text in row) + CARD_LINES
        if page and used + height > lines_per_page:
            pages.append(page)
            page, used = [], 0
        page += row
        used += height
    if page:
        pages.append(page)
    return pages


def page_on_screen(pages: int, *, held: int | None, now: float, turn_seconds: float) -> int:
    """Which page is up: the one the facilitator holds (``held``, kept within the wall's
    pages, which may have changed since), else the one turning by time (:func:`page_at`)."""
    if pages <= 1:
        return 0
    if held is not None:
        return held % pages
    return page_at(pages, now=now, turn_seconds=turn_seconds)


def page_at(pages: int, *, now: float, turn_seconds: float) -> int:
    """Which page is up at ``now`` (epoch seconds) when pages turn every ``turn_seconds``:
    the same on every screen and every server, whatever their clocks' starting point."""
    if pages <= 1 or turn_seconds <= 0:
        return 0
    return int(now // turn_seconds) % pages
