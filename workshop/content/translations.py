"""The workshop in other languages: translations beside the original, checked against it.

A translation lives in a folder named by its language code inside modules/ and exercises/
(`modules/es/00-welcome.md`, `exercises/es/checkin-open.toml`), with the original's file
names and ids. It changes only the words: every id, kind, number, option count, slide and
version for couples at home stays as in the original, and this module reports every place
where it does not, naming the translation's file and line and the original's. A file not
translated yet is read from the original (with a warning), so a language can grow file by
file.

Options and items are matched to the original's by position: an answer is stored in the
original's words (`Content.to_original`), so that phones in different languages count on
the same wall. Reads files only; never raises for a mistake in them.
"""

from __future__ import annotations

from pathlib import Path

from workshop.content.model import Content, Exercise, Problem, Slide
from workshop.content.sources import Path_, Source, content_root, field_path
from workshop.content.validate import LANGUAGE_FOLDER, Report, _Tree, read_tree

ORIGINAL = "en"
"""The language the original modules/ and exercises/ are written in."""

TEXT_KEYS = frozenset(
    {
        "title",
        "content_note",
        "notes",
        "group_prompt",
        "couple_prompt",
        "min_label",
        "max_label",
        "options",
        "items",
        "rules",
        "label",
        "hint",
        "note",
        "prompt",
    }
)
"""The fields a translation puts into its own words; every other field stays as it is."""


def languages(root: Path | None = None) -> list[str]:
    """The languages the workshop under `root` can be followed in: the original's first,
    then every translation folder in modules/ or exercises/, in order. Reads folders only."""
    root = Path(root) if root is not None else content_root()
    found: set[str] = set()
    for folder in ("modules", "exercises"):
        directory = root / folder
        if directory.is_dir():
            found |= {
                path.name
                for path in directory.iterdir()
                if path.is_dir() and LANGUAGE_FOLDER.fullmatch(path.name)
            }
    found.discard(ORIGINAL)
    return [ORIGINAL, *sorted(found)]


def check_language(*, root: Path | None = None, language: str | None = None) -> Report:
    """The workshop under `root` in `language` (the original when None, the original's
    language, or a language with no translation): the original's problems and the
    translation's; its content is the translation, when neither has errors. Never raises."""
    root = Path(root) if root is not None else content_root()
    original = read_tree(root=root)
    if language in (None, ORIGINAL) or language not in languages(root):
        problems = original.problems
        content = None if _has_errors(problems) else original.content()
        return Report(content=content, problems=problems, files=len(original.sources))
    translated, own = _read_translation(original, language)
    problems = sorted(original.problems + own, key=lambda p: (p.path, p.line or 0))
    content = None
    if not _has_errors(problems):
        content = _translated_content(original.content(), translated.content(), language)
    return Report(content=content, problems=problems, files=len(translated.sources))


def check_all(*, root: Path | None = None) -> Report:
    """The original under `root` and every translation beside it, each problem once; the
    content is the original's. Never raises."""
    root = Path(root) if root is not None else content_root()
    original = read_tree(root=root)
    problems = original.problems
    files = len(original.sources)
    for language in languages(root)[1:]:
        translated, own = _read_translation(original, language)
        problems += own
        files += len(translated.sources) - len(translated.fallback)
    problems.sort(key=lambda p: (p.path, p.line or 0))
    content = None if _has_errors(problems) else original.content()
    return Report(content=content, problems=problems, files=files)


def _has_errors(problems: list[Problem]) -> bool:
    return any(problem.level == "error" for problem in problems)


def _read_translation(original: _Tree, language: str) -> tuple[_Tree, list[Problem]]:
    """The translation read (with the original standing in for missing files), and its own
    problems: those of its files, and every way it differs from the original."""
    translated = read_tree(root=original.root, language=language)
    by_rel = {source.rel: source for source in original.sources}
    prefix = {f"modules/{language}/": "modules/", f"exercises/{language}/": "exercises/"}
    for source in translated.sources:
        if source.rel in translated.fallback:
            continue
        folder = next(p for p in prefix if source.rel.startswith(p))
        twin = by_rel.get(prefix[folder] + source.rel[len(folder) :])
        if twin is None or not isinstance(twin.data, dict) or not isinstance(source.data, dict):
            continue  # a file that could not be read is reported on its own
        Comparison(twin, source).data(twin.data, source.data, ())
        if source.rel.startswith("modules/"):
            slides = original.slides.get(twin.rel, [])
            compare_slides(twin, source, slides, translated.slides.get(source.rel, []))
    return translated, translated.problems


