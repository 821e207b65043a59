"""The counsellor's console: plan a workshop, then run it stage by stage."""

from __future__ import annotations

import html
import time
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from workshop.components.countdown import countdown
from workshop.content.model import Module
from workshop.couple.turn_timer import room_turn_view, turns_seconds
from workshop.engine.errors import (
    AccessDenied,
    BedrockError,
    BelowThreshold,
    WorkshopEnded,
    WorkshopNotFound,
)
from workshop.i18n.formats import number
from workshop.i18n.screen import _, language, ngettext, said
from workshop.printing.wall import DEFAULT_TURN_SECONDS, page_on_screen, wall_pages
from workshop.views import console_export, console_keys, room_console, room_link, room_turns
from workshop.views import console_signin as signin
from workshop.views import results as results_view
from workshop.views.common import (
    content,
    live,
    rerun_when_reachable,
    store,
)
from workshop.views.console_keys import KEYS
from workshop.views.language import language_switch

if TYPE_CHECKING:
    from workshop.engine.store import WorkshopState

REFRESH_SECONDS = 1.5
QUEUE_PAGE = 20
"""Texts the console lists at once, of the new ones and of the others."""
RESPONSES_HEIGHT = 520
"""Pixels the answers, moderation and results take on the console before they scroll."""

# The app's entry asks for the centred layout and the console for the wide one in the same
# run; when both reach the browser together it can keep the centred one, and the console
# jumps between widths from one click to the next. This style holds it wide either way.
CONSOLE_CSS = """
<style>
.stMainBlockContainer.block-container{max-width:none;padding-left:5rem;padding-right:5rem}
.bedrock-console-title{font-size:1.6rem;font-weight:600;line-height:1.3;overflow-wrap:anywhere}
@media (max-width:640px){
  .stMainBlockContainer.block-container{padding-left:1rem;padding-right:1rem}
}
</style>
"""


def page() -> None:
    """Sign in (new or existing workshop), then the console."""
    code = st.session_state.get("fac_code")
    key = st.session_state.get("fac_key")
    if code and key:
        _console(code, key)
        return
    language_switch(key="fac_language")
    st.title(_("Run a group workshop"))
    # One slot for the note, drawn or not: the tabs below keep their place in the page, so
    # the tab someone chose stays chosen (with its message) when the note goes away.
    flash = st.session_state.pop("fac_flash", None)
    with st.container():
        if flash:
            st.info(flash)
    new, reopen = st.tabs([_("New workshop"), _("Reopen a workshop")])
    with new:
        signin.new_workshop()
    with reopen:
        signin.reopen()


def _act(action, **kwargs) -> None:
    """Run a facilitator action, then redraw; a refusal becomes a message, not a crash."""
    code = st.session_state.fac_code
    try:
        action(code=code, key=st.session_state.fac_key, **kwargs)
    except BelowThreshold as short:
        st.session_state.fac_flash = _(
            "Not yet: answers from {needed} different people are needed before "
            "revealing (there are fewer so far)."
        ).format(needed=number(short.needed, language()))
    except AccessDenied:
        st.session_state.pop("fac_key", None)
        st.session_state.fac_flash = _("Please sign in to this workshop again.")
    except BedrockError as problem:
        st.session_state.fac_flash = said(problem) or _("That didn't work; please try again.")
    live().forget(code)
    st.rerun()


