"""A couple going through the workshop at home, on one device: the state and every change to it.

Pure: nothing here reads a clock, a file or the network. Times are float epoch seconds passed
in as ``now``. Every change returns a new ``CoupleProgress`` and leaves the old one alone.

Privacy rules this module enforces, so no page has to remember them:

- an answer kept private loses its words the moment its writer keeps it (only "private" is
  remembered), and a passed answer never had any;
- only answers whose writer chose to share them, after the couple pressed Reveal, come out of
  ``shared_answers``, the check-ins and the plan document;
- the save file holds shared words only: answers still waiting for a share/keep choice are
  left out, so they are answered again after continuing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError, model_validator

from workshop.content import Content, Exercise, Module, SpeakerListenerExercise
from workshop.timer import Phase, Timer, phase_at, speaker_listener_phases

Partner = Literal["A", "B"]
PARTNERS: tuple[Partner, Partner] = ("A", "B")
AnswerValue = StrictInt | str | list[str]

FILE_MARKER = "bedrock-couple-progress"
"""The ``format`` field every save file carries, so a foreign JSON file is recognised."""
FILE_VERSION = 1
MAX_FILE_BYTES = 512_000
MIN_BREAK_MINUTES = 20
BREAK_CHOICES = (20, 30, 45, 60)
SWAP_SECONDS = 15
CUE_BEFORE_END = 60.0
"""A soft cue sounds this many seconds before the end of a phase long enough to need one."""
NAME_CHARS = 30
LIST_ITEM_CHARS = 300
PRIVATE_KINDS = frozenset(
    {"reflection", "word", "scale", "choice", "ranking", "timed-writing", "checklist"}
)
"""The kinds each partner answers alone, then shares or keeps."""


class ProgressFileError(ValueError):
    """A file that cannot be continued from; ``str(error)`` says why, for the couple to read."""


class InvalidAnswer(ValueError):
    """An answer that does not fit its exercise; ``str(error)`` says what to change."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Names(_Model):
    """What the partners chose to be called. Lives in the session only, never in a file."""

    a: str = "Partner A"
    b: str = "Partner B"

    def of(self, partner: Partner) -> str:
        """The name of ``partner``."""
        return self.a if partner == "A" else self.b


def clean_names(*, a: str, b: str) -> Names:
    """Trimmed names, with the defaults for blanks; raises ``InvalidAnswer`` for two equal names."""
    first = " ".join(a.split())[:NAME_CHARS] or "Partner A"
    second = " ".join(b.split())[:NAME_CHARS] or "Partner B"
    if first.casefold() == second.casefold():
        raise InvalidAnswer(
            "Please choose two different names, so each of you knows whose turn it is."
        )
    return Names(a=first, b=second)


class Answer(_Model):
    """One partner's answer to one exercise."""

    status: Literal["pending", "passed", "shared", "private"]
    """pending: written, share or keep not chosen yet; passed; shared; private (words dropped)."""
    value: AnswerValue | None = None

    @model_validator(mode="after")
    def _words_fit_status(self) -> Answer:
        if self.status in ("passed", "private") and self.value is not None:
            raise ValueError(f"a {self.status} answer carries no words")
        if self.status in ("pending", "shared") and self.value is None:
            raise ValueError(f"a {self.status} answer needs its words")
        return self


class Writing(_Model):
    """A partner's timed-writing countdown: a deadline while running, the time left while paused."""

    seconds: float = Field(gt=0)
    ends_at: float | None = None
    paused_left: float | None = None


class Turn(_Model):
    """The speaker-listener turn timer: phases run back to back from ``started_at``."""

    started_at: float | None = None
    paused_at: float | None = None
    paused_total: float = Field(default=0.0, ge=0)
    adjust: dict[int, float] = {}
    """Seconds added to (+1 minute) or taken from (skip) a phase, by phase index."""


class Rest(_Model):
    """A break: everything is paused until the couple comes back."""

    started_at: float
    until: float


