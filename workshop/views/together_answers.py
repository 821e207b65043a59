"""Together: the exercises each partner answers alone (choosing there, privately, whether to
show their answer), then the reveal side by side, with the check-ins chart.

The other partner looks away while one answers or changes their choice. Who goes first
takes turns from one exercise to the next, or the couple swap it. A kept answer's words are
forgotten at the reveal (see :mod:`workshop.couple.evening`); their words are always rendered
as escaped text.
"""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st

from workshop.components.countdown import countdown
from workshop.content.model import Exercise
from workshop.couple import evening
from workshop.couple.evening import CoupleProgress, Names, Partner
from workshop.i18n import N_
from workshop.i18n.screen import _
from workshop.printing.couple_plan import answer_lines
from workshop.views.common import content, user_text
from workshop.views.together_common import (
    PROGRESS,
    change,
    forget_drafts,
    nav,
    note,
    now,
    prefill,
    remember_draft,
    sound_on,
    styled_text,
    whose_turn,
)


def private(progress: CoupleProgress, exercise: Exercise, names: Names) -> None:
    """An exercise answered alone: whose turn it is, the entry, share or keep, the reveal."""
    eid = exercise.id
    if eid in progress.revealed:
        _revealed(progress, exercise, names)
        nav(progress)
        return
    if progress.answering is not None:
        _entry(progress, exercise, names, progress.answering)
        return
    if progress.choosing is not None:
        _private_choice(progress, exercise, names, progress.choosing)
        return
    first = evening.first_partner(progress, exercise_id=eid, content=content())
    turn = evening.next_to_answer(progress, exercise_id=eid, first=first)
    if turn is not None:
        _answered_so_far(progress, exercise, names)
        other = evening.other_partner(turn)
        with st.container(border=True):
            whose_turn(_("{name}'s turn").format(name=names.of(turn)))
            styled_text(
                "together-sub",
                _("{name}, please look away for a moment.").format(name=names.of(other)),
            )
            st.button(
                _("I'm ready: show my question"),
                key=f"together_open_{eid}_{turn}",
                type="primary",
                width="stretch",
                on_click=change(
                    lambda p: evening.open_entry(p, exercise=exercise, partner=turn, now=now())
                ),
            )
            if not progress.answers.get(eid):
                st.button(
                    _("Swap who goes first"),
                    key=f"together_swap_first_{eid}",
                    type="tertiary",
                    icon=":material/swap_horiz:",
                    on_click=change(
                        lambda p: evening.choose_first(p, exercise_id=eid, partner=other)
                    ),
                )
        nav(progress, next_label=_("Skip this exercise"), next_primary=False)
        return
    _before_reveal(progress, exercise, names)
    nav(progress, next_label=_("Skip this exercise"), next_primary=False)


def _answered_so_far(progress: CoupleProgress, exercise: Exercise, names: Names) -> None:
    for partner in evening.PARTNERS:
        answer = evening.answer_of(progress, exercise_id=exercise.id, partner=partner)
        if answer is not None:
            done = _("{name} passed.") if answer.status == "passed" else _("{name} has answered.")
            styled_text("together-sub", done.format(name=names.of(partner)))


def _entry(progress: CoupleProgress, exercise: Exercise, names: Names, partner: Partner) -> None:
    eid = exercise.id
    styled_text(
        "together-name", _("{name}, this one is just for you").format(name=names.of(partner))
    )
    key = f"together_value_{eid}_{partner}"
    if exercise.kind == "timed-writing":
        countdown(
            timer=evening.writing_timer(progress, exercise_id=eid, partner=partner),
            now=now(),
            key=f"together_write_{eid}_{partner}",
            size="small",
            chime=sound_on(),
            label=_("time to write"),
        )
    with st.container(border=True, key=f"together_form_{eid}_{partner}"):
        _entry_widget(exercise, key)
        st.segmented_control(
            _("At the reveal"),
            SHOW_OR_KEEP,
            default=SHOW_OR_KEEP[0],
            format_func=_,
            required=True,
            key=f"{key}_show",
        )
        st.caption(_("Only you see this now, and only you know which you chose."))
        done, skip = st.columns(2)
        done.button(
            _("Done"),
            key=f"together_done_{eid}_{partner}",
            type="primary",
            width="stretch",
            on_click=_submit,
            args=(exercise, partner, key),
        )
        skip.button(
            _("Pass"),
            key=f"together_pass_{eid}_{partner}",
            width="stretch",
            on_click=_pass,
            args=(eid, partner, key),
        )


