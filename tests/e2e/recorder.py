"""What each browser tab of a test did, written out when the test fails.

Every tab a browser test opens records the script runs it asked the server for (time since
the tab opened, the fragment if any, and which widgets it sent with what value), when each
run ended, the long polls it held and their answers, and its console errors and warnings. On failure the record and a screenshot of every tab still open go to
``$BEDROCK_FAILURES`` (default ``/tmp/bedrock-failures``) and the record is added to the
test's report, so a failure that happens one run in several leaves the sequence that led to
it behind.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, WebSocket
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

FOLDER = Path(os.environ.get("BEDROCK_FAILURES", "/tmp/bedrock-failures"))
LONGEST_VALUE = 40
KEEP_LINES = 400


def _value(state) -> str:
    kind = state.WhichOneof("value")
    if kind == "string_value":
        return repr(state.string_value[:LONGEST_VALUE])
    if kind == "trigger_value":
        return "pressed" if state.trigger_value else "-"
    if kind in ("double_value", "int_value", "bool_value"):
        return str(getattr(state, kind))
    if kind == "string_array_value":
        return repr(list(state.string_array_value.data)[:5])
    return kind or "?"


def _key(widget_id: str) -> str:
    parts = widget_id.split("-", 2)
    return parts[2] if len(parts) == 3 else widget_id[:24]


class TabRecord:
    """The script runs one tab asked for and saw end."""

    def __init__(self, page: Page, number: int) -> None:
        self.page = page
        self.number = number
        self.started = time.monotonic()
        self.lines: list[str] = []
        page.on("websocket", self._socket)
        page.on("framenavigated", lambda frame: self._note(f"at {frame.url}"))
        page.on("console", self._console)
        page.on("requestfinished", self._long_poll)
        page.on("pageerror", lambda error: self._note(f"page error: {error}"[:300]))

    def _note(self, line: str) -> None:
        if len(self.lines) < KEEP_LINES:
            self.lines.append(f"{time.monotonic() - self.started:7.3f}  {line}")

    def _long_poll(self, request) -> None:
        if "/api/wait" not in request.url:
            return
        try:
            response = request.response()
            answer = f"{response.status} {response.text()[:60]}" if response else "no answer"
        except Exception as problem:  # the tab closed meanwhile
            answer = type(problem).__name__
        self._note(f"long poll {request.url.split('?', 1)[-1]} -> {answer}")

    def _console(self, message) -> None:
        if message.type in ("error", "warning"):
            self._note(f"console {message.type}: {message.text}"[:300])

    def _socket(self, socket: WebSocket) -> None:
        socket.on("framesent", self._sent)
        socket.on("framereceived", self._received)

    def _sent(self, payload: bytes | str) -> None:
        if not isinstance(payload, bytes):
            return
        message = BackMsg()
        try:
            message.ParseFromString(payload)
        except Exception:  # not a message of this protocol
            return
        kind = message.WhichOneof("type")
        if kind != "rerun_script":
            self._note(f"sent {kind}")
            return
        rerun = message.rerun_script
        widgets = ", ".join(f"{_key(w.id)}={_value(w)}" for w in rerun.widget_states.widgets)
        where = f" fragment {rerun.fragment_id[:8]}" if rerun.fragment_id else ""
        auto = " (timer)" if rerun.is_auto_rerun else ""
        self._note(f"rerun{where}{auto}: {widgets}")

    def _received(self, payload: bytes | str) -> None:
        # Only the end of a run is of interest; it is a short message.
        if not isinstance(payload, bytes) or len(payload) > 200:
            return
        message = ForwardMsg()
        try:
            message.ParseFromString(payload)
        except Exception:
            return
        if message.WhichOneof("type") == "script_finished":
            status = ForwardMsg.ScriptFinishedStatus.Name(message.script_finished)
            self._note(f"run ended: {status}")


class Recorder:
    """Records every tab of the contexts given to :meth:`watch`."""

    def __init__(self) -> None:
        self.tabs: list[TabRecord] = []

    def watch(self, context: BrowserContext) -> None:
        context.on("page", lambda page: self.tabs.append(TabRecord(page, len(self.tabs) + 1)))

    def write(self, test_name: str) -> str:
        """Save the record and screenshots of open tabs; returns the record's text."""
        folder = FOLDER / re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name)[:120]
        folder.mkdir(parents=True, exist_ok=True)
        parts = []
        for tab in self.tabs:
            parts.append(f"--- tab {tab.number}")
            parts.extend(tab.lines)
            if not tab.page.is_closed():
                try:
                    tab.page.screenshot(path=str(folder / f"tab-{tab.number}.png"), timeout=5000)
                except Exception as problem:  # a tab that cannot draw any more
                    parts.append(f"(no screenshot: {type(problem).__name__})")
        text = "\n".join(parts)
        (folder / "record.txt").write_text(text, encoding="utf-8")
        return f"{text}\n(saved in {folder})"
