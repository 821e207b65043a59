"""On a participant's phone, the exercises that collect nothing: a checklist to tick and a
plan to fill in. Nothing here is sent to the room or stored; the widgets live only as long
as the prompt is on the phone."""

from __future__ import annotations

import streamlit as st

from workshop.content.model import ChecklistExercise, Exercise, PlanExercise
from workshop.i18n import N_
from workshop.i18n.screen import _

KINDS = frozenset({"checklist", "plan"})
"""The kinds a phone fills in for itself."""

PLAN_CHARS = 300
KEPT_HERE = N_(
    "Not sent to the room and not saved anywhere. It's gone when the room moves on, so "
    "download a copy if you'd like to keep it."
)


def private_exercise(exercise: Exercise | None, *, key: str) -> None:
    """Draw a checklist or a plan for this phone alone; ``key`` prefixes every widget, so
    what is ticked or written is dropped with the rest of the prompt's keys."""
    if isinstance(exercise, ChecklistExercise):
        _checklist(exercise, key)
    elif isinstance(exercise, PlanExercise):
        _plan(exercise, key)
    else:  # the content files no longer have it
        st.caption(_("Nothing to send for this one: it's for you and your partner."))


def _checklist(exercise: ChecklistExercise, key: str) -> None:
    ticked = [
        item
        for number, item in enumerate(exercise.items)
        if st.checkbox(item, key=f"{key}_tick_{number}")
    ]
    st.caption(_(KEPT_HERE))
    if ticked:
        text = "\n".join([exercise.title, "", *(f"- {item}" for item in ticked)]) + "\n"
        _download(text, key, "things-to-try.txt")


def _plan(exercise: PlanExercise, key: str) -> None:
    # A form: the words are held by the page as they are typed, and "Make a copy" hands
    # them all over at once, so the copy holds the last box too (a download button drawn
    # before the last box was left would offer the words as they were before it).
    with st.form(key=f"{key}_plan_form", border=False, enter_to_submit=False):
        answers = []
        for field in exercise.fields:
            # A text area, so a long hint wraps in full instead of being cut off.
            value = st.text_area(
                field.label,
                max_chars=PLAN_CHARS,
                key=f"{key}_plan_{field.name}",
                placeholder=field.hint or None,
                height=88,
            )
            answers.append((field.label, value.strip()))
        st.caption(_(KEPT_HERE))
        made = st.form_submit_button(
            _("Make a copy"), key=f"{key}_plan_copy", icon=":material/description:"
        )
    # In a form the boxes hand over their words only on "Make a copy": words here mean a
    # copy was made from them.
    if any(value for _label, value in answers):
        lines = [exercise.title, ""]
        for label, value in answers:
            lines += [label, value or "-", ""]
        _download("\n".join(lines), key, "our-plan.txt")
        st.caption(_("Changed something since? Tap Make a copy again first."))
    elif made:
        st.info(_("Write something in the plan first, then make a copy."))


def _download(text: str, key: str, name: str) -> None:
    st.download_button(
        _("Download a copy"),
        data=text.encode("utf-8"),
        file_name=name,
        mime="text/plain",
        key=f"{key}_download",
        icon=":material/download:",
        on_click="ignore",
    )
