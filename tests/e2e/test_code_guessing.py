"""Guessing join codes over the app's own websocket, as a script would: every guess on a new
connection (a new browser session), all from one address. No browser needed."""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor

from bench.load import _connect, read_run, rerun_message
from tests.conftest import PLAN
from workshop.engine.privacy import new_code
from workshop.engine.store import Store


async def _join(ws_url: str, code: str) -> list[str]:
    """Open a new session at ``/?code=CODE`` and return what the page says."""
    async with _connect(ws_url, timeout=30) as ws:
        await ws.send(rerun_message(query=f"code={code}"))
        drawn = await read_run(ws, timeout=30)
        assert not drawn.errors, drawn.errors
        return drawn.texts


def _guess_in_new_sessions(ws_url: str, codes: list[str]) -> list[list[str]]:
    async def main() -> list[list[str]]:
        return [await _join(ws_url, code) for code in codes]

    # The harness needs an event loop of its own thread (browser tests may hold this one).
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, main()).result()


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
