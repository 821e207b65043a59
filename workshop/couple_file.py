"""The couple's save file: their progress as JSON on their own device, and reading it back.

Pure: nothing here reads a clock, a file or the network (bytes in, bytes out; ``now`` passed
in). The file holds shared words only: answers still waiting for a share/keep choice are left
out, so they are answered again after continuing.
"""

from __future__ import annotations

import json
from datetime import date

from pydantic import ValidationError

from workshop.content import Content
from workshop.couple import (
    FILE_MARKER,
    FILE_VERSION,
    CoupleProgress,
    InvalidAnswer,
    clean_answer,
    stage_items,
)
from workshop.couple_turns import turn_pause

MAX_FILE_BYTES = 512_000


class ProgressFileError(ValueError):
    """A file that cannot be continued from; ``str(error)`` says why, for the couple to read."""


def to_file(progress: CoupleProgress, *, now: float) -> bytes:
    """The save file: JSON with the format marker, holding shared words only.

    Pending answers, open entries and writing clocks are left out; running turn timers are
    saved paused, so continuing tomorrow starts where they stopped.
    """
    kept = progress.model_copy(update={"answering": None, "writing": {}}, deep=True)
    for exercise_id, given in list(kept.answers.items()):
        kept.answers[exercise_id] = {p: a for p, a in given.items() if a.status != "pending"}
        if not kept.answers[exercise_id]:
            del kept.answers[exercise_id]
    kept.turns = {eid: turn_pause(turn, now=now) for eid, turn in kept.turns.items()}
    return json.dumps(kept.model_dump(mode="json"), ensure_ascii=False, indent=1).encode("utf-8")


def from_file(data: bytes, *, content: Content) -> CoupleProgress:
    """Read a save file, checked against ``content``. Raises ``ProgressFileError`` with the reason."""
    if len(data) > MAX_FILE_BYTES:
        raise ProgressFileError("This file is too large to be a Bedrock progress file.")
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ProgressFileError(
            "This file could not be read: it is not a Bedrock progress file, or it was damaged."
        ) from None
    if not isinstance(raw, dict) or raw.get("format") != FILE_MARKER:
        raise ProgressFileError(
            "This is not a Bedrock progress file. Choose the file you saved with "
            '"Save our progress".'
        )
    if raw.get("version") != FILE_VERSION:
        raise ProgressFileError(
            f"This progress file has format version {raw.get('version')!r}, which this version "
            f"of Bedrock cannot read (it reads version {FILE_VERSION})."
        )
    try:
        progress = CoupleProgress.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where_ = ".".join(str(part) for part in first["loc"]) or "the file"
        raise ProgressFileError(
            f"This progress file is damaged and was not loaded ({where_}: {first['msg']})."
        ) from None
    problem = _mismatch(progress, content)
    if problem:
        raise ProgressFileError(
            f"This progress file does not fit this workshop ({problem}); it may come from a "
            "different version of it. Nothing was changed."
        )
    return progress


def _mismatch(progress: CoupleProgress, content: Content) -> str | None:
    modules = content.modules
    if progress.stage > len(modules):
        return f"stage {progress.stage + 1} does not exist"
    if progress.stage < len(modules) and progress.item >= len(stage_items(modules[progress.stage])):
        return f"card {progress.item + 1} of stage {progress.stage + 1} does not exist"
    known_stages = {m.id for m in modules}
    for stage_id in progress.skipped:
        if stage_id not in known_stages:
            return f"unknown stage '{stage_id}'"
    mentioned = (
        set(progress.answers) | set(progress.revealed) | set(progress.plans) | set(progress.turns)
    )
    for exercise_id in sorted(mentioned):
        if exercise_id not in content.exercises:
            return f"unknown exercise '{exercise_id}'"
    for exercise_id, given in progress.answers.items():
        exercise = content.exercises[exercise_id]
        for partner, answer in given.items():
            if answer.value is None:
                continue
            try:
                clean_answer(exercise, answer.value)
            except InvalidAnswer:
                return f"the answer of {partner} to '{exercise_id}' does not fit that exercise"
    for exercise_id, plan in progress.plans.items():
        exercise = content.exercises[exercise_id]
        names = {f.name for f in getattr(exercise, "fields", [])}
        if exercise.kind != "plan" or not set(plan) <= names:
            return f"the plan for '{exercise_id}' does not fit that exercise"
    for exercise_id in progress.turns:
        if content.exercises[exercise_id].kind != "speaker-listener":
            return f"'{exercise_id}' has no turn timer"
    return None


def file_name(*, today: date) -> str:
    """The save file's name, for example ``bedrock-progress-2025-05-01.json``."""
    return f"bedrock-progress-{today.isoformat()}.json"
