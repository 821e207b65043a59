"""A participant's phone: the current prompt, anonymous answers, the countdown."""

from __future__ import annotations

import functools
import html
import math
import time

import streamlit as st

from workshop.components.announcer import announcer
from workshop.components.countdown import countdown
from workshop.components.device import device_token, sent_token
from workshop.components.listen import live_fragment, wait_for_change
from workshop.components.paste_limit import paste_limit
from workshop.content.model import Module
from workshop.engine import announce
from workshop.engine.errors import (
    BedrockError,
    InvalidInput,
    TooManyAttempts,
    TooManyPhones,
    WorkshopEnded,
    WorkshopNotFound,
)
from workshop.engine.identity import SECONDS_BETWEEN_TEXTS, TEXTS_AT_ONCE, TEXTS_PER_PROMPT
from workshop.engine.live import signature
from workshop.engine.store import ANSWER_KINDS, PromptSpec, WorkshopState
from workshop.i18n import N_
from workshop.i18n.formats import number
from workshop.i18n.screen import _, language, ngettext, said
from workshop.views import join_private, room_pair
from workshop.views import results as results_view
from workshop.views.client import client_address
from workshop.views.code_entry import code_form
from workshop.views.common import (
    content,
    content_note,
    live,
    rerun_when_reachable,
    store,
    support_panel,
    user_text,
)
from workshop.views.language import language_switch

REFRESH_SECONDS = 2
#: While answers are revealed, how often a phone redraws for a late answer or a hidden one.
#: Every follow redraws every phone in the room, so it is kept well above REFRESH_SECONDS.
FOLLOW_SECONDS = 6

DEVICE_KEY = "join_device_token"
"""The key of the invisible element that hands over the browser's stored token."""
TEXT_KINDS = {"reflection", "word", "timed-writing"}
SENT_KINDS = TEXT_KINDS | ANSWER_KINDS
"""Kinds a phone sends answers to, and so can be told after a reload what it sent."""
LISTEN_KEY = "join_listen"
"""The key of the invisible element that waits for the workshop to move."""
SAY_KEY = "join_say"
"""The key of the live region that tells a screen reader what changed on this phone."""
TIMER_SAY_KEY = "join_timer_say"
"""The key of the live region that says "one minute left" and "time is up"."""

# Phones have no Ctrl key: the "Press Ctrl+Enter to apply" hint under a text box only
# confuses there (tapping Send is what counts); the character count next to it stays.
# The workshop's title is the facilitator's text, shown as text at the top.
# The device token's element draws nothing and takes no room.
# Buttons are at least 44 px high, so a thumb finds Send and Pass.
PHONE_CSS = """
<style>
.stButton button,.stFormSubmitButton button{min-height:2.75rem}
[data-testid="InputInstructions"] > span:not(:last-child){display:none}
[data-testid="InputInstructions"] > span:last-child::before{content:none}
.bedrock-where{font-weight:600;line-height:1.3;overflow-wrap:anywhere}
h2.bedrock-stage{font-size:1.05rem;font-weight:600;line-height:1.3;color:#5b4a42;margin:0;padding:0}
.st-key-join_device_token,.st-key-join_listen{display:none}
.bedrock-scale-ends{display:flex;justify-content:space-between;gap:1rem;font-size:.9rem;
  color:#4a3b34;margin-top:-.6rem}
.bedrock-scale-ends span:last-child{text-align:right}
.st-key-join_say,.st-key-join_timer_say{position:absolute;width:1px;height:1px;overflow:hidden}
</style>
"""


