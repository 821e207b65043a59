"""Step through every stage's slides, notes and exercises before running them."""

from __future__ import annotations

import streamlit as st

from workshop.i18n.formats import number
from workshop.i18n.screen import _, language
from workshop.views.common import content, support_panel
from workshop.views.language import language_switch


def _positions() -> list[tuple[int, int]]:
    return [(m, s) for m, module in enumerate(content().modules) for s in range(len(module.slides))]


def page() -> None:
    """One slide at a time, with Back and Next across every module."""
    language_switch(key="preview_language")
    modules = content().modules
    positions = _positions()

    at = min(st.session_state.get("preview_at", 0), len(positions) - 1)
    module_index, slide_index = positions[at]
    module = modules[module_index]

    top = st.columns([3, 1])
    shown = language()
    top[0].caption(
        _("Stage {number} of {count} · about {minutes} minutes").format(
            number=number(module_index + 1, shown),
            count=number(len(modules), shown),
            minutes=number(module.minutes, shown),
        )
    )
    with top[1]:
        support_panel()
    chosen = st.selectbox(
        _("Stage"),
        range(len(modules)),
        index=module_index,
        format_func=lambda i: f"{i + 1}. {modules[i].title}",
        key=f"preview_stage_{at}",
    )
    if chosen != module_index:
        st.session_state.preview_at = positions.index((chosen, 0))
        st.rerun()

    st.header(module.title)
    if module.content_note and slide_index == 0:
        st.info(module.content_note, icon=":material/info:")
    slide = module.slides[slide_index]
    with st.container(border=True):
        st.subheader(slide.title)
        st.markdown(slide.body)
        st.caption(
            _("Slide {number} of {count}").format(
                number=number(slide_index + 1, shown), count=number(len(module.slides), shown)
            )
        )
    if slide.notes:
        with st.expander(_("Presenter notes")):
            st.markdown(slide.notes)

    back, _middle, forward = st.columns([1, 2, 1])
    if back.button(_("Back"), key="preview_back", disabled=at == 0, width="stretch"):
        st.session_state.preview_at = at - 1
        st.rerun()
    if forward.button(
        _("Next"),
        key="preview_next",
        type="primary",
        disabled=at == len(positions) - 1,
        width="stretch",
    ):
        st.session_state.preview_at = at + 1
        st.rerun()

    exercises = content().exercises_for(module.id)
    if exercises:
        st.subheader(_("Exercises in this stage"))
        for exercise in exercises:
            with st.expander(
                _("{title} · {kind} · {minutes} min").format(
                    title=exercise.title,
                    kind=exercise.kind,
                    minutes=number(exercise.minutes, shown),
                )
            ):
                st.markdown(_("**In a group:** {prompt}").format(prompt=exercise.group_prompt))
                st.markdown(_("**At home:** {prompt}").format(prompt=exercise.couple_prompt))
    if module.notes:
        with st.expander(_("Facilitator notes for this stage")):
            st.markdown(module.notes)