def _entry_widget(exercise: Exercise, key: str) -> None:
    kind = exercise.kind
    if kind == "reflection":
        prefill(key)
        st.text_area(
            _("Your answer"),
            max_chars=exercise.max_chars,
            height=180,
            key=key,
            on_change=remember_draft,
            args=(key,),
        )
    elif kind == "word":
        prefill(key)
        st.text_input(
            _("Your word"),
            max_chars=exercise.max_chars,
            key=key,
            on_change=remember_draft,
            args=(key,),
        )
    elif kind == "scale":
        st.pills(_("Your number"), list(range(exercise.min, exercise.max + 1)), key=key)
        st.caption(f"{exercise.min} = {exercise.min_label} · {exercise.max} = {exercise.max_label}")
    elif kind == "choice":
        st.radio(_("Your choice"), exercise.options, index=None, key=key)
    elif kind == "ranking":
        st.multiselect(
            _("Your order"),
            exercise.items,
            key=key,
            placeholder=_("Tap the one that matters most first"),
        )
        st.caption(_("Tap them in order, most important first."))
    elif kind == "checklist":
        for number, item in enumerate(exercise.items):
            st.checkbox(item, key=f"{key}_{number}")
    elif kind == "timed-writing":
        for number in range(exercise.target):
            line = f"{key}_{number}"
            prefill(line)
            st.text_input(
                f"{number + 1}.",
                max_chars=evening.LIST_ITEM_CHARS,
                key=line,
                on_change=remember_draft,
                args=(line,),
            )


def _entry_value(exercise: Exercise, key: str) -> object:
    state = st.session_state
    if exercise.kind == "checklist":
        return [item for n, item in enumerate(exercise.items) if state.get(f"{key}_{n}")]
    if exercise.kind == "timed-writing":
        return [state.get(f"{key}_{n}", "") for n in range(exercise.target)]
    return state.get(key)


SHOW_OR_KEEP = (N_("Show it"), N_("Keep it to myself"))
"""The two choices at the reveal, as kept in the widget (shown in the screen's language)."""


def _submit(exercise: Exercise, partner: Partner, key: str) -> None:
    value = _entry_value(exercise, key)
    share = st.session_state.get(f"{key}_show", SHOW_OR_KEEP[0]) != SHOW_OR_KEEP[1]
    change(
        lambda p: evening.submit_answer(
            p, exercise=exercise, partner=partner, value=value, share=share
        )
    )()
    if evening.answer_of(st.session_state[PROGRESS], exercise_id=exercise.id, partner=partner):
        forget_drafts(key)


def _pass(exercise_id: str, partner: Partner, key: str) -> None:
    change(lambda p: evening.pass_answer(p, exercise_id=exercise_id, partner=partner))()
    forget_drafts(key)


def _before_reveal(progress: CoupleProgress, exercise: Exercise, names: Names) -> None:
    eid = exercise.id
    with st.container(border=True):
        st.markdown(_("**You have both answered.**"))
        st.caption(
            _(
                "Each of you chose privately whether to show yours. Changed your mind? Tap "
                "your name's button while the other looks away."
            )
        )
        for partner in evening.PARTNERS:
            answer = evening.answer_of(progress, exercise_id=eid, partner=partner)
            assert answer is not None
            with st.container(horizontal=True, vertical_alignment="center", gap="small"):
                styled_text("together-name", names.of(partner))
                if answer.status == "passed":
                    st.caption(_("Passed"))
                    continue
                waiting = answer.status == "pending"
                st.button(
                    _("Choose what to show") if waiting else _("Change my choice"),
                    key=f"together_change_{eid}_{partner}",
                    icon=":material/lock:",
                    on_click=change(lambda p, who=partner: evening.open_choice(p, partner=who)),
                )
        ready = evening.ready_to_reveal(progress, exercise_id=eid)
        st.button(
            _("Reveal"),
            key=f"together_reveal_{eid}",
            type="primary",
            width="stretch",
            disabled=not ready,
            on_click=change(lambda p: evening.reveal(p, exercise_id=eid)),
        )


