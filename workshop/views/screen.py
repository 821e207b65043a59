"""The projector: current slide, countdown, join code with QR, and what has been revealed."""

from __future__ import annotations

import html
import io
import time

import segno
import streamlit as st

from workshop.components.countdown import countdown
from workshop.components.listen import live_fragment, wait_for_change
from workshop.engine.errors import AccessDenied, BedrockError, WorkshopEnded, WorkshopNotFound
from workshop.engine.store import ANSWER_KINDS, TEXT_KINDS
from workshop.i18n import N_
from workshop.i18n.formats import number
from workshop.i18n.screen import _, language
from workshop.printing.wall import DEFAULT_TURN_SECONDS
from workshop.views import results as results_view
from workshop.views import room_console, room_link, room_turns
from workshop.views.common import (
    DEFAULT_SUPPORT,
    NOT_A_CRISIS_SERVICE,
    content,
    live,
    paragraphs,
    store,
)

REFRESH_SECONDS = 1
LISTEN_KEY = "screen_listen"
"""The key of the invisible element that waits for the workshop to move."""

# The app's menu bar is hidden: it has nothing for the room, and it would cover the top
# of the QR code and the stage line.
# Sizes follow the screen's width (vw), so a 1280x720 projector and a 1920x1080 one show
# the same slide the same way; every colour on white is at least 7:1 (the back of a room is
# far, and projectors wash colours out).
SCREEN_CSS = """
<style>
[data-testid="stHeader"]{display:none}
.st-key-screen_listen{display:none}
.block-container{max-width:100%;padding:2rem 3rem}
[data-testid="stCaptionContainer"]{font-size:1.4rem;color:#4a3b34}
.bedrock-count{font-size:clamp(1.6rem,2vw,2.6rem);color:#4a3b34}
h1{font-size:clamp(3rem,4.6vw,6rem) !important;line-height:1.15 !important}
h2{font-size:clamp(2.4rem,3.4vw,4.4rem) !important}
h3{font-size:clamp(1.8rem,2.4vw,3rem) !important}
.bedrock-stage-line{font-size:clamp(1.5rem,2vw,2.6rem);font-weight:600;line-height:1.3;
  color:#3d302a;overflow-wrap:anywhere}
.bedrock-stage-line .bedrock-stage-number{color:#7a3f32;white-space:nowrap}
.st-key-bedrock_slide{min-height:calc(100vh - 2rem - 4.5vw);justify-content:center;gap:1.2vw}
.st-key-bedrock_slide p,.st-key-bedrock_slide li{font-size:clamp(1.8rem,2.9vw,3.8rem);line-height:1.4}
.st-key-bedrock_slide li{margin-bottom:.35em}
.bedrock-ended{font-size:clamp(1.5rem,2.1vw,2.8rem);line-height:1.45;color:#2b211d}
.bedrock-ended .bedrock-closing{font-size:clamp(2rem,3vw,4rem);font-weight:600;line-height:1.3;
  color:#5a2f25;margin:.2em 0 .8em}
.bedrock-support{font-size:clamp(1.3rem,1.7vw,2.2rem);line-height:1.45;background:#fbf5ef;
  border-left:.5rem solid #8a4b3c;padding:1.2rem 1.6rem;border-radius:.5rem;white-space:pre-wrap}
.bedrock-support strong{display:block;font-size:1.2em;margin-bottom:.3em}
.st-key-bedrock_support{min-height:calc(100vh - 4rem);justify-content:center}
.bedrock-code{font-size:3.2rem;font-weight:700;letter-spacing:.3rem;font-variant-numeric:tabular-nums}
.bedrock-url{font-size:1.4rem;color:#5b4a42;overflow-wrap:anywhere}
.bedrock-link-warning{font-size:1.4rem;line-height:1.35;background:#fdecea;color:#7a1f12;
  border-left:.5rem solid #b3261e;padding:.8rem 1rem;border-radius:.5rem;margin-top:.8rem}
.bedrock-note{font-size:1.9rem;line-height:1.4;background:#fbf5ef;border-left:.5rem solid #8a4b3c;
  padding:1rem 1.4rem;border-radius:.5rem;margin-bottom:1rem;white-space:pre-wrap}
</style>
"""


