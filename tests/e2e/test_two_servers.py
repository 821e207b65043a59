"""Two app servers on two ports sharing one PostgreSQL, as behind a load balancer: the
database is the only thing they share, and it is enough."""

from __future__ import annotations

import time

from playwright.sync_api import expect

PROMPT = "A time I felt understood"
LAPTOP = {"viewport": {"width": 1440, "height": 900}}
SENT = [
    "They put their phone face down when I started talking.",
    "My partner asked what the hardest part of my week was, and waited.",
    "They remembered the name of my difficult colleague.",
]


def test_a_phone_on_one_server_reaches_the_console_on_another_and_the_wall_on_the_first(
    run_app, pg_url, group, desktop, phone, projector, page_errors
) -> None:
    env = {"DATABASE_URL": pg_url}
    server_a = run_app("server.py", env=env)
    server_b = run_app("server.py", env=env)
    assert server_a.port != server_b.port

    # The facilitator works on server B; the projector and the phones are served by A.
    console, code = group.create(desktop(**LAPTOP), server_b)
    errors = page_errors(console)
    group.stage(console, 2)
    group.ask(console, PROMPT)
    screen = group.screen(projector(), console, base_url=server_a.url)
    assert screen.url.startswith(server_a.url)
    expect(screen.get_by_text(f"On your phone: {PROMPT}")).to_be_visible(timeout=group.live_ms)
    phones = [group.join(phone(), server_a, code) for _ in range(3)]
    for page in phones:
        errors += page_errors(page)
        expect(page.get_by_text(PROMPT, exact=True)).to_be_visible(timeout=group.live_ms)

    group.send(phones[0], SENT[0])
    group.send(phones[1], SENT[1])
    group.send(phones[2], SENT[2])
    acknowledged = time.monotonic()
    expect(group.answers(console)).to_have_text("3 answers", timeout=group.live_ms)
    print(f"\n[figure] phone on A to console on B: {time.monotonic() - acknowledged:.2f} s")
    # The facilitator on B reads them before deciding to show them; the room does not yet.
    console.get_by_text(f"Moderate ({len(SENT)})").click()
    on_console = console.get_by_test_id("stExpanderDetails").get_by_test_id("stText")
    expect(on_console).to_have_count(len(SENT), timeout=group.live_ms)
    assert sorted(on_console.all_inner_texts()) == sorted(SENT)
    expect(screen.get_by_text("3 answers")).to_be_visible(timeout=group.live_ms)
    for text in SENT:
        expect(screen.get_by_text(text)).to_have_count(0)

    group.click(console, "Reveal to the room")
    revealed = time.monotonic()
    cards = screen.locator(".bedrock-card")
    expect(cards).to_have_count(len(SENT), timeout=group.live_ms)
    print(f"[figure] reveal on B to the wall on A: {time.monotonic() - revealed:.2f} s")
    assert sorted(cards.all_inner_texts()) == sorted(SENT)
    expect(phones[1].get_by_text("The answers are up on the screen now.")).to_be_visible(
        timeout=group.live_ms
    )
    assert errors == []
    for server in (server_a, server_b):
        server.stop()
        assert "Traceback" not in server.log()
