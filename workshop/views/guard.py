"""Running a page when a browser sends widget values the page never offered.

A browser's widget values are whatever its client sends: a script on the websocket can send
a number where a choice is a text, or an option that does not exist. Streamlit then fails
inside the widget call, logs a long traceback and shows an error box instead of the page, once
per message. Here such a value is dropped, as if nothing had been chosen, and the page is drawn
again: nothing in the log, and the phone keeps working. Errors in our own code still surface.
"""

from __future__ import annotations

import os
from types import TracebackType

import streamlit as st

_STATE_DIR = os.path.join("streamlit", "runtime", "state", "")
_RETRIED = "guard_dropped_value"
"""Set while the page is drawn again after dropping a value, so that a failure that dropping
did not cure is raised rather than retried for ever."""


def _widget_key(traceback: TracebackType | None) -> str | None:
    """The key of the widget whose stored value Streamlit failed to take, when the error was
    raised while Streamlit registered a widget; None for any other error."""
    key = None
    while traceback is not None:
        code = traceback.tb_frame.f_code
        if code.co_name.startswith("register_widget") and _STATE_DIR in code.co_filename:
            found = traceback.tb_frame.f_locals.get("user_key")
            key = found if isinstance(found, str) else key
        traceback = traceback.tb_next
    return key


def run(page: st.navigation) -> None:
    """Run ``page``; a widget value the widget cannot take is forgotten and the page rerun."""
    try:
        page.run()
    except Exception as error:
        key = _widget_key(error.__traceback__)
        if key is None or st.session_state.get(_RETRIED) == key:
            raise
        st.session_state[_RETRIED] = key
        st.session_state.pop(key, None)
        st.rerun()
    st.session_state.pop(_RETRIED, None)
