"""Together: a couple goes through the workshop side by side on one device, at their own pace.

Everything the couple types lives in their browser tab (and in the server's memory only
while that tab is open): nothing from this page is written to the database or to any file
on the server. Saving is a download to their device.
Their words are always rendered as escaped text, and names never go into widget labels
(labels are Markdown).

This module is the entry (:func:`page`) and the frame: names, progress bar, break, slides,
the plan form and the end. The private answers and reveal are
:mod:`workshop.views.together_answers`; the turn timer is :mod:`workshop.views.together_turns`.
"""

from __future__ import annotations

import html
from datetime import date, datetime

import streamlit as st

from workshop.components.countdown import countdown
from workshop.content.guidance import BEFORE_YOU_BEGIN, home_support_text
from workshop.content.model import Exercise, Module, SpeakerListenerExercise
from workshop.couple import evening, savefile
from workshop.couple.evening import CoupleProgress, Names
from workshop.engine.timer import Timer
from workshop.i18n import N_
from workshop.i18n.formats import clock
from workshop.i18n.screen import _, here, language, ngettext, said
from workshop.views.common import content, content_note, support_panel
from workshop.views.language import language_switch
from workshop.views.together_answers import checkins, private
from workshop.views.together_common import (
    CONFIRM_WHO,
    MESSAGE,
    NAMES,
    PROGRESS,
    announce_turn,
    change,
    current_progress,
    forget_drafts,
    generation,
    keep_in_tab,
    nav,
    note,
    now,
    prefill,
    remember_draft,
    save_progress,
    show_message,
    sound_on,
    styled_text,
    wipe_session,
)
from workshop.views.together_take_home import plan_downloads
from workshop.views.together_turns import turns

UPLOAD = "together_upload"
WIPE_ASK = "together_wipe_ask"
BREAK_MINUTES = "together_break_minutes"

NAMES_NOTE = N_(
    "Your names stay in this browser tab; they appear only in the plan you choose to download."
)

CALMING = (
    N_("Breathe slowly: in for four, out for six, a few times."),
    N_("Have a glass of water."),
    N_("Take a short walk, or step outside for some air."),
    N_("Do something soothing on your own: music, a shower, a page of a book."),
    N_("Try not to go over the conversation in your head; you will come back to it together."),
)

STYLE = """
<style>
.st-key-together button { min-height: 3rem; font-size: 1.05rem; }
/* Every answer control at least 44 px each way for a thumb: a number pill is as wide as it
   is high (they wrap to a second row on a phone), and a choice or a checklist item is
   tapped on its whole row. */
.st-key-together [data-testid="stButtonGroup"] button { min-width: 2.75rem; }
.st-key-together [data-testid="stRadioOption"],
.st-key-together [data-testid="stCheckbox"] label { min-height: 2.75rem; align-items: center; }
.st-key-together_cue_box, [class*="st-key-tab_together_store"] { display: none; }
.together-name { font-weight: 700; font-size: 1.15rem; margin: 0 0 0.25rem; overflow-wrap: anywhere; }
.together-turn { font-size: clamp(1.6rem, 6vw, 2.6rem); font-weight: 700; line-height: 1.15;
  text-align: center; margin: 0.5rem 0 0.25rem; overflow-wrap: anywhere; }
.together-sub { text-align: center; color: rgba(49, 51, 63, 0.7); font-size: 1.05rem;
  overflow-wrap: anywhere; }
.together-big { font-size: 3rem; font-weight: 700; line-height: 1.1; }
.together-back { font-size: clamp(2rem, 8vw, 3.2rem); font-weight: 700; text-align: center; }
.together-topic { font-size: 0.95rem; line-height: 1.4; color: rgba(49, 51, 63, 0.85);
  margin: 0 0 0.25rem; }
.bedrock-text { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 1.1rem; }
.together-note { padding: 0.75rem 1rem; border-radius: 0.5rem; margin: 0.25rem 0;
  white-space: pre-wrap; overflow-wrap: anywhere; }
.st-key-together_say, .st-key-together_turn_say {
  position: absolute; width: 1px; height: 1px; overflow: hidden; }
.together-note-info { background: rgba(28, 131, 225, 0.1); color: rgb(0, 66, 128); }
.together-note-success { background: rgba(33, 195, 84, 0.1); color: rgb(23, 114, 51); }
.together-note-warning { background: rgba(255, 227, 18, 0.1); color: rgb(146, 108, 5); }
.together-note-error { background: rgba(255, 43, 43, 0.09); color: rgb(125, 53, 59); }
</style>
"""


