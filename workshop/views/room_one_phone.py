"""On one phone shared by two: a partner exercise handed over from one to the other, the
way the couple path does it on one screen (:mod:`workshop.couple.evening`): one answers
while the other looks away, each chooses privately to show or keep, then the reveal.

Nothing here reaches the server's database: the couple's progress lives in this session
only, for the prompt on the phones, and is dropped when the room moves on.
"""

from __future__ import annotations

import time

import streamlit as st

from workshop.content.model import Exercise, SpeakerListenerExercise
from workshop.couple import evening, room
from workshop.couple.evening import CoupleProgress, Partner
from workshop.engine.store import PromptSpec
from workshop.i18n import N_
from workshop.i18n.screen import _, said
from workshop.views.room_couple import answer_shown, entry, forget_words, turns_screen

PREFIX = "pairone_"
FIRST, SECOND = N_("First partner"), N_("Second partner")


def _names() -> evening.Names:
    """How this phone calls the two people sharing it, in its language."""
    return evening.Names(a=_(FIRST), b=_(SECOND))


def _key(code: str, prompt_id: str) -> str:
    return f"{PREFIX}{code}_{prompt_id}"


def forget_others(code: str, prompt_id: str) -> None:
    """Drop what two people on this phone did on any other prompt: the room moved on."""
    keep = _key(code, prompt_id) + "_"
    for name in [n for n in st.session_state if str(n).startswith(PREFIX)]:
        if not str(name).startswith(keep):
            del st.session_state[name]


def chosen(code: str, prompt_id: str) -> bool:
    """Whether two people chose to share this phone for the prompt."""
    return bool(st.session_state.get(f"{_key(code, prompt_id)}_chosen"))


def offer(code: str, prompt_id: str) -> None:
    """One tap for two people on one phone (under the phone's own version)."""
    if st.button(
        _("Two of you on this phone? Take turns on it"),
        key=f"{_key(code, prompt_id)}_take_turns",
        type="tertiary",
        icon=":material/group:",
    ):
        st.session_state[f"{_key(code, prompt_id)}_chosen"] = True
        st.rerun()


def hand_over(code: str, spec: PromptSpec, exercise: Exercise) -> None:
    """The exercise for two people on this one phone, with one tap back to one person."""
    key = _key(code, spec.id)
    if st.button(
        _("Just me after all"), key=f"{key}_alone", type="tertiary", icon=":material/person:"
    ):
        for name in [n for n in st.session_state if str(n).startswith(f"{key}_")]:
            del st.session_state[name]
        st.rerun()
    if isinstance(exercise, SpeakerListenerExercise):
        turns_screen(
            exercise,
            stored=st.session_state.get(f"{key}_turn"),
            seat=None,
            key=f"{key}_turns",
            apply=lambda action: _turn(key, exercise, action),
        )
        return
    progress: CoupleProgress = st.session_state.get(f"{key}_progress") or CoupleProgress()
    eid = exercise.id
    names = _names()
    st.caption(_("Nothing you two write here leaves this phone."))
    if eid in progress.revealed:
        shown = evening.shared_answers(progress, exercise_id=eid)
        columns = st.columns(2)
        for column, partner in zip(columns, evening.PARTNERS, strict=True):
            with column.container(border=True):
                st.markdown(f"**{names.of(partner)}**")
                answer = evening.answer_of(progress, exercise_id=eid, partner=partner)
                answer_shown(exercise, shown[partner], answer.status if answer else None)
        return
    if progress.answering is not None:
        partner = progress.answering
        st.markdown(_("**{name}, this one is just for you.**").format(name=names.of(partner)))
        entry(
            exercise,
            f"{key}_{partner}",
            on_done=lambda value, share, _room: _answer(key, exercise, partner, value, share),
            on_pass=lambda: _pass(key, eid, partner),
            room_choice=False,
        )
        return
    turn = evening.next_to_answer(progress, exercise_id=eid, first="A")
    if turn is not None:
        other = evening.other_partner(turn)
        with st.container(border=True):
            st.markdown(
                _("**{name}'s turn.** {other}, please look away.").format(
                    name=names.of(turn), other=names.of(other)
                )
            )
            if st.button(_("I'm ready: show my question"), key=f"{key}_open", type="primary"):
                _save(key, evening.open_entry(progress, exercise=exercise, partner=turn, now=0.0))
        return
    st.markdown(_("**You have both answered.**"))
    if st.button(_("Reveal"), key=f"{key}_reveal", type="primary", width="stretch"):
        _save(key, evening.reveal(progress, exercise_id=eid))


def _save(key: str, progress: CoupleProgress) -> None:
    st.session_state[f"{key}_progress"] = progress
    st.rerun()


def _answer(key: str, exercise: Exercise, partner: Partner, value: object, share: bool) -> None:
    progress = st.session_state.get(f"{key}_progress") or CoupleProgress()
    try:
        changed = evening.submit_answer(
            progress, exercise=exercise, partner=partner, value=value, share=share
        )
    except evening.InvalidAnswer as problem:
        st.session_state[f"{key}_{partner}_error"] = said(problem)
        st.rerun()
    forget_words(f"{key}_{partner}")
    _save(key, changed)


def _pass(key: str, exercise_id: str, partner: Partner) -> None:
    progress = st.session_state.get(f"{key}_progress") or CoupleProgress()
    forget_words(f"{key}_{partner}")
    _save(key, evening.pass_answer(progress, exercise_id=exercise_id, partner=partner))


def _turn(key: str, exercise: SpeakerListenerExercise, action: room.TurnAction) -> None:
    stored = st.session_state.get(f"{key}_turn")
    st.session_state[f"{key}_turn"], _over = room.turn_step(action, exercise, now=time.time())(
        stored
    )
    st.rerun()
