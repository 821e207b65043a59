"""The box a participant types a workshop's join code into, on the landing page and again
after a code that was not found."""

from __future__ import annotations

import streamlit as st

from workshop.i18n import N_
from workshop.i18n.screen import _

NO_CODE = N_("Type the six-letter code from the screen first.")


def code_form(*, box_key: str, button_key: str) -> str | None:
    """A code box and a Join button in one form, so one tap on Join, or Enter on the
    keyboard, sends what was typed. Returns the code in capitals once sent, else None.

    The button is never disabled: a text box only hands its value over when it loses
    focus, so a button enabled by typing would still be disabled under the first tap.
    """
    with st.form(key=f"{button_key}_form", border=False, enter_to_submit=True):
        typed = st.text_input(_("Workshop code"), max_chars=6, key=box_key, placeholder="ABC123")
        sent = st.form_submit_button(_("Join"), key=button_key, type="primary")
    if not sent:
        return None
    code = "".join(typed.split()).upper()
    if not code:
        st.error(_(NO_CODE))
        return None
    return code