@st.cache_data(show_spinner=False, max_entries=64)
def qr_png(url: str) -> bytes:
    """The join link as a QR code image."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=10, border=2, dark="#2b211d")
    return buffer.getvalue()


def page() -> None:
    """``/screen?code=ABC123&key=…``: read-only, big type, refreshes every second."""
    code = str(st.query_params.get("code", "")).upper()
    key = str(st.query_params.get("key", ""))
    try:
        store().check_screen(code=code, screen_key=key)
    except (AccessDenied, WorkshopNotFound):
        st.title(_("Projector screen"))
        st.info(
            _("Open this screen from the facilitator console: its link carries the screen key.")
        )
        return
    except WorkshopEnded:
        st.html(SCREEN_CSS)
        _ended()
        return
    except BedrockError:  # the key cannot be checked until the database is back
        st.subheader(_("Reconnecting…"))
        _check_again(code, key)
        return
    st.html(SCREEN_CSS)
    _follow(code)


def _follow(code: str) -> None:
    """The screen, drawn again when the workshop moves; every REFRESH_SECONDS where the
    browser cannot wait for that."""
    live_fragment(_screen, key=LISTEN_KEY, every=REFRESH_SECONDS)(code)


@st.fragment(run_every=3)
def _check_again(code: str, key: str) -> None:
    """Draw the whole screen again once the database answers (about every 3 seconds)."""
    try:
        store().check_screen(code=code, screen_key=key)
    except (AccessDenied, WorkshopNotFound, WorkshopEnded):
        pass
    except BedrockError:
        return
    st.rerun(scope="app")


def _screen(code: str) -> None:
    try:
        state = live().state(code)
        # Read everything the screen shows before drawing, so a database that goes away
        # mid-refresh gives "Reconnecting…" rather than an error.
        prompt = state.current_prompt
        results = live().results(code, prompt) if prompt else None
        opening = results_view.opening_for(state, prompt, lambda p: live().results(code, p))
    except WorkshopEnded:
        _ended()
        return
    except BedrockError:
        wait_for_change(key=LISTEN_KEY, code=code, version=None, every=REFRESH_SECONDS)
        st.subheader(_("Reconnecting…"))
        return
    wait_for_change(
        key=LISTEN_KEY, code=code, version=state.version, every=REFRESH_SECONDS, spread=0.2
    )
    # Kept for the closing screen: ending the workshop deletes its support text.
    st.session_state.screen_support = state.support_text
    stage = state.stages[state.stage_index]
    try:
        module = content().module(stage.module_id)
    except KeyError:  # the content files changed since the workshop was planned
        module = None
    slides = module.slides if module else []
    slide = slides[min(state.slide_index, len(slides) - 1)] if slides else None
    main, side = st.columns([3, 1], gap="large")
    with side:
        link = room_link.base("/screen")
        url = room_link.join_url(link, code)
        st.image(qr_png(url), width=300, alt=_("QR code to join: {url}").format(url=url))
        st.html(f'<div class="bedrock-code">{code}</div><div class="bedrock-url">{url}</div>')
        room_link.wall_warning(link)
        turns = room_turns.turns_exercise(prompt)
        turn = room_turns.view(turns, state.timer) if turns else None
        chime = st.query_params.get("chime") != "0"
        if turn is None and state.timer.status(time.time()) != "idle":
            countdown(
                timer=state.timer, now=time.time(), key="screen_timer", size="huge", chime=chime
            )
    with main:
        if turns is not None and turn is not None and prompt not in state.revealed:
            _stage_line(state)
            room_turns.projector(turns, turn, chime=chime)
            room_console.projector_count(state, state.prompts[prompt])
            return
        _stage_line(state)
        if prompt and results is not None and prompt in state.revealed:
            spec = state.prompts[prompt]
            st.header(spec.title)
            results_view.show(
                results,
                spec,
                big=True,
                opening=opening,
                turn_seconds=_turn_seconds(),
                held=state.wall_page,
            )
            return
        # The slide fills the height left under the stage line, centred in it.
        with st.container(key="bedrock_slide"):
            if module and module.content_note and state.slide_index == 0:
                note = html.escape(paragraphs(module.content_note))
                before = html.escape(_("Before this part"))
                st.html(f'<div class="bedrock-note"><strong>{before}</strong><br>{note}</div>')
            st.title(stage.title if slide is None else slide.title)
            if slide is not None:
                st.markdown(slide.body)
            if prompt and results is not None:
                spec = state.prompts[prompt]
                st.subheader(_("On your phone: {title}").format(title=spec.title))
                count = html.escape(_count_line(spec, results))
                st.html(f'<div class="bedrock-count">{count}</div>')
                room_console.projector_count(state, spec)


def _stage_line(state) -> None:
    """Where the room is, large and dark enough to read from the back."""
    stage = state.stages[state.stage_index]
    where = _("Stage {number} of {count}").format(
        number=number(state.stage_index + 1, language()),
        count=number(len(state.stages), language()),
    )
    st.html(
        f'<div class="bedrock-stage-line"><span class="bedrock-stage-number">'
        f"{html.escape(where)}</span> · {html.escape(stage.title)}</div>"
    )


CLOSING_LINE = N_(
    "Closeness is not something a couple has or lacks: it grows in small moments, when you "
    "listen to understand, say thank you, and make time to turn towards each other."
)
DELETED_LINE = N_(
    "Everything typed on your phones tonight has now been deleted: every answer and every "
    "word, from this screen and from the server."
)


def _ended() -> None:
    """The close of the evening, made with the same care as its opening: thanks, the idea to
    take home, that every answer is gone, and where to turn for support (the workshop's own
    text, remembered by this screen, since ending deleted it)."""
    support = st.session_state.get("screen_support") or _(DEFAULT_SUPPORT)
    main, side = st.columns([3, 2], gap="large")
    with main, st.container(key="bedrock_slide"):
        st.title(_("Thank you for coming"))
        st.html(
            '<div class="bedrock-ended"><div class="bedrock-closing">'
            f"{html.escape(_(CLOSING_LINE))}</div>{html.escape(_(DELETED_LINE))}</div>"
        )
    with side, st.container(key="bedrock_support"):
        heading = html.escape(_("Where to find support"))
        st.html(
            f'<div class="bedrock-support"><strong>{heading}</strong>'
            f"{html.escape(support.strip())}\n\n{html.escape(_(NOT_A_CRISIS_SERVICE))}</div>"
        )


def _turn_seconds() -> float:
    """How long each page of a long wall stays up: the console's choice, carried in this
    screen's link (10 to 120 seconds)."""
    try:
        chosen = int(str(st.query_params.get("turn", "")))
    except ValueError:
        return DEFAULT_TURN_SECONDS
    return float(chosen) if 10 <= chosen <= 120 else DEFAULT_TURN_SECONDS


def _count_line(spec, results) -> str:
    """How many have answered so far; for an exercise that collects nothing, that nothing
    is collected (a count there would suggest otherwise)."""
    if spec.kind not in TEXT_KINDS | ANSWER_KINDS:
        if spec.kind in {"checklist", "plan"}:
            return _("It stays on your phone: nothing is collected.")
        return _("Nothing is collected: this one is for you and your partner.")
    count = results_view.count_said(results)
    if results.count >= results.needed or results.needed > 1:  # not "no answers yet"
        return _("{count} so far").format(count=count)
    return count
