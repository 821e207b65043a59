"""Together: a couple goes through the workshop side by side on one device, at their own pace.

Everything the couple types lives in this browser session only: nothing from this page is
written to the database or to any file on the server. Saving is a download to their device.
Their words are always rendered as escaped text, and names never go into widget labels
(labels are Markdown).
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from workshop import couple, couple_file, couple_plan, couple_turns
from workshop.components.countdown import countdown
from workshop.content import Exercise, Module, SpeakerListenerExercise
from workshop.couple import CoupleProgress, Names, Partner
from workshop.timer import Phase, Timer
from workshop.views.common import content, content_note, support_panel, user_text

clock: Callable[[], float] = time.time
"""The page's clock (epoch seconds). Tests replace it to move time without waiting."""

POLL_SECONDS = 2.0
"""How often a running turn timer asks the server whether the phase changed (digits tick in
the browser regardless)."""

PROGRESS = "together_progress"
NAMES = "together_names"
SOUND = "together_sound"
MESSAGE = "together_message"
UPLOAD = "together_upload"
WIPE_ASK = "together_wipe_ask"
BREAK_MINUTES = "together_break_minutes"

CALMING = (
    "Breathe slowly: in for four, out for six, a few times.",
    "Have a glass of water.",
    "Take a short walk, or step outside for some air.",
    "Do something soothing on your own: music, a shower, a page of a book.",
    "Try not to go over the conversation in your head; you will come back to it together.",
)

STYLE = """
<style>
.st-key-together button { min-height: 3rem; font-size: 1.05rem; }
.st-key-together_cue_box { display: none; }
.together-name { font-weight: 700; font-size: 1.15rem; margin: 0 0 0.25rem; overflow-wrap: anywhere; }
.together-turn { font-size: clamp(1.6rem, 6vw, 2.6rem); font-weight: 700; line-height: 1.15;
  text-align: center; margin: 0.5rem 0 0.25rem; overflow-wrap: anywhere; }
.together-sub { text-align: center; color: rgba(49, 51, 63, 0.7); font-size: 1.05rem;
  overflow-wrap: anywhere; }
.together-big { font-size: 3rem; font-weight: 700; line-height: 1.1; }
.together-back { font-size: clamp(2rem, 8vw, 3.2rem); font-weight: 700; text-align: center; }
.bedrock-text { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 1.1rem; }
</style>
"""


def page() -> None:
    """The couple path: names, then every stage card by card, with the break always one tap away."""
    st.html(STYLE)
    with st.container(key="together"):
        names = st.session_state.get(NAMES)
        if names is None:
            _names_screen()
            return
        progress = _progress()
        _header(progress)
        _message()
        if progress.rest is not None:
            _break_screen(progress)
            return
        spot = couple.current_item(progress, content=content())
        if spot is None:
            _finished(progress, names)
            return
        module, item = spot
        choice = content_note(module, state_key=f"together_note_{module.id}")
        if choice is None:
            _nav(progress, back_only=True)
            return
        if choice == "skip":
            del st.session_state[f"together_note_{module.id}"]
            _save(couple.skip_stage(progress, content=content()))
            st.rerun()
        if item.kind == "slide":
            _slide(module, item.index)
            _nav(progress)
        else:
            exercise = content().exercises[item.exercise_id or ""]
            _exercise(progress, exercise, names)
        _footer(progress, names, expanded=False)


# --- state ------------------------------------------------------------------------------


def _now() -> float:
    return clock()


def _progress() -> CoupleProgress:
    if PROGRESS not in st.session_state:
        st.session_state[PROGRESS] = CoupleProgress()
    return st.session_state[PROGRESS]


def _save(progress: CoupleProgress) -> None:
    st.session_state[PROGRESS] = progress


def _change(step: Callable[[CoupleProgress], CoupleProgress]) -> Callable[[], None]:
    """A button callback applying ``step`` to the progress (runs before the page redraws)."""

    def run() -> None:
        try:
            _save(step(_progress()))
        except couple.InvalidAnswer as error:
            st.session_state[MESSAGE] = ("warning", str(error))

    return run


def _sound() -> bool:
    return bool(st.session_state.get(SOUND, True))


