"""Couples in the room, as the console and the projector see them: counts only.

How many couples paired their phones, how many are done with the partner exercise on the
phones, and the console's "bring the room back". Nothing a couple exchanged reaches these
screens; the store does not even hand it out (:mod:`workshop.engine.pairs`).
"""

from __future__ import annotations

import html

import streamlit as st

from workshop.couple import room
from workshop.engine.errors import BedrockError
from workshop.engine.store import PromptSpec, WorkshopState
from workshop.i18n.formats import number
from workshop.i18n.screen import _, language, ngettext
from workshop.views.common import content, live, store
from workshop.views.room_pair import partner_exercise_on

REFRESH_SECONDS = 1.5


def couples_line(state: WorkshopState) -> str:
    """ "9 of 12 couples done" (or "1 couple paired" outside a partner exercise), in this
    screen's language; "" while no couple has paired."""
    counts = state.couples
    if not counts.paired:
        return ""
    shown = number(counts.paired, language())
    if partner_exercise_on(state):
        return ngettext(
            "{done} of {count} couple done", "{done} of {count} couples done", counts.paired
        ).format(done=number(counts.done, language()), count=shown)
    return ngettext("{count} couple paired", "{count} couples paired", counts.paired).format(
        count=shown
    )


def console_panel(state: WorkshopState, act) -> None:
    """On the console, once couples have paired: their counts, and with a partner exercise
    on the phones the button that ends it on every phone. ``act`` runs a facilitator action
    (the console's). A room without pairs sees nothing of it."""
    if state.couples.paired:
        st.fragment(_panel, run_every=REFRESH_SECONDS)(state.code, act)


def _panel(code: str, act) -> None:
    try:
        state = live().state(code)
    except BedrockError:
        return
    line = couples_line(state)
    partner = partner_exercise_on(state)
    if not line:
        return
    row = st.container(horizontal=True, vertical_alignment="center", key="fac_couples")
    row.markdown(_("**Couples:** {line}").format(line=line), width="content")
    if partner and row.button(
        _("Bring the room back"),
        key="fac_gather",
        icon=":material/groups:",
        help=_(
            "Ends the partner exercise on every phone, with a gentle word, and deletes what "
            "couples exchanged in it. Paired phones do it privately: you see only how many "
            "couples are done."
        ),
    ):
        act(store().bring_room_back)


def projector_count(state: WorkshopState, spec: PromptSpec | None) -> None:
    """On the projector, under a partner exercise: how many couples are done."""
    if spec is None or not room.is_partner_exercise(content().exercises.get(spec.id)):
        return
    line = couples_line(state)
    if line:
        st.html(f'<div class="bedrock-count">{html.escape(line)}</div>')
