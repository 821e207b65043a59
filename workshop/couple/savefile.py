"""The couple's save file: their progress as JSON on their own device, and reading it back;
and the copy of the whole evening their browser tab keeps, so a reload loses nothing.

Pure: nothing here reads a clock, a file or the network (bytes in, bytes out; ``now`` passed
in). The file holds revealed, shared words only: answers not yet revealed (whatever their
writer chose) are left out, so they are answered again after continuing. The tab's copy (:class:`TabCopy`) holds
everything on screen, names and unsent words included, and never leaves that tab.
"""

from __future__ import annotations

import json
from datetime import date

from pydantic import BaseModel, ConfigDict, ValidationError

from workshop.content.model import Content
from workshop.couple.evening import (
    FILE_MARKER,
    FILE_VERSION,
    MAX_BREAK_MINUTES,
    PLAN_CHARS,
    CoupleProgress,
    InvalidAnswer,
    Names,
    Rest,
    clean_answer,
    clean_names,
    gentler_form,
    stage_items,
)
from workshop.couple.turn_timer import turn_pause
from workshop.i18n import N_, Translatable

MAX_FILE_BYTES = 512_000
MAX_ADJUST_SECONDS = 3 * 3600
"""No phase of a turn timer is lengthened or shortened by more than this."""
DRAFT_CHARS = 2_000
MAX_DRAFTS = 200
MAX_NUMBER = 1e11
"""No number in a save file is larger than this: times are epoch seconds (1e11 is the year
5138), and the rest are small counts and durations."""


class ProgressFileError(Translatable, ValueError):
    """A file that cannot be continued from; ``str(error)`` says why, for the couple to read
    (``error.said(translator)`` in their language).

    The reason is always in our own fixed words: nothing from the file is quoted in it.
    """

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(self._keep(message, params))


def to_file(progress: CoupleProgress, *, now: float) -> bytes:
    """The save file: JSON with the format marker, holding shared words only.

    Pending answers, open entries and writing clocks are left out; running turn timers are
    saved paused, so continuing tomorrow starts where they stopped.
    """
    kept = progress.model_copy(
        update={"answering": None, "choosing": None, "writing": {}}, deep=True
    )
    for exercise_id, given in list(kept.answers.items()):
        kept.answers[exercise_id] = {
            p: a
            for p, a in given.items()
            if a.status not in ("pending", "keeping")
            and (exercise_id in kept.revealed or a.status != "shared")
        }
        if not kept.answers[exercise_id]:
            del kept.answers[exercise_id]
    kept.turns = {eid: turn_pause(turn, now=now) for eid, turn in kept.turns.items()}
    # Like an answer, "this question does not apply to us" goes in only once revealed.
    kept.gentler = [eid for eid in kept.gentler if eid in kept.revealed]
    return json.dumps(kept.model_dump(mode="json"), ensure_ascii=False, indent=1).encode("utf-8")


def from_file(data: bytes, *, content: Content) -> CoupleProgress:
    """Read a save file, checked against ``content``. Raises ``ProgressFileError`` with the reason."""
    if len(data) > MAX_FILE_BYTES:
        raise ProgressFileError(N_("This file is too large to be a Bedrock progress file."))
    try:
        raw = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):  # bad UTF-8 or JSON, digits beyond the limit, deep nesting
        raise ProgressFileError(
            N_("This file could not be read: it is not a Bedrock progress file, or it was damaged.")
        ) from None
    if not isinstance(raw, dict) or raw.get("format") != FILE_MARKER:
        raise ProgressFileError(
            N_(
                "This is not a Bedrock progress file. Choose the file you saved with "
                '"Save our progress".'
            )
        )
    if raw.get("version") != FILE_VERSION:
        raise ProgressFileError(
            N_(
                "This progress file comes from another version of Bedrock, which this one cannot "
                "read. Nothing was changed."
            )
        )
    if not _numbers_fit(raw):
        raise ProgressFileError(
            N_("This progress file is damaged, so it was not loaded. Nothing was changed.")
        )
    try:
        progress = CoupleProgress.model_validate(raw)
    except ValidationError:
        raise ProgressFileError(
            N_("This progress file is damaged, so it was not loaded. Nothing was changed.")
        ) from None
    problem = _mismatch(progress, content)
    if problem:
        raise ProgressFileError(
            N_(
                "This progress file does not fit this workshop: {problem}. It may come from "
                "a different version of it. Nothing was changed."
            ),
            problem=problem,
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
    if any(len(text) > PLAN_CHARS for plan in progress.plans.values() for text in plan.values()):
        return "a line of its plan is longer than Bedrock ever writes"
    if any(
        abs(seconds) > MAX_ADJUST_SECONDS
        for turn in progress.turns.values()
        for seconds in turn.adjust.values()
    ):
        return "a turn timer in it has more time added than Bedrock allows"
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
        | set(progress.gentler)
    )
    if any(exercise_id not in content.exercises for exercise_id in mentioned):
        return "it mentions an exercise this workshop does not have"
    for exercise_id in progress.gentler:
        if gentler_form(content.exercises[exercise_id]) is None:
            return "it answers another question for an exercise without one"
    for exercise_id, given in progress.answers.items():
        exercise = content.exercises[exercise_id]
        if exercise_id in progress.gentler:
            exercise = gentler_form(exercise) or exercise
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