def _console(code: str, key: str) -> None:
    st.set_page_config(layout="wide")
    st.html(CONSOLE_CSS)
    # What shows only now and then (the scroll to the top, the recovery key, a message) goes
    # in one slot that is always there: everything below keeps its place from one run to the
    # next, so an open popover (End workshop) is not drawn afresh, closed, when it goes.
    notices = st.container()
    if st.session_state.pop("fac_scroll_top", False):
        # The sign-in form ended below the fold; the console starts at its top.
        notices.html(signin.SCROLL_TO_TOP, unsafe_allow_javascript=True)
    try:
        store().check_facilitator(code=code, key=key)
        state = live().state(code)
        screen_key = store().screen_key(code=code, key=key)
    except (AccessDenied, WorkshopNotFound, WorkshopEnded):
        for name in ("fac_code", "fac_key"):
            st.session_state.pop(name, None)
        st.rerun()
    except BedrockError:
        st.warning(_("Can't reach the database right now. The console comes back by itself."))
        rerun_when_reachable(code)
        return
    now = time.time()
    s = store()
    with notices:
        signin.recovery_notice()
        flash = st.session_state.pop("fac_flash", None)
        if flash:
            st.warning(flash)

    head = st.columns([3, 1, 1, 1], vertical_alignment="center")
    # The title is the facilitator's own text: shown as text, never as Markdown.
    title = html.escape(_("{title} · code {code}")).format(
        title=html.escape(state.title), code=f"<strong>{code}</strong>"
    )
    with head[0]:
        st.html(f'<div class="bedrock-console-title">{title}</div>')
        language_switch(key="fac_language")
    head[1].link_button(
        _("Open projector screen"),
        projector_link(code, screen_key),
        icon=":material/tv:",
        width="stretch",
        help=_("Opens in a new tab: move it to the projector and make it full screen."),
    )
    with head[2].popover(_("Export"), icon=":material/download:", width="stretch"):
        console_export.downloads(code, key)
    with head[3].popover(_("End workshop"), icon=":material/delete:", width="stretch"):
        st.markdown(_("This deletes every answer of this workshop. It can't be undone."))
        sure = st.checkbox(_("I have exported what I need"), key="fac_end_sure")
        if st.button(_("End and delete everything"), type="primary", disabled=not sure):
            try:
                s.end_workshop(code=code, key=key)
            except BedrockError as problem:  # storage down, read-only or full
                st.error(said(problem))
            else:
                live().forget(code)
                for name in ("fac_code", "fac_key"):
                    st.session_state.pop(name, None)
                st.session_state.fac_flash = _("Workshop ended; its data is deleted.")
                st.rerun()

    room_link.console_note(room_link.base("/facilitate"), code)
    _agenda(state, now)
    stage = state.stages[state.stage_index]
    module = stage_module(stage.module_id)
    slides = module.slides if module else []
    slide_index = max(0, min(state.slide_index, len(slides) - 1))

    left, right = st.columns([3, 2], gap="large")
    with left:
        st.caption(
            _("Stage {number} of {count}").format(
                number=number(state.stage_index + 1, language()),
                count=number(len(state.stages), language()),
            )
        )
        st.header(stage.title)
        if module is None:
            st.caption(
                _(
                    "This stage's slides and notes are no longer in the content files (they "
                    "changed after the workshop was planned); its prompts still work."
                )
            )
        elif module.content_note:
            st.info(
                _("Content note (participants see it first): {note}").format(
                    note=module.content_note
                )
            )
        slide = slides[slide_index] if slides else None
        if slide is not None:
            with st.container(border=True):
                st.subheader(slide.title)
                st.markdown(slide.body)
                st.caption(
                    _("Slide {number} of {count}").format(
                        number=number(slide_index + 1, language()),
                        count=number(len(slides), language()),
                    )
                )
        nav = st.columns(4)
        if nav[0].button(
            _("◀ Stage"),
            disabled=state.stage_index == 0,
            width="stretch",
            shortcut=KEYS["previous_stage"],
        ):
            _act(s.previous_stage)
        if nav[1].button(
            _("◀ Slide"),
            disabled=slide_index == 0,
            width="stretch",
            shortcut=KEYS["previous_slide"],
        ):
            _act(s.set_slide, index=slide_index - 1)
        if nav[2].button(
            _("Slide ▶"),
            disabled=slide_index >= len(slides) - 1,
            width="stretch",
            shortcut=KEYS["next_slide"],
        ):
            _act(s.set_slide, index=slide_index + 1)
        last = state.stage_index >= len(state.stages) - 1
        if nav[3].button(
            _("Stage ▶"),
            type="primary",
            disabled=last,
            width="stretch",
            shortcut=KEYS["next_stage"],
        ):
            _act(s.next_stage)
        console_keys.shortcuts_help()
        if slide is not None and slide.notes:
            st.markdown(_("**Presenter notes**"))
            st.markdown(slide.notes)
        if module is not None and module.notes:
            with st.expander(_("Notes for this stage")):
                st.markdown(module.notes)
        if not last:
            upcoming = state.stages[state.stage_index + 1]
            st.caption(
                _("Next up: {title} ({minutes} min)").format(
                    title=upcoming.title, minutes=number(upcoming.minutes, language())
                )
            )
        _projector_settings()
    with right:
        _timer_controls(state, now)
        _prompt_controls(state)