class CoupleProgress(_Model):
    """Where a couple is in the workshop and what they answered. Also the save file's schema."""

    format: Literal["bedrock-couple-progress"] = FILE_MARKER
    version: Literal[1] = FILE_VERSION
    stage: int = Field(default=0, ge=0)
    """Index of the current stage; one past the last means they have finished."""
    item: int = Field(default=0, ge=0)
    """Index of the current card within the stage: its slides, then its exercises."""
    answers: dict[str, dict[Partner, Answer]] = {}
    answering: Partner | None = None
    """Whose private entry is open right now (the other partner is looking away)."""
    revealed: list[str] = []
    plans: dict[str, dict[str, str]] = {}
    writing: dict[str, dict[Partner, Writing]] = {}
    turns: dict[str, Turn] = {}
    rest: Rest | None = None
    skipped: list[str] = []
    """Stages skipped after their content note."""


# --- where they are ----------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One card of a stage: a slide, or an exercise."""

    kind: Literal["slide", "exercise"]
    index: int
    exercise_id: str | None = None


def stage_items(module: Module) -> list[Item]:
    """The cards of a stage in order: every slide, then every exercise."""
    slides = [Item("slide", i) for i in range(len(module.slides))]
    offset = len(slides)
    return slides + [Item("exercise", offset + i, eid) for i, eid in enumerate(module.exercises)]


def current_item(progress: CoupleProgress, *, content: Content) -> tuple[Module, Item] | None:
    """The stage and card on screen; ``None`` once they have finished."""
    if progress.stage >= len(content.modules):
        return None
    module = content.modules[progress.stage]
    items = stage_items(module)
    if not items:
        return None
    return module, items[min(progress.item, len(items) - 1)]


def go_next(progress: CoupleProgress, *, content: Content) -> CoupleProgress:
    """The next card, the first card of the next stage, or the end."""
    stage, item = progress.stage, progress.item
    if stage >= len(content.modules):
        return progress
    if item + 1 < len(stage_items(content.modules[stage])):
        return _moved(progress, stage, item + 1)
    return _moved(progress, stage + 1, 0)


def go_back(progress: CoupleProgress, *, content: Content) -> CoupleProgress:
    """The previous card, or the last card of the previous stage; no change at the very start."""
    stage, item = min(progress.stage, len(content.modules)), progress.item
    if stage == len(content.modules):
        last = content.modules[-1]
        return _moved(progress, stage - 1, max(0, len(stage_items(last)) - 1))
    if item > 0:
        return _moved(progress, stage, item - 1)
    if stage == 0:
        return progress
    previous = content.modules[stage - 1]
    return _moved(progress, stage - 1, max(0, len(stage_items(previous)) - 1))


def skip_stage(progress: CoupleProgress, *, content: Content) -> CoupleProgress:
    """Leave the current stage out (after its content note) and go to the next one."""
    if progress.stage >= len(content.modules):
        return progress
    moved = _moved(progress, progress.stage + 1, 0)
    stage_id = content.modules[progress.stage].id
    if stage_id not in moved.skipped:
        moved.skipped.append(stage_id)
    return moved


def _moved(progress: CoupleProgress, stage: int, item: int) -> CoupleProgress:
    return progress.model_copy(update={"stage": stage, "item": item, "answering": None}, deep=True)


@dataclass(frozen=True)
class Where:
    """How far along they are, for the progress bar."""

    stage_number: int
    stages: int
    minutes_left: float
    fraction: float
    finished: bool

    @property
    def label(self) -> str:
        """For example "Stage 3 of 8 · about 40 minutes left"."""
        if self.finished:
            return f"All {self.stages} stages done"
        return f"Stage {self.stage_number} of {self.stages} · {_about(self.minutes_left)} left"


def where(progress: CoupleProgress, *, content: Content) -> Where:
    """Stage number, minutes left (counting part of the current stage) and overall fraction."""
    modules = content.modules
    total = sum(m.minutes for m in modules) or 1.0
    if progress.stage >= len(modules):
        return Where(len(modules), len(modules), 0.0, 1.0, True)
    module = modules[progress.stage]
    cards = max(1, len(stage_items(module)))
    done_here = module.minutes * min(progress.item, cards) / cards
    later = sum(m.minutes for m in modules[progress.stage + 1 :])
    left = module.minutes - done_here + later
    return Where(progress.stage + 1, len(modules), left, min(1.0, (total - left) / total), False)


def _about(minutes: float) -> str:
    if minutes < 1.5:
        return "about a minute"
    rounded = round(minutes / 5) * 5 if minutes >= 12.5 else round(minutes)
    return f"about {rounded} minutes"


# --- private answers and the mutual reveal -------------------------------------------------


