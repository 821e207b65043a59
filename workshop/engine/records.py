"""The engine's records (what the store takes and returns) and the pure rules on them:
checking a workshop plan, checking an answer, and tallying responses into results.

No database and no clock here.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from numbers import Integral
from typing import Literal

from workshop.engine import limits, privacy
from workshop.engine.errors import InvalidInput
from workshop.engine.pairs import Counts
from workshop.engine.timer import Timer
from workshop.i18n import N_

TEXT_KINDS = frozenset({"reflection", "word", "timed-writing"})
"""Prompts answered with :meth:`Store.submit_reflection`, any number of texts per browser."""
ANSWER_KINDS = frozenset({"scale", "choice", "ranking"})
"""Prompts answered with :meth:`Store.answer`, one answer per browser."""
KINDS = TEXT_KINDS | ANSWER_KINDS | {"speaker-listener", "plan", "checklist", "pair-share"}


@dataclass(frozen=True)
class PromptSpec:
    """What the store needs to know of an exercise to accept and count its responses."""

    id: str
    kind: str
    title: str
    min_reveal: int | None = None
    sensitive: bool = False
    options: tuple[str, ...] = ()
    scale_min: int | None = None
    scale_max: int | None = None
    max_chars: int = 1000


@dataclass(frozen=True)
class StagePlan:
    """One stage of a workshop as planned: a module, its minutes and its prompts."""

    module_id: str
    title: str
    minutes: float
    prompts: tuple[PromptSpec, ...] = ()


@dataclass(frozen=True)
class Created:
    """A new workshop's join code and keys. The keys are shown once; keep them secret."""

    code: str
    facilitator_key: str
    screen_key: str
    recovery_key: str = ""
    """Opens the console without the passcode: shown to the counsellor once, to keep."""


@dataclass(frozen=True)
class StageState:
    index: int
    module_id: str
    title: str
    minutes: float
    elapsed: float
    """Seconds spent on the stage before it was last left (the running stage adds its own)."""
    prompt_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class WorkshopState:
    code: str
    title: str
    status: Literal["live", "ended"]
    version: int
    stage_index: int
    stages: tuple[StageState, ...]
    current_prompt: str | None
    timer: Timer
    revealed: frozenset[str]
    min_reveal: int
    support_text: str
    prompts: dict[str, PromptSpec]
    stage_started_at: float | None
    slide_index: int = 0
    phones_joined: int = 0
    """Phones given an identity for this workshop: the most people any prompt can count."""
    taken_down: frozenset[str] = frozenset()
    """Prompts whose wall came down by itself because hiding texts left fewer people than
    the threshold (until the facilitator reveals or hides them again, or moves on)."""
    wall_page: int | None = None
    """The page of a long wall the facilitator holds on the projector (from 0; screens keep
    it within the wall's pages), or None while the pages turn by themselves."""
    gathered: bool = False
    """The facilitator just brought the room back from a partner exercise: phones say it is
    time to come back together (until the next prompt or stage)."""
    couples: Counts = Counts(paired=0, done=0)
    """Couples whose two phones are paired, and how many are done with the exercise on the
    phones: nothing else of pairs reaches a page."""
    phones_version: int = 0
    """A change counter that moves with everything a phone draws (stage, prompt, timer,
    reveal, what the revealed results show) but not with answers nobody's phone shows yet;
    phones wait on it, the projector and console on :attr:`version`."""

    def elapsed(self, index: int, now: float) -> float:
        """Seconds spent on stage ``index``, including the running stage up to ``now``."""
        spent = self.stages[index].elapsed
        if index == self.stage_index and self.stage_started_at is not None:
            spent += max(0.0, now - self.stage_started_at)
        return spent

    def needed(self, prompt_id: str) -> int:
        """Responses the prompt needs before it can be revealed."""
        spec = self.prompts[prompt_id]
        return privacy.reveal_threshold(
            min_reveal=spec.min_reveal, sensitive=spec.sensitive, default=self.min_reveal
        )


