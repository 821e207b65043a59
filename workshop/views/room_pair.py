"""On a participant's phone: pairing with the partner's phone, the paired badge, and which
version of a partner exercise this phone runs (paired, two people on one phone, or alone).

A phone that never pairs sees the join page as it always was. Pairing needs no name: one
phone shows a six-digit code, the other types it, and both then show the same word on the
same colour, so the couple can see they are paired with each other.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from workshop.components.listen import live_fragment, wait_for_change
from workshop.couple import room
from workshop.engine.errors import BedrockError, InvalidInput
from workshop.engine.pairs import PairView, show_code
from workshop.engine.store import PromptSpec, WorkshopState
from workshop.i18n import N_
from workshop.i18n.screen import _, said
from workshop.views import room_couple, room_one_phone
from workshop.views.client import client_address
from workshop.views.common import content, store

VIEW = "pair_view"
"""This run's pair of this phone: ``(code, PairView | None)``."""
DRAWN = "pair_drawn_version"
ALONE = "pair_alone"
"""``(code, token)`` of a phone known to be in no pair: no need to ask on every run."""
LISTEN_KEY = "pair_listen"
"""The element that waits on the pair's own counter (the server's long poll, ``of=pair``)."""
WAIT_SECONDS = 2.0
"""While a phone waits on its partner (to join, or to answer) and cannot hold the long poll
(the app run by ``streamlit run``), how often it asks whether the pair moved: one small
query, only while there is something to wait for."""

PAIR_CSS = """
<style>
.bedrock-pair-badge{color:#fff;font-weight:700;font-size:1.25rem;border-radius:.6rem;
  padding:.55rem .9rem;display:flex;align-items:center;gap:.6rem;overflow-wrap:anywhere}
.bedrock-pair-badge .bedrock-pair-dot{width:1.1rem;height:1.1rem;border-radius:50%;
  background:#fff;flex:none}
.bedrock-pair-code{font-size:2.6rem;font-weight:700;letter-spacing:.25rem;
  font-variant-numeric:tabular-nums;text-align:center}
.st-key-pair_listen{display:none}
</style>
"""

GATHERED = N_(
    "Time to come back together. Thank you for what you shared with each other: whatever you "
    "kept between you stays between you, and nothing of it is kept here."
)


def held_view(code: str) -> PairView | None:
    """This phone's pair in workshop ``code`` as this run read it (:func:`pair_button`)."""
    held = st.session_state.get(VIEW)
    return held[1] if held and held[0] == code else None


def paired_here(code: str) -> bool:
    """Whether this phone is one of a pair whose two phones are both there."""
    view = held_view(code)
    return view is not None and view.partnered and token_of(code) is not None


def token_of(code: str) -> str | None:
    """This session's phone identity in workshop ``code`` (bound by the join page)."""
    return st.session_state.get("join_phones", {}).get(code)


def listen_note(state: WorkshopState) -> None:
    """What a phone says while no prompt is on it: after the facilitator brought the room
    back from a partner exercise, a gentle word about it; otherwise to listen in."""
    if state.gathered:
        st.info(_(GATHERED))
    else:
        st.markdown(_("Listen in for now. A question will appear here when it's time."))


def pair_button(code: str, *, bind: Callable[[], str]) -> None:
    """Beside the Support button: **Pair phones**, for a phone in no pair (it takes no room
    of its own). Reads this phone's pair for the rest of the run. ``bind`` gives this
    session its phone identity when it has none yet (the join page's own)."""
    st.session_state[VIEW] = (code, None)
    token = token_of(code)
    try:
        # Only this phone's own tap puts it in a pair: once it is known to be in none, the
        # page does not ask again until it taps (a reload asks once more).
        alone = token is None or st.session_state.get(ALONE) == (code, token)
        view = None if alone else store().pairs.status(code=code, token=token)
    except BedrockError:
        return
    st.session_state[VIEW] = (code, view)
    st.session_state[DRAWN] = None if view is None else view.version
    if view is None:
        if token is not None:
            st.session_state[ALONE] = (code, token)
        _offer(code, token or bind)


def pair_corner(code: str) -> None:
    """Under the workshop's name: the paired badge, or the code to show while the other
    phone has not joined yet, and any word about a pairing that did not work."""
    view = held_view(code)
    _error()
    token = token_of(code)
    if view is None or token is None:
        return
    st.html(PAIR_CSS)
    if not view.partnered:
        _waiting(code, token, view)
        live_fragment(_follow, key=LISTEN_KEY, every=WAIT_SECONDS)(code, token, view.listen_key)
    else:
        _badge(code, token, view)


def partner_exercise_on(state: WorkshopState) -> bool:
    """Whether the prompt on the phones is a partner exercise (:func:`room.is_partner_exercise`)."""
    prompt = state.current_prompt
    return prompt is not None and room.is_partner_exercise(content().exercises.get(prompt))


def _follow(code: str, token: str, listen_key: str) -> None:
    """While this phone waits for its partner's phone to join: draw the page again once it
    did (or the pair was cancelled). Runs only when the pair's counter moved, where the
    browser can wait for that; otherwise every WAIT_SECONDS."""
    drawn = st.session_state.get(DRAWN)
    try:
        version = store().pairs.version(code=code, token=token)
    except BedrockError:
        wait_for_change(key=LISTEN_KEY, code=code, version=None, every=WAIT_SECONDS)
        return
    wait_for_change(key=LISTEN_KEY, code=code, version=drawn, every=WAIT_SECONDS, pair=listen_key)
    if version != drawn:
        st.rerun(scope="app")


