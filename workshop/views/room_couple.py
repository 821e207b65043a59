"""On two paired phones: a partner exercise done together, each on their own phone.

A private answer: each partner answers alone, chooses there whether the other may see it
(a kept answer's words never leave the phone) and, separately, whether to add it to the
room's anonymous answers; once both answered, both phones show what was shown side by side.
Listening turns: the couple's own turn timer, driven from either phone. A pair-share or the
weekly plan: done together, marked done from either phone. The rules are the couple path's
(:mod:`workshop.couple.room`); words are always rendered as escaped text.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import suppress

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from workshop.components.countdown import countdown
from workshop.content.model import Exercise, SpeakerListenerExercise
from workshop.couple import evening, room
from workshop.couple.evening import AnswerValue
from workshop.engine.errors import BedrockError, InvalidInput
from workshop.engine.pairs import PairView
from workshop.engine.store import TEXT_KINDS, PromptSpec
from workshop.engine.timer import Phase
from workshop.i18n import N_
from workshop.i18n.formats import number
from workshop.i18n.screen import _, here, language, said
from workshop.printing.couple_plan import answer_lines
from workshop.views import join_private
from workshop.views.common import store, user_text

SHOW = N_("Show my partner")
KEEP = N_("Keep it to myself")
GONE_LATER = N_("What you two see here is deleted when the room moves on.")
UNREACHABLE = N_("Not saved: we couldn't reach the workshop. Try again.")
PHASE_MARGIN = 0.3
"""Seconds after a phase's end at which its phone draws the next one."""


def paired(code: str, token: str, view: PairView, spec: PromptSpec, exercise: Exercise) -> None:
    """The partner exercise on one phone of a pair."""
    if spec.kind in room.PRIVATE_KINDS:
        _private(code, token, view, spec, exercise)
    elif isinstance(exercise, SpeakerListenerExercise):
        turns_screen(
            exercise,
            stored=view.turn,
            seat=view.seat,
            key=f"pair_turn_{code}",
            apply=lambda action: _pair_turn(code, token, spec.id, exercise, action),
        )
        if room.turn_now(view.turn, exercise, now=time.time()).status == "done" and not view.done:
            _quietly(store().pairs.set_done, code=code, token=token, prompt_id=spec.id, done=True)
    else:
        _together(code, token, view, spec, exercise)


def _quietly(action, **kwargs) -> None:
    with suppress(BedrockError):
        action(**kwargs)


def _again() -> None:
    """Draw the partner exercise again after this phone did something in it: only its own
    part of the page (see ``room_pair._paired``), which is all that changed; the whole page
    when the tap arrived in a run of the whole page (Streamlit allows a part's own rerun
    only from a run of that part)."""
    context = get_script_run_ctx()
    st.rerun(scope="fragment" if context is not None and context.fragment_ids_this_run else "app")


def _act(key: str, action, **kwargs) -> None:
    try:
        action(**kwargs)
    except InvalidInput as problem:
        st.session_state[f"{key}_error"] = said(problem)
    except BedrockError:
        st.session_state[f"{key}_error"] = _(UNREACHABLE)
    _again()


# --- a private answer, then the reveal -----------------------------------------------------


def _private(code: str, token: str, view: PairView, spec: PromptSpec, exercise: Exercise) -> None:
    key = f"pair_{code}_{spec.id}"
    if view.revealed:
        shown = room.side_by_side(view, spec.id)
        mine, theirs = view.seat, room.partner_seat(view.seat)
        left, right = st.columns(2)
        with left.container(border=True, key=f"{key}_mine"):
            st.markdown(_("**You**"))
            answer_shown(exercise, shown[mine], view.mine)
        with right.container(border=True, key=f"{key}_theirs"):
            st.markdown(_("**Your partner**"))
            answer_shown(exercise, shown[theirs], view.partner)
        st.caption(_(GONE_LATER))
        return
    if view.mine is None or st.session_state.get(f"{key}_edit"):
        entry(
            exercise,
            key,
            on_done=lambda value, share, to_room: _answered(
                code, token, spec, exercise, key, value, share, to_room
            ),
            room_choice=True,
        )
        return
    done = {
        "shared": N_("You answered, and chose to show it to your partner."),
        "private": N_("You answered, and chose to keep it to yourself."),
        "passed": N_("You passed on this one."),
    }[view.mine]
    st.success(_(done))
    if view.partner is None:
        st.markdown(
            _(
                "Your partner is still answering. Your answers appear side by side once "
                "you have both answered."
            )
        )
    if st.button(_("Change my answer"), key=f"{key}_change", type="tertiary"):
        st.session_state[f"{key}_edit"] = True
        _again()


