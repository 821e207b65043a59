"""Pieces every page shares: the support panel, content notes, safe text, content loading."""

from __future__ import annotations

import gc
import html
from typing import TYPE_CHECKING

import streamlit as st

from workshop.content.loader import get_content
from workshop.content.model import Content, Module
from workshop.engine.errors import BedrockError, StorageUnavailable
from workshop.i18n import N_
from workshop.i18n.screen import _, language

if TYPE_CHECKING:  # the couple path never loads the store at all
    from workshop.engine.live import LiveCache
    from workshop.engine.store import Store

DEFAULT_SUPPORT = N_(
    "If something here brings up more than you can hold right now, you can stop at any time. "
    "Talk to the counsellor running your session, or to your own doctor or therapist."
)
NOT_A_CRISIS_SERVICE = N_(
    "Bedrock is an education tool, not a crisis service. If you or someone else is in danger, "
    "call your local emergency number now."
)


# Streamlit draws captions at 60 % opacity (3.9:1 on white, under WCAG AA's 4.5:1): solid
# and darker here: 7.6:1 on white, above 6.5:1 on the tinted message boxes. A button's
# shortcut is drawn faded too (3.5:1 on the primary colour): in the button's own colour here.
# For anyone whose system asks for reduced motion, nothing of Streamlit's slides, spins or
# fades (a progress bar sliding, a page fading while it redraws): it changes at once. The
# countdown, drawn apart from the page, stops its own pulse (countdown.css).
READABLE_CSS = """
<style>
[data-testid="stCaptionContainer"]{opacity:1;color:#57534e}
[data-testid="stMain"] button kbd{opacity:1;color:inherit}
.st-key-page_language{display:none}
@media (prefers-reduced-motion:reduce){
  *,*::before,*::after{animation-duration:0s!important;animation-delay:0s!important;
    animation-iteration-count:1!important;transition-duration:0s!important;
    transition-delay:0s!important;scroll-behavior:auto!important}
}
</style>
"""


def readable_style() -> None:
    """Style every page shares so its small text stays readable and nothing moves for
    anyone who asks for reduced motion. Draws nothing."""
    st.html(READABLE_CSS)


def content() -> Content:
    """The workshop content in this screen's language (the original where it has no
    translation), loaded once per server process and language. Its ids, options and numbers
    are the original's; options a person sees go through ``Content.from_original``."""
    return get_content(language())


def support_panel(support_text: str = "") -> None:
    """A Support button that opens the facilitator's own resources, one tap away."""
    with st.popover(_("Support"), icon=":material/favorite:", width="content"):
        st.markdown(_("**Support**"))
        st.text(support_text.strip() or _(DEFAULT_SUPPORT))
        st.caption(_(NOT_A_CRISIS_SERVICE))


def content_note(module: Module, *, state_key: str) -> str | None:
    """Show a sensitive stage's content note until the person chooses.

    Returns ``None`` while the choice is pending (the caller shows nothing else),
    ``"continue"`` or ``"skip"`` once chosen. Kept in ``st.session_state[state_key]``.
    """
    if not module.content_note:
        return "continue"
    choice = st.session_state.get(state_key)
    if choice:
        return choice
    with st.container(border=True):
        st.markdown(_("**Before this part**"))
        st.text(paragraphs(module.content_note))
        left, right = st.columns(2)
        if left.button(_("Continue"), key=f"{state_key}_go", type="primary", width="stretch"):
            st.session_state[state_key] = "continue"
            st.rerun()
        if right.button(_("Skip this part"), key=f"{state_key}_skip", width="stretch"):
            st.session_state[state_key] = "skip"
            st.rerun()
    return None


def paragraphs(text: str) -> str:
    """Text written with hard line breaks, reflowed: single breaks become spaces, blank
    lines stay, so it wraps to any screen."""
    return "\n\n".join(" ".join(part.split()) for part in text.strip().split("\n\n"))


def user_text(text: str, *, css_class: str = "bedrock-text") -> None:
    """Render someone's words as plain text inside our own markup: never Markdown or HTML."""
    st.html(f'<div class="{css_class}">{html.escape(text)}</div>')


@st.cache_resource(show_spinner=False)
def store() -> Store:
    """The process's one connection pool to the database (``DATABASE_URL``)."""
    from workshop.engine.store import Store

    return Store()


@st.cache_resource(show_spinner=False)
def live() -> LiveCache:
    """The process's shared cache of workshop versions, states and results.

    Made once, by the first group page, when the app's modules are loaded. Side effect on
    the whole process's garbage collector: the objects alive then are moved out of its reach
    (``gc.freeze``) and full collections are made a hundred times rarer. Each full
    collection walks every session's objects while holding the interpreter, so with a room
    of phones refreshing they stalled every session for 100-500 ms several times a minute
    (see bench/README.md); young objects are still collected as often as before.
    """
    from workshop.engine.live import LiveCache

    gc.collect()
    gc.freeze()
    young, middle, _full = gc.get_threshold()
    gc.set_threshold(young, middle, 1000)
    return LiveCache(store())


@st.fragment(run_every=3)
def rerun_when_reachable(code: str) -> None:
    """For a page that could not reach the database: draw the whole page again once the
    store answers for workshop ``code`` (one version read about every 3 seconds), rather
    than waiting inside the script. Draws nothing itself."""
    try:
        store().version(code=code)
    except StorageUnavailable:
        return
    except BedrockError:  # it answered (no such workshop, say): the page will say so
        pass
    st.rerun(scope="app")