def projector_link(code: str, screen_key: str) -> str:
    """The projector's link: its key, the console's projector settings and the console's
    language, so the room's screen speaks as the console does."""
    chime = "" if st.session_state.get("fac_chime", True) else "&chime=0"
    return f"screen?code={code}&key={screen_key}&lang={language()}{chime}{_turn_query()}"


def stage_module(module_id: str) -> Module | None:
    """The content module a stage was planned from, or None when the content files no
    longer have it (they changed after the workshop was created)."""
    try:
        return content().module(module_id)
    except KeyError:
        return None


def _agenda(state, now: float) -> None:
    rows = []
    shown = language()
    for stage in state.stages:
        elapsed = state.elapsed(stage.index, now) / 60
        marks = []
        if stage.index < state.stage_index:
            marks.append(_("done"))
        elif stage.index == state.stage_index:
            marks.append(_("now"))
        if elapsed > stage.minutes:
            marks.append(_("running over"))
        rows.append(
            {
                _("stage"): stage.title,
                _("planned"): _minutes(stage.minutes),
                _("elapsed"): _minutes(round(elapsed)) if elapsed else "",
                "": " · ".join(marks),
            }
        )
    current = state.stages[state.stage_index]
    over = state.elapsed(current.index, now) / 60 - current.minutes
    planned = number(sum(s.minutes for s in state.stages), shown)
    label = _("Agenda · {minutes} min planned").format(minutes=planned)
    if over > 0:
        label = _("Agenda · {minutes} min planned · running over by {over} min").format(
            minutes=planned, over=number(round(over), shown)
        )
    with st.expander(label, icon=":material/schedule:"):
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def _minutes(minutes: float) -> str:
    """ "7.5 min", as the screen's language writes the number."""
    return _("{minutes} min").format(minutes=number(minutes, language()))


def _timer_controls(state, now: float) -> None:
    s = store()
    st.markdown(_("**Timer**"))
    status = state.timer.status(now)
    if status != "idle":
        countdown(timer=state.timer, now=now, key="fac_timer", size="large")
    _turns_note(state, now)
    minutes = st.number_input(
        _("Minutes"),
        min_value=0.5,
        max_value=120.0,
        value=float(_suggested_minutes(state)),
        step=0.5,
    )
    row = st.columns(3)
    key = KEYS["timer"]
    if status in {"idle", "over"}:
        if row[0].button(_("Start"), type="primary", width="stretch", shortcut=key):
            _act(s.timer_start, seconds=minutes * 60)
    elif status == "running":
        if row[0].button(_("Pause"), width="stretch", shortcut=key):
            _act(s.timer_pause)
    elif row[0].button(_("Resume"), type="primary", width="stretch", shortcut=key):
        _act(s.timer_resume)
    if row[1].button(_("+1 min"), width="stretch", disabled=status == "idle"):
        _act(s.timer_extend, seconds=60)
    if row[2].button(_("−1 min"), width="stretch", disabled=status == "idle"):
        _act(s.timer_extend, seconds=-60)
    if status != "idle" and st.button(_("Reset timer")):
        _act(s.timer_reset)


