"""Damaged copies of the shipped workshop: validate names the damaged file, never crashes.

A counsellor's editor can cut a line, paste into the middle of a key or save a stray
character. Each example damages one shipped file in one way; ``validate`` must report
problems in words rather than raise, and every problem must point at a real file.
"""

from __future__ import annotations

import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workshop.content.loader import content_root, validate
from workshop.content.model import Problem

SHIPPED = sorted(
    p.relative_to(content_root()).as_posix()
    for folder in ("modules", "exercises")
    for p in (content_root() / folder).iterdir()
    if p.is_file()
)
JUNK = st.sampled_from(
    [
        "\x00",
        "\x08",
        "\u202e",
        "\ufeff",
        ":",
        "- ",
        "[",
        '"',
        "'''",
        "\t",
        "---",
        "???",
        "= ",
        "{{",
        "key = [1, 'a'",
        "😀",
        "\r",
    ]
) | st.text(max_size=12)


@pytest.fixture
def tree(tmp_path):
    """A fresh copy of the shipped modules and exercises."""
    for folder in ("modules", "exercises"):
        shutil.copytree(content_root() / folder, tmp_path / folder)
    return tmp_path


def damage(text: str, how: str, where: float, junk: str) -> str:
    lines = text.split("\n")
    at = min(int(where * len(lines)), len(lines) - 1)
    if how == "cut line":
        del lines[at]
    elif how == "insert":
        column = int(where * len(lines[at]))
        lines[at] = lines[at][:column] + junk + lines[at][column:]
    elif how == "truncate":
        return text[: int(where * len(text))]
    elif how == "duplicate line":
        lines.insert(at, lines[at])
    return "\n".join(lines)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=st.sampled_from(SHIPPED),
    how=st.sampled_from(["cut line", "insert", "truncate", "duplicate line"]),
    where=st.floats(min_value=0, max_value=1),
    junk=JUNK,
)
def test_a_damaged_shipped_file_is_reported_in_words_never_raised(tree, name, how, where, junk):
    target = tree / name
    original = target.read_bytes()
    try:
        target.write_text(damage(original.decode("utf-8"), how, where, junk), encoding="utf-8")
        problems = validate(tree)
        assert all(isinstance(p, Problem) and p.message for p in problems)
        assert all((tree / p.path).exists() for p in problems if p.path)
        for problem in problems:
            text = str(problem)
            assert "Traceback" not in text
            assert text.startswith(problem.path)
    finally:
        target.write_bytes(original)


def test_the_undamaged_copy_has_no_problems(tree):
    assert validate(tree) == []
