"""Timers and speaker-listener turns: pure functions of a deadline and ``now``."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workshop.engine.timer import (
    Phase,
    Timer,
    extend,
    pause,
    phase_at,
    reset,
    resume,
    speaker_listener_phases,
    start,
)

T0 = 1_772_442_000.0
# Quarter seconds are exact in binary floating point, so sums compare exactly.
quarters = st.integers(min_value=0, max_value=4 * 3600 * 4).map(lambda q: q / 4)
lengths = st.integers(min_value=1, max_value=4 * 3600).map(float)

operation = st.one_of(
    st.tuples(st.just("start"), lengths),
    st.tuples(st.just("pause"), st.none()),
    st.tuples(st.just("resume"), st.none()),
    st.tuples(st.just("extend"), st.integers(min_value=-600, max_value=600).map(float)),
    st.tuples(st.just("reset"), st.none()),
)


def apply(timer: Timer, name: str, amount: float | None, now: float) -> Timer:
    if name == "start":
        return start(timer, seconds=amount, now=now)
    if name == "extend":
        return extend(timer, seconds=amount, now=now)
    if name == "reset":
        return reset(timer)
    return {"pause": pause, "resume": resume}[name](timer, now=now)


@given(steps=st.lists(st.tuples(operation, quarters), max_size=30), probes=st.lists(quarters))
def test_remaining_stays_between_zero_and_what_was_set_plus_extensions(steps, probes):
    timer, now, allowed = Timer(), T0, 0.0
    for (name, amount), gap in steps:
        now += gap
        timer = apply(timer, name, amount, now)
        if name == "start":
            allowed = amount
        elif name == "extend":
            allowed += max(0.0, amount)
        assert timer.duration <= allowed
        # Probes also look at times before the last change: another server's clock may lag.
        for probe in [now, *(now + p for p in probes), *(now - p for p in probes)]:
            assert 0.0 <= timer.remaining(probe) <= timer.duration


@given(seconds=lengths, run=quarters, paused_for=quarters)
def test_pausing_and_resuming_keeps_the_time_left(seconds, run, paused_for):
    running = start(Timer(), seconds=seconds, now=T0)
    before = running.remaining(T0 + run)
    paused = pause(running, now=T0 + run)
    assert paused.remaining(T0 + run + paused_for) == before
    resumed = resume(paused, now=T0 + run + paused_for)
    assert resumed.remaining(T0 + run + paused_for) == before
    assert resumed.status(T0 + run + paused_for) == ("running" if before > 0 else "over")


@given(seconds=lengths, run=quarters, later=quarters)
def test_a_running_timer_counts_down_with_the_clock(seconds, run, later):
    timer = start(Timer(), seconds=seconds, now=T0)
    assert timer.remaining(T0 + run + later) == max(0.0, timer.remaining(T0 + run) - later)


def test_status_moves_from_idle_to_running_paused_running_over_and_back_to_idle():
    timer = Timer()
    assert timer.status(T0) == "idle"
    timer = start(timer, seconds=300, now=T0)
    assert timer.status(T0 + 10) == "running"
    timer = pause(timer, now=T0 + 10)
    assert timer.status(T0 + 1000) == "paused"
    assert timer.remaining(T0 + 1000) == 290
    timer = resume(timer, now=T0 + 1000)
    assert timer.status(T0 + 1289) == "running"
    assert timer.status(T0 + 1290) == "over"
    assert timer.remaining(T0 + 5000) == 0
    timer = reset(timer)
    assert (timer.status(T0 + 5000), timer.remaining(T0 + 5000)) == ("idle", 300)


@given(seconds=lengths, at=quarters)
def test_pause_and_resume_do_nothing_to_an_idle_or_finished_timer(seconds, at):
    idle = Timer(duration=seconds)
    assert pause(idle, now=T0 + at) == idle
    assert resume(idle, now=T0 + at) == idle
    finished = start(Timer(), seconds=seconds, now=T0)
    after = T0 + seconds + at
    assert pause(finished, now=after) == finished
    assert resume(finished, now=after) == finished


def test_adding_time_to_a_finished_timer_runs_it_again():
    timer = extend(start(Timer(), seconds=60, now=T0), seconds=120, now=T0 + 90)
    assert timer.status(T0 + 90) == "running"
    assert timer.remaining(T0 + 90) == 120
    assert timer.duration == 180


def test_taking_away_more_time_than_is_left_ends_the_timer_at_zero():
    timer = extend(start(Timer(), seconds=300, now=T0), seconds=-400, now=T0 + 100)
    assert timer.remaining(T0 + 100) == 0
    assert timer.status(T0 + 100) == "over"
    paused = extend(pause(start(Timer(), seconds=300, now=T0), now=T0 + 250), seconds=-60, now=T0)
    assert (paused.status(T0 + 999), paused.remaining(T0 + 999)) == ("paused", 0)


def test_extending_an_idle_timer_changes_only_its_duration():
    timer = extend(Timer(duration=300), seconds=60, now=T0)
    assert (timer.status(T0), timer.remaining(T0)) == ("idle", 360)


def test_a_negative_start_is_refused():
    with pytest.raises(ValueError):
        start(Timer(), seconds=-1, now=T0)


# -- speaker-listener turns --------------------------------------------------------------------


def expected_order(rounds: int) -> list[tuple[str, str, int]]:
    order = []
    for number in range(1, rounds + 1):
        order += [("speak", "A", number), ("paraphrase", "A", number), ("swap", "A", number)]
        order += [("speak", "B", number), ("paraphrase", "B", number), ("swap", "B", number)]
    return order[:-1]


@given(
    rounds=st.integers(min_value=1, max_value=6),
    speak=lengths,
    paraphrase=lengths,
    swap=st.integers(min_value=1, max_value=120).map(float),
)
def test_turns_alternate_a_then_b_in_each_round_with_a_swap_between_turns(
    rounds, speak, paraphrase, swap
):
    phases = speaker_listener_phases(
        rounds=rounds, speak_seconds=speak, paraphrase_seconds=paraphrase, swap_seconds=swap
    )
    assert [(p.kind, p.speaker, p.round) for p in phases] == expected_order(rounds)
    assert all(p.listener != p.speaker for p in phases)
    lengths_by_kind = {"speak": speak, "paraphrase": paraphrase, "swap": swap}
    assert all(p.seconds == lengths_by_kind[p.kind] for p in phases)
    total = sum(p.seconds for p in phases)
    assert total == rounds * 2 * (speak + paraphrase) + (2 * rounds - 1) * swap


def test_no_swap_phases_when_swapping_takes_no_time():
    phases = speaker_listener_phases(
        rounds=2, speak_seconds=120, paraphrase_seconds=60, swap_seconds=0
    )
    assert [p.kind for p in phases] == ["speak", "paraphrase"] * 4


@pytest.mark.parametrize(
    "arguments",
    [
        {"rounds": 0, "speak_seconds": 60, "paraphrase_seconds": 30},
        {"rounds": 1, "speak_seconds": 0, "paraphrase_seconds": 30},
        {"rounds": 1, "speak_seconds": 60, "paraphrase_seconds": -1},
    ],
)
def test_impossible_turns_are_refused(arguments):
    with pytest.raises(ValueError):
        speaker_listener_phases(**arguments)


PHASES = speaker_listener_phases(
    rounds=1, speak_seconds=120, paraphrase_seconds=60, swap_seconds=15
)  # 0-120 A speaks, 120-180 paraphrase, 180-195 swap, 195-315 B speaks, 315-375 paraphrase


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (-30, (0, 120)),
        (0, (0, 120)),
        (119.75, (0, 0.25)),
        (120, (1, 60)),
        (180, (2, 15)),
        (195, (3, 120)),
        (374.5, (4, 0.5)),
        (375, None),
        (1000, None),
    ],
)
def test_phase_at_boundaries_the_next_phase_starts_in_full(offset, expected):
    assert phase_at(PHASES, started_at=T0, now=T0 + offset) == expected


def test_time_spent_paused_does_not_count():
    assert phase_at(PHASES, started_at=T0, now=T0 + 200, paused_total=80) == (1, 60)


@given(
    phases=st.lists(
        st.builds(
            Phase,
            kind=st.sampled_from(["speak", "paraphrase", "swap"]),
            speaker=st.just("A"),
            listener=st.just("B"),
            round=st.just(1),
            seconds=lengths,
        ),
        min_size=1,
        max_size=12,
    ),
    at=quarters,
)
def test_phase_at_names_the_phase_whose_span_holds_now(phases, at):
    found = phase_at(phases, started_at=T0, now=T0 + at)
    total = sum(p.seconds for p in phases)
    if at >= total:
        assert found is None
        return
    index, left = found
    begins = sum(p.seconds for p in phases[:index])
    assert begins <= at < begins + phases[index].seconds
    assert left == begins + phases[index].seconds - at
    assert 0 < left <= phases[index].seconds
