"""The language a Streamlit screen shows, and ``_``/``ngettext`` in that language.

Each screen has its own: a phone, a couple's tablet and the facilitator's laptop each show
the language chosen there. Until someone chooses, it is the language of the page's link
(``?lang=es``), else the browser's (``st.context.locale``) when a catalogue exists for it,
else English. A choice made on this browser before (kept by the browser itself, see
:mod:`workshop.components.page_language`) wins over both once the browser hands it over.

Text people wrote (answers, names, a workshop's title) is never passed through here: it is
shown as written.
"""

from __future__ import annotations

import gettext

import streamlit as st

from workshop.i18n.catalogues import translator
from workshop.i18n.languages import SOURCE, known, negotiate

LANGUAGE = "i18n_language"
"""Session key: the language this screen shows."""
CHOSEN = "i18n_chosen"
"""Session key: set once someone chose the language here (or the browser handed over an
earlier choice); from then on the link and the browser's language no longer count."""
QUERY = "lang"
"""The link's language: ``/?code=ABC123&lang=es``."""


def language() -> str:
    """The language this screen shows (decided on first use in a session, then kept)."""
    state = st.session_state
    shown = state.get(LANGUAGE)
    if not isinstance(shown, str) or not known(shown):
        shown = default_language()
        state[LANGUAGE] = shown
    return shown


def default_language() -> str:
    """The link's language, else the browser's, else English; only languages with a
    catalogue (or a pseudo-language asked for by name in the link)."""
    for asked in (_from_link(), _from_browser()):
        found = negotiate(asked)
        if found:
            return found
    return SOURCE


def choose(chosen: str, *, by_person: bool = True) -> None:
    """Show ``chosen`` on this screen from now on (ignored when there is no catalogue for
    it). ``by_person``: the person chose it here, so the browser keeps it for next time."""
    found = negotiate(chosen)
    if found is None:
        return
    st.session_state[LANGUAGE] = found
    st.session_state[CHOSEN] = "here" if by_person else "kept"


def chosen_here() -> bool:
    """Whether someone chose this screen's language in this session."""
    return st.session_state.get(CHOSEN) == "here"


def settled() -> bool:
    """Whether this screen's language is a choice (made here, or kept by the browser)."""
    return st.session_state.get(CHOSEN) in ("here", "kept")


def here() -> gettext.NullTranslations:
    """This screen's translator, for code below the pages that says things later
    (``error.said(here())``, ``where.described(here())``)."""
    return translator(language())


def _(message: str) -> str:
    """``message`` in this screen's language."""
    return translator(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for ``n`` things, in this screen's language."""
    return translator(language()).ngettext(singular, plural, n)


def _from_link() -> str | None:
    asked = st.query_params.get(QUERY)
    return asked if isinstance(asked, str) else None


def _from_browser() -> str | None:
    try:
        asked = st.context.locale
    except Exception:  # a script run without a browser (bare, outside the runtime)
        return None
    return asked if isinstance(asked, str) else None


def said(error: Exception) -> str:
    """What ``error`` tells the person, in this screen's language: an engine error says its
    own sentence through the translator (see ``BedrockError.said``); any other, ``str``."""
    speak = getattr(error, "said", None)
    return speak(here()) if callable(speak) else str(error)
