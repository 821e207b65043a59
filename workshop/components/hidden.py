"""The one rule that hides an element from sight while screen readers still read it."""

from __future__ import annotations

from pathlib import Path

_RULE = (Path(__file__).resolve().parent / "visually_hidden.css").read_text(encoding="utf-8")


def visually_hidden(selector: str) -> str:
    """CSS that keeps ``selector`` out of sight and in the accessibility tree."""
    return _RULE.replace("{selector}", selector)
