"""A small run of the load benchmark: the real server, twenty simulated phones over the
app's own websocket protocol, and a facilitator signed in through the console. It checks
that the harness still speaks the app's protocol (joins, ticks, sends), not how fast."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from bench.load import REFLECTION, SCALE, Settings, run_scenario


def twenty(**changes) -> Settings:
    """Twenty phones on SQLite, one client process, short pauses; ``changes`` on top."""
    return Settings(
        **{
            "participants": 20,
            "interval": 2.0,
            "join_rate": 40.0,
            "workers": 1,
            "database_url": None,
            "run_timeout": 60.0,
            "seed": 3,
            "idle_seconds": 0.5,
            "settle_seconds": 0.5,
            **changes,
        }
    )


def test_twenty_phones_join_tick_and_send_while_the_console_counts():
    settings = twenty(duration=6.0, submit_share=0.5, scale=False)

    # The harness runs its own event loop: give it a thread of its own, since browser tests
    # earlier in the same pytest process may leave one running in this thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        figures = pool.submit(run_scenario, "app", settings).result()

    assert figures["joined"] == 20
    assert figures["dropped"] == 0
    assert figures["errors"] == 0, figures["error_samples"]
    # Every phone ticks its refreshing fragment about once per interval through the window.
    assert figures["ticks"] >= 20 * 2
    assert figures["reflections_acked"] == 10
    assert figures["failed_sends"] == 0
    assert figures["stored"] == {REFLECTION: 10, SCALE: 0}
    # The console, refreshing on its own, shows every reflection sent.
    assert figures["console_final_count"] == 10


def test_twenty_listening_phones_sleep_through_answers_and_rerun_for_the_prompt_switch():
    settings = twenty(duration=8.0, submit_share=0.15, scale=True, listen=True)

    with ThreadPoolExecutor(max_workers=1) as pool:
        figures = pool.submit(run_scenario, "app", settings).result()

    assert figures["listening"] is True
    assert figures["joined"] == 20
    assert figures["dropped"] == 0
    assert figures["errors"] == 0, figures["error_samples"]
    assert figures["reflections_acked"] == 3
    assert figures["stored"][REFLECTION] == 3
    # Three answers arrive, which no phone draws: no phone is told. The console then puts
    # the scale on the phones: each is told once and redraws its page, where polling would
    # tick 20 x 4 times whatever happened.
    assert figures["ticks"] == figures["redraw_ticks"]
    assert 20 <= figures["ticks"] <= 20 * 2
    assert figures["long_polls_answered"] >= 20


def test_half_the_phones_pair_answer_privately_and_each_sees_the_partner_s_answer():
    settings = twenty(duration=8.0, submit_share=0.2, scale=False, listen=True, paired_share=0.5)

    with ThreadPoolExecutor(max_workers=1) as pool:
        figures = pool.submit(run_scenario, "app", settings).result()

    assert figures["errors"] == 0, figures["error_samples"]
    assert figures["pair_errors"] == 0, figures["pair_error_samples"]
    # Ten phones pair through their pages (one shows a code, the other types it): five
    # pairs, every badge shown on both phones.
    assert (figures["paired_phones"], figures["paired_shown"]) == (10, 10)
    # Each partner answers privately, shown to the other and sent to the room; each phone
    # then shows its partner's words, the first to answer told by the pair's long poll.
    assert figures["private_answers_acked"] == 10
    assert figures["partner_reveal_seen"] == 10
    assert figures["partner_reveal_timed"] == 5
    assert figures["pair_long_polls_answered"] >= 10
    assert figures["stored"][REFLECTION] == figures["reflections_acked"] == 14