def clean_answer(exercise: Exercise, value: object) -> AnswerValue:
    """``value`` checked and tidied for ``exercise``; raises ``InvalidAnswer`` saying what to fix."""
    kind = exercise.kind
    if kind in ("reflection", "word"):
        text = value.strip() if isinstance(value, str) else ""
        if not text:
            raise InvalidAnswer("Write something first, or choose Pass.")
        limit = exercise.max_chars  # type: ignore[union-attr]
        if len(text) > limit:
            raise InvalidAnswer(f"Please keep it to {limit} characters (this is {len(text)}).")
        return text
    if kind == "scale":
        low, high = exercise.min, exercise.max  # type: ignore[union-attr]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InvalidAnswer(f"Choose a number from {low} to {high}, or choose Pass.")
        return value
    if kind == "choice":
        if value not in exercise.options:  # type: ignore[union-attr]
            raise InvalidAnswer("Choose one of the options, or choose Pass.")
        return str(value)
    if kind == "ranking":
        items = list(exercise.items)  # type: ignore[union-attr]
        if not isinstance(value, list) or sorted(map(str, value)) != sorted(items):
            raise InvalidAnswer("Put every item in order, most important first, or choose Pass.")
        return [str(v) for v in value]
    if kind == "checklist":
        items = list(exercise.items)  # type: ignore[union-attr]
        if not isinstance(value, list) or any(v not in items for v in value):
            raise InvalidAnswer("Tick items from the list.")
        return [i for i in items if i in value]
    if kind == "timed-writing":
        lines = [v.strip() for v in value if isinstance(v, str)] if isinstance(value, list) else []
        lines = [line for line in lines if line]
        if not lines:
            raise InvalidAnswer("Write at least one thing, or choose Pass.")
        if len(lines) > exercise.target:  # type: ignore[union-attr]
            raise InvalidAnswer(f"Please list at most {exercise.target} things.")  # type: ignore[union-attr]
        if any(len(line) > LIST_ITEM_CHARS for line in lines):
            raise InvalidAnswer(f"Please keep each one to {LIST_ITEM_CHARS} characters.")
        return lines
    raise InvalidAnswer("This exercise is done together, without private answers.")


def answer_of(progress: CoupleProgress, *, exercise_id: str, partner: Partner) -> Answer | None:
    """``partner``'s answer to the exercise, if any."""
    return progress.answers.get(exercise_id, {}).get(partner)


def next_to_answer(progress: CoupleProgress, *, exercise_id: str) -> Partner | None:
    """The first partner who has not answered (nor passed) yet; ``None`` when both have."""
    given = progress.answers.get(exercise_id, {})
    return next((p for p in PARTNERS if p not in given), None)


def open_entry(
    progress: CoupleProgress, *, exercise: Exercise, partner: Partner, now: float
) -> CoupleProgress:
    """Show ``partner``'s private entry (the other looks away); starts a timed-writing clock."""
    new = progress.model_copy(update={"answering": partner}, deep=True)
    if exercise.kind == "timed-writing" and partner not in new.writing.get(exercise.id, {}):
        seconds = exercise.minutes * 60
        new.writing.setdefault(exercise.id, {})[partner] = Writing(
            seconds=seconds, ends_at=now + seconds
        )
    return new


def submit_answer(
    progress: CoupleProgress, *, exercise: Exercise, partner: Partner, value: object
) -> CoupleProgress:
    """Record ``partner``'s answer (pending their share/keep choice) and close the entry.

    Raises ``InvalidAnswer`` when the value does not fit the exercise.
    """
    cleaned = clean_answer(exercise, value)
    return _answered(progress, exercise.id, partner, Answer(status="pending", value=cleaned))


def pass_answer(progress: CoupleProgress, *, exercise_id: str, partner: Partner) -> CoupleProgress:
    """``partner`` passes: nothing is written and nothing will be shown."""
    return _answered(progress, exercise_id, partner, Answer(status="passed"))


def _answered(
    progress: CoupleProgress, exercise_id: str, partner: Partner, answer: Answer
) -> CoupleProgress:
    new = progress.model_copy(update={"answering": None}, deep=True)
    new.answers.setdefault(exercise_id, {})[partner] = answer
    new.writing.get(exercise_id, {}).pop(partner, None)
    return new


def waiting_for_choice(progress: CoupleProgress, *, exercise_id: str) -> list[Partner]:
    """Partners who answered and have not yet chosen to share or keep their answer."""
    given = progress.answers.get(exercise_id, {})
    return [p for p in PARTNERS if p in given and given[p].status == "pending"]


