"""How heavy the console gets when the moderation queue fills up.

Starts the real app from ``--repo`` (default: this repository) on a fresh SQLite file,
creates a workshop with that repository's own engine, reveals the reflection prompt with
three texts, then sends ``--texts`` more from as many phones (all held back for the
facilitator, as texts sent after a reveal are). A console session signs in through the real
reopen form over Streamlit's websocket protocol and ticks the live-answers fragment
``--ticks`` times, the way the browser does every 1.5 s. Reported per refresh: bytes the
server sent, buttons drawn, texts drawn, and the time from the request to
``script_finished``. Only 127.0.0.1 is contacted; the run stops by itself.

    python -m bench.console_queue --texts 1000 --ticks 20
    python -m bench.console_queue --texts 1000 --repo /tmp/bedrock-before   # another checkout

See bench/README.md for the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.load import FINISHED_EARLY, PASSCODE, REPO, Server, _connect, rerun_message, widget_key

SETUP = """
import json, sys
from workshop.content.loader import get_content
from workshop.content.planning import build_plan
from workshop.engine.privacy import new_token
from workshop.engine.store import Store

url, passcode, texts = sys.argv[1], sys.argv[2], int(sys.argv[3])
content = get_content()
store = Store(url)
plan = build_plan(content, [(m.id, float(m.minutes)) for m in content.modules])
made = store.create_workshop(title="Queue benchmark", stages=plan, passcode=passcode)
code, key = made.code, made.facilitator_key
store.go_to_stage(code=code, key=key, index=1)
store.set_prompt(code=code, key=key, prompt_id="felt-understood")
join = getattr(store, "join", None)  # checkouts from before phones were signed take any token

def send(n):
    token = join(code=code, client=f"phone {n}") if join else new_token()
    store.submit_reflection(code=code, prompt_id="felt-understood", token=token, text=f"held {n}")

for n in range(3):
    send(n)
store.reveal(code=code, key=key, prompt_id="felt-understood")
for n in range(3, 3 + texts):
    send(n)
print(json.dumps({"code": code}))
"""


class Refresh:
    """What one run sent: bytes, buttons, texts, seconds."""

    def __init__(self) -> None:
        self.bytes = 0
        self.buttons = 0
        self.texts = 0
        self.seconds = 0.0
        self.widgets: dict[str, str] = {}
        self.fragment_id = ""
        self.page_hash = ""


async def run(ws, **rerun) -> Refresh:
    refresh = Refresh()
    started = time.perf_counter()
    await ws.send(rerun_message(query="", page_name="facilitate", **rerun))
    while True:
        raw = await asyncio.wait_for(ws.recv(), timeout=120)
        refresh.bytes += len(raw)
        message = ForwardMsg()
        message.ParseFromString(raw)
        kind = message.WhichOneof("type")
        if kind == "script_finished":
            if message.script_finished == FINISHED_EARLY:
                continue
            refresh.seconds = time.perf_counter() - started
            return refresh
        if kind == "auto_rerun":
            refresh.fragment_id = message.auto_rerun.fragment_id
        elif kind == "navigation":
            refresh.page_hash = message.navigation.page_script_hash
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            what = element.WhichOneof("type")
            if what == "button":
                refresh.buttons += 1
            elif what == "text":
                refresh.texts += 1
            if what in {"button", "text_input"}:
                widget = getattr(element, what)
                refresh.widgets[widget_key(widget.id)] = widget.id


async def console(ws_url: str, code: str, ticks: int) -> dict[str, object]:
    async with _connect(ws_url, timeout=60) as ws:
        form = await run(ws)
        signed_in = await run(
            ws,
            page_hash=form.page_hash,
            widgets=[
                WidgetState(id=form.widgets["fac_reopen_code"], string_value=code),
                WidgetState(id=form.widgets["fac_reopen_pass"], string_value=PASSCODE),
                WidgetState(id=form.widgets["fac_reopen_go"], trigger_value=True),
            ],
        )
        if not signed_in.fragment_id:
            raise RuntimeError("signing in did not open the console's live answers")
        refreshes = []
        for _ in range(ticks):
            await asyncio.sleep(1.5)
            refreshes.append(
                await run(ws, page_hash=signed_in.page_hash, fragment_id=signed_in.fragment_id)
            )
    seconds = sorted(r.seconds for r in refreshes)
    return {
        "page_kb": round(signed_in.bytes / 1024, 1),
        "page_buttons": signed_in.buttons,
        "page_seconds": round(signed_in.seconds, 3),
        "refresh_kb": round(statistics.median(r.bytes for r in refreshes) / 1024, 1),
        "refresh_buttons": refreshes[-1].buttons,
        "refresh_texts": refreshes[-1].texts,
        "refresh_ms_p50": round(1000 * statistics.median(seconds), 1),
        "refresh_ms_max": round(1000 * seconds[-1], 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=1000, help="texts held after the reveal")
    parser.add_argument("--ticks", type=int, default=20, help="console refreshes measured")
    parser.add_argument("--repo", type=Path, default=REPO, help="the checkout to run")
    args = parser.parse_args(argv)
    repo = args.repo.resolve()
    with tempfile.TemporaryDirectory(prefix="bedrock-queue-") as folder:
        url = f"sqlite:///{Path(folder) / 'bedrock.db'}"
        env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(repo)}
        made = subprocess.run(
            [sys.executable, "-c", SETUP, url, PASSCODE, str(args.texts)],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        code = json.loads(made.stdout.strip().splitlines()[-1])["code"]
        server = Server(str(repo / "app.py"), [], env, Path(folder) / "server.log")
        try:
            server.wait_healthy()
            figures = asyncio.run(console(server.ws_url, code, args.ticks))
        finally:
            server.stop()
    print(json.dumps({"texts_held": args.texts, "repo": str(repo), **figures}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
