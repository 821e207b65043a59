"""A page with one countdown, driven by the query string, for the browser tests.

Query parameters: ``left`` (seconds on the timer, default 90), ``state`` (running, paused,
idle or over), ``size``, ``chime`` (1 to chime), ``label``. Buttons rerun the script with
the same deadline, add a minute, or start the timer again; a caption counts this
session's runs, so a test can wait for a rerun to arrive.

When ``BEDROCK_DEMO_RUNS`` names a file, every script run appends one line to it, so a
test can tell whether the display moved without the server running the script. When
``BEDROCK_TEST_CLOCK`` names a file, the page's clock is the time in it (see
``tests/e2e/clocks.py``), read once per run, so the buttons and the countdown agree.
"""

from __future__ import annotations

import os
import time

import streamlit as st

from tests.e2e.clocks import read_clock
from workshop.components.countdown import countdown
from workshop.engine.timer import Timer, extend, pause, start

runs_file = os.environ.get("BEDROCK_DEMO_RUNS")
if runs_file:
    with open(runs_file, "a", encoding="utf-8") as runs:
        runs.write("run\n")

params = st.query_params
left = float(params.get("left", "90"))
wanted = params.get("state", "running")


def clock() -> float:
    clock_file = os.environ.get("BEDROCK_TEST_CLOCK")
    return read_clock(clock_file) if clock_file else time.time()


now = clock()

if "timer" not in st.session_state:
    timer = start(Timer(), seconds=left, now=now)
    if wanted == "paused":
        timer = pause(timer, now=now)
    elif wanted == "idle":
        timer = Timer(duration=left)
    elif wanted == "over":
        timer = start(Timer(), seconds=left, now=now - left - 5)
    st.session_state.timer = timer


def _add_a_minute() -> None:
    st.session_state.timer = extend(st.session_state.timer, seconds=60, now=clock())


def _start_again() -> None:
    st.session_state.timer = start(Timer(), seconds=left, now=clock())


countdown(
    timer=st.session_state.timer,
    now=now,
    key="demo",
    size=params.get("size", "large"),
    chime=params.get("chime") == "1",
    label=params.get("label", ""),
)

st.session_state.runs = st.session_state.get("runs", 0) + 1

rerun, more, again = st.columns(3)
rerun.button("Rerun")
more.button("Add a minute", on_click=_add_a_minute)
again.button("Start again", on_click=_start_again)
st.caption(f"Run {st.session_state.runs}")
