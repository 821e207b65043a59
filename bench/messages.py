"""The largest websocket message a legitimate screen needs, to set `server.maxMessageSize`.

Starts the real app on a fresh SQLite file, fills one written prompt with a full room's
worth of texts (``--phones`` phones × ``--texts`` texts each, every one as long as the prompt
allows), reveals it, then opens the projector and the signed-in console over the app's own
websocket and records the size of every message the server sends. Three kinds of text are
tried: plain English, a three-byte script (Chinese), and text made of the characters HTML
escaping multiplies (``<``, ``>``, ``&``), which is the worst a wall can cost per character.

    python -m bench.messages --phones 80 --texts 5

Only 127.0.0.1 is contacted; the run stops by itself. See bench/README.md for the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.load import (
    FINISHED_EARLY,
    PASSCODE,
    REFLECTION,
    Database,
    Drawn,
    Server,
    _connect,
    _create_workshop,
    _take,
    rerun_message,
)

TEXTS = {
    "english": "We talked about the week and I felt heard when you asked again. ",
    "chinese": "我们谈到这一周，你再问一次时我觉得被听见了。",
    "escaped": "<&>",
}


def _fill(text: str, length: int) -> str:
    return (text * (length // len(text) + 1))[:length]


async def _sizes(ws_url: str, reruns: Sequence[dict], timeout: float = 60.0) -> dict[str, int]:
    """Run each rerun in turn on one session (the next built from what the last drew) and
    return the largest and the total bytes of the messages the server sent."""
    largest = total = 0
    drawn = Drawn()
    async with _connect(ws_url, timeout=timeout) as ws:
        for make in reruns:
            await ws.send(rerun_message(**make(drawn)))
            drawn = Drawn()
            async with asyncio.timeout(timeout):
                while True:
                    raw = await ws.recv()
                    largest, total = max(largest, len(raw)), total + len(raw)
                    message = ForwardMsg()
                    message.ParseFromString(raw)
                    if message.WhichOneof("type") != "script_finished":
                        _take(message, drawn)
                        continue
                    if message.script_finished == FINISHED_EARLY:
                        drawn = Drawn(page_hash=drawn.page_hash)
                        continue
                    break
    if drawn.errors:
        raise RuntimeError(f"the page showed an error: {drawn.errors}")
    return {"largest_bytes": largest, "total_bytes": total}


def _console_reruns(code: str) -> list:
    def sign_in(form: Drawn) -> dict:
        widgets = [
            WidgetState(id=form.widgets["fac_reopen_code"], string_value=code),
            WidgetState(id=form.widgets["fac_reopen_pass"], string_value=PASSCODE),
            WidgetState(id=form.widgets["fac_reopen_go"], trigger_value=True),
        ]
        return {"query": "", "page_name": "facilitate", "page_hash": form.page_hash,
                "widgets": widgets}  # fmt: skip

    return [lambda _: {"query": "", "page_name": "facilitate"}, sign_in]


def measure(*, phones: int, texts: int, kind: str, folder: Path) -> dict[str, object]:
    """One filled wall of ``kind`` text: the projector's and the console's message sizes."""
    from workshop.content.loader import get_content
    from workshop.engine.store import Store

    database = Database(None, folder)
    code, key, screen_key, _prompts, _scale = _create_workshop(database.url)
    store = Store(database.url)
    try:
        length = get_content().exercises[REFLECTION].max_chars
        body = _fill(TEXTS[kind], length)
        for _ in range(phones):
            token = secrets.token_urlsafe(32)
            for _ in range(texts):
                store.submit_reflection(code=code, prompt_id=REFLECTION, token=token, text=body)
        store.reveal(code=code, key=key, prompt_id=REFLECTION)
    finally:
        store.close()
    env = {**os.environ, "DATABASE_URL": database.url}
    server = Server("app.py", (), env, folder / f"server-{kind}.log")
    try:
        server.wait_healthy()
        screen_query = f"code={code}&key={screen_key}"
        screen = asyncio.run(
            _sizes(server.ws_url, [lambda _: {"query": screen_query, "page_name": "screen"}])
        )
        console = asyncio.run(_sizes(server.ws_url, _console_reruns(code)))
    finally:
        server.stop()
    return {
        "text": kind,
        "texts_on_wall": phones * texts,
        "chars_each": length,
        "projector": screen,
        "console": console,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--phones", type=int, default=80)
    parser.add_argument("--texts", type=int, default=5, help="texts each phone sends")
    parser.add_argument("--kinds", nargs="+", choices=sorted(TEXTS), default=sorted(TEXTS))
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bedrock-messages-") as folder:
        for kind in args.kinds:
            row = measure(phones=args.phones, texts=args.texts, kind=kind, folder=Path(folder))
            rows.append(row)
            print(json.dumps(row), flush=True)
    mb = max(max(r["projector"]["largest_bytes"], r["console"]["largest_bytes"]) for r in rows)
    print(f"largest message: {mb / 1e6:.2f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