def _projector_settings() -> None:
    """Settings of the projector screen, set once before opening it: out of the way of the
    controls used every minute."""
    with st.expander(_("Projector settings"), icon=":material/tune:"):
        st.caption(_("They take effect on a projector screen opened after the change."))
        st.toggle(_("Soft chime on the projector when time is up"), value=True, key="fac_chime")
        st.number_input(
            _("Seconds each page of a long wall stays up"),
            min_value=10,
            max_value=120,
            value=DEFAULT_TURN_SECONDS,
            step=5,
            key="fac_wall_turn",
            help=_("A wall with more cards than fit the projector shows them a page at a time."),
        )


def _turn_query() -> str:
    """The wall's page time for the projector's link, when it is not the default."""
    turn = int(st.session_state.get("fac_wall_turn", DEFAULT_TURN_SECONDS))
    return "" if turn == DEFAULT_TURN_SECONDS else f"&turn={turn}"


def _suggested_minutes(state) -> float:
    turns = room_turns.turns_exercise(state.current_prompt)
    if turns is not None:  # the turns as written, swaps included
        return turns_seconds(turns) / 60
    if state.current_prompt:
        exercise = content().exercises.get(state.current_prompt)
        if exercise:
            return exercise.minutes
    return 5.0


def _turns_note(state, now: float) -> None:
    """With listening turns on the phones, what Start does, and where the room is."""
    turns = room_turns.turns_exercise(state.current_prompt)
    if turns is None:
        return
    turn = room_turn_view(turns, state.timer, now=now)
    if turn is None:
        st.caption(
            ngettext(
                "Start runs the listening turns on the projector: who speaks, saying back, "
                "swap, {count} round, with the rules card. Pause and resume them here.",
                "Start runs the listening turns on the projector: who speaks, saying back, "
                "swap, {count} rounds, with the rules card. Pause and resume them here.",
                turns.rounds,
            ).format(count=number(turns.rounds, language()))
        )
    elif turn.status == "done":
        st.caption(_("Listening turns: done."))
    else:
        st.caption(
            _("Listening turns: round {number} of {count} · {phase}").format(
                number=number(turn.phase.round, language()),
                count=number(turns.rounds, language()),
                phase=room_turns.phase_line(turn.phase),
            )
        )


def _prompt_controls(state: WorkshopState) -> None:
    s = store()
    # The prompts stored with the workshop, not the content files' current list.
    stage_prompts = list(state.stages[state.stage_index].prompt_ids)
    st.markdown(_("**On participants' phones**"))
    options = [None, *stage_prompts]
    current = state.current_prompt if state.current_prompt in stage_prompts else None
    chosen = st.radio(
        _("Prompt"),
        options,
        index=options.index(current),
        format_func=lambda p: _("Nothing (just listen)") if p is None else state.prompts[p].title,
        key=f"fac_prompt_{state.stage_index}_{current}",
        label_visibility="collapsed",
    )
    if chosen != current:
        _act(s.set_prompt, prompt_id=chosen)
    room_console.console_panel(state, _act)
    if chosen:
        # However much arrives, it scrolls inside this box: the page keeps its height, so
        # the slide, stage and timer controls stay where the facilitator left them.
        with st.container(height=RESPONSES_HEIGHT, border=False, key="fac_responses"):
            _live_responses(state.code, chosen)