def page() -> None:
    """The couple path: names, then every stage card by card, with the break always one tap away.
    A live region tells a screen reader whose turn it is when that changes."""
    st.html(STYLE)
    keep_in_tab()
    _frame()
    # Last, once the page knows whose turn it shows; it takes no room on the screen.
    announce_turn()


def _frame() -> None:
    with st.container(key="together"):
        names = st.session_state.get(NAMES)
        if names is None:
            _names_screen()
            return
        if st.session_state.get(CONFIRM_WHO):
            _confirm_who(names)
            return
        progress = current_progress()
        _header(progress)
        show_message()
        if progress.rest is not None:
            _break_screen(progress)
            return
        spot = evening.current_item(progress, content=content())
        if spot is None:
            _finished(progress, names)
            return
        module, item = spot
        choice = content_note(module, state_key=f"together_note_{module.id}")
        if choice is None:
            nav(progress, back_only=True)
            return
        if choice == "skip":
            del st.session_state[f"together_note_{module.id}"]
            save_progress(evening.skip_stage(progress, content=content()))
            st.rerun()
        if item.index == 0 and progress.stage in evening.pause_points(content()):
            note(
                "info",
                _(
                    "A good place to pause for tonight, if you like. To carry on another day, "
                    'open "Our plan, saving and wiping" below, save your progress, and choose '
                    "Continue from a file next time."
                ),
            )
        if item.kind == "slide":
            _slide(module, item.index)
            nav(progress)
        else:
            exercise = content().exercises[item.exercise_id or ""]
            _exercise(progress, exercise, names)
        _footer(progress, names, expanded=False)


# --- the frame of every screen -------------------------------------------------------------


def _names_screen() -> None:
    _top_bar(with_break=False)
    show_message()
    st.title(_("Together"))
    st.markdown(
        _(
            "Go through the workshop side by side on this device, at your own pace. "
            "Some questions you each answer privately, and choose what to show the other. "
            "**Nothing you write is stored on our server:** this browser tab keeps it, so a "
            "reload brings you back to the same place, and forgets it when you close the tab "
            "or wipe everything."
        )
    )
    with st.container(border=True):
        st.markdown(_("**Before you begin**"))
        st.text(_(BEFORE_YOU_BEGIN))
    with st.form("together_names_form", border=True):
        st.markdown(_("**What shall we call you?**"))
        left, right = st.columns(2)
        left.text_input(
            _("First partner"),
            value=_("Partner A"),
            max_chars=evening.NAME_CHARS,
            key="together_name_a",
        )
        right.text_input(
            _("Second partner"),
            value=_("Partner B"),
            max_chars=evening.NAME_CHARS,
            key="together_name_b",
        )
        st.caption(_(NAMES_NOTE))
        st.form_submit_button(
            _("Let's begin"), type="primary", width="stretch", on_click=_set_names
        )
    with st.expander(_("Continuing from an earlier evening?")):
        _continue_uploader()
    progress = st.session_state.get(PROGRESS)
    if progress is not None and progress != CoupleProgress():
        label = evening.where(progress, content=content()).described(here())
        note("info", _("Your saved progress is ready: {where}.").format(where=label))


