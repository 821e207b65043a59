"""The couple's save file: their progress as JSON on their own device, and reading it back.

Pure: nothing here reads a clock, a file or the network (bytes in, bytes out; ``now`` passed
in). The file holds shared words only: answers still waiting for a share/keep choice are left
out, so they are answered again after continuing.
"""

from __future__ import annotations

import json
from datetime import date

from pydantic import ValidationError

from workshop.content.model import Content
from workshop.couple.evening import (
    FILE_MARKER,
    FILE_VERSION,
    CoupleProgress,
    InvalidAnswer,
    clean_answer,
    stage_items,
)
from workshop.couple.turn_timer import turn_pause

MAX_FILE_BYTES = 512_000
MAX_NUMBER = 1e11
"""No number in a save file is larger than this: times are epoch seconds (1e11 is the year
5138), and the rest are small counts and durations."""


class ProgressFileError(ValueError):
    """A file that cannot be continued from; ``str(error)`` says why, for the couple to read.

    The reason is always in our own fixed words: nothing from the file is quoted in it.
    """


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
    except (ValueError, RecursionError):  # bad UTF-8 or JSON, digits beyond the limit, deep nesting
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
            "This progress file comes from another version of Bedrock, which this one cannot "
            "read. Nothing was changed."
        )
    if not _numbers_fit(raw):
        raise ProgressFileError(
            "This progress file is damaged, so it was not loaded. Nothing was changed."
        )
    try:
        progress = CoupleProgress.model_validate(raw)
    except ValidationError:
        raise ProgressFileError(
            "This progress file is damaged, so it was not loaded. Nothing was changed."
        ) from None
    problem = _mismatch(progress, content)
    if problem:
        raise ProgressFileError(
            f"This progress file does not fit this workshop: {problem}. It may come from a "
            "different version of it. Nothing was changed."
        )
    return progress


def _numbers_fit(raw: object) -> bool:
    """Every number in the parsed file is finite and at most ``MAX_NUMBER`` in size (a time far
    beyond any clock, or NaN, would break the page that shows it)."""
    waiting = [raw]
    while waiting:
        value = waiting.pop()
        if isinstance(value, dict):
            waiting.extend(value.values())
        elif isinstance(value, list):
            waiting.extend(value)
        elif isinstance(value, int | float) and not abs(value) <= MAX_NUMBER:
            return False
    return True


def _mismatch(progress: CoupleProgress, content: Content) -> str | None:
    """What does not fit, in fixed words: never a value quoted from the file."""
    modules = content.modules
    if progress.stage > len(modules):
        return "it is at a stage this workshop does not have"
    if progress.stage < len(modules) and progress.item >= len(stage_items(modules[progress.stage])):
        return "it is at a card this workshop does not have"
    known_stages = {m.id for m in modules}
    if any(stage_id not in known_stages for stage_id in progress.skipped):
        return "it skips a stage this workshop does not have"
    mentioned = (
        set(progress.answers)
        | set(progress.revealed)
        | set(progress.plans)
        | set(progress.turns)
        | set(progress.writing)
    )
    if any(exercise_id not in content.exercises for exercise_id in mentioned):
        return "it mentions an exercise this workshop does not have"
    for exercise_id, given in progress.answers.items():
        exercise = content.exercises[exercise_id]
        for answer in given.values():
            if answer.value is None:
                continue
            try:
                clean_answer(exercise, answer.value)
            except InvalidAnswer:
                return "an answer in it does not fit its exercise"
    for exercise_id, plan in progress.plans.items():
        exercise = content.exercises[exercise_id]
        names = {f.name for f in getattr(exercise, "fields", [])}
        if exercise.kind != "plan" or not set(plan) <= names:
            return "a plan in it does not fit its exercise"
    for exercise_id in progress.turns:
        if content.exercises[exercise_id].kind != "speaker-listener":
            return "it has a turn timer for an exercise without one"
    return None


def file_name(*, today: date) -> str:
    """The save file's name, for example ``bedrock-progress-2025-05-01.json``."""
    return f"bedrock-progress-{today.isoformat()}.json"
