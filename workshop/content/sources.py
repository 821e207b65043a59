"""Read content files into data, remembering the line each field came from.

YAML gives exact lines; TOML gives none, so lines there are found by scanning
the text. A module file is front matter (YAML) and slides (Markdown). Every
mistake met while reading is added to the file's `Source`; nothing here raises
for a mistake in a file. Reads files only.
"""

from __future__ import annotations

import bisect
import contextlib
import os
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from workshop.content.model import HOME_MARKER, Problem, Slide, group_only_words

Path_ = tuple[str | int, ...]
Lines = dict[Path_, int]


def content_root() -> Path:
    """The folder holding modules/ and exercises/: $BEDROCK_CONTENT, else the repository top."""
    configured = os.environ.get("BEDROCK_CONTENT")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2]


@dataclass
class Source:
    """One file as read: its data, the line of each field, and what went wrong reading it."""

    rel: str
    data: object = None
    lines: Lines = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line(self, path: Path_) -> int | None:
        """The line of `path`, else of its nearest parent inside the file (not the top).

        A top-level key that is missing has no line: pointing at line 1 would mislead.
        """
        while path not in self.lines and len(path) > 1:
            path = path[:-1]
        return self.lines.get(path)

    def add(self, path: Path_, message: str, *, level: str = "error", line: int | None = None):
        self.problems.append(
            Problem(
                path=self.rel,
                line=line if line is not None else self.line(path),
                field=field_path(path),
                message=message,
                level=level,
            )
        )


def field_path(path: Iterable[str | int]) -> str:
    """('fields', 0, 'label') -> 'fields[0].label'."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def read_text(path: Path, source: Source) -> str | None:
    """The file's text (bad bytes replaced); None, with a problem added, if it cannot be opened."""
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        source.add((), f"could not open the file: {exc.strerror or exc}")
        return None


# ---------------------------------------------------------------- reading YAML