def _act(action, **kwargs) -> None:
    """Run a pair action; a refusal is shown under the pairing controls. A ``token`` still
    to be bound (a callable) is bound first."""
    st.session_state.pop(ALONE, None)
    try:
        if callable(kwargs.get("token")):
            kwargs["token"] = kwargs["token"]()
        action(**kwargs)
    except InvalidInput as problem:
        st.session_state.pair_error = said(problem)
    except BedrockError:
        st.session_state.pair_error = _("We couldn't reach the workshop; please try again.")
    st.rerun()


def _error() -> None:
    problem = st.session_state.pop("pair_error", None)
    if problem:
        st.error(problem)


def _offer(code: str, token: str | Callable[[], str]) -> None:
    with st.popover(_("Pair phones"), icon=":material/favorite:", width="content"):
        st.markdown(_("**Pair with your partner's phone**"))
        st.caption(
            _(
                "For the couple exercises: you each answer on your own phone, and choose what "
                "your partner sees. No names. One of you shows a code, the other types it."
            )
        )
        if st.button(_("Show a code"), key="pair_open", width="stretch"):
            _act(store().pairs.open, code=code, token=token)
        with st.form("pair_join_form", border=False, enter_to_submit=True):
            typed = st.text_input(
                _("Or type the code from your partner's phone"),
                max_chars=9,
                key="pair_typed",
                placeholder="123 456",
            )
            if st.form_submit_button(_("Pair"), type="primary", width="stretch", key="pair_join"):
                _act(
                    store().pairs.join,
                    code=code,
                    token=token,
                    typed=typed,
                    client=client_address() or "",
                )


def _waiting(code: str, token: str, view: PairView) -> None:
    with st.container(border=True, key="pair_waiting"):
        st.markdown(_("**Your pair code**"))
        st.html(f'<div class="bedrock-pair-code">{html.escape(show_code(view.pair_code))}</div>')
        st.caption(
            _(
                "On your partner's phone: open **Pair with your partner's phone** and type "
                "this code. Both phones then show the same word and colour."
            )
        )
        if st.button(_("Cancel"), key="pair_cancel", type="tertiary"):
            _act(store().pairs.leave, code=code, token=token)


def badge_html(view: PairView) -> str:
    """The badge both phones of a pair show: the same word on the same colour. The word
    stays as the pair drew it in every language, so two phones in different languages still
    show the same one."""
    line = _("Paired · {word}").format(word=view.word)
    return (
        f'<div class="bedrock-pair-badge" style="background:{view.shade}">'
        f'<span class="bedrock-pair-dot"></span>{html.escape(line)}</div>'
    )


def _badge(code: str, token: str, view: PairView) -> None:
    row = st.container(horizontal=True, vertical_alignment="center", gap="small")
    row.html(badge_html(view), width="stretch")
    with row.popover(_("Pairing"), width="content"):
        st.caption(
            _(
                "Your partner's phone shows “{word}” too. If it doesn't, unpair and pair again."
            ).format(word=view.word)
        )
        if st.button(_("Unpair"), key="pair_leave", width="stretch"):
            _act(store().pairs.leave, code=code, token=token)


def together(code: str, spec: PromptSpec) -> bool:
    """Whether this phone runs the prompt as a couple: a partner exercise on a paired phone,
    or on a phone two people chose to share. Its words are then the couple's version."""
    if not room.is_partner_exercise(content().exercises.get(spec.id)):
        return False
    return paired_here(code) or room_one_phone.chosen(code, spec.id)


def _paired(code: str, token: str, spec: PromptSpec) -> None:
    """The partner exercise on a paired phone, as a part of the page of its own: it runs
    again (alone, not the whole page) when this phone's partner did something (answered,
    pressed the turn timer, marked it done), where the browser can wait for that; otherwise
    every WAIT_SECONDS. What this phone does in it reruns only this part too."""
    view = held_view(code)
    context = get_script_run_ctx()
    if context is not None and context.fragment_ids_this_run:  # this part's own run
        try:
            view = store().pairs.status(code=code, token=token)
        except BedrockError:
            wait_for_change(key=LISTEN_KEY, code=code, version=None, every=WAIT_SECONDS)
            st.caption(_("Reconnecting…"))
            return
    # (In a run of the whole page, pair_button read the pair a moment ago.)
    if view is None or not view.partnered:  # the partner unpaired: the page changes
        st.rerun(scope="app")
    st.session_state[VIEW] = (code, view)
    st.session_state[DRAWN] = view.version
    wait_for_change(
        key=LISTEN_KEY, code=code, version=view.version, every=WAIT_SECONDS, pair=view.listen_key
    )
    room_couple.paired(code, token, view, spec, content().exercises.get(spec.id))


def partner_exercise(code: str, state: WorkshopState, spec: PromptSpec) -> bool:
    """Draw the partner exercise on the phones in the version this phone runs, when it is
    one (paired, or two people sharing this phone); False when the join page's own version
    is the one (a phone alone)."""
    room_one_phone.forget_others(code, spec.id)
    if not together(code, spec):
        return False
    token = token_of(code)
    if paired_here(code) and token is not None:
        live_fragment(_paired, key=LISTEN_KEY, every=WAIT_SECONDS)(code, token, spec)
    else:
        room_one_phone.hand_over(code, spec, content().exercises.get(spec.id))
    return True


def one_phone_offer(code: str, spec: PromptSpec) -> None:
    """Under a phone's own version of a partner exercise: one tap for two people sharing
    this phone to do it the couple path's way instead."""
    if paired_here(code):
        return
    if room.one_phone_version(content().exercises.get(spec.id)):
        room_one_phone.offer(code, spec.id)