def _message() -> None:
    message = st.session_state.pop(MESSAGE, None)
    if message:
        level, text = message
        getattr(st, level)(text)


def _text(markup_class: str, text: str) -> None:
    """One line of our own markup around escaped text (names included)."""
    st.html(f'<div class="{markup_class}">{html.escape(text)}</div>')


# --- the frame of every screen -------------------------------------------------------------


def _names_screen() -> None:
    _top_bar(with_break=False)
    _message()
    st.title("Together")
    st.markdown(
        "Go through the workshop side by side on this device, at your own pace. "
        "Some questions you answer privately, then choose together what to show each other. "
        "**Nothing you write is stored:** it is held only while this page is open, and "
        "forgotten when you close it or wipe everything."
    )
    with st.form("together_names_form", border=True):
        st.markdown("**What shall we call you?**")
        left, right = st.columns(2)
        left.text_input(
            "First partner", value="Partner A", max_chars=couple.NAME_CHARS, key="together_name_a"
        )
        right.text_input(
            "Second partner", value="Partner B", max_chars=couple.NAME_CHARS, key="together_name_b"
        )
        st.caption("Names are only used on this screen, and are never saved in a file.")
        st.form_submit_button("Let's begin", type="primary", width="stretch", on_click=_set_names)
    with st.expander("Continuing from an earlier evening?"):
        _continue_uploader()
    progress = st.session_state.get(PROGRESS)
    if progress is not None and progress != CoupleProgress():
        st.info(f"Your saved progress is ready: {couple.where(progress, content=content()).label}.")


def _set_names() -> None:
    try:
        names = couple.clean_names(
            a=st.session_state.get("together_name_a", ""),
            b=st.session_state.get("together_name_b", ""),
        )
    except couple.InvalidAnswer as error:
        st.session_state[MESSAGE] = ("warning", str(error))
        return
    st.session_state[NAMES] = names


def _header(progress: CoupleProgress) -> None:
    here = couple.where(progress, content=content())
    _top_bar(with_break=progress.rest is None)
    st.progress(here.fraction, text=here.label)


def _top_bar(*, with_break: bool) -> None:
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.markdown("**Together**", width="stretch")
        support_panel(key="together_support")
        if with_break:
            _break_chooser()


def _break_chooser() -> None:
    with st.popover("Take a break", icon=":material/self_improvement:"):
        st.markdown("**Take a break**")
        st.caption(
            "When feelings run high, a pause of at least 20 minutes helps both of you settle. "
            "Everything waits here, timers included."
        )
        st.pills(
            "For how long?",
            couple.BREAK_CHOICES,
            default=couple.MIN_BREAK_MINUTES,
            format_func=lambda m: f"{m} min",
            key=BREAK_MINUTES,
            required=True,
        )
        st.button("Start the break", key="together_break_go", type="primary", on_click=_start_break)


def _start_break() -> None:
    minutes = st.session_state.get(BREAK_MINUTES) or couple.MIN_BREAK_MINUTES
    _save(
        couple.take_break(_progress(), minutes=max(couple.MIN_BREAK_MINUTES, minutes), now=_now())
    )


def _break_screen(progress: CoupleProgress) -> None:
    rest = progress.rest
    assert rest is not None
    now = _now()
    st.header("Taking a break")
    back = couple.clock_time(rest.until, timezone=st.context.timezone)
    st.html(f'<div class="together-back">Back at {html.escape(back)}</div>')
    countdown(
        timer=Timer(duration=rest.until - rest.started_at, ends_at=rest.until),
        now=now,
        key="together_break_clock",
        size="large",
        chime=_sound(),
        label="until you come back",
    )
    with st.container(border=True):
        st.markdown("**While you are apart**")
        st.markdown("\n".join(f"- {line}" for line in CALMING))
    st.caption("Everything is paused: you will come back to exactly the same place.")
    st.button(
        "We're ready to carry on",
        key="together_break_end",
        type="primary",
        width="stretch",
        on_click=_change(lambda p: couple.end_break(p, now=_now())),
    )
    if couple.break_left(progress, now=now) > 0:
        st.caption("Coming back early is fine if you both feel settled.")