@st.fragment(run_every=REFRESH_SECONDS)
def _live_responses(code: str, prompt_id: str) -> None:
    s = store()
    key = st.session_state.get("fac_key", "")
    try:
        # Everything this part shows is read before anything is drawn, so a database that
        # goes away mid-refresh gives "Reconnecting…" rather than an error. The states and
        # results may still come from the shared cache; the count of phones never does
        # (joining does not move the version), so it is the read that finds the outage.
        state = live().state(code)
        results = live().results(code, prompt_id)
        opening = results_view.opening_for(state, prompt_id, lambda p: live().results(code, p))
        phones_joined = s.phones_joined(code=code)
    except BedrockError:
        st.caption(_("Reconnecting…"))
        return
    spec = state.prompts[prompt_id]
    exercise = content().exercises.get(prompt_id)
    collects = spec.kind in {"reflection", "word", "timed-writing", "scale", "choice", "ranking"}
    if not collects:
        if exercise is not None:
            st.caption(exercise.group_prompt)
        st.caption(_("Nothing is collected for this exercise; couples work together."))
        return
    _people_count(results, phones_joined)
    revealed = prompt_id in state.revealed
    if prompt_id in state.taken_down and not revealed:
        st.warning(
            _(
                "The answers came off the wall by themselves: after hiding, fewer than "
                "{needed} people's answers were left to show, and the wall never shows "
                "fewer. Restore a text or wait for more answers, then reveal again."
            ).format(needed=number(results.needed, language()))
        )
    if revealed:
        if st.button(_("Hide results from the room"), key="fac_unreveal", shortcut=KEYS["reveal"]):
            _act(s.unreveal, prompt_id=prompt_id)
    elif st.button(
        _("Reveal to the room"),
        type="primary",
        key="fac_reveal",
        shortcut=KEYS["reveal"],
        disabled=not results.enough,
        help=None
        if results.enough
        else _(
            "Needs answers from {needed} different people first (several texts "
            "from one phone count once)."
        ).format(needed=number(results.needed, language())),
    ):
        _act(s.reveal, prompt_id=prompt_id)
    if revealed and results.reflections:
        _wall_pages(state, results.reflections)
    # What the phones show, below the count and Reveal, which are used more often.
    if exercise is not None:
        st.caption(exercise.group_prompt)
    if spec.kind in {"reflection", "word", "timed-writing"}:
        _moderation(code, key, prompt_id)
    # The texts are in the moderation list above: no second copy of them as cards.
    results_view.show(results, spec, opening=opening, cards=False)


def _wall_pages(state: WorkshopState, texts: list[str]) -> None:
    """How the wall fits the projector and, for a long one, which page is up, with buttons
    that turn the projector's page (and hold it there) or let the pages turn by time."""
    s = store()
    turn = float(st.session_state.get("fac_wall_turn", DEFAULT_TURN_SECONDS))
    st.caption(results_view.wall_summary(texts))
    pages = wall_pages(texts)
    if len(pages) <= 1:
        return
    held = state.wall_page
    up = page_on_screen(len(pages), held=held, now=time.time(), turn_seconds=turn)
    where = results_view.wall_position(pages, up)
    if held is not None:
        st.caption(_("On screen now: {page} · held here").format(page=where))
    else:
        st.caption(
            _("On screen now: {page} · turning every {seconds} s").format(
                page=where, seconds=number(turn, language())
            )
        )
    back, ahead, timed = st.columns(3)
    if back.button(_("◀ Page"), key="fac_wall_back", width="stretch"):
        _act(s.set_wall_page, page=(up - 1) % len(pages))
    if ahead.button(_("Page ▶"), key="fac_wall_ahead", width="stretch"):
        _act(s.set_wall_page, page=(up + 1) % len(pages))
    if timed.button(
        _("Turn by time"),
        key="fac_wall_timed",
        width="stretch",
        disabled=held is None,
        help=_("The pages turn by themselves again, one every few seconds (Projector settings)."),
    ):
        _act(s.set_wall_page, page=None)


def _people_count(results, phones_joined: int) -> None:
    """How many people answered, as the room would be told it, and why that can be fewer
    than the texts waiting to be moderated; and what the threshold rests on: one phone counts
    once, so a room's threshold is only as good as the phones the counsellor can see."""
    st.metric(_("People who answered"), results_view.count_said(results))
    st.caption(people_and_phones(results.count, phones_joined))
    st.caption(_("Several texts from one phone count once."))


def people_and_phones(people: int, phones: int) -> str:
    """ "answers from 4 people · 12 phones joined", in the screen's language."""
    shown = language()
    who = ngettext("answers from {count} person", "answers from {count} people", people)
    joined = ngettext("{count} phone joined", "{count} phones joined", phones)
    return " · ".join(
        (who.format(count=number(people, shown)), joined.format(count=number(phones, shown)))
    )