def page() -> None:
    """``/?code=ABC123``: join without a name and follow the facilitator's stages."""
    code = str(st.query_params.get("code", "")).strip().upper()
    refused = _admit(code)
    if refused:
        _code_box(refused)
        return
    try:
        state = live().state(code)
    except WorkshopNotFound:  # deleted since
        _code_box(_(NOT_FOUND))
        return
    except WorkshopEnded:
        _ended(code)
        return
    except BedrockError:
        # The database is out of reach for a moment: keep drawing the page this phone last
        # saw, so words being written stay in their box and Send says they were not sent.
        state = st.session_state.get("join_last_state")
        if state is None or state.code != code:
            st.warning(_("Reconnecting… this page will try again in a moment."))
            rerun_when_reachable(code)
            return
    else:
        st.session_state.join_last_state = state

    st.session_state.join_run_started = time.monotonic()
    st.session_state.join_seen = signature(state)
    # While the room's answers are up, follow later changes too (a late answer, one the
    # facilitator hides), not only changes of stage, prompt or reveal; at most every
    # FOLLOW_SECONDS, since each one redraws every phone's whole page at once.
    revealed = state.current_prompt is not None and state.current_prompt in state.revealed
    st.session_state.join_seen_version = state.phones_version if revealed else None
    st.session_state.join_drawn_at = time.time()

    st.html(PHONE_CSS)
    phone = _phone(code, sent_token(key=DEVICE_KEY))
    device_token(
        key=DEVICE_KEY,
        have=phone is not None,
        keep=st.session_state.get("join_keep", {}).get(code),
    )
    _announce(state)
    head, help_ = st.columns([4, 1], vertical_alignment="center")
    with head:
        user_text(state.title, css_class="bedrock-where")
    head.caption(
        _("Workshop {code} · stage {number} of {count}").format(
            code=code,
            number=number(state.stage_index + 1, language()),
            count=number(len(state.stages), language()),
        )
    )
    with help_, st.container(horizontal=True, gap="small"):
        support_panel(state.support_text)
        room_pair.pair_button(code, bind=lambda: _bind(code, ""))
    # The stage is where the room is; the question, when there is one, leads (below).
    module = _stage_module(state)
    st.html(f'<h2 class="bedrock-stage">{html.escape(module.title)}</h2>')
    _follow(code)
    room_pair.pair_corner(code)
    _stage_body(code, state, module)
    # Last, so the question and Send stay in view on a phone; one tap still turns the whole
    # page to another language.
    language_switch(key="join_language")
    st.session_state.join_run_done = time.monotonic()


def _stage_body(code: str, state: WorkshopState, module: Module) -> None:
    """The stage's content note, then the question on the phones (or a word to listen in)."""
    note_key = f"join_note_{code}_{state.stage_index}"
    choice = content_note(module, state_key=note_key)
    if choice is None:
        return
    if choice == "skip":
        _skipping(note_key)
        return
    if state.current_prompt is None:
        room_pair.listen_note(state)
        return
    _prompt(code, state, state.prompts[state.current_prompt])


def _announce(state: WorkshopState) -> None:
    """Say what changed since this phone last drew the workshop, and what this phone just
    did (sent, passed, an error), in the page's live region."""
    now_showing = announce.phone_moment(state)
    drawn = st.session_state.get("join_moment")
    before = drawn[1] if drawn is not None and drawn[0] == state.code else None
    st.session_state.join_moment = (state.code, now_showing)
    news = announce.phone_news(before, now_showing, gettext=_)
    own = st.session_state.pop(SAY_KEY + "_own", "")
    message = " ".join(part for part in (news, own) if part)
    announcer(key=SAY_KEY, message=message, now=time.time())


def _say(text: str) -> None:
    """Have the next drawing of this phone say ``text`` (what the person just did)."""
    st.session_state[SAY_KEY + "_own"] = text


def _follow(code: str) -> None:
    """The live strip, run again when the workshop moves; every REFRESH_SECONDS where the
    browser cannot wait for that."""
    live_fragment(_live_strip, key=LISTEN_KEY, every=REFRESH_SECONDS)(code)


def _skipping(note_key: str) -> None:
    """A person sitting out a sensitive stage, with the way back in whenever they like."""
    st.info(
        _(
            "You're skipping this part. Take the time you need; the next stage will appear "
            "here by itself."
        )
    )
    if st.button(_("I'm ready to join again"), key=f"{note_key}_back"):
        st.session_state[note_key] = "continue"
        st.rerun()


#: A run of the live strip alone this soon after a whole page was drawn was asked for while
#: that page was still being drawn (a slow server, a busy phone).
JUST_DRAWN_SECONDS = 0.5