def choose(
    progress: CoupleProgress, *, exercise_id: str, partner: Partner, share: bool
) -> CoupleProgress:
    """Share the answer at the reveal, or keep it: a kept answer's words are dropped for good."""
    answer = answer_of(progress, exercise_id=exercise_id, partner=partner)
    if answer is None or answer.status != "pending":
        return progress
    new = progress.model_copy(deep=True)
    new.answers[exercise_id][partner] = (
        Answer(status="shared", value=answer.value) if share else Answer(status="private")
    )
    return new


def ready_to_reveal(progress: CoupleProgress, *, exercise_id: str) -> bool:
    """Both partners answered or passed, and every share/keep choice is made."""
    return next_to_answer(progress, exercise_id=exercise_id) is None and not waiting_for_choice(
        progress, exercise_id=exercise_id
    )


def reveal(progress: CoupleProgress, *, exercise_id: str) -> CoupleProgress:
    """Show the shared answers side by side; raises ``ValueError`` before both are ready."""
    if not ready_to_reveal(progress, exercise_id=exercise_id):
        raise ValueError("both partners answer and choose before the reveal")
    if exercise_id in progress.revealed:
        return progress
    new = progress.model_copy(deep=True)
    new.revealed.append(exercise_id)
    return new


def shared_answers(
    progress: CoupleProgress, *, exercise_id: str
) -> dict[Partner, AnswerValue | None]:
    """Each partner's words if they shared them and the answers were revealed, else ``None``."""
    if exercise_id not in progress.revealed:
        return {p: None for p in PARTNERS}
    given = progress.answers.get(exercise_id, {})
    return {
        p: given[p].value if p in given and given[p].status == "shared" else None for p in PARTNERS
    }


def start_over(progress: CoupleProgress, *, exercise_id: str) -> CoupleProgress:
    """Forget the exercise's answers, reveal, timers and plan, to do it again."""
    new = progress.model_copy(update={"answering": None}, deep=True)
    for table in (new.answers, new.writing, new.turns, new.plans):
        table.pop(exercise_id, None)
    new.revealed = [e for e in new.revealed if e != exercise_id]
    return new


def set_plan(
    progress: CoupleProgress, *, exercise: Exercise, values: dict[str, str]
) -> CoupleProgress:
    """Keep the plan the couple filled in together (only the exercise's own fields, trimmed)."""
    if exercise.kind != "plan":
        raise InvalidAnswer("Only a plan exercise has a plan.")
    limit = 500
    kept = {f.name: values.get(f.name, "").strip()[:limit] for f in exercise.fields}  # type: ignore[union-attr]
    if not any(kept.values()):
        raise InvalidAnswer("Fill in at least one line of your plan.")
    new = progress.model_copy(deep=True)
    new.plans[exercise.id] = kept
    return new


@dataclass(frozen=True)
class Checkin:
    """One shared check-in number."""

    exercise_id: str
    title: str
    partner: Partner
    value: int
    low: int
    high: int


def checkins(progress: CoupleProgress, *, content: Content) -> list[Checkin]:
    """Every shared, revealed scale answer in workshop order (nothing kept private)."""
    points: list[Checkin] = []
    for module in content.modules:
        for exercise in content.exercises_for(module.id):
            if exercise.kind != "scale":
                continue
            for partner, value in shared_answers(progress, exercise_id=exercise.id).items():
                if isinstance(value, int):
                    points.append(
                        Checkin(
                            exercise.id, exercise.title, partner, value, exercise.min, exercise.max
                        )
                    )
    return points


# --- the speaker-listener turn timer -------------------------------------------------------


def base_phases(exercise: SpeakerListenerExercise) -> list[Phase]:
    """The exercise's phases as written: rounds of speak, paraphrase and swap."""
    return speaker_listener_phases(
        rounds=exercise.rounds,
        speak_seconds=exercise.speak_minutes * 60,
        paraphrase_seconds=exercise.paraphrase_minutes * 60,
        swap_seconds=SWAP_SECONDS,
    )


def turn_phases(exercise: SpeakerListenerExercise, turn: Turn) -> list[Phase]:
    """The phases with this turn's extra minutes and skips applied."""
    return [
        replace(phase, seconds=max(0.0, phase.seconds + turn.adjust.get(i, 0.0)))
        for i, phase in enumerate(base_phases(exercise))
    ]