class _Loader(yaml.SafeLoader):
    """YAML where only true/false are booleans, so `options: [Yes, No]` stays text."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


_YAML_HINTS = [  # (what PyYAML says, what to tell a counsellor, point at where it started)
    (
        "mapping values are not allowed here",
        "unexpected ':' (put text that contains ': ' in quotes, and check the indentation)",
        False,
    ),
    ("expected <block end>", "this line is not indented like the lines above it", False),
    ("expected ',' or ']'", "a list opened with '[' is not closed with ']'", True),
    ("expected ',' or '}'", "a group opened with '{' is not closed with '}'", True),
    ("found character '\\t'", "a tab is used to indent; use spaces instead", False),
    ("found unexpected end of stream", "a quotation mark is not closed", True),
]


def read_yaml(source: Source, text: str, *, offset: int = 0, what: str = "file") -> None:
    """Parse YAML into `source`; `offset` is how many lines of the file come before `text`."""
    loader = None
    try:
        loader = _Loader(text)  # checks every character before parsing
        node = loader.get_single_node()
        if node is None:
            source.add((), f"the {what} is empty", line=offset + 1)
            return
        source.data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        problem = exc.problem or exc.context or "unknown problem"
        explained = next((h for h in _YAML_HINTS if problem.startswith(h[0])), None)
        # Where something was left open, its start is more useful than where YAML gave up.
        mark = exc.context_mark if explained and explained[2] else exc.problem_mark
        mark = mark or exc.problem_mark or exc.context_mark
        line = mark.line + 1 + offset if mark else None
        source.add(
            (), f"could not read the YAML: {explained[1] if explained else problem}", line=line
        )
        return
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1 + offset
        message = f"could not read the YAML: it holds a character that is not allowed (#x{exc.character:04x})"
        source.add((), message, line=line)
        return
    finally:
        if loader is not None:
            loader.dispose()
    source.lines = {(): node.start_mark.line + 1 + offset}
    _walk_yaml(source, node, (), offset, set())


def _walk_yaml(source: Source, node: yaml.Node, path: Path_, offset: int, seen_nodes: set) -> None:
    if id(node) in seen_nodes:  # an alias pointing back into itself
        return
    seen_nodes.add(id(node))
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1 + offset
            if key in seen:
                source.add(
                    path + (key,),
                    f"appears twice (also on line {seen[key]}); keep one",
                    line=line,
                )
            seen[key] = line
            source.lines[path + (key,)] = line
            _walk_yaml(source, value_node, path + (key,), offset, seen_nodes)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            source.lines[path + (index,)] = item.start_mark.line + 1 + offset
            _walk_yaml(source, item, path + (index,), offset, seen_nodes)


def read_toml(source: Source, text: str) -> None:
    """Parse TOML into `source`, finding the line of each key by scanning the text."""
    try:
        source.data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"\s*\(at line (\d+), column \d+\)$", message)
        line = int(found.group(1)) if found else None
        if found:
            message = message[: found.start()]
        if message == "Invalid value":
            message += " (is the text in quotes?)"
        message = re.sub(r"\s*\(at end of document\)$", " at the end of the file", message)
        source.add((), f"could not read the TOML: {message}", line=line)
        return
    source.lines = toml_lines(text)


def toml_lines(text: str) -> Lines:
    """The line of each key, array element and table in valid TOML (best effort)."""
    scanner = _TomlScanner(text)
    # A construct the scanner does not know stops it; the lines found so far are kept.
    with contextlib.suppress(IndexError, ValueError, AttributeError):
        scanner.document()
    return scanner.lines


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_BARE_VALUE = re.compile(r"[^,\]\}\s#]+")


class _TomlScanner:
    """Walks TOML text far enough to tell where each key and array element starts."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]
        self.lines: Lines = {(): 1}

    def line(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos)

    def blank(self, pos: int) -> int:
        """Skip spaces, line breaks and comments."""
        text = self.text
        while pos < len(text):
            if text[pos] in " \t\r\n":
                pos += 1
            elif text[pos] == "#":
                end = text.find("\n", pos)
                pos = len(text) if end < 0 else end
            else:
                break
        return pos

    def key(self, pos: int) -> tuple[tuple[str, ...], int]:
        parts: list[str] = []
        while True:
            pos = self.blank(pos)
            quote = self.text[pos]
            if quote in "\"'":
                end = self.text.index(quote, pos + 1)
                parts.append(self.text[pos + 1 : end])
                pos = end + 1
            else:
                found = _BARE_KEY.match(self.text, pos)
                parts.append(found.group())  # type: ignore[union-attr]
                pos = found.end()  # type: ignore[union-attr]
            pos = self.blank(pos)
            if self.text[pos] != ".":
                return tuple(parts), pos
            pos += 1

    def document(self) -> None:
        text, pos, table = self.text, 0, ()
        counts: dict[tuple[str, ...], int] = {}
        while (pos := self.blank(pos)) < len(text):
            line = self.line(pos)
            if text.startswith("[[", pos):
                name, pos = self.key(pos + 2)
                counts[name] = counts.get(name, -1) + 1
                table = name + (counts[name],)
                self.lines.setdefault(name, line)
                self.lines[table] = line
                pos = text.index("]]", pos) + 2
            elif text[pos] == "[":
                table, pos = self.key(pos + 1)
                self.lines[table] = line
                pos = text.index("]", pos) + 1
            else:
                name, pos = self.key(pos)
                self.lines[table + name] = line
                pos = self.value(text.index("=", pos) + 1, table + name)

    def value(self, pos: int, path: Path_) -> int:
        """Record the lines inside the value at `pos`; return where it ends."""
        text = self.text
        pos = self.blank(pos)
        for quotes in ('"""', "'''"):
            if text.startswith(quotes, pos):
                return text.index(quotes, pos + 3) + 3
        if text[pos] == '"':
            pos += 1
            while text[pos] != '"':
                pos += 2 if text[pos] == "\\" else 1
            return pos + 1
        if text[pos] == "'":
            return text.index("'", pos + 1) + 1
        if text[pos] in "[{":
            closing, index, pos = "]" if text[pos] == "[" else "}", 0, pos + 1
            while (pos := self.blank(pos)) < len(text) and text[pos] != closing:
                if text[pos] == ",":
                    index, pos = index + 1, pos + 1
                elif closing == "]":
                    self.lines.setdefault(path + (index,), self.line(pos))
                    pos = self.value(pos, path + (index,))
                else:
                    name, pos = self.key(pos)
                    self.lines[path + name] = self.line(pos)
                    pos = self.value(text.index("=", pos) + 1, path + name)
            return pos + 1
        found = _BARE_VALUE.match(text, pos)
        return found.end()  # type: ignore[union-attr]


