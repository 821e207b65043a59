"""The countdown's server side: what it sends to the browser, and how it mounts."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from workshop.components import countdown as countdown_module
from workshop.components.countdown import countdown_data
from workshop.engine.timer import Timer, pause, start

T0 = 1_750_000_000.0


def test_a_running_timer_sends_its_deadline_and_the_server_clock() -> None:
    timer = start(Timer(), seconds=90, now=T0)

    data = countdown_data(timer=timer, now=T0 + 10, label="Speaker A")

    assert data == {
        "deadline_ms": int((T0 + 90) * 1000),
        "remaining_ms": 80_000,
        "duration_ms": 90_000,
        "server_now_ms": int((T0 + 10) * 1000),
        "running": True,
        "state": "running",
        "chime": False,
        "size": "large",
        "label": "Speaker A",
        "announce": True,
        "over_text": "Time's up",
        "paused_text": "Paused",
    }


def test_a_paused_timer_sends_no_deadline_and_its_frozen_remaining_time() -> None:
    timer = pause(start(Timer(), seconds=300, now=T0), now=T0 + 45.5)

    later = countdown_data(timer=timer, now=T0 + 500)

    assert later["deadline_ms"] is None
    assert later["running"] is False
    assert later["state"] == "paused"
    assert later["remaining_ms"] == 254_500


def test_an_idle_timer_shows_its_whole_duration() -> None:
    data = countdown_data(timer=Timer(duration=600), now=T0)

    assert (data["state"], data["running"], data["deadline_ms"], data["remaining_ms"]) == (
        "idle",
        False,
        None,
        600_000,
    )


def test_a_timer_past_its_deadline_is_over_with_nothing_left() -> None:
    timer = start(Timer(), seconds=60, now=T0)

    data = countdown_data(timer=timer, now=T0 + 61, chime=True, size="huge")

    assert data["state"] == "over"
    assert data["remaining_ms"] == 0
    assert data["deadline_ms"] == int((T0 + 60) * 1000)
    assert (data["chime"], data["size"]) == (True, "huge")


def test_an_unknown_size_is_refused() -> None:
    with pytest.raises(ValueError, match="huge, large, small"):
        countdown_data(timer=Timer(duration=60), now=T0, size="giant")  # type: ignore[arg-type]


def test_the_browser_code_is_fixed_and_never_carries_the_caption() -> None:
    hostile = '<img src=x onerror="alert(1)">'

    data = countdown_data(timer=Timer(duration=60), now=T0, label=hostile)

    assert data["label"] == hostile  # travels as data, written with textContent
    for code in (countdown_module.HTML, countdown_module.CSS, countdown_module.JS):
        assert "<img" not in code
    assert "innerHTML" not in countdown_module.JS


def test_only_numbers_booleans_and_fixed_words_reach_the_browser() -> None:
    timer = start(Timer(), seconds=90, now=T0)

    data = countdown_data(timer=timer, now=T0 + 1, label="Round 2")

    for name in ("deadline_ms", "remaining_ms", "duration_ms", "server_now_ms"):
        assert type(data[name]) is int, name
    assert type(data["running"]) is bool and type(data["chime"]) is bool
    assert data["state"] in {"idle", "running", "paused", "over"}
    assert data["size"] in {"huge", "large", "small"}
    json.dumps(data)  # plain JSON, nothing else


def _countdown_page() -> None:
    import streamlit as st

    from workshop.components.countdown import countdown
    from workshop.engine.timer import Timer, extend, start

    if "timer" not in st.session_state:
        st.session_state.timer = start(Timer(), seconds=90, now=1_750_000_000.0)
    if st.session_state.get("extend"):
        st.session_state.timer = extend(st.session_state.timer, seconds=60, now=1_750_000_010.0)
    now = 1_750_000_000.0 + st.session_state.get("tick", 0)
    countdown(timer=st.session_state.timer, now=now, key="stage", label="Listening round")


def _mounted(at: AppTest) -> tuple[str, dict]:
    (element,) = at.get("bidi_component")
    proto = element.proto
    return proto.id, json.loads(proto.json)


def test_the_page_mounts_one_countdown_with_the_timer_as_data() -> None:
    at = AppTest.from_function(_countdown_page).run()

    assert not at.exception
    element_id, data = _mounted(at)
    assert data["deadline_ms"] == 1_750_000_090_000
    assert data["server_now_ms"] == 1_750_000_000_000
    assert data["label"] == "Listening round"
    assert element_id.endswith("stage")


def test_reruns_keep_the_same_countdown_and_pass_a_new_deadline() -> None:
    at = AppTest.from_function(_countdown_page).run()
    first_id, first = _mounted(at)

    at.session_state.tick = 5
    at.run()
    same_id, same = _mounted(at)
    at.session_state.extend = True
    at.run()
    later_id, later = _mounted(at)

    # One element across reruns: the browser keeps its display and only takes new data.
    assert first_id == same_id == later_id
    assert same["deadline_ms"] == first["deadline_ms"]
    assert same["server_now_ms"] == first["server_now_ms"] + 5_000
    assert later["deadline_ms"] == first["deadline_ms"] + 60_000
