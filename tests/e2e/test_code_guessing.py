"""Guessing join codes over the app's own websocket, as a script would: every guess on a new
connection (a new browser session), all from one address. No browser needed."""

from __future__ import annotations

import re

from websockets.asyncio.client import connect

from bench.load import _connect, read_run, rerun_message
from tests.conftest import PLAN
from tests.e2e.own_loop import in_own_loop
from workshop.engine.privacy import new_code
from workshop.engine.store import Store


async def _join(ws_url: str, code: str, address: str | None = None) -> list[str]:
    """Open a new session at ``/?code=CODE`` and return what the page says; ``address`` is
    sent as the ``X-Real-IP`` a proxy in front of the app would set."""
    connection = _connect(ws_url, timeout=30)
    if address:
        connection = connect(
            ws_url,
            subprotocols=["streamlit"],
            additional_headers={"X-Real-IP": address},
            open_timeout=30,
            ping_interval=None,
        )
    async with connection as ws:
        await ws.send(rerun_message(query=f"code={code}"))
        drawn = await read_run(ws, timeout=30)
        assert not drawn.errors, drawn.errors
        return drawn.texts


def _guess_in_new_sessions(
    ws_url: str, codes: list[str], addresses: list[str | None] | None = None
) -> list[list[str]]:
    addresses = addresses or [None] * len(codes)

    async def main() -> list[list[str]]:
        return [await _join(ws_url, c, a) for c, a in zip(codes, addresses, strict=True)]

    return in_own_loop(main())


def test_a_new_session_for_every_guess_still_gets_throttled(run_app):
    app = run_app("app.py")
    store = Store(app.database_url)
    try:
        code = store.create_workshop(title="Evening group", stages=PLAN, passcode="x" * 8).code
    finally:
        store.close()
    unknown = []
    while len(unknown) < 20:
        guess = new_code()
        if guess != code and guess not in unknown:
            unknown.append(guess)
    ws_url = f"ws://127.0.0.1:{app.port}/_stcore/stream"

    pages = _guess_in_new_sessions(ws_url, [*unknown, code, "ZZZZZZ"])
    for page in pages[:20]:
        assert any("couldn't find a workshop" in text for text in page), page
    # The 21st session, with the live code, is told to wait and shown nothing of it.
    said = " ".join(pages[20])
    assert re.search(r"Please wait \d+ seconds", said), said
    assert "Welcome" not in said and "Evening group" not in said
    assert "Welcome" not in " ".join(pages[21])


def test_behind_a_proxy_one_clients_guesses_do_not_slow_another(run_app):
    app = run_app("app.py", env={"BEDROCK_CLIENT_ADDRESS_HEADER": "X-Real-IP"})
    store = Store(app.database_url)
    try:
        code = store.create_workshop(title="Evening group", stages=PLAN, passcode="x" * 8).code
    finally:
        store.close()
    unknown = sorted({new_code() for _ in range(40)} - {code})[:20]
    guesser, neighbour = "203.0.113.7", "198.51.100.20"
    pages = _guess_in_new_sessions(
        f"ws://127.0.0.1:{app.port}/_stcore/stream",
        [*unknown, code, code],
        [guesser] * 21 + [neighbour],
    )
    assert all(any("couldn't find" in t for t in page) for page in pages[:20])
    assert re.search(r"Please wait \d+ seconds", " ".join(pages[20]))
    assert f"Workshop {code}" in " ".join(pages[21])  # the room's other address joins as usual