def _turn_page(page_key: str, offset: int) -> None:
    st.session_state[page_key] = offset


def _moderation(code: str, key: str, prompt_id: str) -> None:
    """The texts to moderate, a page at a time: however many arrive (one phone can send only
    a few, but a room can send hundreds), the console draws at most QUEUE_PAGE texts held
    back since the reveal and QUEUE_PAGE others, each with its buttons, plus the totals and
    one-click actions for all the new ones."""
    page_key = f"fac_mod_page_{prompt_id}"
    try:
        queue = store().moderation_page(
            code=code,
            key=key,
            prompt_id=prompt_id,
            new_limit=QUEUE_PAGE,
            seen_offset=st.session_state.get(page_key, 0),
            seen_limit=QUEUE_PAGE,
        )
    except BedrockError:  # the database went away mid-refresh: the next one tries again
        return
    if queue.new_total:
        # Sent while the answers were up: nothing reaches the wall before it is read here.
        st.markdown(_("**New since the reveal — not on the wall yet**"))
        shown = len(queue.new)
        total = number(queue.new_total, language())
        st.caption(
            _("{count} new · showing {shown}").format(count=total, shown=number(shown, language()))
            if queue.new_total > shown
            else _("{count} new").format(count=total)
        )
        everything, nothing = st.columns(2)
        if everything.button(
            _("Show all {count} new").format(count=total),
            key="fac_show_all_new",
            width="stretch",
            help=_("Puts every new text on the wall, also the ones not listed here."),
        ):
            _act(store().show_all_new, prompt_id=prompt_id)
        if nothing.button(
            _("Keep all {count} new hidden").format(count=total),
            key="fac_keep_all_new",
            width="stretch",
            help=_("None of them reaches the wall; each can still be restored under Moderate."),
        ):
            _act(store().keep_all_new_hidden, prompt_id=prompt_id)
        for item in queue.new:
            text_col, show_col, keep_col = st.columns([4, 1, 1], vertical_alignment="center")
            text_col.text(item.text)
            if show_col.button(_("Show"), key=f"fac_show_{item.id}", width="stretch"):
                _act(store().hide_reflection, reflection_id=item.id, hidden=False)
            if keep_col.button(_("Keep hidden"), key=f"fac_keep_{item.id}", width="stretch"):
                _act(store().hide_reflection, reflection_id=item.id, hidden=True)
    if not queue.seen_total:
        return
    seen_total = number(queue.seen_total, language())
    with st.expander(_("Moderate ({count})").format(count=seen_total), expanded=False):
        first = queue.seen_offset
        if queue.seen_total > QUEUE_PAGE:
            back, where, ahead = st.columns([1, 2, 1], vertical_alignment="center")
            last = first + len(queue.seen)
            where.caption(
                _("{first}–{last} of {count}").format(
                    first=number(first + 1, language()),
                    last=number(last, language()),
                    count=seen_total,
                )
            )
            # Turning the page only changes what this console lists: set before the rerun
            # the click makes, so it needs no rerun of its own.
            back.button(
                _("◀ Earlier"),
                key="fac_mod_back",
                disabled=first == 0,
                on_click=_turn_page,
                args=(page_key, max(0, first - QUEUE_PAGE)),
            )
            ahead.button(
                _("Later ▶"),
                key="fac_mod_ahead",
                disabled=last >= queue.seen_total,
                on_click=_turn_page,
                args=(page_key, first + QUEUE_PAGE),
            )
        for item in queue.seen:
            text_col, button_col = st.columns([3, 1], vertical_alignment="center")
            with text_col:
                if item.hidden:
                    st.caption(_("Hidden from the room:"))
                st.text(item.text)
            label = _("Restore") if item.hidden else _("Hide")

            if button_col.button(label, key=f"fac_mod_{item.id}"):
                _act(store().hide_reflection, reflection_id=item.id, hidden=not item.hidden)
