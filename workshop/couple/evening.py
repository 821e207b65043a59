"""A couple going through the workshop at home, on one device: the state and every change to it.

Pure: nothing here reads a clock, a file or the network. Times are float epoch seconds passed
in as ``now``. Every change returns a new ``CoupleProgress`` and leaves the old one alone.

Privacy rules this module enforces, so no page has to remember them:

- each partner chooses privately, while answering, whether to show their answer; an answer
  they keep ("keeping") holds its words only until the reveal, so the choice can still be
  changed, and loses them at the reveal (only "private" is remembered); a passed answer
  never had any;
- only answers whose writer chose to share them, after the couple pressed Reveal, come out of
  ``shared_answers`` and the check-ins (and so out of the plan document,
  :mod:`workshop.printing.couple_plan`).

The speaker-listener turn timer is :mod:`workshop.couple.turn_timer`; the save file is
:mod:`workshop.couple.savefile`.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

from workshop.content.model import Content, Exercise, Module
from workshop.couple.turn_timer import Turn, turn_pause
from workshop.engine.timer import Timer
from workshop.i18n import N_, N_plural, Translatable

Partner = Literal["A", "B"]
PARTNERS: tuple[Partner, Partner] = ("A", "B")
AnswerValue = StrictInt | str | list[str]

FILE_MARKER = "bedrock-couple-progress"
"""The ``format`` field every save file carries, so a foreign JSON file is recognised."""
FILE_VERSION = 1
MIN_BREAK_MINUTES = 20
BREAK_CHOICES = (20, 30, 45, 60)
MAX_BREAK_MINUTES = max(BREAK_CHOICES)
PLAN_CHARS = 500
"""The most a line of the couple's plan holds."""
NAME_CHARS = 30
LIST_ITEM_CHARS = 300
PRIVATE_KINDS = frozenset(
    {"reflection", "word", "scale", "choice", "ranking", "timed-writing", "checklist"}
)
"""The kinds each partner answers alone, then shares or keeps."""


class InvalidAnswer(Translatable, ValueError):
    """An answer that does not fit its exercise; ``str(error)`` says what to change, and
    ``error.said(translator)`` says it in a person's language."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(self._keep(message, params))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Names(_Model):
    """What the partners chose to be called. Lives in the browser session; never in the
    progress file, only in the plan downloads (which greet the couple by name)."""

    a: str = "Partner A"
    b: str = "Partner B"

    def of(self, partner: Partner) -> str:
        """The name of ``partner``."""
        return self.a if partner == "A" else self.b


def swap_partners(progress: CoupleProgress) -> CoupleProgress:
    """``progress`` with partners A and B exchanged everywhere: for a couple who, continuing
    from a file, typed their names in the other order."""

    def other(partner: Partner) -> Partner:
        return "B" if partner == "A" else "A"

    new = progress.model_copy(deep=True)
    new.answers = {
        eid: {other(p): a for p, a in given.items()} for eid, given in new.answers.items()
    }
    new.writing = {eid: {other(p): w for p, w in c.items()} for eid, c in new.writing.items()}
    new.answering = None if new.answering is None else other(new.answering)
    return new


def first_words(
    progress: CoupleProgress, *, content: Content, chars: int = 60
) -> dict[Partner, str]:
    """For telling the partners apart after continuing from a file: the start of what each
    one shared so far (their first shared words and numbers), or ``""`` when nothing."""
    pieces: dict[Partner, list[str]] = {"A": [], "B": []}
    for module in content.modules:
        for exercise in content.exercises_for(module.id):
            for partner, value in shared_answers(progress, exercise_id=exercise.id).items():
                if value is None:
                    continue
                text = ", ".join(value) if isinstance(value, list) else str(value)
                pieces[partner].append(f"“{text}”")
    shown: dict[Partner, str] = {}
    for partner, parts in pieces.items():
        text = " · ".join(parts)
        shown[partner] = text if len(text) <= chars else text[: chars - 1].rstrip() + "…"
    return shown


def clean_names(*, a: str, b: str) -> Names:
    """Trimmed names, with the defaults for blanks; raises ``InvalidAnswer`` for two equal names."""
    first = " ".join(a.split())[:NAME_CHARS] or "Partner A"
    second = " ".join(b.split())[:NAME_CHARS] or "Partner B"
    if first.casefold() == second.casefold():
        raise InvalidAnswer(
            N_("Please choose two different names, so each of you knows whose turn it is.")
        )
    return Names(a=first, b=second)


class Answer(_Model):
    """One partner's answer to one exercise."""

    status: Literal["pending", "passed", "shared", "keeping", "private"]
    """pending: written, share or keep not chosen yet; passed; shared (shown at the reveal);
    keeping (to be kept; words dropped at the reveal); private (kept, words dropped)."""
    value: AnswerValue | None = None

    @model_validator(mode="after")
    def _words_fit_status(self) -> Answer:
        if self.status in ("passed", "private") and self.value is not None:
            raise ValueError(f"a {self.status} answer carries no words")
        if self.status in ("pending", "shared", "keeping") and self.value is None:
            raise ValueError(f"a {self.status} answer needs its words")
        return self