def _nav(
    progress: CoupleProgress,
    *,
    back_only: bool = False,
    next_label: str = "Next",
    next_primary: bool = True,
) -> None:
    at_start = progress.stage == 0 and progress.item == 0
    with st.container(horizontal=True, gap="small"):
        st.button(
            "Back",
            key="together_back",
            icon=":material/arrow_back:",
            width="stretch",
            disabled=at_start,
            on_click=_change(lambda p: couple.go_back(p, content=content())),
        )
        if not back_only:
            st.button(
                next_label,
                key="together_next",
                type="primary" if next_primary else "secondary",
                icon=":material/arrow_forward:",
                icon_position="right",
                width="stretch",
                on_click=_change(lambda p: couple.go_next(p, content=content())),
            )


def _slide(module: Module, index: int) -> None:
    slide = module.slides[index]
    with st.container(border=True):
        st.caption(f"{module.title} · {index + 1} of {len(module.slides)}")
        st.subheader(slide.title)
        st.markdown(slide.body)


# --- exercises ------------------------------------------------------------------------------


def _exercise(progress: CoupleProgress, exercise: Exercise, names: Names) -> None:
    turn_started = exercise.id in progress.turns
    if turn_started:
        st.subheader(exercise.title)
        with st.expander("What to talk about"):
            st.markdown(exercise.couple_prompt)
    else:
        with st.container(border=True):
            st.caption(f"Exercise · about {exercise.minutes:g} minutes")
            st.subheader(exercise.title)
            st.markdown(exercise.couple_prompt)
    if exercise.kind in couple.PRIVATE_KINDS:
        _private(progress, exercise, names)
    elif exercise.kind == "speaker-listener":
        assert isinstance(exercise, SpeakerListenerExercise)
        _turns(progress, exercise, names)
        _nav(progress)
    elif exercise.kind == "plan":
        _plan(progress, exercise)
        _nav(progress)
    else:
        _text("together-sub", f"{names.a} goes first, then {names.b}. Nothing is typed here.")
        _nav(progress)


def _private(progress: CoupleProgress, exercise: Exercise, names: Names) -> None:
    eid = exercise.id
    if eid in progress.revealed:
        _revealed(progress, exercise, names)
        _nav(progress)
        return
    if progress.answering is not None:
        _entry(progress, exercise, names, progress.answering)
        return
    turn = couple.next_to_answer(progress, exercise_id=eid)
    if turn is not None:
        _answered_so_far(progress, exercise, names)
        other = "B" if turn == "A" else "A"
        with st.container(border=True):
            _text("together-turn", f"{names.of(turn)}'s turn")
            _text("together-sub", f"{names.of(other)}, please look away for a moment.")
            st.button(
                "I'm ready: show my question",
                key=f"together_open_{eid}_{turn}",
                type="primary",
                width="stretch",
                on_click=_change(
                    lambda p: couple.open_entry(p, exercise=exercise, partner=turn, now=_now())
                ),
            )
        _nav(progress, next_label="Skip this exercise", next_primary=False)
        return
    _share_choices(progress, exercise, names)
    _nav(progress, next_label="Skip this exercise", next_primary=False)


def _answered_so_far(progress: CoupleProgress, exercise: Exercise, names: Names) -> None:
    for partner in couple.PARTNERS:
        answer = couple.answer_of(progress, exercise_id=exercise.id, partner=partner)
        if answer is not None:
            done = "passed" if answer.status == "passed" else "has answered"
            _text("together-sub", f"{names.of(partner)} {done}.")


def _entry(progress: CoupleProgress, exercise: Exercise, names: Names, partner: Partner) -> None:
    eid = exercise.id
    _text("together-name", f"{names.of(partner)}, this one is just for you")
    key = f"together_value_{eid}_{partner}"
    if exercise.kind == "timed-writing":
        countdown(
            timer=couple.writing_timer(progress, exercise_id=eid, partner=partner),
            now=_now(),
            key=f"together_write_{eid}_{partner}",
            size="small",
            chime=_sound(),
            label="time to write",
        )
    with st.form(f"together_form_{eid}_{partner}", clear_on_submit=True, border=True):
        _entry_widget(exercise, key)
        st.caption("Only you see this now. Afterwards you choose whether to show it.")
        done, skip = st.columns(2)
        done.form_submit_button(
            "Done", type="primary", width="stretch", on_click=_submit, args=(exercise, partner, key)
        )
        skip.form_submit_button(
            "Pass",
            width="stretch",
            on_click=_change(lambda p: couple.pass_answer(p, exercise_id=eid, partner=partner)),
        )