@dataclass(frozen=True)
class TurnView:
    """What the turn timer shows at one moment."""

    status: Literal["ready", "running", "paused", "done"]
    index: int
    """Index of the current phase (the first while ready; the last once done)."""
    phase: Phase
    left: float
    phases: tuple[Phase, ...]
    ends_at: float | None
    """The current phase's deadline while running."""

    @property
    def next_phase(self) -> Phase | None:
        """The phase after this one, if any."""
        following = self.index + 1
        return self.phases[following] if following < len(self.phases) else None

    def timer(self) -> Timer:
        """The current phase as a ``workshop.timer.Timer``, for the countdown."""
        if self.status == "running":
            return Timer(duration=self.phase.seconds, ends_at=self.ends_at)
        if self.status == "paused":
            return Timer(duration=self.phase.seconds, paused_remaining=self.left)
        if self.status == "done":
            return Timer(duration=self.phase.seconds, paused_remaining=0.0)
        return Timer(duration=self.phase.seconds)

    def cue_at(self) -> float | None:
        """When the one-minute cue sounds: set only while running a phase longer than that."""
        if self.status != "running" or self.ends_at is None or self.phase.seconds <= 90:
            return None
        return self.ends_at - CUE_BEFORE_END


def turn_view(turn: Turn, *, exercise: SpeakerListenerExercise, now: float) -> TurnView:
    """The turn timer at ``now``: phase, seconds left, and deadline."""
    phases = tuple(turn_phases(exercise, turn))
    if turn.started_at is None:
        return TurnView("ready", 0, phases[0], phases[0].seconds, phases, None)
    moment = turn.paused_at if turn.paused_at is not None else now
    found = phase_at(
        list(phases), started_at=turn.started_at, now=moment, paused_total=turn.paused_total
    )
    if found is None:
        return TurnView("done", len(phases) - 1, phases[-1], 0.0, phases, None)
    index, left = found
    if turn.paused_at is not None:
        return TurnView("paused", index, phases[index], left, phases, None)
    ends_at = turn.started_at + turn.paused_total + sum(p.seconds for p in phases[: index + 1])
    return TurnView("running", index, phases[index], left, phases, ends_at)


def turn_start(*, now: float) -> Turn:
    """A fresh turn timer, running from ``now``."""
    return Turn(started_at=now)


def turn_pause(turn: Turn, *, now: float) -> Turn:
    """Freeze the turn timer; a paused or unstarted one is unchanged."""
    if turn.started_at is None or turn.paused_at is not None:
        return turn
    return turn.model_copy(update={"paused_at": now})


def turn_resume(turn: Turn, *, now: float) -> Turn:
    """Carry on from where it was paused."""
    if turn.paused_at is None:
        return turn
    paused_total = turn.paused_total + max(0.0, now - turn.paused_at)
    return turn.model_copy(update={"paused_at": None, "paused_total": paused_total})


def turn_extend(
    turn: Turn, *, exercise: SpeakerListenerExercise, now: float, seconds: float = 60.0
) -> Turn:
    """Give the current phase more time (one minute by default)."""
    view = turn_view(turn, exercise=exercise, now=now)
    if view.status in ("ready", "done"):
        return turn
    adjust = dict(turn.adjust)
    adjust[view.index] = adjust.get(view.index, 0.0) + seconds
    return turn.model_copy(update={"adjust": adjust})


def turn_skip(turn: Turn, *, exercise: SpeakerListenerExercise, now: float) -> Turn:
    """End the current phase now; the next one starts with its full time (paused if paused)."""
    view = turn_view(turn, exercise=exercise, now=now)
    if view.status in ("ready", "done"):
        return turn
    adjust = dict(turn.adjust)
    # A hair past "now", so float rounding can never leave the skipped phase current.
    adjust[view.index] = adjust.get(view.index, 0.0) - view.left - 1e-6
    return turn.model_copy(update={"adjust": adjust})


def set_turn(progress: CoupleProgress, *, exercise_id: str, turn: Turn | None) -> CoupleProgress:
    """``progress`` with this exercise's turn timer replaced (or removed with ``None``)."""
    new = progress.model_copy(deep=True)
    if turn is None:
        new.turns.pop(exercise_id, None)
    else:
        new.turns[exercise_id] = turn
    return new