@dataclass(frozen=True)
class Reflection:
    id: str
    text: str
    hidden: bool
    held: bool = False
    """Sent while its prompt was on the wall, so kept off it (``hidden`` too) until the
    facilitator shows it."""


@dataclass(frozen=True)
class Queue:
    """One page of a prompt's moderation queue: the first ``new`` texts held back since the
    reveal (of ``new_total``), and one page of the others, hidden or not (``seen``, from
    ``seen_offset``, of ``seen_total``). Both in random-id order, the same between calls."""

    new: list[Reflection]
    new_total: int
    seen: list[Reflection]
    seen_total: int
    seen_offset: int = 0


@dataclass(frozen=True)
class Results:
    """A prompt's results. Below the threshold (``enough`` false) every field that could
    show what someone wrote or chose is None. ``revealed`` says whether the facilitator put
    them on the screen; pages show them to the room only then.

    ``count`` is people, not texts: answers (one per browser), or for written prompts the
    browsers that wrote, never more than the texts on show (a phone that sends three texts
    counts once; a hidden text does not count)."""

    prompt_id: str
    kind: str
    count: int
    needed: int
    enough: bool
    revealed: bool
    count_label: str
    distribution: dict[str, int] | None = None
    """scale: count per point, min to max; choice: count per option; ranking: first places."""
    mean: float | None = None
    """scale only."""
    words: list[tuple[str, int]] | None = None
    """word only: lower-cased answers with their counts, most frequent first."""
    reflections: list[str] | None = None
    """reflection and timed-writing only: visible texts in random order, without times."""
    shared: bool = False
    """Whether the room was shown these results and they were not taken down since: a
    reveal sets it, "unreveal" clears it, moving on (which takes the wall down without
    saying so) keeps it."""
    points: dict[str, int] | None = None
    """ranking only: every option's Borda count, highest first (ties in option order). Each
    ranking gives its first place one point fewer than the number of options, and each
    place below one point less, down to none for the last, so the whole order counts."""


def check_spec(spec: object) -> PromptSpec:
    """The prompt with its options as a tuple, if it is well formed. Raises InvalidInput."""
    if not isinstance(spec, PromptSpec):
        raise InvalidInput("Every prompt must be a PromptSpec.")
    where = f"Prompt '{spec.id}'"
    if not isinstance(spec.id, str) or not 0 < len(spec.id) <= 100:
        raise InvalidInput("Every prompt needs an id of 1 to 100 characters.")
    if spec.kind not in KINDS:
        raise InvalidInput(f"{where}: unknown kind '{spec.kind}'.")
    min_reveal = (
        None
        if spec.min_reveal is None
        else limits.reveal_threshold(spec.min_reveal, where=f"{where}: min_reveal")
    )
    max_chars = limits.max_chars(spec.max_chars, where=where)
    options = tuple(spec.options)
    if spec.kind in ("choice", "ranking") and (
        len(options) < 2
        or len(set(options)) != len(options)
        or not all(isinstance(o, str) and o for o in options)
    ):
        raise InvalidInput(f"{where}: needs at least two different options.")
    # Only a scale has ends; on any other prompt they mean nothing and are not kept.
    scale_min, scale_max = (
        limits.scale(spec.scale_min, spec.scale_max, where=where)
        if spec.kind == "scale"
        else (None, None)
    )
    if not isinstance(spec.title, str):
        raise InvalidInput(f"{where}: the title must be text.")
    return replace(
        spec,
        options=options,
        min_reveal=min_reveal,
        max_chars=max_chars,
        scale_min=scale_min,
        scale_max=scale_max,
    )


