"""A real Bedrock server (``bedrock serve``) on a free port, for tests over HTTP.

``bedrock_server(database_url, **settings) -> Server``: starts ``python -m workshop.cli serve`` from a
folder outside the project (``settings`` are extra environment variables), waits until Streamlit answers, and stops it after the test.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def get(self, path: str, *, timeout: float = 40) -> tuple[int, dict[str, str], bytes]:
        """``GET path``: status, headers and body, whatever the status."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=timeout) as reply:
                return reply.status, dict(reply.headers), reply.read()
        except urllib.error.HTTPError as refused:
            return refused.code, dict(refused.headers), refused.read()

    def get_json(self, path: str, *, timeout: float = 40) -> tuple[int, object]:
        status, _headers, body = self.get(path, timeout=timeout)
        return status, json.loads(body)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def bedrock_server(tmp_path) -> Iterator[Callable[[str], Server]]:
    started: list[Server] = []

    def start(database_url: str, **settings: str) -> Server:
        port = free_port()
        log_path = tmp_path / f"server-{port}.log"
        env = {**os.environ, **settings, "DATABASE_URL": database_url, "PYTHONPATH": str(REPO)}
        with log_path.open("wb") as log_file:
            process = subprocess.Popen(
                [sys.executable, "-m", "workshop.cli", "serve", "--server.port", str(port)]
                + ["--server.headless", "true", "--server.address", "127.0.0.1"],
                cwd=tmp_path,
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = Server(f"http://127.0.0.1:{port}", process, log_path)
        started.append(server)
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"bedrock serve exited with {process.returncode}:\n{server.log()}")
            try:
                if server.get("/_stcore/health", timeout=2)[0] == 200:
                    return server
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"bedrock serve did not answer:\n{server.log()}")
            time.sleep(0.1)

    yield start
    for server in started:
        if server.process.poll() is None:
            os.killpg(server.process.pid, signal.SIGTERM)
            try:
                server.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.process.pid, signal.SIGKILL)
                server.process.wait(timeout=10)
