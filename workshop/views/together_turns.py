"""Together: the speaker-listener turn timer, one phase after another on one screen, with
pause, +1 minute and skip, and soft sounds."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from workshop.components.announcer import announcer
from workshop.components.countdown import countdown
from workshop.content.model import SpeakerListenerExercise
from workshop.couple import evening, turn_timer
from workshop.couple.evening import CoupleProgress, Names
from workshop.engine import announce
from workshop.engine.timer import Phase, Timer
from workshop.i18n.screen import _
from workshop.views.together_common import (
    SOUND,
    change,
    current_progress,
    now,
    sound_on,
    styled_text,
)

PHASE_SAID = "together_phase_said"
"""The phase the turn timer's live region said last."""
POLL_SECONDS = 2.0
"""How often a running turn timer asks the server whether the phase changed (digits tick in
the browser regardless)."""


def turns(progress: CoupleProgress, exercise: SpeakerListenerExercise, names: Names) -> None:
    """The turn timer: the rules and Start, then the live phase with its controls."""
    eid = exercise.id
    turn = progress.turns.get(eid, turn_timer.Turn())
    view = turn_timer.turn_view(turn, exercise=exercise, now=now())
    if view.status == "ready":
        _rules(exercise)
        styled_text(
            "together-sub",
            _("{first} is A and speaks first; {second} is B.").format(
                first=names.a, second=names.b
            ),
        )
        st.button(
            _("Start"),
            key="together_turn_start",
            type="primary",
            width="stretch",
            icon=":material/play_arrow:",
            on_click=change(
                lambda p: evening.set_turn(
                    p, exercise_id=eid, turn=turn_timer.turn_start(now=now())
                )
            ),
        )
        _sound_toggle()
        return
    run_every = POLL_SECONDS if view.status == "running" else None
    st.fragment(_turn_display, run_every=run_every, key="together_turn_live")(exercise, names)
    if view.status == "done":
        st.success(_("Both rounds are done. Take a moment: what was it like to be listened to?"))
    else:
        _turn_controls(view, exercise)
    _sound_toggle()
    with st.expander(_("The rules")):
        _rules(exercise, border=False)
    st.button(
        _("Start the turns again"),
        key="together_turn_reset",
        type="tertiary",
        on_click=change(lambda p: evening.set_turn(p, exercise_id=eid, turn=None)),
    )


def _sound_toggle() -> None:
    st.toggle(_("Soft sounds"), value=True, key=SOUND)
    if not sound_on():
        st.caption(_("Sounds are off: the timers stay silent."))


def _rules(exercise: SpeakerListenerExercise, *, border: bool = True) -> None:
    with st.container(border=border):
        if border:
            st.markdown(_("**The rules**"))
        st.markdown("\n".join(f"- {rule}" for rule in exercise.rules))


def _turn_display(exercise: SpeakerListenerExercise, names: Names) -> None:
    moment = now()
    turn = current_progress().turns.get(exercise.id, turn_timer.Turn())
    view = turn_timer.turn_view(turn, exercise=exercise, now=moment)
    if view.status == "done":
        if st.session_state.get("together_turn_was_running"):
            st.session_state["together_turn_was_running"] = False
            st.rerun(scope="app")
        _say_phase(_("Done"), moment)
        styled_text("together-turn", _("Done"))
        return
    st.session_state["together_turn_was_running"] = view.status == "running"
    phase = view.phase
    holder = names.of(turn_timer.floor_holder(phase))
    other = names.of(phase.listener if phase.kind == "speak" else phase.speaker)
    if phase.kind == "speak":
        headline = _("{name} speaks").format(name=holder)
        sub = _("{name} listens, without replying").format(name=other)
    elif phase.kind == "paraphrase":
        headline = _("{name} says back what they heard").format(name=holder)
        sub = _("{name} listens, then says if it fits").format(name=other)
    else:
        headline = _("Swap: {name} speaks next").format(name=holder)
        sub = _("Take a breath")
    _say_phase(_("Round {number}: {phase}").format(number=phase.round, phase=headline), moment)
    styled_text("together-turn", headline)
    styled_text("together-sub", sub)
    countdown(
        timer=view.timer(),
        now=moment,
        key="together_turn_clock",
        # Large, not huge: the timer, its controls and the topic fit one laptop screen.
        size="large",
        chime=sound_on(),
        label=_("Round {number} of {count}").format(number=phase.round, count=exercise.rounds),
    )
    cue = view.cue_at()
    if cue is not None:
        with st.container(key="together_cue_box"):
            countdown(
                timer=Timer(duration=cue - moment if cue > moment else 0.0, ends_at=cue),
                now=moment,
                key="together_turn_cue",
                size="small",
                chime=sound_on(),
            )
    following = view.next_phase
    if following is not None:
        styled_text("together-sub", _("Next: {phase}").format(phase=_phase_name(following, names)))


def _say_phase(line: str, moment: float) -> None:
    """The turn timer's own live region, first in its fragment: says each new phase once
    (the fragment redraws every POLL_SECONDS, with no rerun of the page around it)."""
    said = st.session_state.get(PHASE_SAID)
    st.session_state[PHASE_SAID] = line
    announcer(key="together_turn_say", message=announce.turn_news(said, line), now=moment)


def _phase_name(phase: Phase, names: Names) -> str:
    holder = names.of(turn_timer.floor_holder(phase))
    if phase.kind == "speak":
        return _("{name} speaks").format(name=holder)
    if phase.kind == "paraphrase":
        return _("{name} says back what they heard").format(name=holder)
    return _("swap")


def _turn_controls(view: turn_timer.TurnView, exercise: SpeakerListenerExercise) -> None:
    eid = exercise.id

    def update(step: Callable[[turn_timer.Turn], turn_timer.Turn]) -> Callable[[], None]:
        return change(
            lambda p: evening.set_turn(
                p, exercise_id=eid, turn=step(p.turns.get(eid, turn_timer.Turn()))
            )
        )

    row = st.container(horizontal=True, gap="small")
    if view.status == "paused":
        row.button(
            _("Resume"),
            key="together_turn_resume",
            type="primary",
            icon=":material/play_arrow:",
            width="stretch",
            on_click=update(lambda t: turn_timer.turn_resume(t, now=now())),
        )
    else:
        row.button(
            _("Pause"),
            key="together_turn_pause",
            icon=":material/pause:",
            width="stretch",
            on_click=update(lambda t: turn_timer.turn_pause(t, now=now())),
        )
    row.button(
        _("+1 minute"),
        key="together_turn_more",
        width="stretch",
        on_click=update(lambda t: turn_timer.turn_extend(t, exercise=exercise, now=now())),
    )
    row.button(
        _("Skip phase"),
        key="together_turn_skip",
        icon=":material/skip_next:",
        width="stretch",
        on_click=update(lambda t: turn_timer.turn_skip(t, exercise=exercise, now=now())),
    )