def check_plan(plan: Sequence[StagePlan]) -> tuple[list[StagePlan], list[PromptSpec]]:
    """The stages as given and every distinct prompt in order of first use. A prompt may
    appear in several stages only with the same definition. Raises InvalidInput."""
    stages_ = list(plan) if isinstance(plan, Sequence) and not isinstance(plan, str) else []
    if not stages_:
        raise InvalidInput("A workshop needs at least one stage.")
    specs: dict[str, PromptSpec] = {}
    for stage in stages_:
        if not (
            isinstance(stage, StagePlan)
            and isinstance(stage.module_id, str)
            and isinstance(stage.title, str)
        ):
            raise InvalidInput("Every stage must be a StagePlan with a module id and a title.")
        limits.stage_minutes(stage.minutes, where=f"Stage '{stage.title}'")
        for spec in map(check_spec, stage.prompts):
            if specs.setdefault(spec.id, spec) != spec:
                raise InvalidInput(f"Prompt '{spec.id}' is defined twice, differently.")
    return stages_, list(specs.values())


def check_answer(spec: PromptSpec, value: object) -> str:
    """An answer to a scale, choice or ranking prompt as stored (JSON): a whole number within
    the scale, one of the options, or every option once in order. Raises InvalidInput."""
    if spec.kind == "scale":
        low, high = spec.scale_min, spec.scale_max
        if isinstance(value, bool) or not isinstance(value, Integral) or not low <= value <= high:
            raise InvalidInput(
                N_("Please choose a whole number from {low} to {high}."), low=low, high=high
            )
        return json.dumps(int(value))
    if spec.kind == "choice":
        if not isinstance(value, str) or value not in spec.options:
            raise InvalidInput(N_("Please choose one of the options."))
        return json.dumps(value)
    if spec.kind == "ranking":
        if (
            not isinstance(value, list | tuple)
            or not all(isinstance(item, str) for item in value)
            or sorted(value) != sorted(spec.options)
        ):
            raise InvalidInput(N_("Please put every item in order, each one once."))
        return json.dumps(list(value))
    raise InvalidInput(N_("This exercise takes written answers, not a choice."))


def tally(
    spec: PromptSpec,
    *,
    count: int,
    needed: int,
    revealed: bool,
    shared: bool = False,
    texts: Sequence[str] = (),
    values: Sequence[str] = (),
) -> Results:
    """Results of a prompt with ``count`` people responding, from its visible ``texts``
    (text kinds, in stored order) or stored answer ``values`` (JSON), which are only read
    when ``count`` reaches ``needed``. Below ``needed`` nothing but the count comes out."""
    enough = count >= needed
    results = Results(
        prompt_id=spec.id,
        kind=spec.kind,
        count=count,
        needed=needed,
        enough=enough,
        revealed=revealed,
        count_label=privacy.count_label(count, needed),
        shared=shared,
    )
    if not enough:
        return results
    if spec.kind == "word":
        return replace(results, words=privacy.word_counts(texts))
    if spec.kind in TEXT_KINDS:
        return replace(results, reflections=list(texts))
    answers = [json.loads(v) for v in values]
    if spec.kind == "scale":
        points = Counter(answers)
        distribution = {str(n): points[n] for n in range(spec.scale_min, spec.scale_max + 1)}
        return replace(results, distribution=distribution, mean=sum(answers) / len(answers))
    if spec.kind == "ranking":
        return replace(results, **_ranking_tally(spec.options, answers))
    chosen = Counter(answers)
    return replace(results, distribution={option: chosen[option] for option in spec.options})


def _ranking_tally(options: Sequence[str], rankings: Sequence[Sequence[str]]) -> dict[str, dict]:
    """First places per option, and every option's Borda count, highest first."""
    last = len(options) - 1
    points: Counter[str] = Counter()
    for ranking in rankings:
        for place, option in enumerate(ranking):
            points[option] += last - place
    firsts = Counter(ranking[0] for ranking in rankings)
    order = sorted(options, key=lambda option: -points[option])  # stable: ties keep order
    return {
        "distribution": {option: firsts[option] for option in options},
        "points": {option: points[option] for option in order},
    }