def _entry_widget(exercise: Exercise, key: str) -> None:
    kind = exercise.kind
    if kind == "reflection":
        st.text_area("Your answer", max_chars=exercise.max_chars, height=180, key=key)
    elif kind == "word":
        st.text_input("Your word", max_chars=exercise.max_chars, key=key)
    elif kind == "scale":
        st.pills("Your number", list(range(exercise.min, exercise.max + 1)), key=key)
        st.caption(f"{exercise.min} = {exercise.min_label} · {exercise.max} = {exercise.max_label}")
    elif kind == "choice":
        st.radio("Your choice", exercise.options, index=None, key=key)
    elif kind == "ranking":
        st.multiselect(
            "Your order",
            exercise.items,
            key=key,
            placeholder="Tap the one that matters most first",
        )
        st.caption("Tap them in order, most important first.")
    elif kind == "checklist":
        for number, item in enumerate(exercise.items):
            st.checkbox(item, key=f"{key}_{number}")
    elif kind == "timed-writing":
        for number in range(exercise.target):
            st.text_input(f"{number + 1}.", max_chars=couple.LIST_ITEM_CHARS, key=f"{key}_{number}")


def _entry_value(exercise: Exercise, key: str) -> object:
    state = st.session_state
    if exercise.kind == "checklist":
        return [item for n, item in enumerate(exercise.items) if state.get(f"{key}_{n}")]
    if exercise.kind == "timed-writing":
        return [state.get(f"{key}_{n}", "") for n in range(exercise.target)]
    return state.get(key)


def _submit(exercise: Exercise, partner: Partner, key: str) -> None:
    value = _entry_value(exercise, key)
    _change(lambda p: couple.submit_answer(p, exercise=exercise, partner=partner, value=value))()


def _share_choices(progress: CoupleProgress, exercise: Exercise, names: Names) -> None:
    eid = exercise.id
    labels = {"shared": "Will share", "private": "Keeps it private", "passed": "Passed"}
    with st.container(border=True):
        st.markdown("**You have both answered.** Would each of you like to share yours?")
        st.caption("Either choice is fine. An answer kept private is forgotten right away.")
        for partner in couple.PARTNERS:
            answer = couple.answer_of(progress, exercise_id=eid, partner=partner)
            assert answer is not None
            _text("together-name", names.of(partner))
            if answer.status != "pending":
                st.caption(labels[answer.status])
                continue
            with st.container(horizontal=True, gap="small"):
                st.button(
                    "Share",
                    key=f"together_share_{eid}_{partner}",
                    icon=":material/visibility:",
                    width="stretch",
                    on_click=_change(_chooser(eid, partner, share=True)),
                )
                st.button(
                    "Keep to myself",
                    key=f"together_keep_{eid}_{partner}",
                    icon=":material/lock:",
                    width="stretch",
                    on_click=_change(_chooser(eid, partner, share=False)),
                )
        ready = couple.ready_to_reveal(progress, exercise_id=eid)
        st.button(
            "Reveal",
            key=f"together_reveal_{eid}",
            type="primary",
            width="stretch",
            disabled=not ready,
            on_click=_change(lambda p: couple.reveal(p, exercise_id=eid)),
        )


def _chooser(
    eid: str, partner: Partner, *, share: bool
) -> Callable[[CoupleProgress], CoupleProgress]:
    return lambda p: couple.choose(p, exercise_id=eid, partner=partner, share=share)


