"""The language of the screen: the page's ``<html lang dir>`` and the one-tap switch.

Every page gets the language its screen shows from :mod:`workshop.i18n.screen`; this module
draws what a person sees of it (the switch on the phone and on the couple's screen) and the
invisible element that tells the browser (:mod:`workshop.components.page_language`).
"""

from __future__ import annotations

import streamlit as st

from workshop.components.page_language import kept_language, page_language
from workshop.i18n.languages import direction, native_name, offered
from workshop.i18n.screen import _, choose, chosen_here, language, settled

ELEMENT = "page_language"
"""The key of the invisible element (hidden by the style every page shares)."""


def screen_language() -> str:
    """Settle this screen's language for this run and tell the browser; returns it. Run it
    before the page draws any text: an earlier choice the browser kept is taken here."""
    if not settled():
        earlier = kept_language(key=ELEMENT)
        if earlier:
            choose(earlier, by_person=False)
    shown = language()
    page_language(
        key=ELEMENT,
        lang=shown,
        direction=direction(shown),
        keep=shown if chosen_here() else None,
        ask=not settled(),
    )
    return shown


def language_switch(*, key: str) -> None:
    """The languages this screen can show, by their own names: one tap changes the whole
    screen, and this browser remembers it. Draws nothing when there is only English."""
    shown = language()
    options = list(offered())
    if shown not in options:  # a pseudo-language opened by its link
        options.append(shown)
    if len(options) < 2:
        return
    if st.session_state.get(key) != shown:
        st.session_state[key] = shown
    st.segmented_control(
        _("Language"),
        options,
        format_func=native_name,
        key=key,
        required=True,
        label_visibility="collapsed",
        on_change=_switched,
        args=(key,),
    )


def _switched(key: str) -> None:
    picked = st.session_state.get(key)
    if isinstance(picked, str):
        choose(picked)
