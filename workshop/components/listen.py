"""Waiting for the workshop to move instead of polling it.

A page's live part is a fragment that used to rerun every few seconds whatever happened.
With :func:`live_fragment` and :func:`wait_for_change` inside it, an invisible element in
the browser holds the server's long poll (``/api/wait``, served by ``bedrock serve``) and
asks for a rerun of that fragment only when the workshop's version moved past the one the
page drew, after a short random delay so a room of phones does not rerun at once, and never
more often than the old polling period. Where the endpoint cannot be reached (the app run
with ``streamlit run app.py``, a proxy that cuts long requests, a refused address) the
element says so and the fragment polls as it always did, without a word to the person.

Only numbers, the join code, a pair's listen key (on that pair's two phones), the element's
own key on the page and a fixed path reach the browser code.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

WAIT_PATH = "/api/wait"
HOLD_SECONDS = 25
"""How long the server may hold a quiet request (it answers sooner when anything moves)."""

_HERE = Path(__file__).resolve().parent
JS = (_HERE / "listen.js").read_text(encoding="utf-8")

_mount = st.components.v2.component("bedrock_listen", html="", js=JS)


def listening(key: str) -> bool:
    """Whether the element mounted under ``key`` last said the endpoint answers."""
    held = st.session_state.get(key)
    return bool(held.get("listening")) if hasattr(held, "get") else False


def live_fragment(body: Callable[..., None], *, key: str, every: float) -> Callable[..., None]:
    """``body`` as a fragment that reruns every ``every`` seconds, or only when told to while
    the browser's element under ``key`` (mounted by :func:`wait_for_change` inside ``body``)
    is listening. Call it on every full run of the page."""
    now_listening = listening(key)
    st.session_state[f"{key}_registered"] = now_listening
    return st.fragment(body, run_every=None if now_listening else every)


def endpoint() -> str:
    """The long poll's path on this server, under Streamlit's base URL path if one is set."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}{WAIT_PATH}" if base else WAIT_PATH


def listen_data(
    *,
    name: str = "",
    code: str,
    version: int | None,
    every: float,
    spread: float,
    listening: bool = False,
    phone: bool = False,
    pair: str | None = None,
) -> dict[str, Any]:
    """What the browser receives. Pure apart from reading the base URL path. ``listening``
    is what the server last heard from the element, so an element drawn again (a full rerun
    of the page) does not report the same thing again and cost another run. ``phone``: wait
    on the workshop's phone version (``version`` is then one), which answers from the room
    do not move. ``pair``: wait on that pair's own counter instead (its listen key).
    ``name``: the element's key on the page, which tells the page's listeners apart in the
    browser."""
    key = "".join(ch for ch in pair or "" if ch.isalnum() or ch in "-_")[:32]
    return {
        "name": "".join(ch for ch in name if ch.isalnum() or ch in "-_")[:40],
        "of": "pair" if key else "phone" if phone else "all",
        "pair": key,
        "listening": bool(listening),
        "endpoint": endpoint(),
        "code": "".join(ch for ch in code if ch.isalnum())[:12],
        "version": version if isinstance(version, int) else None,
        "gap_ms": int(every * 1000),
        "spread_ms": int(spread * 1000),
        "hold_s": HOLD_SECONDS,
    }


def wait_for_change(
    *,
    key: str,
    code: str,
    version: int | None,
    every: float,
    spread: float = 0.5,
    phone: bool = False,
    pair: str | None = None,
) -> None:
    """Mount the listening element inside a :func:`live_fragment` body. ``version`` is the
    workshop version this run drew from (its phone version with ``phone``, the pair's
    counter with ``pair``; None when it could not read one: the fragment then runs again
    after ``every`` seconds). Switches the
    page between listening and polling (one full rerun) when the browser reports the
    endpoint came or went."""
    result = _mount(
        key=key,
        data=listen_data(
            name=key,
            code=code,
            version=version,
            every=every,
            spread=spread,
            listening=listening(key),
            phone=phone,
            pair=pair,
        ),
        width="stretch",
        height="content",
        on_listening_change=lambda: None,
        on_stale_change=lambda: None,
    )
    now_listening = bool(result.get("listening"))
    if now_listening != st.session_state.get(f"{key}_registered", False):
        st.rerun(scope="app")