def floor_holder(phase: Phase) -> Partner:
    """Who is talking: the speaker, the listener while paraphrasing, the next speaker at a swap."""
    return phase.speaker if phase.kind == "speak" else phase.listener


# --- timed writing -------------------------------------------------------------------------


def writing_timer(progress: CoupleProgress, *, exercise_id: str, partner: Partner) -> Timer:
    """``partner``'s timed-writing countdown (idle if it has not started)."""
    clock = progress.writing.get(exercise_id, {}).get(partner)
    if clock is None:
        return Timer()
    if clock.paused_left is not None:
        return Timer(duration=clock.seconds, paused_remaining=clock.paused_left)
    return Timer(duration=clock.seconds, ends_at=clock.ends_at)


# --- the break -----------------------------------------------------------------------------


def take_break(progress: CoupleProgress, *, minutes: float, now: float) -> CoupleProgress:
    """Pause everything for ``minutes`` (at least 20): every turn and writing timer stops."""
    if minutes < MIN_BREAK_MINUTES:
        raise ValueError(f"a break lasts at least {MIN_BREAK_MINUTES} minutes")
    new = progress.model_copy(deep=True)
    new.turns = {eid: turn_pause(turn, now=now) for eid, turn in new.turns.items()}
    for clocks in new.writing.values():
        for partner, clock in clocks.items():
            if clock.ends_at is not None:
                left = max(0.0, clock.ends_at - now)
                clocks[partner] = Writing(seconds=clock.seconds, paused_left=left)
    new.rest = Rest(started_at=now, until=now + minutes * 60)
    return new


def end_break(progress: CoupleProgress, *, now: float) -> CoupleProgress:
    """Back from the break, on the same card; turn timers stay paused until they resume them.

    A timed-writing countdown carries on where it stopped (the partner is already writing).
    """
    if progress.rest is None:
        return progress
    new = progress.model_copy(update={"rest": None}, deep=True)
    for clocks in new.writing.values():
        for partner, clock in clocks.items():
            if clock.paused_left is not None:
                clocks[partner] = Writing(seconds=clock.seconds, ends_at=now + clock.paused_left)
    return new


def break_left(progress: CoupleProgress, *, now: float) -> float:
    """Seconds until the chosen end of the break (0 when over or not on a break)."""
    return 0.0 if progress.rest is None else max(0.0, progress.rest.until - now)


def clock_time(moment: float, *, timezone: str | None) -> str:
    """``moment`` as a wall-clock time such as "22:45", in ``timezone`` (UTC when unknown)."""
    try:
        zone = ZoneInfo(timezone) if timezone else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return datetime.fromtimestamp(moment, tz=zone).strftime("%H:%M")


# --- save and continue ---------------------------------------------------------------------


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


# --- the plan document ---------------------------------------------------------------------


@dataclass(frozen=True)
class PlanEntry:
    """A labelled group of lines, e.g. one partner's answer or one field of the plan."""

    label: str
    lines: tuple[str, ...]
    partner: Partner | None = None
    """Whose answer this is; ``None`` for what they wrote or share together."""


@dataclass(frozen=True)
class PlanSection:
    """A heading and its entries."""

    heading: str
    entries: tuple[PlanEntry, ...]


@dataclass(frozen=True)
class PlanDocument:
    """Their shared answers and commitments, ready to be written as Markdown, HTML or PDF."""

    title: str
    subtitle: str
    sections: tuple[PlanSection, ...]


def plan_document(
    progress: CoupleProgress, *, content: Content, names: Names, today: date
) -> PlanDocument:
    """Gather only what they shared (and the plan they wrote together): commitments first."""
    last_stage = content.modules[-1].id if content.modules else ""
    commitments: list[PlanSection] = []
    closing: list[PlanSection] = []
    earlier: list[PlanSection] = []
    for module in content.modules:
        for exercise in content.exercises_for(module.id):
            if exercise.kind == "scale":
                continue
            if exercise.kind == "plan":
                plan = progress.plans.get(exercise.id, {})
                entries = tuple(
                    PlanEntry(f.label, _lines(plan.get(f.name, "")))
                    for f in exercise.fields
                    if plan.get(f.name)
                )
                if entries:
                    commitments.append(PlanSection(exercise.title, entries))
                continue
            entries = _shared_entries(progress, exercise, names)
            if entries:
                target = closing if module.id == last_stage else earlier
                target.append(PlanSection(exercise.title, entries))
    points = checkins(progress, content=content)
    if points:
        by_partner = {
            p: tuple(f"{c.title}: {c.value} out of {c.high}" for c in points if c.partner == p)
            for p in PARTNERS
        }
        entries = tuple(
            PlanEntry(names.of(p), lines, p) for p, lines in by_partner.items() if lines
        )
        closing.append(PlanSection("Our check-ins", entries))
    subtitle = f"{names.a} and {names.b} · {today.strftime('%d %B %Y').lstrip('0')}"
    return PlanDocument("Our plan", subtitle, tuple(commitments + closing + earlier))


