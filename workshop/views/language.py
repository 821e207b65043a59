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
    # One widget per language shown, starting at that language, and only the one drawn now
    # counts: a browser still sending the widget of the language shown before (a rerun
    # crossing the one that changed the language) cannot count as a tap back.
    widget = f"{key}_{shown}"
    st.segmented_control(
        _("Language"),
        options,
        default=shown,
        format_func=native_name,
        key=widget,
        required=True,
        label_visibility="collapsed",
        on_change=_switched,
        args=(key, shown),
    )


def _switched(key: str, drawn_for: str) -> None:
    """A tap on the switch drawn while ``drawn_for`` was shown; ignored once the screen
    shows another language (a late value from an older drawing)."""
    picked = st.session_state.get(f"{key}_{drawn_for}")
    if drawn_for == language() and isinstance(picked, str):
        choose(picked)