def _asked_while_drawing() -> bool:
    """Whether this is a run of the live strip alone that the browser asked for while the
    whole page was still being drawn. The browser may then have dropped the answer form the
    page drew last (it asked with what it had before the form came), so the page is drawn
    again whole: once, and the next ask comes no sooner than REFRESH_SECONDS later."""
    started = st.session_state.get("join_run_started")
    done = st.session_state.get("join_run_done")
    if started is None or done is None or done < started:
        return False  # the whole page is being drawn now, or was never drawn to its end
    return time.monotonic() - done < JUST_DRAWN_SECONDS


def _live_strip(code: str) -> None:
    """Follows the workshop; redraws the page only when the stage, prompt or reveal changed."""
    if _asked_while_drawing():
        st.rerun(scope="app")
    try:
        state = live().state(code)
    except (WorkshopEnded, WorkshopNotFound):
        st.rerun(scope="app")  # the facilitator ended it: the whole page says so
    except BedrockError:
        wait_for_change(key=LISTEN_KEY, code=code, version=None, every=REFRESH_SECONDS, phone=True)
        st.caption(_("Reconnecting…"))
        return
    # A phone waits on the phone version, which answers arriving from the room do not move.
    # While answers are up, the version drawn is the whole page's, so a change to what they
    # show (a hidden text, a late vote) is followed after FOLLOW_SECONDS as below.
    drawn = st.session_state.get("join_seen_version") or state.phones_version
    wait_for_change(key=LISTEN_KEY, code=code, version=drawn, every=REFRESH_SECONDS, phone=True)
    seen_version = st.session_state.get("join_seen_version")
    drawn_at = st.session_state.get("join_drawn_at", 0.0)
    moved = (
        seen_version is not None
        and state.phones_version != seen_version
        and time.time() - drawn_at >= FOLLOW_SECONDS
    )
    if moved or signature(state) != st.session_state.get("join_seen"):
        st.rerun(scope="app")
    if state.timer.status(time.time()) != "idle":
        # Beside a question the clock stays small, so the answer box and Send stay in view.
        size = "small" if state.current_prompt else "large"
        now = time.time()
        countdown(timer=state.timer, now=now, key="join_timer", size=size, announce=False)
        cues = announce.timer_cues(state.timer, now, gettext=_)
        announcer(key=TIMER_SAY_KEY, cues=cues, now=now)


def _ended(code: str) -> None:
    """The page for a workshop its facilitator ended. What this phone still held of it
    (the last state, answers being written) is dropped from the session; only the
    workshop's own support text is kept, for the panel."""
    last = st.session_state.get("join_last_state")
    support = last.support_text if last is not None and last.code == code else ""
    for name in list(st.session_state):
        if name == "join_last_state" or str(name).startswith(f"join_done_{code}_"):
            del st.session_state[name]
    language_switch(key="join_language")
    st.title(_("Thank you"))
    st.info(
        _("This workshop has ended and its answers have been deleted. Take care of each other.")
    )
    st.markdown(
        _(
            "If tonight brought up something you'd like to talk through, tap **Support** for "
            "where to turn."
        )
    )
    support_panel(support)


def _phone(code: str, offered: str | None) -> str | None:
    """This session's identity in workshop ``code``: bound on first use and never changed
    for the rest of the session, whatever the browser sends later, so one session is at
    most one person. Bound once the browser has handed over what it keeps (``offered``;
    None while it has not answered yet): its own identity if the server signed it, else a
    new one (counted as a phone joined), which the browser is then asked to keep. None
    while it cannot be bound (not answered yet, too many new phones from this network,
    storage out of reach); Send binds it then."""
    phones = st.session_state.setdefault("join_phones", {})
    if code in phones or offered is None:
        return phones.get(code)
    try:
        return _bind(code, offered)
    except BedrockError:
        return None


def _bind(code: str, offered: str) -> str:
    """Bind this session to the phone identity the store gives for ``offered``. Raises
    TooManyPhones and the store's other errors."""
    token = store().join(code=code, offered=offered or None, client=client_address() or "")
    st.session_state.setdefault("join_phones", {})[code] = token
    if token != offered:
        st.session_state.setdefault("join_keep", {})[code] = token
        # Joining moved the workshop's version: what this run draws from now on reads it
        # fresh, so the page does not find itself out of date a moment later.
        live().forget(code)
    return token