def _shared_entries(
    progress: CoupleProgress, exercise: Exercise, names: Names
) -> tuple[PlanEntry, ...]:
    shared = shared_answers(progress, exercise_id=exercise.id)
    entries = [PlanEntry(names.of(p), answer_lines(exercise, v), p) for p, v in shared.items() if v]
    if exercise.kind == "checklist" and all(isinstance(v, list) for v in shared.values()):
        both = [i for i in shared["A"] if i in shared["B"]]  # type: ignore[operator,union-attr]
        if both:
            entries.insert(0, PlanEntry("Both of us", tuple(both)))
    return tuple(entries)


def answer_lines(exercise: Exercise, value: AnswerValue) -> tuple[str, ...]:
    """An answer as plain lines of text (numbered for a ranking)."""
    if isinstance(value, int):
        return (f"{value} out of {getattr(exercise, 'max', value)}",)
    if isinstance(value, list):
        if exercise.kind == "ranking":
            return tuple(f"{n}. {v}" for n, v in enumerate(value, start=1))
        return tuple(value)
    return _lines(value)


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


_MD_SPECIAL = set("\\`*_{}[]()#+-.!|<>~&")


def _md(text: str) -> str:
    """Text escaped so a Markdown viewer shows it literally (no links, images or HTML)."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)


def plan_markdown(document: PlanDocument) -> str:
    """The plan as Markdown; every word they wrote is escaped."""
    out = [f"# {document.title}", "", f"*{_md(document.subtitle)}*", ""]
    for section in document.sections:
        out += [f"## {_md(section.heading)}", ""]
        for entry in section.entries:
            out.append(f"**{_md(entry.label)}**")
            out += [f"- {_md(line)}" for line in entry.lines]
            out.append("")
    if not document.sections:
        out += ["Nothing shared yet.", ""]
    return "\n".join(out)


_PRINT_CSS = """
@page { size: A4; margin: 16mm 18mm; }
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #2b2a28;
  max-width: 44rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.4; font-size: 10pt; }
