"""Check the content files and report every mistake in them at once.

Each problem names the file, the line (where it can be told) and the field, in
words a counsellor understands. Reading the files and finding the lines is
`workshop.content.sources`; this module checks what was read, within a file and across
files. Reads files only; never raises for a mistake in them.
"""

from __future__ import annotations

import difflib
import re
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path

from pydantic import BaseModel, ValidationError

from workshop.content import images
from workshop.content.model import (
    EXERCISE_KINDS,
    Content,
    Module,
    PlanField,
    Problem,
    Slide,
    _Exercise,
    group_only_words,
)
from workshop.content.sources import (
    Path_,
    Source,
    content_root,
    read_module,
    read_text,
    read_toml,
    read_yaml,
)

EXERCISE_SUFFIXES = (".toml", ".yaml", ".yml")
MODULE_NAME = re.compile(r"(\d{2})-[a-z0-9]+(?:-[a-z0-9]+)*\.md")
_LOADER_FIELDS = {"path", "order", "slides"}
_NESTED = {PlanField.__name__: PlanField}


@dataclass(frozen=True)
class Report:
    """The outcome of checking a content folder."""

    content: Content | None
    """The loaded content, or None when there is at least one error."""
    problems: list[Problem]
    """Every error and warning, sorted by file and line."""
    files: int
    """How many module and exercise files were read."""

    @property
    def errors(self) -> list[Problem]:
        """The problems that stop the content from loading."""
        return [problem for problem in self.problems if problem.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The problems worth fixing that do not stop loading."""
        return [problem for problem in self.problems if problem.level == "warning"]


# ---------------------------------------------------------------- explaining errors


def describe(value: object) -> str:
    """A value as a counsellor would name it: 'a list', "the text 'five'", 'nothing'."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text '{shown}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of keys"
    if isinstance(value, date | time):
        return f"a date or time ({value})"
    return type(value).__name__


_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "dict_type": "a group of keys",
}