def _revealed(progress: CoupleProgress, exercise: Exercise, names: Names) -> None:
    eid = exercise.id
    shown = couple.shared_answers(progress, exercise_id=eid)
    columns = st.columns(2)
    for column, partner in zip(columns, couple.PARTNERS, strict=True):
        with column.container(border=True):
            _text("together-name", names.of(partner))
            value = shown[partner]
            if value is None:
                answer = couple.answer_of(progress, exercise_id=eid, partner=partner)
                passed = answer is not None and answer.status == "passed"
                st.caption("Passed this one." if passed else "Kept this one private.")
            elif isinstance(value, int):
                st.html(f'<div class="together-big">{int(value)}</div>')
                st.caption(f"out of {exercise.max}")
            else:
                for line in couple_plan.answer_lines(exercise, value):
                    user_text(line)
    if exercise.kind == "checklist" and all(isinstance(v, list) for v in shown.values()):
        both = [item for item in shown["A"] or [] if item in (shown["B"] or [])]
        if both:
            st.markdown("**You both ticked**")
            for item in both:
                user_text(item)
    if exercise.kind == "scale":
        _checkins(progress, names)
    st.button(
        "Do this one again",
        key=f"together_again_{eid}",
        type="tertiary",
        on_click=_change(lambda p: couple.start_over(p, exercise_id=eid)),
    )


def _checkins(progress: CoupleProgress, names: Names) -> None:
    points = couple.checkins(progress, content=content())
    order = list(dict.fromkeys(c.title for c in points))
    if len(order) < 2:
        return
    st.markdown("**Your check-ins**")
    for partner in couple.PARTNERS:
        numbers = [str(c.value) for c in points if c.partner == partner]
        if numbers:
            user_text(f"{names.of(partner)}: {' → '.join(numbers)}")
    frame = pd.DataFrame(
        {
            "moment": [c.title for c in points],
            "who": [names.of(c.partner) for c in points],
            "number": [c.value for c in points],
        }
    )
    low, high = points[0].low, points[0].high
    chart = (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=90))
        .encode(
            x=alt.X("moment:N", sort=order, title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("number:Q", title=None, scale=alt.Scale(domain=[low, high])),
            color=alt.Color(
                "who:N",
                title=None,
                scale=alt.Scale(domain=[names.a, names.b], range=["#8a4b3c", "#3c6e8a"]),
                legend=alt.Legend(orient="bottom"),
            ),
        )
        .properties(height=200)
    )
    st.altair_chart(chart, width="stretch")


# --- the speaker-listener turn timer -------------------------------------------------------


def _turns(progress: CoupleProgress, exercise: SpeakerListenerExercise, names: Names) -> None:
    eid = exercise.id
    turn = progress.turns.get(eid, couple_turns.Turn())
    view = couple_turns.turn_view(turn, exercise=exercise, now=_now())
    if view.status == "ready":
        _rules(exercise)
        _text("together-sub", f"{names.a} is A and speaks first; {names.b} is B.")
        st.button(
            "Start",
            key="together_turn_start",
            type="primary",
            width="stretch",
            icon=":material/play_arrow:",
            on_click=_change(
                lambda p: couple.set_turn(
                    p, exercise_id=eid, turn=couple_turns.turn_start(now=_now())
                )
            ),
        )
        _sound_toggle()
        return
    run_every = POLL_SECONDS if view.status == "running" else None
    st.fragment(_turn_display, run_every=run_every, key="together_turn_live")(exercise, names)
    if view.status == "done":
        st.success("Both rounds are done. Take a moment: what was it like to be listened to?")
    else:
        _turn_controls(view, exercise)
    _sound_toggle()
    with st.expander("The rules"):
        _rules(exercise, border=False)
    st.button(
        "Start the turns again",
        key="together_turn_reset",
        type="tertiary",
        on_click=_change(lambda p: couple.set_turn(p, exercise_id=eid, turn=None)),
    )


def _sound_toggle() -> None:
    st.toggle("Soft sounds", value=True, key=SOUND)
    if not _sound():
        st.caption("Sounds are off: the timers stay silent.")


def _rules(exercise: SpeakerListenerExercise, *, border: bool = True) -> None:
    with st.container(border=border):
        if border:
            st.markdown("**The rules**")
        st.markdown("\n".join(f"- {rule}" for rule in exercise.rules))


