"""The deploy/ recipe in Chromium: HAProxy in front of two Bedrock servers sharing one
PostgreSQL, started by deploy/run-local. Browsers only ever see the proxy's address; the
SERVERID cookie HAProxy uses for stickiness is set per browser to put each on a chosen
server, exactly as HAProxy's own first answer would."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.deploy_set import running_set

PROMPT = "A time I felt understood"
LAPTOP = {"viewport": {"width": 1440, "height": 900}}
SENT = [
    "On the train home they listened to the whole story without checking their phone.",
    "They noticed I was quiet at dinner and asked, gently, later.",
    "My partner repeated back what I said, and got it right.",
]
AFTER_THE_KILL = "Sent after a server went away: they held my hand in the waiting room."


@dataclass
class Proxy:
    """The proxy's address, shaped like the app fixture the group helpers take."""

    url: str

    def at(self, query: str = "") -> str:
        query = query.lstrip("?")
        return f"{self.url}/?{query}" if query else f"{self.url}/"


@pytest.fixture
def deploy_set(pg_url, tmp_path):
    with running_set(pg_url, tmp_path) as running:
        yield running


def on_server(context: BrowserContext, proxy: Proxy, name: str) -> BrowserContext:
    context.add_cookies([{"name": "SERVERID", "value": name, "url": proxy.url}])
    return context


def server_of(context: BrowserContext) -> str | None:
    return next((c["value"] for c in context.cookies() if c["name"] == "SERVERID"), None)


def test_a_workshop_through_haproxy_survives_losing_a_server(
    deploy_set, group, desktop, phone, projector, page_errors
):
    proxy = Proxy(deploy_set.url)
    console_context = on_server(desktop(**LAPTOP), proxy, "b")
    console, code = group.create(console_context, proxy)
    group.stage(console, 2)
    group.ask(console, PROMPT)
    screen_context = on_server(projector(), proxy, "a")
    screen = group.screen(screen_context, console)
    phone_contexts = [on_server(phone(), proxy, name) for name in ("a", "a", "b")]
    phones = [group.join(context, proxy, code) for context in phone_contexts]
    errors = [page_errors(page) for page in (console, screen, *phones)]
    for page in phones:
        expect(page.get_by_text(PROMPT, exact=True)).to_be_visible(timeout=group.live_ms)
    # Each browser stayed on the server its cookie names.
    assert [server_of(c) for c in (console_context, screen_context, *phone_contexts)] == [
        "b",
        "a",
        "a",
        "a",
        "b",
    ]

    for page, text in zip(phones, SENT, strict=True):
        group.send(page, text)
    expect(group.answers(console)).to_have_text("3 answers", timeout=group.live_ms)
    # The facilitator on b reads them before deciding to show them; the wall on a counts
    # them and shows none yet.
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
    print(
        f"\n[figure] reveal on server b to the wall on a, through HAProxy: "
        f"{time.monotonic() - revealed:.2f} s"
    )
    for page in phones:
        expect(page.get_by_text("The answers are up on the screen now.")).to_be_visible(
            timeout=group.live_ms
        )

    deploy_set.kill_server("a")
    killed = time.monotonic()
    # The projector and the phones of server a reconnect through the proxy to server b by
    # themselves: HAProxy gives them b's cookie as it sends them there.
    for page, context in ((screen, screen_context), (phones[0], phone_contexts[0])):
        wait_until(page, lambda context=context: server_of(context) == "b")
    for page in phones[:2]:
        expect(page.get_by_text("The answers are up on the screen now.")).to_be_visible(
            timeout=30_000
        )
    group.send(phones[0], AFTER_THE_KILL)
    print(
        f"[figure] server a killed to a phone of a sending through b: "
        f"{time.monotonic() - killed:.2f} s"
    )
    expect(console.get_by_text(AFTER_THE_KILL)).to_be_visible(timeout=group.live_ms)
    # The phone kept its token across servers, so it still counts as one person.
    expect(group.answers(console)).to_have_text("3 answers")
    # The facilitator puts the new one up: the projector, now served by b, shows it beside
    # every answer acknowledged before the kill.
    console.get_by_role("button", name="Show", exact=True).click()
    expect(cards).to_have_count(len(SENT) + 1, timeout=group.live_ms)
    assert sorted(cards.all_inner_texts()) == sorted([*SENT, AFTER_THE_KILL])
    assert errors[0] == [] and errors[4] == []  # the console and the phone on b never noticed


def wait_until(page, condition, timeout_ms: float = 30_000) -> None:
    """Let the page run until ``condition`` holds."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not condition():
        assert time.monotonic() < deadline, "the page never got there"
        page.wait_for_timeout(100)