h1 { font-size: 22pt; margin: 0; color: #8a4b3c; }
.sub { color: #6b6660; margin: 0.2rem 0 1.2rem; }
h2 { font-size: 13pt; margin: 1.1rem 0 0.3rem; border-bottom: 1px solid #e6dcd6;
  padding-bottom: 0.15rem; break-after: avoid; }
.entry { margin: 0.25rem 0 0.5rem; break-inside: avoid; }
.pair { display: grid; grid-template-columns: 1fr 1fr; column-gap: 1.5rem; }
.pair .a { grid-column: 1; } .pair .b { grid-column: 2; }
.label { font-weight: 700; margin-right: 0.4rem; }
ul { margin: 0.1rem 0 0 1.1rem; padding: 0; }
.hint { color: #6b6660; font-size: 9pt; margin-top: 1.5rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 9pt; line-height: 1.25; }
  h1 { font-size: 17pt; } .sub { margin-bottom: 0.6rem; }
  h2 { font-size: 10.5pt; margin: 0.45rem 0 0.1rem; }
  .entry { margin: 0.05rem 0 0.15rem; } ul { margin-top: 0; } .hint { display: none; }
}
"""


def plan_html(document: PlanDocument) -> str:
    """The plan as one printable HTML page (print CSS, no scripts); every word is escaped."""
    from html import escape

    parts = [
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(document.title)}</title><style>{_PRINT_CSS}</style></head><body>",
        f"<h1>{escape(document.title)}</h1>",
        f'<p class="sub">{escape(document.subtitle)}</p>',
    ]
    for section in document.sections:
        parts.append(f"<h2>{escape(section.heading)}</h2>")
        together = [e for e in section.entries if e.partner is None]
        pair = [e for e in section.entries if e.partner is not None]
        parts += [_html_entry(entry) for entry in together]
        if pair:
            parts.append('<div class="pair">' + "".join(_html_entry(e) for e in pair) + "</div>")
    if not document.sections:
        parts.append("<p>Nothing shared yet.</p>")
    parts.append('<p class="hint">Use your browser\'s Print command for a paper copy.</p>')
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _html_entry(entry: PlanEntry) -> str:
    from html import escape

    label = escape(entry.label)
    side = f"entry {entry.partner.lower()}" if entry.partner else "entry"
    if len(entry.lines) == 1:
        line = escape(entry.lines[0])
        return f'<div class="{side}"><span class="label">{label}</span> {line}</div>'
    items = "".join(f"<li>{escape(line)}</li>" for line in entry.lines)
    return f'<div class="{side}"><div class="label">{label}</div><ul>{items}</ul></div>'


_DEJAVU = "/usr/share/fonts/truetype/dejavu/"


def plan_pdf(document: PlanDocument, *, font_dir: str = _DEJAVU) -> bytes:
    """The plan as an A4 PDF, in DejaVu Sans when installed, else a core font.

    Reads the font files; writes nothing.
    """
    from pathlib import Path

    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(auto=True, margin=16)
    regular, bold = Path(font_dir, "DejaVuSans.ttf"), Path(font_dir, "DejaVuSans-Bold.ttf")
    if regular.is_file() and bold.is_file():
        pdf.add_font("DejaVu", "", str(regular))
        pdf.add_font("DejaVu", "B", str(bold))
        family = "DejaVu"

        def text(value: str) -> str:
            return value
    else:
        family = "Helvetica"

        def text(value: str) -> str:
            return value.encode("latin-1", "replace").decode("latin-1")

    bullet = "•" if family == "DejaVu" else "-"
    pdf.set_title(document.title)
    pdf.add_page()
    pdf.set_text_color(138, 75, 60)
    pdf.set_font(family, "B", 20)
    pdf.cell(0, 10, text(document.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(107, 102, 96)
    pdf.set_font(family, "", 10)
    pdf.multi_cell(0, 5, text(document.subtitle), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    half = (pdf.epw - 8) / 2

    def entry_at(entry: PlanEntry, x: float, width: float) -> float:
        """Write one entry in a column from the current height; returns where it ends.

        A one-line answer sits beside its label ("Sam  lighter"); longer ones go below it.
        """
        pdf.set_x(x)
        pdf.set_font(family, "B", 9.5)
        if len(entry.lines) == 1:
            label_width = min(width / 2, pdf.get_string_width(text(entry.label)) + 2.5)
            top = pdf.get_y()
            pdf.multi_cell(label_width, 4.6, text(entry.label), align="L")
            below_label = pdf.get_y()
            pdf.set_font(family, "", 9.5)
            pdf.set_xy(x + label_width, top)
            pdf.multi_cell(width - label_width, 4.6, text(entry.lines[0]), align="L")
            return max(pdf.get_y(), below_label) + 1
        pdf.multi_cell(width, 4.6, text(entry.label), align="L", new_x="LEFT", new_y="NEXT")
        pdf.set_font(family, "", 9.5)
        for line in entry.lines:
            pdf.set_x(x)
            pdf.multi_cell(width, 4.6, text(f"{bullet}  {line}"), align="L")
        return pdf.get_y() + 1

    for section in document.sections:
        pdf.set_text_color(43, 42, 40)
        pdf.set_font(family, "B", 11.5)
        pdf.multi_cell(0, 6.5, text(section.heading), align="L", new_x="LMARGIN", new_y="NEXT")
        for entry in section.entries:
            if entry.partner is None:
                pdf.set_y(entry_at(entry, pdf.l_margin, pdf.epw))
        pair = [e for e in section.entries if e.partner is not None]
        top, bottom = pdf.get_y(), pdf.get_y()
        for entry in pair:
            x = pdf.l_margin if entry.partner == "A" else pdf.l_margin + half + 8
            pdf.set_y(top)
            bottom = max(bottom, entry_at(entry, x, half))
        pdf.set_xy(pdf.l_margin, bottom + 1)
    if not document.sections:
        pdf.set_font(family, "", 10)
        pdf.multi_cell(0, 5, "Nothing shared yet.", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