NOT_FOUND = N_("We couldn't find a workshop with that code. Check the code on the screen.")


def _admit(code: str) -> str | None:
    """Whether this session may show workshop ``code``; when not, what to tell the person.
    A code this session already found is not looked up again, nor is a rerun of the same
    unknown code another guess; any other lookup goes through :meth:`Store.look_up`, which
    counts unknown codes against this client's address across sessions and servers."""
    if code and code == st.session_state.get("join_admitted"):
        return None
    if code == st.session_state.get("join_unknown_code"):
        return _(NOT_FOUND)
    try:
        store().look_up(code=code, client=client_address())
    except WorkshopNotFound:
        st.session_state.join_unknown_code = code
        return _(NOT_FOUND)
    except TooManyAttempts as wait:
        seconds = math.ceil(wait.retry_after)
        return ngettext(
            "That's a lot of codes in a short time from your network. Please wait "
            "{seconds} second, then type the code on the screen again.",
            "That's a lot of codes in a short time from your network. Please wait "
            "{seconds} seconds, then type the code on the screen again.",
            seconds,
        ).format(seconds=number(seconds, language()))
    except BedrockError:  # ended, or storage out of reach: the page says which
        return None
    st.session_state.join_admitted = code
    return None


def _code_box(message: str) -> None:
    language_switch(key="join_language")
    st.title(_("Join a workshop"))
    st.info(message)
    typed = code_form(box_key="join_retry_code", button_key="join_retry")
    if typed:
        st.query_params["code"] = typed
        st.session_state.pop("join_unknown_code", None)
        st.rerun()


STAND_IN_NOTE = N_(
    "This part touches on personal things that can be hard to think about. You can skip it, "
    "or take a break whenever you need one."
)
"""Said before a sensitive stage whose own content note is no longer in the content files."""


def _stage_module(state: WorkshopState) -> Module:
    """The current stage's content module; when the content files no longer have it (they
    changed after the workshop was planned), a stand-in with the stored title, no slides,
    and a content note of our own if any of its prompts is sensitive."""
    stage = state.stages[state.stage_index]
    try:
        return content().module(stage.module_id)
    except KeyError:
        sensitive = any(state.prompts[p].sensitive for p in stage.prompt_ids if p in state.prompts)
        return Module.model_construct(
            id=stage.module_id,
            title=stage.title,
            minutes=stage.minutes,
            content_note=_(STAND_IN_NOTE) if sensitive else None,
            exercises=list(stage.prompt_ids),
            notes="",
            slides=[],
            order=stage.index,
            path="",
        )


def _prompt(code: str, state: WorkshopState, spec: PromptSpec) -> None:
    exercise = content().exercises.get(spec.id)
    prompt_text = exercise.group_prompt if exercise else spec.title
    if exercise is not None and room_pair.together(code, spec):
        prompt_text = exercise.couple_prompt  # a couple's words: nothing here is anonymous
    revealed = spec.id in state.revealed
    with st.container(border=True):
        st.subheader(exercise.title if exercise else spec.title)
        st.markdown(prompt_text)
        if revealed:
            st.caption(_("The answers are up on the screen now."))
        if not room_pair.partner_exercise(code, state, spec):
            _card_body(code, spec, revealed=revealed)
            room_pair.one_phone_offer(code, spec)
    if revealed:
        _room_answers(code, spec)


def _room_answers(code: str, spec: PromptSpec) -> None:
    """What the room shared, once the facilitator put it on the screen: for anyone who
    can't read the projector from where they sit."""
    try:
        results = live().results(code, spec.id)
    except BedrockError:
        return
    if results.enough:
        st.markdown(_("**What the room shared**"))
        results_view.show(results, spec)


