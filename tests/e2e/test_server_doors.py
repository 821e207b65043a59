"""What the real server refuses at its doors, tried the way a script would: uploads and
websocket messages beyond what the app needs.

No browser here: these talk HTTP and Streamlit's websocket protocol to `streamlit run app.py`
with the shipped `.streamlit/config.toml`, using the protocol helpers in bench/load.py.
"""

from __future__ import annotations

import asyncio
import secrets
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from bench.load import _connect, read_run, rerun_message

TIMEOUT = 30.0


def _in_own_loop(coroutine):
    """Run ``coroutine`` to its end on an event loop of its own thread: Playwright's sync API
    keeps a loop running on this one when browser tests ran first in this process."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="module")
def app(run_app):
    return run_app("app.py")


def _ws_url(app) -> str:
    return f"ws://127.0.0.1:{app.port}/_stcore/stream"


async def _open_session(app, **connect_options):
    """A websocket with a running session; returns (websocket, session id)."""
    ws = await _connect(_ws_url(app), timeout=TIMEOUT, **connect_options).__aenter__()
    await ws.send(rerun_message(query=""))
    session_id = ""
    async with asyncio.timeout(TIMEOUT):
        while not session_id:
            message = ForwardMsg()
            message.ParseFromString(await ws.recv())
            if message.WhichOneof("type") == "new_session":
                session_id = message.new_session.initialize.session_id
    await read_run(ws, timeout=TIMEOUT)
    return ws, session_id


def _upload(app, session_id: str, size: int) -> requests.Response:
    """PUT a file of ``size`` bytes to the session's upload endpoint with a valid XSRF pair,
    as the browser's uploader does."""
    http = requests.Session()
    http.get(f"{app.url}/_stcore/health", timeout=TIMEOUT).raise_for_status()
    xsrf = http.cookies["_streamlit_xsrf"]
    return http.put(
        f"{app.url}/_stcore/upload_file/{session_id}/{secrets.token_hex(8)}",
        files={"file": ("progress.json", b"{" + b" " * (size - 2) + b"}", "application/json")},
        headers={"X-Xsrftoken": xsrf},
        timeout=TIMEOUT,
    )


def test_an_upload_over_the_limit_is_refused_and_a_progress_file_still_goes_through(app):
    async def scenario():
        ws, session_id = await _open_session(app)
        try:
            small = await asyncio.to_thread(_upload, app, session_id, 500_000)
            big = await asyncio.to_thread(_upload, app, session_id, 3 * 1024 * 1024)
        finally:
            await ws.close()
        return small, big

    small, big = _in_own_loop(scenario())
    assert small.status_code in (200, 204), small.text
    assert big.status_code == 413


def test_an_oversized_websocket_message_closes_that_connection_only(app):
    async def scenario():
        ws, _ = await _open_session(app)
        await ws.send(rerun_message(query="x" * (2 * 1024 * 1024)))
        with pytest.raises(ConnectionClosed) as closed:
            async with asyncio.timeout(TIMEOUT):
                while True:
                    await ws.recv()
        after, _ = await _open_session(app)
        await after.close()
        return closed.value

    closed = _in_own_loop(scenario())
    assert closed.rcvd is not None and closed.rcvd.code == 1009


CHOICE = "barrier-resonates"


def _workshop_on_choice(database_url: str) -> str:
    """A workshop whose phones are asked the multiple-choice question; returns its code."""
    from workshop.content.loader import get_content
    from workshop.content.planning import build_plan
    from workshop.engine.store import Store

    content = get_content()
    plan = build_plan(content, [(m.id, float(m.minutes)) for m in content.modules])
    stage = next(i for i, s in enumerate(plan) if CHOICE in {p.id for p in s.prompts})
    store = Store(database_url)
    try:
        created = store.create_workshop(title="Doors", stages=plan, passcode="doors-passcode-1")
        store.go_to_stage(code=created.code, key=created.facilitator_key, index=stage)
        store.set_prompt(code=created.code, key=created.facilitator_key, prompt_id=CHOICE)
        return created.code
    finally:
        store.close()