def answer_shown(exercise: Exercise, value: AnswerValue | None, status: str | None) -> None:
    """One partner's answer at the reveal, or why there is none."""
    if value is None:
        st.caption(_("Passed this one.") if status == "passed" else _("Kept this one private."))
    elif isinstance(value, int):
        st.markdown(f"### {number(int(value), language())}")
        st.caption(
            _("out of {most}").format(most=number(getattr(exercise, "max", value), language()))
        )
    else:
        for line in answer_lines(exercise, value):
            user_text(line)


def entry(
    exercise: Exercise,
    key: str,
    *,
    on_done: Callable[[object, bool, bool], None],
    on_pass: Callable[[], None] | None = None,
    room_choice: bool,
) -> None:
    """A private answer: the answer, whether the partner may see it and, with
    ``room_choice``, whether to add it to the room's anonymous answers (unticked until
    they tick it: keeping an answer from a partner never sends it anywhere by default);
    then Done or Pass."""
    with st.form(key=f"{key}_form", border=True, enter_to_submit=False):
        value = answer_widget(exercise, key)
        show = st.radio(
            _("Your partner"),
            (SHOW, KEEP),
            format_func=here().gettext,
            horizontal=True,
            key=f"{key}_show",
        )
        to_room = room_choice and st.checkbox(
            _("Also add it to the room's answers (anonymous)"), key=f"{key}_room"
        )
        st.caption(
            _(
                "Only you see this now. Your partner sees it only if you show it, once you have "
                "both answered; a kept answer's words go nowhere."
            )
        )
        done, skip = st.columns(2)
        sent = done.form_submit_button(
            _("Done"), type="primary", width="stretch", key=f"{key}_done"
        )
        passed = skip.form_submit_button(_("Pass"), width="stretch", key=f"{key}_pass")
    if sent:
        on_done(value, show != KEEP, bool(to_room))
    if passed:
        (on_pass or (lambda: on_done(None, False, False)))()
    problem = st.session_state.pop(f"{key}_error", None)
    if problem:
        st.error(problem)


def answer_widget(exercise: Exercise, key: str) -> object:
    """The box, number, choice or order one partner answers with; returns its value."""
    kind = exercise.kind
    if kind == "reflection":
        return st.text_area(_("Your answer"), max_chars=exercise.max_chars, key=f"{key}_text")
    if kind == "word":
        return st.text_input(_("Your word"), max_chars=exercise.max_chars, key=f"{key}_text")
    if kind == "scale":
        picked = st.pills(
            _("Your number"), list(range(exercise.min, exercise.max + 1)), key=f"{key}_scale"
        )
        st.caption(f"{exercise.min} = {exercise.min_label} · {exercise.max} = {exercise.max_label}")
        return picked
    if kind == "choice":
        return st.radio(_("Your choice"), exercise.options, index=None, key=f"{key}_choice")
    return st.multiselect(
        _("Your order"), exercise.items, key=f"{key}_rank", placeholder=_("Tap them in order")
    )


def forget_words(key: str) -> None:
    """Drop what was typed or chosen for an answer from this session at once."""
    for name in [n for n in st.session_state if str(n).startswith(f"{key}_")]:
        if not str(name).endswith("_error"):
            del st.session_state[name]


def _answered(
    code: str,
    token: str,
    spec: PromptSpec,
    exercise: Exercise,
    key: str,
    value: object,
    share: bool,
    to_room: bool,
) -> None:
    pairs = store().pairs
    if value is None:  # passed
        forget_words(key)
        _act(key, pairs.answer, code=code, token=token, prompt_id=spec.id, status="passed")
    try:
        status, stored = room.stored_answer(exercise, value, share=share)
        pairs.answer(code=code, token=token, prompt_id=spec.id, status=status, value=stored)
        if to_room:
            _to_room(code, token, spec, exercise, value)
    except (evening.InvalidAnswer, InvalidInput) as problem:
        st.session_state[f"{key}_error"] = said(problem)
        _again()
    except BedrockError:
        st.session_state[f"{key}_error"] = _(UNREACHABLE)
        _again()
    forget_words(key)
    _again()


def _to_room(code: str, token: str, spec: PromptSpec, exercise: Exercise, value: object) -> None:
    """The answer to the room, as any phone's anonymous answer (one per person)."""
    checked = room.room_value(exercise, value)
    if spec.kind in TEXT_KINDS:
        store().submit_reflection(code=code, prompt_id=spec.id, token=token, text=str(checked))
    else:
        store().answer(code=code, prompt_id=spec.id, token=token, value=checked)
    st.session_state[f"join_done_{code}_{spec.id}_count"] = 1


# --- done together ---------------------------------------------------------------------------