def _sent_before(code: str, spec: PromptSpec, done_key: str) -> None:
    """Once a session, as soon as it knows its phone: what this phone sent to the prompt
    before (a reload, a phone that slept), read from its own marker, so the page says what is
    true rather than offering a first answer again. Kept under ``{done_key}_count``."""
    count_key = f"{done_key}_count"
    token = st.session_state.get("join_phones", {}).get(code)
    if count_key in st.session_state or token is None or spec.kind not in SENT_KINDS:
        return
    try:
        sent = store().sent_by(code=code, prompt_id=spec.id, token=token)
    except BedrockError:  # asked again on the next run
        return
    st.session_state[count_key] = sent
    if sent and done_key not in st.session_state:
        st.session_state[done_key] = "sent"
        st.session_state[f"{done_key}_earlier"] = True


def _sent_line(count: int) -> str:
    return ngettext(
        "You've sent {count} answer to this question from this phone. Thank you.",
        "You've sent {count} answers to this question from this phone. Thank you.",
        count,
    ).format(count=number(count, language()))


def _card_body(code: str, spec: PromptSpec, *, revealed: bool) -> None:
    done_key = f"join_done_{code}_{spec.id}"
    _sent_before(code, spec, done_key)
    done = st.session_state.get(done_key)
    if done == "passed":
        st.success(_("You passed on this one. That's completely fine."))
        if st.button(_("Answer after all"), key=f"{done_key}_undo"):
            del st.session_state[done_key]
            st.rerun()
        return
    if done == "sent" and spec.kind in TEXT_KINDS:
        count = st.session_state.get(f"{done_key}_count", 0)
        if st.session_state.get(f"{done_key}_earlier"):
            st.success(_sent_line(count))
        else:
            st.success(_("Sent, anonymously. Thank you."))
        # Only a text sent while the answers were up waits for the facilitator; one sent
        # before the reveal is on the screen already.
        if revealed and st.session_state.get(f"{done_key}_wall_up"):
            st.caption(
                _(
                    "The answers are already up, so the facilitator reads yours before it "
                    "joins them on the screen."
                )
            )
        if count >= TEXTS_PER_PROMPT:
            st.caption(_("That's as many as one phone can send to a question."))
        elif st.button(_("Send another"), key=f"{done_key}_again"):
            del st.session_state[done_key]
            st.session_state.pop(f"{done_key}_earlier", None)
            st.rerun()
        return
    st.session_state[f"{done_key}_wall_up"] = revealed  # as it is when Send is tapped
    _answer_input(code, spec, done_key)


def _answer_input(code: str, spec: PromptSpec, done_key: str) -> None:
    kind = spec.kind
    if kind in join_private.KINDS:
        join_private.private_exercise(content().exercises.get(spec.id), key=done_key)
        return
    if kind not in SENT_KINDS:
        st.caption(_("Nothing to send for this one: it's for you and your partner."))
        return
    # In a form, what a person types is held by the page as they type (not only when the box
    # loses focus), so Send always sends what is in the box, and words being written stay in
    # it whatever else on the page is drawn again meanwhile (the countdown, a stage note).
    with st.form(key=f"{done_key}_form", border=False, enter_to_submit=False):
        _answer_widget(spec, done_key)
        if kind in TEXT_KINDS:
            st.caption(
                _(
                    "You can send up to {most} answers to this question; after the first "
                    "{at_once}, one every {seconds} seconds."
                ).format(
                    most=number(TEXTS_PER_PROMPT, language()),
                    at_once=number(TEXTS_AT_ONCE, language()),
                    seconds=number(SECONDS_BETWEEN_TEXTS, language()),
                )
            )
        if st.session_state.get(f"{done_key}_earlier"):
            st.success(
                _(
                    "You've answered this one from this phone already. Sending again "
                    "replaces that answer, until the next stage."
                )
            )
        elif st.session_state.get(done_key) == "sent":
            st.success(_("Sent, anonymously. You can change your answer until the next stage."))
        send, skip = st.columns(2)
        # Send and Pass act in callbacks: a callback runs whole at the start of the run the
        # tap asked for, before anything is drawn and with no rerun after it, so no run
        # ended early can lose the tap or what it has to say.
        send.form_submit_button(
            _("Send"),
            type="primary",
            key=f"{done_key}_send",
            width="stretch",
            on_click=_send,
            args=(code, spec, done_key),
        )
        skip.form_submit_button(
            _("Pass"), key=f"{done_key}_pass", width="stretch", on_click=_pass, args=(done_key,)
        )
    # Kept until the next Send or Pass, so a run cut short while drawing it cannot lose it.
    error = st.session_state.get(f"{done_key}_error")
    if error:
        st.error(error)