class Writing(_Model):
    """A partner's timed-writing countdown: a deadline while running, the time left while paused."""

    seconds: float = Field(gt=0)
    ends_at: float | None = None
    paused_left: float | None = None


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
    choosing: Partner | None = None
    """Who is changing, privately, whether to show their answer (the other looks away)."""
    first: dict[str, Partner] = {}
    """Who answers first, by exercise, where the couple chose it (otherwise they alternate)."""
    revealed: list[str] = []
    plans: dict[str, dict[str, str]] = {}
    writing: dict[str, dict[Partner, Writing]] = {}
    turns: dict[str, Turn] = {}
    rest: Rest | None = None
    skipped: list[str] = []
    """Stages skipped after their content note."""
    gentler: list[str] = []
    """Exercises whose question does not apply to them right now: they answer its gentler
    one instead (see :func:`as_answered`)."""


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
    update = {"stage": stage, "item": item, "answering": None, "choosing": None}
    return progress.model_copy(update=update, deep=True)


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
        return self.described(gettext.NullTranslations())

    def described(self, translator: gettext.NullTranslations) -> str:
        """:attr:`label` through ``translator`` (a language's catalogue)."""
        if self.finished:
            return translator.gettext("All {count} stages done").format(count=self.stages)
        if self.minutes_left < 1.5:
            left = translator.gettext("about a minute left")
        else:
            rounded = _rounded(self.minutes_left)
            left = translator.ngettext(
                "about {count} minute left", "about {count} minutes left", rounded
            ).format(count=rounded)
        return translator.gettext("Stage {number} of {count} · {left}").format(
            number=self.stage_number, count=self.stages, left=left
        )


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


def pause_points(content: Content, *, every_minutes: float = 60.0) -> set[int]:
    """The stages at whose start a pause for tonight is suggested: the stage boundaries
    nearest each ``every_minutes`` of the path (one, near halfway, in a two-hour path)."""
    modules = content.modules
    starts: list[float] = []
    elapsed = 0.0
    for module in modules:
        starts.append(elapsed)
        elapsed += module.minutes
    points: set[int] = set()
    mark = every_minutes
    while mark < elapsed - every_minutes / 4:
        nearest = min(range(1, len(modules)), key=lambda i: abs(starts[i] - mark), default=None)
        if nearest is not None:
            points.add(nearest)
        mark += every_minutes
    return points


def _rounded(minutes: float) -> int:
    """Minutes as people say them: to the nearest five from a quarter of an hour on."""
    return round(minutes / 5) * 5 if minutes >= 12.5 else round(minutes)


# --- private answers and the mutual reveal -------------------------------------------------