def _together(code: str, token: str, view: PairView, spec: PromptSpec, exercise: Exercise) -> None:
    key = f"pair_{code}_{spec.id}"
    if spec.kind == "plan":
        st.caption(_("Fill it in together on one of your phones."))
        join_private.private_exercise(exercise, key=f"{key}_plan")
    else:
        if view.seat == "A":
            st.markdown(_("**You begin**; swap when you're ready. Nothing is collected."))
        else:
            st.markdown(_("**Your partner begins**; swap when you're ready. Nothing is collected."))
    if view.done:
        st.success(_("You're done with this one. Thank you."))
        if st.button(_("Not done after all"), key=f"{key}_undone", type="tertiary"):
            _act(key, store().pairs.set_done, code=code, token=token, prompt_id=spec.id, done=False)
    elif st.button(_("We're done"), key=f"{key}_done", type="primary", width="stretch"):
        _act(key, store().pairs.set_done, code=code, token=token, prompt_id=spec.id, done=True)


# --- listening turns -----------------------------------------------------------------------


def _pair_turn(
    code: str, token: str, prompt_id: str, exercise: SpeakerListenerExercise, action
) -> None:
    step = room.turn_step(action, exercise, now=time.time())
    _act(
        f"pair_turn_{code}",
        store().pairs.change_turn,
        code=code,
        token=token,
        prompt_id=prompt_id,
        step=step,
    )


def turns_screen(
    exercise: SpeakerListenerExercise,
    *,
    stored: str | None,
    seat: str | None,
    key: str,
    apply: Callable[[room.TurnAction], None],
) -> None:
    """The couple's listening turns: who holds the floor, the phase's countdown, round and
    what comes next, with Start, Pause/Resume, +1 minute and Skip. ``seat`` says it from
    one partner's side ("You speak"); None for two people on one phone."""
    view = room.turn_now(stored, exercise, now=time.time())
    if view.status == "ready":
        if seat is not None:
            st.markdown(
                _("**You speak first.**") if seat == "A" else _("**Your partner speaks first.**")
            )
        st.markdown("\n".join(f"- {rule}" for rule in exercise.rules))
        if st.button(_("Start"), key=f"{key}_start", type="primary", width="stretch"):
            apply("start")
        return
    # The countdown ticks in the browser; the server draws again only when the phase ends
    # (and whenever either partner presses something).
    st.session_state[f"{key}_planned"] = (view.status, view.index)
    every = max(1.0, view.left + PHASE_MARGIN) if view.status == "running" else None
    st.fragment(_turn_display, run_every=every)(exercise, stored, seat, key)
    row = st.container(horizontal=True, gap="small")
    if view.status == "done":
        if row.button(_("Start the turns again"), key=f"{key}_again", type="tertiary"):
            apply("again")
        return
    if view.status == "paused":
        if row.button(_("Resume"), key=f"{key}_resume", type="primary", width="stretch"):
            apply("resume")
    elif row.button(_("Pause"), key=f"{key}_pause", width="stretch"):
        apply("pause")
    if row.button(_("+1 minute"), key=f"{key}_more", width="stretch"):
        apply("extend")
    if row.button(_("Skip"), key=f"{key}_skip", width="stretch"):
        apply("skip")
    problem = st.session_state.pop(f"{key}_error", None)
    if problem:
        st.error(problem)


def _turn_display(
    exercise: SpeakerListenerExercise, stored: str | None, seat: str | None, key: str
) -> None:
    moment = time.time()
    view = room.turn_now(stored, exercise, now=moment)
    if st.session_state.get(f"{key}_planned") != (view.status, view.index):
        st.rerun(scope="app")  # a new phase: its buttons, and when to draw again
    if seat is None:
        if view.status == "done":
            headline, sub = _("Turns done"), _("Thank each other.")
        else:
            headline, sub = phase_line(view.phase), ""
    else:
        headline, sub = (_(line) for line in room.floor_line(view, seat))
    st.markdown(f"### {headline}")
    if sub:
        st.caption(sub)
    if view.status == "done":
        return
    countdown(
        timer=view.timer(),
        now=moment,
        key=f"{key}_clock",
        size="large",
        label=_("Round {number} of {count}").format(number=view.phase.round, count=exercise.rounds),
    )
    following = view.next_phase
    if following is not None:
        st.caption(_("Next: {phase}").format(phase=phase_line(following)))


def phase_line(phase: Phase) -> str:
    """What two people on one phone do in ``phase``, in a few words, A and B being the
    first and the second partner."""
    if phase.kind == "speak":
        return _("{speaker} speaks · {listener} listens").format(
            speaker=phase.speaker, listener=phase.listener
        )
    if phase.kind == "paraphrase":
        return _("{name} says back what they heard").format(name=phase.listener)
    return _("Swap: {name} speaks next").format(name="B" if phase.speaker == "A" else "A")