def _set_names() -> None:
    try:
        names = evening.clean_names(
            a=st.session_state.get("together_name_a", ""),
            b=st.session_state.get("together_name_b", ""),
        )
    except evening.InvalidAnswer as error:
        st.session_state[MESSAGE] = ("warning", said(error))
        return
    st.session_state[NAMES] = names


def _confirm_who(names: Names) -> None:
    """After continuing from a file (which holds no names): who was the first partner?"""
    _top_bar(with_break=False)
    show_message()
    progress = current_progress()
    st.subheader(_("Who was the first partner last time?"))
    st.markdown(
        _(
            "Your file does not keep your names, only who was first and who was second. "
            "So that each of you sees your own answers, say who was first."
        )
    )
    hints = evening.first_words(progress, content=content())
    said_before = {
        "A": _("The first partner last time shared: {words}"),
        "B": _("The second partner last time shared: {words}"),
    }
    for partner in ("A", "B"):
        shown = hints[partner]
        if shown:
            styled_text("together-sub", said_before[partner].format(words=shown))
    left, right = st.columns(2)
    for column, partner in ((left, "A"), (right, "B")):
        with column.container(border=True):
            styled_text("together-name", names.of(partner))
            st.button(
                _("I was first"),
                key=f"together_first_{partner}",
                type="primary",
                width="stretch",
                on_click=_first_was,
                args=(partner,),
            )


def _first_was(partner: str) -> None:
    if partner == "B":
        save_progress(evening.swap_partners(current_progress()))
    st.session_state[CONFIRM_WHO] = False


def _header(progress: CoupleProgress) -> None:
    where = evening.where(progress, content=content())
    _top_bar(with_break=progress.rest is None)
    st.progress(where.fraction, text=where.described(here()))


def _top_bar(*, with_break: bool) -> None:
    """Title, Support, the break (which can be taken at any moment: typed words wait) and the
    language, in one row so the card below keeps its room."""
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.markdown(_("**Together**"), width="stretch")
        support_panel(_(home_support_text()))  # an operator's own text is shown as set
        if with_break:
            _break_chooser()
        language_switch(key="together_language")


def _break_chooser() -> None:
    with st.popover(_("Take a break"), icon=":material/self_improvement:"):
        st.markdown(_("**Take a break**"))
        st.caption(
            _(
                "When feelings run high, a pause of at least {minutes} minutes helps both of "
                "you settle. Everything waits here, timers included."
            ).format(minutes=evening.MIN_BREAK_MINUTES)
        )
        st.pills(
            _("For how long?"),
            evening.BREAK_CHOICES,
            default=evening.MIN_BREAK_MINUTES,
            format_func=lambda m: _("{minutes} min").format(minutes=m),
            key=BREAK_MINUTES,
            required=True,
        )
        st.button(
            _("Start the break"), key="together_break_go", type="primary", on_click=_start_break
        )


def _start_break() -> None:
    minutes = st.session_state.get(BREAK_MINUTES) or evening.MIN_BREAK_MINUTES
    minutes = min(evening.MAX_BREAK_MINUTES, max(evening.MIN_BREAK_MINUTES, minutes))
    save_progress(evening.take_break(current_progress(), minutes=minutes, now=now()))


def _break_screen(progress: CoupleProgress) -> None:
    rest = progress.rest
    assert rest is not None
    moment = now()
    st.header(_("Taking a break"))
    back = _back_at(rest.until)
    back_line = _("Back at {time}").format(time=back)
    st.html(f'<div class="together-back">{html.escape(back_line)}</div>')
    countdown(
        timer=Timer(duration=rest.until - rest.started_at, ends_at=rest.until),
        now=moment,
        key="together_break_clock",
        size="large",
        chime=sound_on(),
        label=_("until you come back"),
    )
    with st.container(border=True):
        st.markdown(_("**While you are apart**"))
        st.markdown("\n".join(f"- {_(line)}" for line in CALMING))
    st.caption(_("Everything is paused: you will come back to exactly the same place."))
    st.button(
        _("We're ready to carry on"),
        key="together_break_end",
        type="primary",
        width="stretch",
        on_click=change(lambda p: evening.end_break(p, now=now())),
    )
    if evening.break_left(progress, now=moment) > 0:
        st.caption(_("Coming back early is fine if you both feel settled."))