def clean_answer(exercise: Exercise, value: object) -> AnswerValue:
    """``value`` checked and tidied for ``exercise``; raises ``InvalidAnswer`` saying what to fix."""
    kind = exercise.kind
    if kind in ("reflection", "word"):
        text = value.strip() if isinstance(value, str) else ""
        if not text:
            raise InvalidAnswer(N_("Write something first, or choose Pass."))
        limit = exercise.max_chars  # type: ignore[union-attr]
        if len(text) > limit:
            raise InvalidAnswer(
                N_("Please keep it to {most} characters (this is {length})."),
                most=limit,
                length=len(text),
            )
        return text
    if kind == "scale":
        low, high = exercise.min, exercise.max  # type: ignore[union-attr]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InvalidAnswer(
                N_("Choose a number from {low} to {high}, or choose Pass."), low=low, high=high
            )
        return value
    if kind == "choice":
        if value not in exercise.options:  # type: ignore[union-attr]
            raise InvalidAnswer(N_("Choose one of the options, or choose Pass."))
        return str(value)
    if kind == "ranking":
        items = list(exercise.items)  # type: ignore[union-attr]
        if not isinstance(value, list) or sorted(map(str, value)) != sorted(items):
            raise InvalidAnswer(
                N_("Put every item in order, most important first, or choose Pass.")
            )
        return [str(v) for v in value]
    if kind == "checklist":
        items = list(exercise.items)  # type: ignore[union-attr]
        if not isinstance(value, list) or any(v not in items for v in value):
            raise InvalidAnswer(N_("Tick items from the list."))
        return [i for i in items if i in value]
    if kind == "timed-writing":
        lines = [v.strip() for v in value if isinstance(v, str)] if isinstance(value, list) else []
        lines = [line for line in lines if line]
        if not lines:
            raise InvalidAnswer(N_("Write at least one thing, or choose Pass."))
        if len(lines) > exercise.target:  # type: ignore[union-attr]
            raise InvalidAnswer(
                N_plural(
                    "Please list at most {count} thing.", "Please list at most {count} things."
                ),
                count=exercise.target,  # type: ignore[union-attr]
            )
        if any(len(line) > LIST_ITEM_CHARS for line in lines):
            raise InvalidAnswer(
                N_("Please keep each one to {most} characters."), most=LIST_ITEM_CHARS
            )
        return lines
    raise InvalidAnswer(N_("This exercise is done together, without private answers."))


def answer_of(progress: CoupleProgress, *, exercise_id: str, partner: Partner) -> Answer | None:
    """``partner``'s answer to the exercise, if any."""
    return progress.answers.get(exercise_id, {}).get(partner)


def first_partner(progress: CoupleProgress, *, exercise_id: str, content: Content) -> Partner:
    """Who answers ``exercise_id`` first: their choice if they made one, else taking turns
    (within a stage from one private exercise to the next, and each stage opening with the
    other partner than the one before)."""
    if exercise_id in progress.first:
        return progress.first[exercise_id]
    for stage, module in enumerate(content.modules):
        private = [e.id for e in content.exercises_for(module.id) if e.kind in PRIVATE_KINDS]
        if exercise_id in private:
            return PARTNERS[(stage + private.index(exercise_id)) % 2]
    return "A"


def other_partner(partner: Partner) -> Partner:
    """The other one."""
    return "B" if partner == "A" else "A"


def choose_first(progress: CoupleProgress, *, exercise_id: str, partner: Partner) -> CoupleProgress:
    """``partner`` answers ``exercise_id`` first; no change once someone has answered."""
    if progress.answers.get(exercise_id):
        return progress
    new = progress.model_copy(deep=True)
    new.first[exercise_id] = partner
    return new


def next_to_answer(
    progress: CoupleProgress, *, exercise_id: str, first: Partner = "A"
) -> Partner | None:
    """The next partner (``first``, then the other) who has not answered nor passed yet;
    ``None`` when both have."""
    given = progress.answers.get(exercise_id, {})
    order = (first, other_partner(first))
    return next((p for p in order if p not in given), None)


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
    progress: CoupleProgress,
    *,
    exercise: Exercise,
    partner: Partner,
    value: object,
    share: bool | None = None,
) -> CoupleProgress:
    """Record ``partner``'s answer and close the entry: to be shown at the reveal
    (``share=True``), kept (``False``), or pending their choice (``None``).

    Raises ``InvalidAnswer`` when the value does not fit the exercise.
    """
    cleaned = clean_answer(exercise, value)
    status = "pending" if share is None else ("shared" if share else "keeping")
    return _answered(progress, exercise.id, partner, Answer(status=status, value=cleaned))


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
    """Show the answer at the reveal, or keep it; can be changed until the reveal, which
    drops a kept answer's words for good. Closes the private choice."""
    answer = answer_of(progress, exercise_id=exercise_id, partner=partner)
    new = progress.model_copy(update={"choosing": None}, deep=True)
    if answer is None or answer.status not in ("pending", "shared", "keeping"):
        return new
    if exercise_id in progress.revealed:
        return new
    status = "shared" if share else "keeping"
    new.answers[exercise_id][partner] = Answer(status=status, value=answer.value)
    return new