def _widget(drawn, suffix: str) -> str:
    return next(wid for key, wid in drawn.widgets.items() if key.endswith(suffix))


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param({"int_value": 99}, id="an index out of range"),
        pytest.param({"double_value": -1e300}, id="a number"),
        pytest.param({"string_value": "an option nobody offered"}, id="an unknown option"),
    ],
)
def test_a_widget_value_the_page_never_offered_is_refused_quietly(app, bad):
    from workshop.content.loader import get_content
    from workshop.engine.store import Store

    code = _workshop_on_choice(app.database_url)
    option = get_content().exercises[CHOICE].options[0]
    query = f"code={code}"
    log_before = len(app.log())

    async def run(ws, drawn, widgets):
        await ws.send(rerun_message(query=query, page_hash=drawn.page_hash, widgets=widgets))
        return await read_run(ws, timeout=TIMEOUT)

    async def scenario():
        async with _connect(_ws_url(app), timeout=TIMEOUT) as ws:
            await ws.send(rerun_message(query=query))
            drawn = await read_run(ws, timeout=TIMEOUT)
            go = next((w for k, w in drawn.widgets.items() if k.endswith("_go")), None)
            if go is not None:  # the stage's content note comes first
                drawn = await run(ws, drawn, [WidgetState(id=go, trigger_value=True)])
            choice, send = _widget(drawn, "_choice"), _widget(drawn, "_send")
            attacks = []
            for _ in range(3):
                attacks.append(await run(ws, drawn, [WidgetState(id=choice, **bad)]))
            attacks.append(
                await run(
                    ws,
                    drawn,
                    [WidgetState(id=choice, **bad), WidgetState(id=send, trigger_value=True)],
                )
            )
            honest = await run(
                ws,
                drawn,
                [
                    WidgetState(id=choice, string_value=option),
                    WidgetState(id=send, trigger_value=True),
                ],
            )
            return attacks, honest

    attacks, honest = _in_own_loop(scenario())
    for drawn in attacks:
        assert drawn.errors == []
        assert any(key.endswith("_choice") for key in drawn.widgets), "the question is still there"
    assert honest.errors == []
    assert any(text.startswith("Sent, anonymously") for text in honest.texts)
    store = Store(app.database_url)
    try:
        assert store.response_count(code=code, prompt_id=CHOICE) == 1
    finally:
        store.close()
    log = app.log()[log_before:]
    assert "Traceback" not in log
    assert "Error" not in log


# ------------------------------------------------------------------ websocket origins


class BlackHole:
    """A proxy that accepts connections and never answers: outbound traffic that hangs.
    Counts the connections it was sent."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(connection)

    def close(self) -> None:
        self.sock.close()
        for connection in self.held:
            connection.close()


@pytest.fixture(scope="module")
def black_hole():
    hole = BlackHole()
    yield hole
    hole.close()


@pytest.fixture(scope="module")
def served(run_app, black_hole):
    """`server.py` (what `bedrock serve` runs) where every outbound request hangs."""
    proxy = f"http://127.0.0.1:{black_hole.port}"
    return run_app("server.py", {"HTTP_PROXY": proxy, "HTTPS_PROXY": proxy, "NO_PROXY": ""})


async def _handshake(app, origin: str | None):
    """Open the app's websocket with ``origin``; returns (seconds taken, HTTP status or 101,
    what the first page run drew or None)."""
    started = time.monotonic()
    try:
        async with connect(
            _ws_url(app),
            subprotocols=["streamlit"],
            origin=origin,
            open_timeout=TIMEOUT,
            proxy=None,
            max_size=None,
        ) as ws:
            taken = time.monotonic() - started
            await ws.send(rerun_message(query=""))
            return taken, 101, await read_run(ws, timeout=TIMEOUT)
    except InvalidStatus as refused:
        return time.monotonic() - started, refused.response.status_code, None


def test_a_foreign_origin_is_refused_at_once_without_any_outbound_lookup(served, black_hole):
    results = _in_own_loop(_handshake(served, "https://evil.example.net"))
    taken, status, _ = results
    assert status == 403
    assert black_hole.held == [], "the server tried to reach the outside world"
    # Streamlit's own lookup waits 1 s for each of two public services when outbound hangs.
    assert taken < 1.9
    # The server was not frozen: a same-origin phone is served straight after.
    _, status, drawn = _in_own_loop(_handshake(served, f"http://127.0.0.1:{served.port}"))
    assert status == 101 and drawn.errors == [] and drawn.widgets


@pytest.mark.parametrize("origin", [None, "http://localhost:3000", "http://127.0.0.1:1"])
def test_same_machine_origins_and_scripts_without_an_origin_are_let_in(served, origin):
    _, status, drawn = _in_own_loop(_handshake(served, origin))
    assert status == 101 and drawn.errors == []
