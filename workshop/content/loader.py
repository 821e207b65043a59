"""Loading the content: where it lives, reading and checking it once (in the original or in
a translation), and the error that lists every problem."""

import functools
from pathlib import Path

from workshop.content.model import Content, Problem
from workshop.content.sources import content_root
from workshop.content.translations import ORIGINAL, check_all, check_language, languages

__all__ = [
    "ORIGINAL",
    "ContentError",
    "content_root",
    "get_content",
    "languages",
    "load_content",
    "validate",
]


class ContentError(Exception):
    """The content files have errors; `problems` lists every one of them (and any warnings)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [problem for problem in problems if problem.level == "error"]
        lines = "\n".join(f"  {problem}" for problem in errors)
        super().__init__(f"the workshop content has {len(errors)} error(s):\n{lines}")


def validate(root: Path | None = None) -> list[Problem]:
    """Every problem in the content under `root` (default `content_root()`), in the original
    and in every translation beside it. Reads files; never raises."""
    return check_all(root=root).problems


def load_content(root: Path | None = None, language: str | None = None) -> Content:
    """Read and check the content under `root` in `language` (default: the original); raises
    ContentError when it has errors, in the original or in that translation. A language with
    no translation gives the original; a file not translated yet is read from the original."""
    report = check_language(root=root, language=language)
    if report.content is None:
        raise ContentError(report.problems)
    return report.content


@functools.lru_cache(maxsize=16)
def get_content(language: str | None = None) -> Content:
    """The content under `content_root()` in `language` (default: the original), read once per
    process and language and then shared: the original is one object, however asked for."""
    if language == ORIGINAL:
        return load_content(content_root())
    if language is None or language not in languages(content_root()):
        return get_content(ORIGINAL)
    return load_content(content_root(), language)
