"""Pictures in the workshop's Markdown: only files shipped with it, never a web address.

Slides, notes and prompts are drawn as Markdown in every browser in the room, and a browser
fetches a Markdown image from wherever it points: a picture on another host tells that host
who is in the session and when. `bedrock validate` therefore refuses any image that is not a
file inside the workshop folder. Markdown is read with markdown-it (CommonMark, plus tables),
so reference-style images and images in tables are found too. Reads files only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt

_PARSER = MarkdownIt("commonmark").enable("table")
_SHOWN = 60


@dataclass(frozen=True)
class Image:
    """One image in a Markdown text: the line it is on (0 = the text's first) and its target."""

    line: int
    src: str


def images(text: str) -> list[Image]:
    """Every image in the Markdown ``text``, in order."""
    lines = text.splitlines()
    found: list[Image] = []
    for token in _PARSER.parse(text):
        if token.type != "inline" or not token.children:
            continue
        start, end = token.map or (0, 1)
        for child in token.children:
            if child.type != "image":
                continue
            src = str(child.attrGet("src") or "")
            marks = (f"]({src}", f"![{child.content}", "![")
            line = next(
                (
                    i
                    for mark in marks
                    for i in range(start, min(end, len(lines)))
                    if mark in lines[i]
                ),
                start,
            )
            found.append(Image(line=line, src=src))
    return found


def problem(src: str, *, root: Path) -> str | None:
    """What is wrong with an image pointing at ``src`` in content kept in ``root``; None
    when it is a file inside ``root``."""
    shown = src if len(src) <= _SHOWN else src[: _SHOWN - 1] + "…"
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or src.startswith(("/", "\\")):
        where = f"from {parts.netloc}" if parts.netloc else "from outside the workshop"
        return (
            f"image '{shown}' is not part of the workshop: every screen in the room would "
            f"fetch it {where}; put the picture in the workshop folder and give its path, "
            "such as images/closeness.png"
        )
    base = root.resolve()
    target = (base / unquote(parts.path)).resolve()
    if not target.is_relative_to(base) or not target.is_file():
        return f"image '{shown}' is not a file in the workshop folder"
    return None
