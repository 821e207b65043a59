"""Finding a button by its label, whether or not it has a keyboard shortcut.

A button with a shortcut names it to screen readers after its label ("Stage ▶ Shortcut
Shift + N"): :func:`labelled` matches the label alone or followed by its shortcut, and
nothing longer, so "Start" never finds "Start the turns again".
"""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page


def labelled(label: str) -> re.Pattern[str]:
    """The accessible name of a button labelled exactly ``label``, with or without a
    shortcut."""
    return re.compile(rf"^{re.escape(label)}( Shortcut .+)?$")


SETTLED = """() => !!document.querySelector(
  '[data-testid="stApp"][data-test-script-state="notRunning"]')
  && !document.querySelector('[data-stale="true"]')"""


def settled(page: Page, *, timeout_ms: float = 20_000) -> None:
    """Wait until the page's script run has ended and no element is drawn as stale (while a
    run is under way Streamlit keeps the old elements, faded, beside the new ones)."""
    page.wait_for_function(SETTLED, timeout=timeout_ms)


def button(page: Page, label: str) -> Locator:
    """The button labelled exactly ``label`` (see :func:`labelled`)."""
    return page.get_by_role("button", name=labelled(label))