def _back_at(moment: float) -> str:
    """The time of day the break ends, as the screen's language writes it, in the browser's
    time zone (as :func:`evening.clock_time` picks it)."""
    zone = evening.zone(st.context.timezone)
    return clock(datetime.fromtimestamp(moment, tz=zone), language())


def _slide(module: Module, index: int) -> None:
    title, body = module.slides[index].for_home()
    with st.container(border=True):
        st.caption(
            _("{stage} · {number} of {count}").format(
                stage=module.title, number=index + 1, count=len(module.slides)
            )
        )
        st.subheader(title)
        st.markdown(body)


# --- exercises ------------------------------------------------------------------------------


def _exercise(progress: CoupleProgress, exercise: Exercise, names: Names) -> None:
    exercise = evening.as_answered(exercise, progress)
    turn_started = exercise.id in progress.turns
    if turn_started:
        # The topic stays in sight, small, while the timer runs.
        st.markdown(f"**{exercise.title}**")
        st.html(f'<div class="together-topic">{html.escape(exercise.couple_prompt)}</div>')
    else:
        with st.container(border=True):
            minutes = exercise.minutes
            st.caption(
                ngettext(
                    "Exercise · about {count} minute",
                    "Exercise · about {count} minutes",
                    int(minutes) if float(minutes).is_integer() else 2,
                ).format(count=f"{minutes:g}")
            )
            st.subheader(exercise.title)
            st.markdown(exercise.couple_prompt)
    if exercise.kind in evening.PRIVATE_KINDS:
        _not_for_us(progress, exercise)
        private(progress, exercise, names)
    elif exercise.kind == "speaker-listener":
        assert isinstance(exercise, SpeakerListenerExercise)
        turns(progress, exercise, names)
        nav(progress)
    elif exercise.kind == "plan":
        _plan(progress, exercise)
        nav(progress)
    else:
        styled_text(
            "together-sub",
            _("{first} goes first, then {second}. Nothing is typed here.").format(
                first=names.a, second=names.b
            ),
        )
        nav(progress)


def _not_for_us(progress: CoupleProgress, exercise: Exercise) -> None:
    """A question that may not fit their life right now: a kind word and a gentler question
    once they say so, and a way back to the first one."""
    original = content().exercises[exercise.id]
    other = getattr(original, "not_for_us", None)
    if other is None:
        return
    untouched = not progress.answers.get(exercise.id) and progress.answering is None
    if exercise.id in progress.gentler:
        note("info", other.note)
        if untouched:
            st.button(
                _("Back to the first question"),
                key=f"together_aside_back_{exercise.id}",
                type="tertiary",
                icon=":material/undo:",
                on_click=change(lambda p: evening.set_aside(p, exercise=original, aside=False)),
            )
    elif untouched:
        st.button(
            other.label,
            key=f"together_aside_{exercise.id}",
            icon=":material/spa:",
            width="stretch",
            on_click=change(lambda p: evening.set_aside(p, exercise=original, aside=True)),
        )


# --- the plan they write together ----------------------------------------------------------


def _plan(progress: CoupleProgress, exercise: Exercise) -> None:
    saved = progress.plans.get(exercise.id, {})
    with st.container(border=True):
        for field in exercise.fields:
            key = f"together_plan_{exercise.id}_{field.name}"
            prefill(key, saved.get(field.name, ""))
            st.text_area(
                field.label,
                placeholder=field.hint,
                max_chars=300,
                height=80,
                key=key,
                on_change=remember_draft,
                args=(key,),
            )
        st.button(
            _("Save our plan"),
            key=f"together_plan_save_{exercise.id}",
            type="primary",
            width="stretch",
            on_click=_save_plan,
            args=(exercise,),
        )
    if saved:
        st.caption(_('Saved on this screen. It will be in "Our plan" when you download it.'))