def _turn_display(exercise: SpeakerListenerExercise, names: Names) -> None:
    now = _now()
    turn = _progress().turns.get(exercise.id, couple_turns.Turn())
    view = couple_turns.turn_view(turn, exercise=exercise, now=now)
    if view.status == "done":
        if st.session_state.get("together_turn_was_running"):
            st.session_state["together_turn_was_running"] = False
            st.rerun(scope="app")
        _text("together-turn", "Done")
        return
    st.session_state["together_turn_was_running"] = view.status == "running"
    phase = view.phase
    holder = names.of(couple_turns.floor_holder(phase))
    other = names.of(phase.listener if phase.kind == "speak" else phase.speaker)
    if phase.kind == "speak":
        headline, sub = f"{holder} speaks", f"{other} listens, without replying"
    elif phase.kind == "paraphrase":
        headline, sub = (
            f"{holder} says back what they heard",
            f"{other} listens, then says if it fits",
        )
    else:
        headline, sub = f"Swap: {holder} speaks next", "Take a breath"
    _text("together-turn", headline)
    _text("together-sub", sub)
    countdown(
        timer=view.timer(),
        now=now,
        key="together_turn_clock",
        size="huge",
        chime=_sound(),
        label=f"Round {phase.round} of {exercise.rounds}",
    )
    cue = view.cue_at()
    if cue is not None:
        with st.container(key="together_cue_box"):
            countdown(
                timer=Timer(duration=cue - now if cue > now else 0.0, ends_at=cue),
                now=now,
                key="together_turn_cue",
                size="small",
                chime=_sound(),
            )
    following = view.next_phase
    if following is not None:
        _text("together-sub", f"Next: {_phase_name(following, names)}")


def _phase_name(phase: Phase, names: Names) -> str:
    holder = names.of(couple_turns.floor_holder(phase))
    return {
        "speak": f"{holder} speaks",
        "paraphrase": f"{holder} says back what they heard",
        "swap": "swap",
    }[phase.kind]


def _turn_controls(view: couple_turns.TurnView, exercise: SpeakerListenerExercise) -> None:
    eid = exercise.id

    def update(step: Callable[[couple_turns.Turn], couple_turns.Turn]) -> Callable[[], None]:
        return _change(
            lambda p: couple.set_turn(
                p, exercise_id=eid, turn=step(p.turns.get(eid, couple_turns.Turn()))
            )
        )

    row = st.container(horizontal=True, gap="small")
    if view.status == "paused":
        row.button(
            "Resume",
            key="together_turn_resume",
            type="primary",
            icon=":material/play_arrow:",
            width="stretch",
            on_click=update(lambda t: couple_turns.turn_resume(t, now=_now())),
        )
    else:
        row.button(
            "Pause",
            key="together_turn_pause",
            icon=":material/pause:",
            width="stretch",
            on_click=update(lambda t: couple_turns.turn_pause(t, now=_now())),
        )
    row.button(
        "+1 minute",
        key="together_turn_more",
        width="stretch",
        on_click=update(lambda t: couple_turns.turn_extend(t, exercise=exercise, now=_now())),
    )
    row.button(
        "Skip phase",
        key="together_turn_skip",
        icon=":material/skip_next:",
        width="stretch",
        on_click=update(lambda t: couple_turns.turn_skip(t, exercise=exercise, now=_now())),
    )


# --- the plan they write together ----------------------------------------------------------


def _plan(progress: CoupleProgress, exercise: Exercise) -> None:
    saved = progress.plans.get(exercise.id, {})
    with st.form(f"together_plan_{exercise.id}", border=True):
        for field in exercise.fields:
            st.text_area(
                field.label,
                value=saved.get(field.name, ""),
                placeholder=field.hint,
                max_chars=300,
                height=80,
                key=f"together_plan_{exercise.id}_{field.name}",
            )
        st.form_submit_button(
            "Save our plan", type="primary", width="stretch", on_click=_save_plan, args=(exercise,)
        )
    if saved:
        st.caption('Saved on this screen. It will be in "Our plan" when you download it.')