def _private_choice(
    progress: CoupleProgress, exercise: Exercise, names: Names, partner: Partner
) -> None:
    eid = exercise.id
    answer = evening.answer_of(progress, exercise_id=eid, partner=partner)
    other = evening.other_partner(partner)
    styled_text(
        "together-sub", _("{name}, please look away for a moment.").format(name=names.of(other))
    )
    with st.container(border=True):
        styled_text("together-name", _("{name}, only you see this").format(name=names.of(partner)))
        if answer is not None and answer.status == "shared":
            st.markdown(_("Right now, your answer **will be shown** at the reveal."))
        elif answer is not None and answer.status == "keeping":
            st.markdown(_("Right now, you **keep it to yourself**: it is forgotten at the reveal."))
        with st.container(horizontal=True, gap="small"):
            st.button(
                _("Show it at the reveal"),
                key=f"together_share_{eid}_{partner}",
                icon=":material/visibility:",
                width="stretch",
                on_click=change(_chooser(eid, partner, share=True)),
            )
            st.button(
                _("Keep it to myself"),
                key=f"together_keep_{eid}_{partner}",
                icon=":material/lock:",
                width="stretch",
                on_click=change(_chooser(eid, partner, share=False)),
            )


def _chooser(
    eid: str, partner: Partner, *, share: bool
) -> Callable[[CoupleProgress], CoupleProgress]:
    return lambda p: evening.choose(p, exercise_id=eid, partner=partner, share=share)


def _revealed(progress: CoupleProgress, exercise: Exercise, names: Names) -> None:
    eid = exercise.id
    shown = evening.shared_answers(progress, exercise_id=eid)
    columns = st.columns(2)
    for column, partner in zip(columns, evening.PARTNERS, strict=True):
        with column.container(border=True):
            styled_text("together-name", names.of(partner))
            value = shown[partner]
            if value is None:
                answer = evening.answer_of(progress, exercise_id=eid, partner=partner)
                passed = answer is not None and answer.status == "passed"
                st.caption(_("Passed this one.") if passed else _("Kept this one private."))
            elif isinstance(value, int):
                st.html(f'<div class="together-big">{int(value)}</div>')
                st.caption(_("out of {most}").format(most=exercise.max))
            else:
                for line in answer_lines(exercise, value):
                    user_text(line)
    if exercise.kind == "checklist" and all(isinstance(v, list) for v in shown.values()):
        both = [item for item in shown["A"] or [] if item in (shown["B"] or [])]
        if both:
            st.markdown(_("**You both ticked**"))
            for item in both:
                user_text(item)
    if exercise.kind == "scale":
        checkins(progress, names)
    st.button(
        _("Do this one again"),
        key=f"together_again_{eid}",
        type="tertiary",
        on_click=change(lambda p: evening.start_over(p, exercise_id=eid)),
    )


CARE = {
    "lower": N_(
        "One of your numbers is lower than at the start. That can happen when real things "
        "come up, and it is not a failure. Be gentle with each other tonight: sit together "
        "for a while, or do something calm. If it keeps weighing on you, the Support button "
        "lists places to turn to."
    ),
    "apart": N_(
        "Your numbers are different. That is common: two people can feel differently about "
        "the same moment. If you like, ask each other gently what your number means, and "
        "listen without correcting."
    ),
}
"""A word of care for check-ins that moved apart or down, instead of a plain thank-you."""


def checkins(progress: CoupleProgress, names: Names) -> None:
    """The check-in numbers they shared, with a line chart once there are two moments, and a
    word of care when a number went down or the two differ."""
    care = evening.checkin_care(progress, content=content())
    if care is not None:
        note("info", _(CARE[care]))
    points = evening.checkins(progress, content=content())
    order = list(dict.fromkeys(c.title for c in points))
    if len(order) < 2:
        return
    st.markdown(_("**Your check-ins**"))
    for partner in evening.PARTNERS:
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
