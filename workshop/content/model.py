"""The workshop content as typed objects: stages (modules/) and exercises (exercises/).

Counsellors edit plain files; this module describes what those files hold and
loads them once. Reading the files and reporting mistakes lives in
`workshop.content.validate`; `validate`, `load_content` and `get_content` here are the
public entry points. Nothing here touches Streamlit.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from workshop.engine.privacy import SENSITIVE_MIN_REVEAL

DEFAULT_MIN_REVEAL = 3
"""How many answers a prompt needs before it can be shown, unless it says otherwise."""


_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NAME = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")


def _slug(value: str) -> str:
    if not _SLUG.fullmatch(value):
        raise ValueError(
            f"must be lowercase letters, digits and hyphens, such as 'gratitude-list' "
            f"(got '{value}')"
        )
    return value


def _name(value: str) -> str:
    if not _NAME.fullmatch(value):
        raise ValueError(
            f"must be lowercase letters, digits, hyphens or underscores, such as 'how_long' "
            f"(got '{value}')"
        )
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


Slug = Annotated[str, AfterValidator(_slug)]
Text = Annotated[str, AfterValidator(_not_blank)]


def _unique(values: list[str], *, what: str) -> list[str]:
    """Refuse a repeated entry, pointing at the repeat (the error's `index`)."""
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            raise PydanticCustomError(
                "duplicate",
                "{what} '{value}' is listed twice",
                {"what": what, "value": value, "index": index},
            )
        seen.add(value)
    return values


class _Model(BaseModel):
    # Strict: "15" is not a number and "yes" is not true; frozen: the cached
    # content is shared by every page and must not be changed by one of them.
    model_config = ConfigDict(strict=True, frozen=True, use_attribute_docstrings=True)


GROUP_ONLY = re.compile(
    r"\b(anonymous(ly)?|nobody sees who|vote|voting|stays here|thank you for coming|"
    r"on your phones?|the room)\b",
    re.IGNORECASE,
)
"""Words that only make sense to a group in a room: a couple at home, who reveal their answers
to each other by name, must never read them."""

HOME_MARKER = "::: at home"
"""The line in a slide that starts the couple's own version of it."""


def group_only_words(text: str) -> str | None:
    """The first words in ``text`` meant only for a group in a room, or ``None``. Pure."""
    found = GROUP_ONLY.search(text)
    return found.group(0) if found else None


class Slide(_Model):
    """One slide of a stage, as the presenter shows it."""

    title: str
    """The slide's heading: the text of its first `## ` line."""
    body: str
    """The Markdown under the heading, shown on the screen."""
    notes: str = ""
    """Presenter notes: everything after a line `???`; never shown to participants."""
    home_title: str = ""
    """The heading a couple at home reads instead, when it differs: a `## ` line under
    `::: at home`."""
    home_body: str = ""
    """What a couple at home reads instead of the body: the lines under `::: at home`."""

    def for_home(self) -> tuple[str, str]:
        """The title and body a couple at home reads."""
        return (self.home_title or self.title, self.home_body or self.body)


class Module(_Model):
    """One stage of the workshop, read from `modules/NN-slug.md`."""

    id: Slug
    """Short name of the stage, in lowercase with hyphens, such as 'why-it-matters'."""
    title: Text
    """The stage's title, as participants see it."""
    minutes: float = Field(gt=0)
    """How long the stage takes, in minutes."""
    content_note: str | None = None
    """Words shown before a sensitive stage starts; required when it runs a sensitive exercise."""
    exercises: list[str] = []
    """Ids of the exercises run in this stage, in the order they are run."""
    notes: str = ""
    """Notes for the facilitator about the whole stage: what to say, what to watch for, timing."""
    slides: list[Slide] = []
    """The slides, in order; taken from the Markdown below the front matter."""
    order: int
    """Position of the stage in the workshop: the NN of the file name."""
    path: str = ""
    """Where the stage was read from, relative to the content folder."""


class PlanField(_Model):
    """One question of a plan that a couple fills in together."""

    name: Annotated[str, AfterValidator(_name)]
    """Short name for the answer, such as 'when'; each field of a plan needs a different one."""
    label: Text
    """The question, as the couple reads it."""
    hint: str = ""
    """A short example or suggestion shown under the question."""


class _Exercise(_Model):
    """Fields every exercise has, whatever its kind."""

    id: Slug
    """Short name of the exercise; must be the same as the file name without its extension."""
    title: Text
    """The exercise's title, as the facilitator and participants see it."""
    minutes: float = Field(gt=0)
    """How long the exercise takes, in minutes."""
    group_prompt: Text
    """What a participant in a group room reads on their phone."""
    couple_prompt: Text
    """What a couple at home reads."""
    sensitive: bool = False
    """True when the exercise touches something painful; its stage then needs a content_note."""
    min_reveal: int | None = None
    """Answers needed before results can be shown; empty means the workshop default (3)."""
    path: str = ""
    """Where the exercise was read from, relative to the content folder."""

    @field_validator("min_reveal")
    @classmethod
    def _enough_answers(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is None:
            return value
        if value < DEFAULT_MIN_REVEAL:
            raise ValueError(
                f"must be {DEFAULT_MIN_REVEAL} or more, so that no answer can be traced to "
                f"one person (it is {value})"
            )
        floor = SENSITIVE_MIN_REVEAL
        if info.data.get("sensitive") is True and value < floor:
            raise ValueError(
                f"a sensitive exercise waits for at least {floor} answers, so min_reveal must "
                f"be {floor} or more (it is {value})"
            )
        return value

    @property
    def collects(self) -> bool:
        """True for the kinds a group room can submit and see on the wall."""
        return self.kind in COLLECTING_KINDS  # type: ignore[attr-defined]


class _Answered(_Exercise):
    """Fields of the kinds each person answers on their own phone."""

    partner_exercise: bool = False
    """True when the answer is meant for the partner: in a group room, paired phones answer
    it privately to each other, each choosing to show it or keep it; every other phone
    answers the room as usual. Pair-shares, listening turns and plans are always done with
    the partner."""


class ReflectionExercise(_Answered):
    """Free text, anonymous on the wall."""

    kind: Literal["reflection"] = "reflection"
    """What sort of exercise this is."""
    max_chars: int = Field(default=1000, ge=1)
    """The longest answer allowed, in characters."""


class WordExercise(_Answered):
    """One word or a short phrase; the results show how often each word came up."""

    kind: Literal["word"] = "word"
    """What sort of exercise this is."""
    max_chars: int = Field(default=40, ge=1)
    """The longest answer allowed, in characters."""


class ScaleExercise(_Answered):
    """A number on a scale, such as 1 to 10."""

    kind: Literal["scale"] = "scale"
    """What sort of exercise this is."""
    min: int
    """The lowest number on the scale."""
    max: int
    """The highest number on the scale; must be more than min."""
    min_label: Text
    """What the lowest number means, such as 'Not at all'."""
    max_label: Text
    """What the highest number means, such as 'Completely'."""

    @field_validator("max")
    @classmethod
    def _above_min(cls, value: int, info: ValidationInfo) -> int:
        low = info.data.get("min")
        if isinstance(low, int) and value <= low:
            raise ValueError(f"must be more than min (min is {low}, max is {value})")
        return value


class NotForUs(_Model):
    """At home, a way for a couple the question does not fit right now to answer a gentler
    one instead (the first question is left aside, not answered)."""

    label: Text
    """The button that opens it, e.g. "This doesn't apply to us right now"; an option of the
    same words is left out of the couple's options."""
    note: Text
    """A kind word shown when they choose it."""
    prompt: Text
    """The gentler question each of them answers instead."""
    options: list[Text] = Field(min_length=2)
    """Its options: at least two, all different."""

    @field_validator("options")
    @classmethod
    def _different(cls, value: list[str]) -> list[str]:
        return _unique(value, what="option")


class ChoiceExercise(_Answered):
    """Pick one of a few options."""

    kind: Literal["choice"] = "choice"
    """What sort of exercise this is."""
    options: list[Text] = Field(min_length=2)
    """The options to choose from: at least two, all different."""
    not_for_us: NotForUs | None = None
    """At home: a gentler question for a couple this one does not fit right now."""

    @field_validator("options")
    @classmethod
    def _different(cls, value: list[str]) -> list[str]:
        return _unique(value, what="option")


class RankingExercise(_Answered):
    """Put a few items in order of importance."""

    kind: Literal["ranking"] = "ranking"
    """What sort of exercise this is."""
    items: list[Text] = Field(min_length=2)
    """The items to put in order: at least two, all different."""

    @field_validator("items")
    @classmethod
    def _different(cls, value: list[str]) -> list[str]:
        return _unique(value, what="item")


class SpeakerListenerExercise(_Exercise):
    """Partners take turns: one speaks, the other says back what they heard."""

    kind: Literal["speaker-listener"] = "speaker-listener"
    """What sort of exercise this is."""
    rounds: int = Field(ge=1)
    """How many times each partner speaks."""
    speak_minutes: float = Field(gt=0)
    """How long the speaker talks in each turn, in minutes."""
    paraphrase_minutes: float = Field(gt=0)
    """How long the listener takes to say back what they heard, in minutes."""
    rules: list[Text] = Field(min_length=1)
    """The rules card, one rule per entry."""


class TimedWritingExercise(_Exercise):
    """List a few things against the clock, such as three things you are grateful for."""

    kind: Literal["timed-writing"] = "timed-writing"
    """What sort of exercise this is."""
    target: int = Field(ge=1)
    """How many things to list."""


class PlanExercise(_Exercise):
    """A plan a couple fills in together, such as a weekly ritual; it stays private."""

    kind: Literal["plan"] = "plan"
    """What sort of exercise this is."""
    fields: list[PlanField] = Field(min_length=1)
    """The questions of the plan, each with a name, a label and an optional hint."""

    @field_validator("fields")
    @classmethod
    def _different(cls, value: list[PlanField]) -> list[PlanField]:
        _unique([field.name for field in value], what="field name")
        return value


class ChecklistExercise(_Exercise):
    """Things to tick off, kept private."""

    kind: Literal["checklist"] = "checklist"
    """What sort of exercise this is."""
    items: list[Text] = Field(min_length=1)
    """The things to tick off."""


class PairShareExercise(_Exercise):
    """Partners talk with each other; nothing is submitted."""

    kind: Literal["pair-share"] = "pair-share"
    """What sort of exercise this is."""


Exercise = Annotated[
    ReflectionExercise
    | WordExercise
    | ScaleExercise
    | ChoiceExercise
    | RankingExercise
    | SpeakerListenerExercise
    | TimedWritingExercise
    | PlanExercise
    | ChecklistExercise
    | PairShareExercise,
    Field(discriminator="kind"),
]

EXERCISE_KINDS: dict[str, type[_Exercise]] = {
    "reflection": ReflectionExercise,
    "word": WordExercise,
    "scale": ScaleExercise,
    "choice": ChoiceExercise,
    "ranking": RankingExercise,
    "speaker-listener": SpeakerListenerExercise,
    "timed-writing": TimedWritingExercise,
    "plan": PlanExercise,
    "checklist": ChecklistExercise,
    "pair-share": PairShareExercise,
}
"""Every kind of exercise, by the name used in the `kind` field."""

COLLECTING_KINDS = frozenset({"reflection", "word", "scale", "choice", "ranking", "timed-writing"})
"""The kinds a group room submits answers to; the others stay with the couple."""


Answerable = int | str | list[str] | tuple[str, ...] | None
"""An answer as the content sees it: a number on a scale, an option, or items in order."""


def _mapped(value: Answerable, pairs: dict[str, str]) -> Answerable:
    if isinstance(value, str):
        return pairs.get(value, value)
    if isinstance(value, list | tuple):
        return type(value)(
            pairs.get(item, item) if isinstance(item, str) else item for item in value
        )
    return value


class Content(_Model):
    """The whole workshop: its stages in order and every exercise by id."""

    modules: list[Module]
    """The stages, in the order they are run."""
    exercises: dict[str, Exercise]
    """Every exercise, by id."""
    language: str = "en"
    """The language of its words, such as 'en' or 'es': the original's, or a translation's."""
    originals: dict[str, tuple[tuple[str, str], ...]] = {}
    """In a translation: for each exercise id, the pairs (the original's words, these words)
    of its options and items, matched by position; empty in the original."""

    def module(self, module_id: str) -> Module:
        """The stage with this id; raises KeyError when there is none."""
        for module in self.modules:
            if module.id == module_id:
                return module
        raise KeyError(f"no module with id '{module_id}'")

    def exercises_for(self, module_id: str) -> list[Exercise]:
        """The exercises of one stage, in the order they are run."""
        return [self.exercises[exercise_id] for exercise_id in self.module(module_id).exercises]

    def to_original(self, exercise_id: str, value: Answerable) -> Answerable:
        """An answer given in this language, in the original's words: options and items are
        stored that way, so that answers given in any language count together. Numbers and
        words that are not an option pass through unchanged. Pure."""
        pairs = {shown: original for original, shown in self.originals.get(exercise_id, ())}
        return _mapped(value, pairs)

    def from_original(self, exercise_id: str, value: Answerable) -> Answerable:
        """A stored answer (in the original's words) in this language's words, to show it.
        Pure."""
        pairs = {original: shown for original, shown in self.originals.get(exercise_id, ())}
        return _mapped(value, pairs)

    @property
    def total_minutes(self) -> float:
        """How long the whole workshop takes, in minutes."""
        return sum(module.minutes for module in self.modules)


class Problem(_Model):
    """One mistake found in the content files."""

    path: str
    """The file (or folder) with the mistake, relative to the content folder."""
    line: int | None = None
    """The line in that file, when it can be told."""
    field: str = ""
    """Where in the file, such as 'options[2]' or 'fields[0].label'; empty for the whole file."""
    message: str
    """What is wrong, in plain words."""
    level: Literal["error", "warning"] = "error"
    """Errors stop the workshop from loading; warnings do not (unless checking strictly)."""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return ": ".join(part for part in (where, self.field, self.message) if part)