def _answer_widget(spec: PromptSpec, done_key: str) -> object:
    """The box, slider or choice a phone answers ``spec`` with; returns its value."""
    kind, key = spec.kind, _answer_key(spec, done_key)
    if kind in {"reflection", "timed-writing"}:
        value = st.text_area(
            _("Your answer (anonymous)"),
            max_chars=spec.max_chars,
            key=key,
            height=160,
            placeholder=_("Write as much or as little as you like."),
        )
        paste_limit(box_key=key, limit=spec.max_chars)
        return value
    if kind == "word":
        return st.text_input(_("One word or a few"), max_chars=spec.max_chars, key=key)
    if kind == "scale":
        lo, hi = spec.scale_min or 1, spec.scale_max or 10
        value = st.slider(_("Your answer"), lo, hi, value=(lo + hi) // 2, key=key)
        labels = _scale_labels(spec.id)
        if labels:
            # Under the slider's two ends, side by side even on a narrow phone.
            low = html.escape(f"{lo} = {labels[0]}")
            high = html.escape(f"{hi} = {labels[1]}")
            st.html(f'<div class="bedrock-scale-ends"><span>{low}</span><span>{high}</span></div>')
        return value
    # Options are sent in the original's words, so every phone's answer counts on one wall
    # whatever language it shows them in.
    shown = functools.partial(content().from_original, spec.id)
    if kind == "choice":
        return st.radio(
            _("Choose one"),
            spec.options,
            index=None,
            key=key,
            format_func=shown,
        )
    return st.multiselect(
        _("Tap them in order, most important first"),
        spec.options,
        key=key,
        format_func=shown,
    )


def _answer_key(spec: PromptSpec, done_key: str) -> str:
    """The key of the widget that holds the answer to ``spec`` on this phone."""
    if spec.kind in TEXT_KINDS:
        return f"{done_key}_text"
    return f"{done_key}_{spec.kind if spec.kind in {'scale', 'choice'} else 'rank'}"


def _send(code: str, spec: PromptSpec, done_key: str) -> None:
    """Send what the form holds (a callback of Send: the form's values are in the session)."""
    st.session_state.pop(f"{done_key}_error", None)
    value = st.session_state.get(_answer_key(spec, done_key))
    try:
        token = st.session_state.get("join_phones", {}).get(code) or _bind(code, "")
        if spec.kind in TEXT_KINDS:
            store().submit_reflection(
                code=code, prompt_id=spec.id, token=token, text=str(value or "")
            )
        else:
            if value is None or value == []:
                raise InvalidInput(N_("Choose an answer first, or pass."))
            store().answer(code=code, prompt_id=spec.id, token=token, value=value)
    except (InvalidInput, TooManyPhones) as problem:
        _refuse(done_key, said(problem))
        return
    except BedrockError:
        _refuse(
            done_key,
            _(
                "Not sent: we couldn't reach the workshop. Your answer is still here; try "
                "again in a moment."
            ),
        )
        return
    st.session_state[done_key] = "sent"
    st.session_state.pop(f"{done_key}_earlier", None)
    _say(_(announce.SENT))
    if spec.kind in TEXT_KINDS:
        st.session_state.pop(f"{done_key}_text", None)
        count_key = f"{done_key}_count"
        st.session_state[count_key] = st.session_state.get(count_key, 0) + 1
    live().forget(code)


def _pass(done_key: str) -> None:
    """Pass on the prompt (a callback of Pass)."""
    st.session_state.pop(f"{done_key}_error", None)
    st.session_state[done_key] = "passed"
    _say(_(announce.PASSED))


def _refuse(done_key: str, message: str) -> None:
    """Show ``message`` under the answer and say it (the run under way draws it)."""
    st.session_state[f"{done_key}_error"] = message
    _say(message)


def _scale_labels(prompt_id: str) -> tuple[str, str] | None:
    exercise = content().exercises.get(prompt_id)
    if exercise is None or exercise.kind != "scale":
        return None
    return exercise.min_label, exercise.max_label
