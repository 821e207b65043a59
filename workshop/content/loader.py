"""Loading the content: where it lives, reading and checking it once, and the error that lists
every problem."""

import functools
from pathlib import Path

from workshop.content.model import Content, Problem
from workshop.content.sources import content_root
from workshop.content.validate import check


class ContentError(Exception):
    """The content files have errors; `problems` lists every one of them (and any warnings)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [problem for problem in problems if problem.level == "error"]
        lines = "\n".join(f"  {problem}" for problem in errors)
        super().__init__(f"the workshop content has {len(errors)} error(s):\n{lines}")


def validate(root: Path | None = None) -> list[Problem]:
    """Every problem in the content under `root` (default `content_root()`). Reads files; never raises."""
    return check(root=root).problems


def load_content(root: Path | None = None) -> Content:
    """Read and check the content under `root`; raises ContentError when it has errors."""
    report = check(root=root)
    if report.content is None:
        raise ContentError(report.problems)
    return report.content


@functools.lru_cache(maxsize=1)
def get_content() -> Content:
    """The content under `content_root()`, read once per process and then shared."""
    return load_content(content_root())