# ---------------------------------------------------------------- modules


def read_module(source: Source, text: str) -> list[Slide]:
    """Parse front matter into `source` and return the slides below it."""
    lines = text.splitlines()
    if not lines or lines[0].rstrip() != "---":
        source.add(
            (),
            "the file must start with front matter: a line '---', then id, title, minutes and "
            "exercises, then another '---'",
            line=1,
        )
        return []
    closing = next((i for i in range(1, len(lines)) if lines[i].rstrip() == "---"), None)
    if closing is None:
        source.add((), "the front matter is not closed: add a line '---' after it", line=1)
        return []
    read_yaml(source, "\n".join(lines[1:closing]), offset=1, what="front matter")
    return parse_slides(source, lines[closing + 1 :], first_line=closing + 2)


def _check_audiences(
    source: Source,
    index: int,
    start: int,
    shown: list[str],
    home: list[str],
    at_home: int | None,
) -> None:
    """A slide that speaks to a group needs a version for couples at home, and that version
    may not speak to a group itself."""
    if at_home is not None and not any(line.strip() for line in home):
        source.add(
            ("slides", index),
            f"'{HOME_MARKER}' is followed by nothing: write what a couple at home reads below "
            "it, or remove the line",
            line=start + at_home,
        )
    for offset, line in enumerate(home):
        words = group_only_words(line)
        if words:
            source.add(
                ("slides", index),
                f"the version for couples at home says '{words}', which only fits a group in "
                "a room: say it as you would to two people on their own",
                line=start + (at_home or 0) + 1 + offset,
            )
            return
    if at_home is not None:
        return
    for offset, line in enumerate(shown):
        words = group_only_words(line)
        if words:
            source.add(
                ("slides", index),
                f"this slide says '{words}', which only fits a group in a room, so it needs a "
                f"version for couples at home: add a line '{HOME_MARKER}' and their words "
                "below it",
                line=start + offset,
            )
            return


def parse_slides(source: Source, lines: list[str], *, first_line: int) -> list[Slide]:
    """Split Markdown into slides on lines '---'; the title is the first '## ' line, notes follow '???'."""
    chunks: list[tuple[int, list[str]]] = [(first_line, [])]
    for number, line in enumerate(lines, start=first_line):
        if line.rstrip() == "---":
            chunks.append((number + 1, []))
        else:
            chunks[-1][1].append(line)
    slides: list[Slide] = []
    for start, chunk in chunks:
        if not any(line.strip() for line in chunk):
            continue
        split = next((i for i, line in enumerate(chunk) if line.rstrip() == "???"), len(chunk))
        shown, notes = chunk[:split], chunk[split + 1 :]
        at_home = next(
            (i for i, line in enumerate(shown) if line.strip().lower() == HOME_MARKER), None
        )
        home: list[str] = []
        if at_home is not None:
            shown, home = shown[:at_home], shown[at_home + 1 :]
        heading = next((i for i, line in enumerate(shown) if line.startswith("## ")), None)
        if heading is None:
            first = next(i for i, line in enumerate(chunk) if line.strip())
            hint = " (use '## ', not '# ')" if any(ln.startswith("# ") for ln in shown) else ""
            source.add(
                ("slides", len(slides)),
                f"this slide has no title: start it with a line like '## Title'{hint}",
                line=start + first,
            )
            continue
        home_heading = next((i for i, line in enumerate(home) if line.startswith("## ")), None)
        home_title = home[home_heading][3:].strip() if home_heading is not None else ""
        if home_heading is not None:
            home = home[:home_heading] + home[home_heading + 1 :]
        _check_audiences(source, len(slides), start, shown, home, at_home)
        source.lines[("slides", len(slides))] = start + heading
        slides.append(
            Slide(
                title=shown[heading][3:].strip(),
                body="\n".join(shown[:heading] + shown[heading + 1 :]).strip(),
                notes="\n".join(notes).strip(),
                home_title=home_title,
                home_body="\n".join(home).strip(),
            )
        )
    if not slides and not source.problems:
        source.add(
            ("slides",),
            "this module has no slides: add one after the front matter, starting with '## Title'",
            line=first_line - 1,
        )
    return slides