def _save_plan(exercise: Exercise) -> None:
    values = {
        f.name: st.session_state.get(f"together_plan_{exercise.id}_{f.name}", "") or ""
        for f in exercise.fields
    }
    before = current_progress()
    change(lambda p: evening.set_plan(p, exercise=exercise, values=values))()
    if current_progress() is not before:
        forget_drafts(f"together_plan_{exercise.id}_")


# --- the end, and saving ---------------------------------------------------------------------


def _finished(progress: CoupleProgress, names: Names) -> None:
    st.header(_("You made it to the end"))
    st.markdown(
        _(
            "Thank you for taking this time for each other. Download your plan to keep it, "
            "and pick a moment next week to look at it together."
        )
    )
    checkins(progress, names)
    nav(progress, back_only=True)
    _footer(progress, names, expanded=True)


def _footer(progress: CoupleProgress, names: Names, *, expanded: bool) -> None:
    """Downloads are built only when pressed (in the browser's request, from this snapshot)."""
    today = date.fromtimestamp(now())
    with st.expander(
        _("Our plan, saving and wiping"), expanded=expanded, icon=":material/download:"
    ):
        plan_downloads(progress, names, today=today, expanded=expanded)
        st.divider()
        st.download_button(
            _("Save our progress"),
            data=lambda: savefile.to_file(progress, now=now()),
            file_name=savefile.file_name(today=today),
            mime="application/json",
            key="together_save",
            on_click="ignore",
            icon=":material/save:",
            width="stretch",
        )
        st.caption(
            _(
                "The file goes to this device only. It holds what you shared with each other; "
                "anything kept private or not yet revealed stays out, and so do your names."
            )
        )
        _continue_uploader()
        st.divider()
        _wipe()


def _continue_uploader() -> None:
    st.file_uploader(
        _("Continue from a file"),
        type=["json"],
        key=f"{UPLOAD}_{generation()}",
        on_change=_load_file,
        max_upload_size=1,
    )


def _load_file() -> None:
    uploaded = st.session_state.get(f"{UPLOAD}_{generation()}")
    if uploaded is None:
        return
    try:
        loaded = savefile.from_file(uploaded.getvalue(), content=content())
    except savefile.ProgressFileError as error:
        st.session_state[MESSAGE] = ("error", said(error))
        return
    loaded, settled = savefile.settle(loaded, now=now())
    save_progress(loaded)
    st.session_state[CONFIRM_WHO] = True
    label = evening.where(loaded, content=content()).described(here())
    welcome = _("Welcome back. You are at {where}.").format(where=label)
    st.session_state[MESSAGE] = ("success", f"{welcome} {_(settled)}" if settled else welcome)


def _wipe() -> None:
    if not st.session_state.get(WIPE_ASK):
        st.button(
            _("Wipe everything"), key="together_wipe", icon=":material/delete:", on_click=_ask_wipe
        )
        return
    st.warning(
        _(
            "This clears your names and every answer from this screen. Files you saved stay "
            "on your device. Wipe everything?"
        )
    )
    yes, no = st.columns(2)
    yes.button(
        _("Yes, wipe everything"),
        key="together_wipe_yes",
        type="primary",
        width="stretch",
        on_click=_wipe_all,
    )
    no.button(_("Cancel"), key="together_wipe_no", width="stretch", on_click=_cancel_wipe)


def _ask_wipe() -> None:
    st.session_state[WIPE_ASK] = True


def _cancel_wipe() -> None:
    st.session_state[WIPE_ASK] = False


def _wipe_all() -> None:
    wipe_session()
    st.session_state[MESSAGE] = ("success", _("Everything from this session has been wiped."))
