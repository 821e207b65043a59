"""The home page says so when anyone reaching the server can create workshops: no organiser
passcode, and the app opened at an address other than this machine's. Driven over the app's
own websocket, telling the server the page's address the way a browser does."""

from __future__ import annotations

from streamlit.proto.BackMsg_pb2 import BackMsg

from bench.load import _connect, read_run
from tests.e2e.own_loop import in_own_loop

WARNING = "Anyone who can reach this server can create workshops"


def _home_page(port: int, url: str) -> str:
    message = BackMsg()
    message.rerun_script.query_string = ""
    message.rerun_script.context_info.url = url

    async def main() -> str:
        async with _connect(f"ws://127.0.0.1:{port}/_stcore/stream", timeout=30) as ws:
            await ws.send(message.SerializeToString())
            drawn = await read_run(ws, timeout=30)
            assert not drawn.errors, drawn.errors
            return " ".join(drawn.texts)

    return in_own_loop(main())


def test_a_public_server_without_an_organiser_passcode_says_so(run_app):
    app = run_app("app.py", env={"BEDROCK_ORGANISER_PASSCODE": ""})
    public = _home_page(app.port, "https://workshop.example.org/")
    assert WARNING in public and "BEDROCK_ORGANISER_PASSCODE" in public
    for local in ("http://localhost:8501/", "http://127.0.0.1:8501/", "http://[::1]:8501/"):
        page = _home_page(app.port, local)
        assert "Join a workshop" in page and WARNING not in page


def test_a_server_with_an_organiser_passcode_says_nothing(run_app):
    app = run_app("app.py", env={"BEDROCK_ORGANISER_PASSCODE": "only for organisers"})
    page = _home_page(app.port, "https://workshop.example.org/")
    assert "Join a workshop" in page and WARNING not in page