class Comparison:
    """Everything in a translated file that differs from its original except the words,
    added to the translation's `Source`."""

    def __init__(self, original: Source, translated: Source) -> None:
        self.original = original
        self.translated = translated
        self.pairs: dict[str, tuple[str, Path_]] = {}
        self.back: dict[str, tuple[str, Path_]] = {}

    def at(self, path: Path_) -> str:
        """Where `path` is in the original, as FILE:LINE."""
        line = self.original.line(path)
        return f"{self.original.rel}:{line}" if line else self.original.rel

    def data(self, original: object, translated: object, path: Path_) -> None:
        key = path[-1] if path else ""
        if key == "kind" and original != translated:
            self.translated.add(
                path,
                f"the kind is {_shown(translated)} here but {_shown(original)} in the original "
                f"({self.at(path)}); a translation keeps the kind and changes only the words",
            )
            raise _Stop
        if isinstance(key, str) and key in TEXT_KEYS:
            self.text(original, translated, path)
        elif isinstance(original, dict) and isinstance(translated, dict):
            self.keys(original, translated, path)
        elif key == "exercises" and isinstance(original, list) and isinstance(translated, list):
            self.exercises(original, translated, path)
        elif (
            isinstance(original, list)
            and isinstance(translated, list)
            and len(original) == len(translated)
        ):
            for index, (left, right) in enumerate(zip(original, translated, strict=True)):
                self.data(left, right, (*path, index))
        elif isinstance(original, list) and isinstance(translated, list):
            self.translated.add(
                path,
                f"{len(translated)} {path[-1]} here but {len(original)} in the original "
                f"({self.at(path)})",
            )
        elif not _same(original, translated):
            self.translated.add(
                path,
                f"{_shown(translated)} here but {_shown(original)} in the original "
                f"({self.at(path)}); a translation changes only the words: ids, numbers and "
                "kinds stay as they are",
            )

    def keys(self, original: dict, translated: dict, path: Path_) -> None:
        # The kind first: when it differs, the rest would only repeat that one mistake.
        for key, value in sorted(original.items(), key=lambda item: item[0] != "kind"):
            if key in translated:
                try:
                    self.data(value, translated[key], (*path, key))
                except _Stop:
                    return
            elif value is not None and value != "":
                self.missing((*path, key), value)
        for key, value in translated.items():
            if key not in original and value is not None and value != "":
                self.extra((*path, key), value)

    def missing(self, path: Path_, value: object) -> None:
        if any(problem.field == field_path(path) for problem in self.translated.problems):
            return  # already reported, e.g. as a required field
        if path[-1] in TEXT_KEYS:
            message = f"missing: the original has it ({self.at(path)}); translate it here"
            self.translated.add(path, message, level="warning")
        else:
            message = (
                f"missing: the original sets it to {_shown(value)} ({self.at(path)}); a "
                "translation keeps it"
            )
            self.translated.add(path, message)

    def extra(self, path: Path_, value: object) -> None:
        key = path[-1]
        if key in TEXT_KEYS:
            self.translated.add(
                path,
                f"the original has no {key} here ({self.original.rel}), so nobody following "
                "it sees this",
                level="warning",
            )
        else:
            self.translated.add(
                path,
                f"{_shown(value)} here, but the original does not set {key} "
                f"({self.original.rel}); a translation changes only the words",
            )

    def text(self, original: object, translated: object, path: Path_) -> None:
        key = path[-1]
        if isinstance(original, list) and isinstance(translated, list):
            if len(original) != len(translated):
                self.translated.add(
                    path,
                    f"{len(translated)} {key} here but {len(original)} in the original "
                    f"({self.at(path)}); translate each one, in the same order: answers are "
                    "matched to the original's by position",
                )
                return
            if key in ("options", "items"):
                for index, pair in enumerate(zip(original, translated, strict=True)):
                    self.pair(*pair, (*path, index))
        elif key == "label" and path[:1] == ("not_for_us",):
            self.pair(original, translated, path)

    def pair(self, original: object, translated: object, path: Path_) -> None:
        """One option and its translation: the same words always get the same translation,
        and two different options never get the same one, so answers can be told apart."""
        if not isinstance(original, str) or not isinstance(translated, str):
            return
        seen = self.pairs.setdefault(original, (translated, path))
        if seen[0] != translated:
            self.translated.add(
                path,
                f"'{_short(original)}' is translated as '{_short(translated)}' here but as "
                f"'{_short(seen[0])}' in {field_path(seen[1])}; give the same words the same "
                "translation",
            )
            return
        back = self.back.setdefault(translated, (original, path))
        # Twice in one list is reported by the file's own check.
        if back[0] != original and back[1][:-1] != path[:-1]:
            self.translated.add(
                path,
                f"'{_short(translated)}' translates two different options of the original, "
                f"'{_short(back[0])}' and '{_short(original)}'; give each its own words, so "
                "answers can be told apart",
            )

    def exercises(self, original: list, translated: list, path: Path_) -> None:
        for index, exercise_id in enumerate(translated):
            if exercise_id not in original:
                self.translated.add(
                    (*path, index),
                    f"extra exercise '{exercise_id}': the original's stage does not run it "
                    f"({self.at(path)})",
                )
        for index, exercise_id in enumerate(original):
            if exercise_id not in translated:
                self.translated.add(
                    path,
                    f"missing exercise '{exercise_id}': the original runs it here "
                    f"({self.at((*path, index))})",
                )
        if [e for e in translated if e in original] != [e for e in original if e in translated]:
            self.translated.add(
                path,
                f"the exercises run in another order than in the original ({self.at(path)})",
            )


