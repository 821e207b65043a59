"""The couple path's exercises done by two paired phones in a group workshop.

The rules are the couple path's own (:mod:`workshop.couple.evening` for private answers and
the reveal, :mod:`workshop.couple.turn_timer` for listening turns); this module only carries
them across to what the store keeps for a pair (:mod:`workshop.engine.pairs`): an answer as a
status and, when shown to the partner, its words as JSON; the turn timer as JSON. Pure: no
clock (``now`` is passed in), no storage.

In the room a kept answer's words are dropped at once, never stored: the choice is made
before the words leave the phone, so there is nothing to forget at the reveal.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Literal

from workshop.content.model import Exercise, SpeakerListenerExercise
from workshop.couple import evening, turn_timer
from workshop.couple.evening import Answer, AnswerValue, CoupleProgress, Partner
from workshop.couple.turn_timer import Turn, TurnView
from workshop.engine.pairs import PairView
from workshop.i18n import N_

PRIVATE_KINDS = frozenset({"reflection", "word", "scale", "choice", "ranking"})
"""Kinds each partner answers alone on their own phone, then shows or keeps: a partner
exercise only when the exercise says so (``partner_exercise``)."""
TOGETHER_KINDS = frozenset({"pair-share", "speaker-listener", "plan"})
"""Kinds a couple does together, marking when they are done: partner exercises by nature."""
ONE_PHONE_KINDS = PRIVATE_KINDS | {"speaker-listener"}
"""The partner exercises two people sharing one phone can take turns on."""


def is_partner_exercise(exercise: Exercise | None) -> bool:
    """Whether paired phones run ``exercise`` together in the room: a pair-share, listening
    turns or a plan always; an answer only when its file says ``partner_exercise``. Anything
    else a paired phone answers as any phone does, for the room."""
    if exercise is None:
        return False
    if exercise.kind in TOGETHER_KINDS:
        return True
    return exercise.kind in PRIVATE_KINDS and bool(getattr(exercise, "partner_exercise", False))


def one_phone_version(exercise: Exercise | None) -> bool:
    """Whether two people sharing one phone may take turns on ``exercise`` (a partner
    exercise with a private answer, or listening turns)."""
    return (
        exercise is not None and is_partner_exercise(exercise) and exercise.kind in ONE_PHONE_KINDS
    )


TurnAction = Literal["start", "pause", "resume", "extend", "skip", "again"]


def stored_answer(exercise: Exercise, value: object, *, share: bool) -> tuple[str, str | None]:
    """What the store keeps of an answer: ``("shared", words as JSON)`` to show the partner
    at the reveal, or ``("private", None)`` to keep it (its words go no further than this
    call). Checked as on the couple path (:func:`evening.clean_answer`); raises
    ``evening.InvalidAnswer`` saying what to fix."""
    cleaned = evening.clean_answer(exercise, value)
    if not share:
        return "private", None
    answer = Answer(status="shared", value=cleaned)
    return answer.status, json.dumps(answer.value, ensure_ascii=False)


def room_value(exercise: Exercise, value: object) -> object:
    """An answer as the room takes it (:meth:`Store.submit_reflection` or
    :meth:`Store.answer`), checked as on the couple path."""
    return evening.clean_answer(exercise, value)


def _answer(status: str | None, stored: str | None) -> Answer | None:
    if status is None or status == "answered":
        return None
    if status == "shared":
        return Answer(status="shared", value=json.loads(stored)) if stored else None
    return Answer(status="private" if status == "private" else "passed")


def progress_of(view: PairView, exercise_id: str) -> CoupleProgress:
    """The couple path's record of this exercise as one phone may know it: its own answer,
    and the partner's only once revealed."""
    given: dict[Partner, Answer] = {}
    mine = _answer(view.mine, view.my_value)
    if mine is not None:
        given[view.seat] = mine
    if view.revealed:
        theirs = _answer(view.partner, view.partner_value)
        if theirs is not None:
            given[partner_seat(view.seat)] = theirs
    return CoupleProgress(
        answers={exercise_id: given} if given else {},
        revealed=[exercise_id] if view.revealed else [],
    )


def side_by_side(view: PairView, exercise_id: str) -> dict[Partner, AnswerValue | None]:
    """Each partner's words once revealed, if they showed them (:func:`evening.shared_answers`)."""
    return evening.shared_answers(progress_of(view, exercise_id), exercise_id=exercise_id)


def partner_seat(seat: Partner) -> Partner:
    """The other phone's seat."""
    return evening.other_partner(seat)


# --- listening turns, driven from both phones -------------------------------------------------


def turn_of(stored: str | None) -> Turn:
    """The couple's turn timer as stored (a fresh one when none)."""
    if not stored:
        return Turn()
    try:
        return Turn.model_validate_json(stored)
    except ValueError:
        return Turn()


def turn_now(stored: str | None, exercise: SpeakerListenerExercise, *, now: float) -> TurnView:
    """What the couple's turn timer shows at ``now``."""
    return turn_timer.turn_view(turn_of(stored), exercise=exercise, now=now)


def turn_step(
    action: TurnAction, exercise: SpeakerListenerExercise, *, now: float
) -> Callable[[str | None], tuple[str | None, bool]]:
    """One press on either phone (start, pause, resume, +1 minute, skip, start again), as a
    change of the stored timer: returns the new stored form and whether the turns are over."""

    def step(stored: str | None) -> tuple[str | None, bool]:
        turn = turn_of(stored)
        if action == "start" or action == "again":
            turn = turn_timer.turn_start(now=now)
        elif action == "pause":
            turn = turn_timer.turn_pause(turn, now=now)
        elif action == "resume":
            turn = turn_timer.turn_resume(turn, now=now)
        elif action == "extend":
            turn = turn_timer.turn_extend(turn, exercise=exercise, now=now)
        elif action == "skip":
            turn = turn_timer.turn_skip(turn, exercise=exercise, now=now)
        over = turn_timer.turn_view(turn, exercise=exercise, now=now).status == "done"
        return turn.model_dump_json(), over

    return step


def floor_line(view: TurnView, seat: Partner) -> tuple[str, str]:
    """What one phone says about the floor now, from its own side: a headline and a line
    below (``"You speak"``, ``"Your partner listens, without replying"``), each a catalogue
    entry the page translates."""
    phase = view.phase
    holder = turn_timer.floor_holder(phase)
    me = holder == seat
    if view.status == "done":
        return N_("Turns done"), N_("Thank each other: what was it like to be listened to?")
    if phase.kind == "speak":
        if me:
            return N_("You speak"), N_("Your partner listens, without replying")
        return N_("Your partner speaks"), N_("You listen, without replying")
    if phase.kind == "paraphrase":
        if me:
            return N_("Say back what you heard"), N_("Your partner listens, then says if it fits")
        return N_("Your partner says back what they heard"), N_("Listen, then say if it fits")
    if me:
        return N_("Swap: you speak next"), N_("Take a breath")
    return N_("Swap: your partner speaks next"), N_("Take a breath")
