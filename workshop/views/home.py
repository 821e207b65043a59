"""The landing page, and the participant's join page when the link carries a code."""

from __future__ import annotations

import streamlit as st

from workshop.i18n.screen import _
from workshop.views.code_entry import code_form
from workshop.views.console_signin import open_to_anyone
from workshop.views.language import language_switch
from workshop.views.links import PAGES, link


def page() -> None:
    """``/`` shows the three paths; ``/?code=ABC123`` is a participant joining."""
    if "code" in st.query_params and "join" in PAGES:
        from workshop.views import join

        join.page()
        return
    _landing()


def _landing() -> None:
    language_switch(key="home_language")
    st.title("Bedrock")
    st.markdown(
        _(
            "A guided workshop on **emotional connection** in intimate relationships: feeling "
            "understood, building trust, and making room for each other. Run it with a group, "
            "or go through it together at home."
        )
    )
    left, right = st.columns(2)
    with left.container(border=True):
        st.markdown(_("#### Join a workshop"))
        st.caption(_("Your counsellor will show a six-letter code. No name, no account."))
        code = code_form(box_key="home_code", button_key="home_join")
        if code:
            st.query_params["code"] = code
            st.rerun()
    with right.container(border=True):
        st.markdown(_("#### Go through it together"))
        st.caption(_("For a couple at home, on one device. Nothing is stored on a server."))
        link("together", _("Start as a couple"), icon=":material/favorite:")
    with left.container(border=True):
        st.markdown(_("#### Run a group workshop"))
        st.caption(_("For counsellors: slides, timers, anonymous reflections and polls."))
        if open_to_anyone(st.context.url):
            st.warning(
                _(
                    "Anyone who can reach this server can create workshops on it. Whoever "
                    "runs it should set an organiser passcode (BEDROCK_ORGANISER_PASSCODE)."
                )
            )
        link("facilitate", _("Open the facilitator console"), icon=":material/co_present:")
    with right.container(border=True):
        st.markdown(_("#### Look through the material"))
        st.caption(_("Every stage's slides, notes and exercises."))
        link("preview", _("Preview the workshop"), icon=":material/slideshow:")