class _Stop(Exception):
    """Comparing this part further would only repeat one mistake."""


def compare_slides(
    original: Source, translated: Source, before: list[Slide], after: list[Slide]
) -> None:
    """The same number of slides, each speaking to the same audiences as the original's."""

    def at(index: int) -> str:
        line = original.line(("slides", index))
        return f"{original.rel}:{line}" if line else original.rel

    for index in range(len(before), len(after)):
        translated.add(
            ("slides", index),
            f"extra slide '{after[index].title}': the original has {len(before)} slides "
            f"({original.rel})",
        )
    for index in range(len(after), len(before)):
        last = translated.line(("slides", len(after) - 1)) if after else None
        translated.add(
            ("slides", index),
            f"missing slide '{before[index].title}' ({at(index)}): the original has "
            f"{len(before)} slides, this file {len(after)}",
            line=last,
        )
    for index, (left, right) in enumerate(zip(before, after, strict=False)):
        if bool(left.home_body) != bool(right.home_body):
            has = "has no" if left.home_body else "has a"
            translated.add(
                ("slides", index),
                f"this slide {has} version for couples at home, unlike the original's "
                f"({at(index)}): keep the same '::: at home' parts",
            )
        for name, what in (("notes", "presenter notes"), ("home_title", "a heading at home")):
            if bool(getattr(left, name)) != bool(getattr(right, name)):
                there = "has" if getattr(left, name) else "does not have"
                translated.add(
                    ("slides", index),
                    f"the original's slide {there} {what} ({at(index)}); this one "
                    f"{'does not' if getattr(left, name) else 'does'}",
                    level="warning",
                )


def _translated_content(original: Content, translated: Content, language: str) -> Content:
    originals = {
        exercise_id: pairs
        for exercise_id, exercise in translated.exercises.items()
        if exercise_id in original.exercises
        and (pairs := _pairs(original.exercises[exercise_id], exercise))
    }
    return translated.model_copy(update={"language": language, "originals": originals})


def _pairs(original: Exercise, translated: Exercise) -> tuple[tuple[str, str], ...]:
    """(the original's words, these words) of every option and item, by position."""
    pairs: dict[str, str] = {}
    for name in ("options", "items"):
        for left, right in zip(
            getattr(original, name, []), getattr(translated, name, []), strict=False
        ):
            pairs.setdefault(left, right)
    left_other = getattr(original, "not_for_us", None)
    right_other = getattr(translated, "not_for_us", None)
    if left_other is not None and right_other is not None:
        pairs.setdefault(left_other.label, right_other.label)
        for left, right in zip(left_other.options, right_other.options, strict=False):
            pairs.setdefault(left, right)
    return tuple((left, right) for left, right in pairs.items() if left != right)


def _same(original: object, translated: object) -> bool:
    """Equal, and of the same type; 2 and 2.0 count as the same number."""
    if isinstance(original, bool) or isinstance(translated, bool):
        return original is translated
    numbers = int | float
    if isinstance(original, numbers) and isinstance(translated, numbers):
        return original == translated
    return type(original) is type(translated) and original == translated


def _short(text: str) -> str:
    return text if len(text) <= 50 else text[:49] + "…"


def _shown(value: object) -> str:
    if isinstance(value, str):
        return f"'{_short(value)}'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_shown(item) for item in value) + "]"
    return str(value)