def settle(progress: CoupleProgress, *, now: float) -> tuple[CoupleProgress, str | None]:
    """``progress`` with times that cannot be real brought back to now, and a calm word
    about it (``None`` when nothing needed changing).

    A break never ends more than the longest break after ``now`` (a hand-edited file could
    say the year 5000); a turn timer or writing clock started in the future starts again.
    """
    new = progress.model_copy(deep=True)
    changed = False
    longest = MAX_BREAK_MINUTES * 60
    if new.rest is not None and (new.rest.until > now + longest or new.rest.started_at > now):
        started = min(new.rest.started_at, now)
        new.rest = Rest(started_at=started, until=min(new.rest.until, now + longest))
        changed = True
    later = now + 60
    for exercise_id, turn in list(new.turns.items()):
        times = [t for t in (turn.started_at, turn.paused_at) if t is not None]
        if any(t > later for t in times) or turn.paused_total > longest * 24:
            del new.turns[exercise_id]
            changed = True
    for exercise_id, clocks in list(new.writing.items()):
        for partner, clock in list(clocks.items()):
            if clock.seconds > longest or (clock.ends_at or 0) > now + clock.seconds + 60:
                del clocks[partner]
                changed = True
        if not clocks:
            del new.writing[exercise_id]
    if not changed:
        return progress, None
    return new, N_(
        "Some times in your saved evening could not be right (a break or a timer far in the "
        "future), so they were set back to now. Everything you wrote is as it was."
    )


# --- the tab's own copy of the evening -------------------------------------------------------


class TabCopy(BaseModel):
    """Everything on the couple's screen, as the browser tab keeps it between reloads."""

    model_config = ConfigDict(extra="forbid")

    progress: CoupleProgress = CoupleProgress()
    names: Names | None = None
    drafts: dict[str, str | list[str]] = {}
    """Words typed but not yet saved or sent, by the box they were typed in."""
    notes: dict[str, str] = {}
    """Each sensitive stage's content-note choice ("continue" or "skip"), by stage id."""
    confirm_who: bool = False
    """True after continuing from a file, until the couple said who was the first partner."""


def to_tab(copy: TabCopy) -> str:
    """The text the tab keeps: the whole evening as compact JSON."""
    return copy.model_dump_json()


def from_tab(text: str, *, content: Content, now: float) -> TabCopy:
    """The evening the tab kept, checked like a file; raises ``ProgressFileError``.

    ``""`` (nothing kept) gives a fresh evening. Names are cleaned as if typed again, unsent
    words are cut to their boxes' size, times far in the future brought back to now.
    """
    if not text:
        return TabCopy()
    damaged = ProgressFileError(N_("What this tab kept could not be read, so you start afresh."))
    if len(text) > MAX_FILE_BYTES:
        raise damaged
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError):
        raise damaged from None
    if not isinstance(raw, dict) or not _numbers_fit(raw):
        raise damaged
    try:
        copy = TabCopy.model_validate(raw)
    except ValidationError:
        raise damaged from None
    if _mismatch(copy.progress, content) or copy.progress.format != FILE_MARKER:
        raise damaged
    if copy.progress.answering is not None and copy.progress.answering not in ("A", "B"):
        raise damaged
    names = None
    if copy.names is not None:
        try:
            names = clean_names(a=copy.names.a, b=copy.names.b)
        except InvalidAnswer:
            raise damaged from None
    drafts: dict[str, str | list[str]] = {}
    for key, value in list(copy.drafts.items())[:MAX_DRAFTS]:
        if isinstance(value, str):
            drafts[key[:200]] = value[:DRAFT_CHARS]
        else:
            drafts[key[:200]] = [v[:DRAFT_CHARS] for v in value[:50]]
    notes = {k: v for k, v in copy.notes.items() if v in ("continue", "skip")}
    progress, _ = settle(copy.progress, now=now)
    return TabCopy(
        progress=progress,
        names=names,
        drafts=drafts,
        notes=notes,
        confirm_who=copy.confirm_who,
    )


def file_name(*, today: date) -> str:
    """The save file's name, for example ``bedrock-progress-2025-05-01.json``."""
    return f"bedrock-progress-{today.isoformat()}.json"