def _number(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def explain(error: dict) -> tuple[Path_, str]:
    """A pydantic error as (field path, plain message)."""
    kind, loc = error["type"], tuple(error["loc"])
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind in _EXPECTED:
        return loc, f"expected {_EXPECTED[kind]}, got {describe(value)}"
    if kind == "model_type":
        model = _NESTED.get(ctx.get("class_name", ""))
        keys = f" ({', '.join(file_keys(model))})" if model else ""
        return loc, f"expected a group of keys{keys}, got {describe(value)}"
    if kind == "missing":
        return loc, "this field is required"
    if kind == "greater_than":
        return loc, f"must be more than {_number(ctx['gt'])}, got {_number(value)}"
    if kind == "greater_than_equal":
        return loc, f"must be {_number(ctx['ge'])} or more, got {_number(value)}"
    if kind == "too_short":
        wanted, actual = ctx["min_length"], ctx["actual_length"]
        noun = str(loc[-1]) if loc else "entries"
        noun = noun[:-1] if wanted == 1 and noun.endswith("s") else noun
        return loc, f"needs at least {wanted} {noun}, got {actual or 'none'}"
    if kind == "value_error":
        return loc, str(ctx["error"])
    if "index" in ctx:
        return loc + (ctx["index"],), error["msg"]
    return loc, error["msg"]


def file_keys(model: type[BaseModel]) -> list[str]:
    """The keys a counsellor may write for this model (not those the loader fills in)."""
    return [name for name in model.model_fields if name not in _LOADER_FIELDS]


def _suggest(word: str, choices: Iterable[str]) -> str | None:
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def check_model(source: Source, model: type[BaseModel], data: dict) -> BaseModel | None:
    """Validate `data` as `model`, adding a problem for each mistake; None if there were any."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            path, message = explain(error)
            source.add(path, message)
        return None


def check_unknown_keys(
    source: Source, model: type[BaseModel], data: dict, path: Path_ = (), *, kind: str = ""
) -> None:
    """Warn about keys the model does not know, suggesting the near miss."""
    known = file_keys(model)
    for key, value in data.items():
        key = str(key)
        if key in known:
            nested = _list_model(model, key)
            if nested and isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, dict):
                        check_unknown_keys(source, nested, item, path + (key, index))
            continue
        near = _suggest(key, known)
        owners = [name for name, other in EXERCISE_KINDS.items() if key in other.model_fields]
        if near:
            message = f"unknown key, ignored (did you mean '{near}'?)"
        elif kind and owners:
            message = (
                f"not used by {kind} exercises, ignored ({', '.join(owners)} exercises use it)"
            )
        else:
            message = "unknown key, ignored"
        source.add(path + (key,), message, level="warning")


def _list_model(model: type[BaseModel], key: str) -> type[BaseModel] | None:
    for arg in typing.get_args(model.model_fields[key].annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


# ---------------------------------------------------------------- the whole tree


@dataclass
class _ExerciseFile:
    source: Source
    id: str
    exercise: _Exercise | None


LANGUAGE_FOLDER = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]+)?")
"""A translation's folder inside modules/ and exercises/: a language code, such as 'es' or
'pt_BR'."""


@dataclass
class _Tree:
    """What has been read so far, for the checks that span files.

    With a `language`, each file is read from its translation (`modules/es/...`) where there
    is one, else from the original, which then stands in for it (`fallback`)."""

    root: Path
    language: str | None = None
    sources: list[Source] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)
    exercises: list[_ExerciseFile] = field(default_factory=list)
    by_id: dict[str, _ExerciseFile] = field(default_factory=dict)
    used_by: dict[str, str] = field(default_factory=dict)
    modules: list[Module] = field(default_factory=list)
    slides: dict[str, list[Slide]] = field(default_factory=dict)
    """The slides of each module file read, by its path (even when the module has errors)."""
    fallback: set[str] = field(default_factory=set)
    """The original files read in place of a missing translation."""

    def listing(self, folder: str, suffixes: tuple[str, ...], *, warn: bool) -> list[Path]:
        """The content files of a folder (hidden files and folders skipped, others ignored,
        with a warning when `warn`)."""
        found = []
        directory = self.root / folder
        paths = sorted(directory.iterdir()) if directory.is_dir() else []
        for path in paths:
            rel = f"{folder}/{path.name}"
            if path.name.startswith("."):
                continue
            if path.is_dir():
                if warn and self.language is None and not LANGUAGE_FOLDER.fullmatch(path.name):
                    message = (
                        "ignored: a folder inside this one holds a translation and is named by "
                        "its language code, such as 'es'"
                    )
                    self.notices.append(Problem(path=f"{rel}/", message=message, level="warning"))
                continue
            if not path.is_file():
                continue
            if path.suffix not in suffixes:
                if warn:
                    noun = "module" if folder.startswith("modules") else "exercise"
                    ends = " or ".join(", ".join(suffixes).rsplit(", ", 1))
                    message = f"ignored: {noun} files end in {ends}"
                    self.notices.append(Problem(path=rel, message=message, level="warning"))
                continue
            found.append(path)
        return found

    def files(self, folder: str, suffixes: tuple[str, ...]) -> list[tuple[Path, Source]]:
        """The files to read from a folder, each with the Source its problems go to."""
        if self.language is None:
            found = [
                (path, Source(f"{folder}/{path.name}"))
                for path in self.listing(folder, suffixes, warn=True)
            ]
        else:
            found = self._translated(folder, suffixes)
        self.sources.extend(source for _, source in found)
        return found

    def _translated(self, folder: str, suffixes: tuple[str, ...]) -> list[tuple[Path, Source]]:
        language = self.language
        originals = self.listing(folder, suffixes, warn=False)
        translations = {
            path.name: path for path in self.listing(f"{folder}/{language}", suffixes, warn=True)
        }
        names = {path.name for path in originals}
        for name in sorted(set(translations) - names):
            near = _suggest(name, names)
            hint = f"did you mean '{near}'? " if near else ""
            message = (
                f"there is no {folder}/{name} to translate ({hint}a translation keeps the "
                "original's file names)"
            )
            self.notices.append(Problem(path=f"{folder}/{language}/{name}", message=message))
        found = []
        for path in originals:
            translated = translations.get(path.name)
            if translated is not None:
                found.append((translated, Source(f"{folder}/{language}/{path.name}")))
                continue
            rel = f"{folder}/{path.name}"
            message = f"not translated yet: the original {rel} is shown instead"
            self.notices.append(
                Problem(path=f"{folder}/{language}/{path.name}", message=message, level="warning")
            )
            self.fallback.add(rel)
            found.append((path, Source(rel)))
        return found

    @property
    def problems(self) -> list[Problem]:
        """Every problem found, sorted by file and line; none from an original read in place
        of a missing translation (the original's own check reports those)."""
        problems = self.notices + [
            problem
            for source in self.sources
            if source.rel not in self.fallback
            for problem in source.problems
        ]
        return sorted(problems, key=lambda p: (p.path, p.line or 0))

    def content(self) -> Content:
        """The content read, assuming it had no errors."""
        exercises = {e.id: e.exercise for e in self.exercises if e.exercise is not None}
        modules = sorted(self.modules, key=lambda m: (m.order, m.path))
        return Content(modules=modules, exercises=exercises)


def read_tree(*, root: Path | None = None, language: str | None = None) -> _Tree:
    """Read and check every module and exercise under `root`, in the original or, with a
    `language`, in that translation (missing files read from the original). Never raises."""
    tree = _Tree(Path(root) if root is not None else content_root(), language)
    for path, source in tree.files("exercises", EXERCISE_SUFFIXES):
        _check_exercise(tree, path, source)
    if language is None and not (tree.root / "modules").is_dir():
        tree.notices.append(Problem(path="modules/", message=f"folder not found in {tree.root}"))
    module_files = tree.files("modules", (".md",))
    if language is None and (tree.root / "modules").is_dir() and not module_files:
        message = "there are no modules yet: add a file such as modules/00-welcome.md"
        tree.notices.append(Problem(path="modules/", message=message))
    orders: dict[int, str] = {}
    module_ids: dict[str, str] = {}
    for path, source in module_files:
        named = MODULE_NAME.fullmatch(path.name)
        order = int(named.group(1)) if named else 0
        if not named:
            source.add(
                (),
                "the file name must look like 03-building.md: two digits for the order, "
                "a hyphen, then lowercase words joined by hyphens",
            )
        elif order in orders:
            source.add((), f"order number {order:02d} is also used by {orders[order]}")
        else:
            orders[order] = source.rel
        _check_module(tree, path, source, order=order, module_ids=module_ids)
    for entry in tree.exercises:
        stem = Path(entry.source.rel).stem
        if isinstance(entry.source.data, dict) and not {entry.id, stem} & set(tree.used_by):
            message = f"exercise '{entry.id}' is not used by any module"
            entry.source.add(("id",), message, level="warning")
    return tree


def check(*, root: Path | None = None) -> Report:
    """Read every module and exercise of the original under `root` and report every problem
    (translations are checked by `workshop.content.translations`). Never raises."""
    tree = read_tree(root=root)
    problems = tree.problems
    content = None if any(p.level == "error" for p in problems) else tree.content()
    return Report(content=content, problems=problems, files=len(tree.sources))


def _check_exercise(tree: _Tree, path: Path, source: Source) -> None:
    text = read_text(path, source)
    if text is not None:
        (read_toml if path.suffix == ".toml" else read_yaml)(source, text)
    data = source.data
    declared = data.get("id") if isinstance(data, dict) else None
    entry = _ExerciseFile(source, declared if isinstance(declared, str) else path.stem, None)
    tree.exercises.append(entry)
    if data is None:
        return
    if not isinstance(data, dict):
        source.add((), f"expected a group of keys (id, title, kind, ...), got {describe(data)}")
        return
    if entry.id in tree.by_id:
        other = tree.by_id[entry.id].source.rel
        source.add(("id",), f"exercise id '{entry.id}' is also used by {other}")
    else:
        tree.by_id[entry.id] = entry
    if isinstance(declared, str) and declared != path.stem:
        source.add(("id",), f"id '{declared}' does not match the file name '{path.name}'")
    kinds = ", ".join(EXERCISE_KINDS)
    kind = data.get("kind")
    model: type[_Exercise] = _Exercise
    if "kind" not in data:
        source.add(("kind",), f"this field is required; use one of: {kinds}")
    elif not isinstance(kind, str):
        source.add(("kind",), f"expected text, got {describe(kind)}")
    elif kind not in EXERCISE_KINDS:
        near = _suggest(kind, EXERCISE_KINDS)
        hint = f"did you mean '{near}'?" if near else f"use one of: {kinds}"
        source.add(("kind",), f"unknown kind '{kind}' ({hint})")
    else:
        model = EXERCISE_KINDS[kind]
        check_unknown_keys(source, model, data, kind=kind)
    for name in ("couple_prompt", "title"):
        text = data.get(name)
        words = group_only_words(text) if isinstance(text, str) else None
        if words:
            source.add(
                (name,),
                f"a couple at home reads this, and '{words}' only fits a group in a room: "
                "say it as you would to two people on their own",
            )
    _check_images(tree, source, data, ())
    exercise = check_model(source, model, {**data, "path": source.rel})
    if model is not _Exercise and not any(p.level == "error" for p in source.problems):
        entry.exercise = exercise  # type: ignore[assignment]


def _check_module(
    tree: _Tree, path: Path, source: Source, *, order: int, module_ids: dict[str, str]
) -> None:
    text = read_text(path, source)
    slides = read_module(source, text) if text is not None else []
    tree.slides[source.rel] = slides
    data = source.data
    if data is None:
        return
    if not isinstance(data, dict):
        message = f"expected front matter of 'key: value' lines, got {describe(data)}"
        source.add((), message, line=2)
        return
    check_unknown_keys(source, Module, data)
    _check_images(tree, source, data, ())
    if text is not None:
        _check_slide_images(tree, source, text)
    listed = data.get("exercises")
    listed = listed if isinstance(listed, list) else []
    _check_references(tree, source, listed)
    sensitive = [
        i for i in listed if isinstance(i, str) and i in tree.by_id and _is_sensitive(tree.by_id[i])
    ]
    note = data.get("content_note")
    if sensitive and not (isinstance(note, str) and note.strip()):
        source.add(
            ("content_note",),
            f"this module runs a sensitive exercise ('{sensitive[0]}'), so it needs a "
            "content_note: a few words shown before it starts",
        )
    module_id = data.get("id")
    if isinstance(module_id, str) and module_id in module_ids:
        source.add(("id",), f"module id '{module_id}' is also used by {module_ids[module_id]}")
    elif isinstance(module_id, str):
        module_ids[module_id] = source.rel
    module = check_model(
        source, Module, {**data, "slides": slides, "order": order, "path": source.rel}
    )
    if isinstance(module, Module):
        tree.modules.append(module)


def _check_images(tree: _Tree, source: Source, value: object, path: Path_) -> None:
    """Every Markdown image in the text fields of ``value`` (read from ``source``) must be a
    file in the workshop folder. A line of a multi-line text is counted from its key's line."""
    if isinstance(value, dict):
        for key, item in value.items():
            _check_images(tree, source, item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_images(tree, source, item, (*path, index))
    elif isinstance(value, str) and "![" in value:
        first = source.line(path)
        multi_line = "\n" in value.strip("\n")
        for image in images.images(value):
            message = images.problem(image.src, root=tree.root)
            if message is None:
                continue
            line = first + image.line + 1 if first is not None and multi_line else first
            source.add(path, message, line=line)


def _check_slide_images(tree: _Tree, source: Source, text: str) -> None:
    """Every Markdown image below a module's front matter must be a file in the workshop
    folder; each problem names its own line."""
    lines = text.splitlines()
    closing = next((i for i in range(1, len(lines)) if lines[i].rstrip() == "---"), len(lines))
    body = "\n".join(lines[closing + 1 :])
    for image in images.images(body):
        message = images.problem(image.src, root=tree.root)
        if message is not None:
            source.add(("slides",), message, line=closing + 2 + image.line)


def _is_sensitive(entry: _ExerciseFile) -> bool:
    data = entry.source.data
    return isinstance(data, dict) and data.get("sensitive") is True


def _check_references(tree: _Tree, source: Source, listed: list) -> None:
    """Each exercise a module names must exist, once in this module and in no other."""
    known = set(tree.by_id) | {Path(e.source.rel).stem for e in tree.exercises}
    seen: set[str] = set()
    for index, exercise_id in enumerate(listed):
        path = ("exercises", index)
        if not isinstance(exercise_id, str):
            continue  # reported as a wrong type by the module's own check
        if exercise_id not in known:
            near = _suggest(exercise_id, known)
            hint = (
                f"did you mean '{near}'?"
                if near
                else (f"there is no exercises/{exercise_id}.toml or .yaml")
            )
            source.add(path, f"unknown exercise '{exercise_id}' ({hint})")
        elif exercise_id in seen:
            source.add(path, f"exercise '{exercise_id}' is listed twice in this module")
        elif exercise_id in tree.used_by:
            message = (
                f"exercise '{exercise_id}' is already used by {tree.used_by[exercise_id]}; "
                "an exercise can be run in one stage only"
            )
            source.add(path, message)
        else:
            tree.used_by[exercise_id] = source.rel
        seen.add(exercise_id)