def open_choice(progress: CoupleProgress, *, partner: Partner | None) -> CoupleProgress:
    """Show ``partner`` their own show-or-keep choice, privately (``None`` closes it)."""
    return progress.model_copy(update={"choosing": partner}, deep=True)


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
    new = progress.model_copy(update={"choosing": None}, deep=True)
    new.revealed.append(exercise_id)
    for partner, answer in new.answers.get(exercise_id, {}).items():
        if answer.status == "keeping":
            new.answers[exercise_id][partner] = Answer(status="private")
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


def gentler_form(exercise: Exercise) -> Exercise | None:
    """The gentler question a couple answers instead of ``exercise`` when it does not apply
    to them right now (same id, its own prompt and options); ``None`` when it has none."""
    other = getattr(exercise, "not_for_us", None)
    if other is None:
        return None
    return exercise.model_copy(
        update={"couple_prompt": other.prompt, "options": list(other.options), "not_for_us": None}
    )


def as_answered(exercise: Exercise, progress: CoupleProgress) -> Exercise:
    """``exercise`` as this couple answers it at home: its gentler form once they set it
    aside; otherwise without the option that says it does not apply (that has a way of its
    own, :func:`set_aside`)."""
    other = getattr(exercise, "not_for_us", None)
    if other is None:
        return exercise
    if exercise.id in progress.gentler:
        return gentler_form(exercise) or exercise
    return exercise.model_copy(
        update={"options": [o for o in exercise.options if o != other.label]}  # type: ignore[attr-defined]
    )


def set_aside(progress: CoupleProgress, *, exercise: Exercise, aside: bool) -> CoupleProgress:
    """Set ``exercise``'s question aside for its gentler one (``aside``), or come back to it.
    Either way what was answered to it so far, and its reveal, are forgotten."""
    if aside and gentler_form(exercise) is None:
        raise InvalidAnswer(N_("This question has no other one to answer instead."))
    new = start_over(progress, exercise_id=exercise.id)
    new.gentler = [e for e in new.gentler if e != exercise.id] + ([exercise.id] if aside else [])
    return new


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
        raise InvalidAnswer(N_("Only a plan exercise has a plan."))
    kept = {f.name: values.get(f.name, "").strip()[:PLAN_CHARS] for f in exercise.fields}  # type: ignore[union-attr]
    if not any(kept.values()):
        raise InvalidAnswer(N_("Fill in at least one line of your plan."))
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


def checkin_care(progress: CoupleProgress, *, content: Content) -> Literal["lower", "apart"] | None:
    """What the latest shared check-in asks for: ``"lower"`` when someone's number went down
    since their first one, ``"apart"`` when the two numbers of the latest moment differ,
    else ``None``."""
    points = checkins(progress, content=content)
    if not points:
        return None
    moments = list(dict.fromkeys(c.exercise_id for c in points))
    latest = [c for c in points if c.exercise_id == moments[-1]]
    if len(moments) > 1:
        first = {c.partner: c.value for c in points if c.exercise_id == moments[0]}
        if any(c.value < first.get(c.partner, c.value) for c in latest):
            return "lower"
    if len(latest) == 2 and latest[0].value != latest[1].value:
        return "apart"
    return None


# --- the speaker-listener turn timer (its rules: workshop.couple.turn_timer) ----------------------


def set_turn(progress: CoupleProgress, *, exercise_id: str, turn: Turn | None) -> CoupleProgress:
    """``progress`` with this exercise's turn timer replaced (or removed with ``None``)."""
    new = progress.model_copy(deep=True)
    if turn is None:
        new.turns.pop(exercise_id, None)
    else:
        new.turns[exercise_id] = turn
    return new


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
    if not MIN_BREAK_MINUTES <= minutes <= MAX_BREAK_MINUTES:
        raise ValueError(f"a break lasts from {MIN_BREAK_MINUTES} to {MAX_BREAK_MINUTES} minutes")
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


def zone(timezone: str | None) -> ZoneInfo:
    """The time zone named ``timezone`` (a browser's), UTC when unknown."""
    try:
        return ZoneInfo(timezone) if timezone else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def clock_time(moment: float, *, timezone: str | None) -> str:
    """``moment`` as a wall-clock time such as "22:45", in ``timezone`` (UTC when unknown)."""
    return datetime.fromtimestamp(moment, tz=zone(timezone)).strftime("%H:%M")