def _save_plan(exercise: Exercise) -> None:
    values = {
        f.name: st.session_state.get(f"together_plan_{exercise.id}_{f.name}", "") or ""
        for f in exercise.fields
    }
    _change(lambda p: couple.set_plan(p, exercise=exercise, values=values))()


# --- the end, and saving ---------------------------------------------------------------------


def _finished(progress: CoupleProgress, names: Names) -> None:
    st.header("You made it to the end")
    st.markdown(
        "Thank you for taking this time for each other. Download your plan to keep it, "
        "and pick a moment next week to look at it together."
    )
    _checkins(progress, names)
    _nav(progress, back_only=True)
    _footer(progress, names, expanded=True)


def _footer(progress: CoupleProgress, names: Names, *, expanded: bool) -> None:
    """Downloads are built only when pressed (in the browser's request, from this snapshot)."""
    today = date.fromtimestamp(_now())
    workshop = content()

    def plan() -> couple_plan.PlanDocument:
        return couple_plan.plan_document(progress, content=workshop, names=names, today=today)

    with st.expander("Our plan, saving and wiping", expanded=expanded, icon=":material/download:"):
        st.markdown("**Our plan**: what you shared and the plan you wrote, on one page.")
        with st.container(horizontal=True, gap="small"):
            st.download_button(
                "Plan (PDF)",
                data=lambda: couple_plan.plan_pdf(plan()),
                file_name="our-plan.pdf",
                mime="application/pdf",
                key="together_plan_pdf",
                type="primary" if expanded else "secondary",
                on_click="ignore",
                width="stretch",
            )
            st.download_button(
                "To print",
                data=lambda: couple_plan.plan_html(plan()),
                file_name="our-plan.html",
                mime="text/html",
                key="together_plan_html",
                on_click="ignore",
                width="stretch",
            )
            st.download_button(
                "Markdown",
                data=lambda: couple_plan.plan_markdown(plan()),
                file_name="our-plan.md",
                mime="text/markdown",
                key="together_plan_md",
                on_click="ignore",
                width="stretch",
            )
        st.divider()
        st.download_button(
            "Save our progress",
            data=lambda: couple_file.to_file(progress, now=clock()),
            file_name=couple_file.file_name(today=today),
            mime="application/json",
            key="together_save",
            on_click="ignore",
            icon=":material/save:",
            width="stretch",
        )
        st.caption(
            "The file goes to this device only. It holds what you shared with each other; "
            "anything kept private or not yet revealed stays out. Names are not saved."
        )
        _continue_uploader()
        st.divider()
        _wipe()


def _continue_uploader() -> None:
    st.file_uploader(
        "Continue from a file",
        type=["json"],
        key=UPLOAD,
        on_change=_load_file,
        max_upload_size=1,
    )


def _load_file() -> None:
    uploaded = st.session_state.get(UPLOAD)
    if uploaded is None:
        return
    try:
        loaded = couple_file.from_file(uploaded.getvalue(), content=content())
    except couple_file.ProgressFileError as error:
        st.session_state[MESSAGE] = ("error", str(error))
        return
    _save(loaded)
    label = couple.where(loaded, content=content()).label
    st.session_state[MESSAGE] = ("success", f"Welcome back. You are at {label}.")


def _wipe() -> None:
    if not st.session_state.get(WIPE_ASK):
        st.button(
            "Wipe everything", key="together_wipe", icon=":material/delete:", on_click=_ask_wipe
        )
        return
    st.warning(
        "This clears your names and every answer from this screen. Files you saved stay on "
        "your device. Wipe everything?"
    )
    yes, no = st.columns(2)
    yes.button(
        "Yes, wipe everything",
        key="together_wipe_yes",
        type="primary",
        width="stretch",
        on_click=_wipe_all,
    )
    no.button("Cancel", key="together_wipe_no", width="stretch", on_click=_cancel_wipe)


def _ask_wipe() -> None:
    st.session_state[WIPE_ASK] = True


def _cancel_wipe() -> None:
    st.session_state[WIPE_ASK] = False


def _wipe_all() -> None:
    for key in list(st.session_state.keys()):
        if str(key).startswith("together"):
            del st.session_state[key]
    st.session_state[MESSAGE] = ("success", "Everything from this session has been wiped.")
