"""Starting deploy/run-local for a test: two Bedrock servers and HAProxy on free ports of
127.0.0.1, sharing one database; stopped (all of it) when the block ends."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "deploy" / "run-local"
START_TIMEOUT_S = 90


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class DeploySet:
    url: str
    """The proxy's address: the only one a browser is given."""
    server_urls: dict[str, str]
    run_dir: Path
    process: subprocess.Popen[str]
    output: Path

    def pid(self, name: str) -> int:
        return int((self.run_dir / f"{name}.pid").read_text())

    def kill_server(self, name: str) -> None:
        """End Bedrock server ``name`` ("a" or "b") with SIGKILL, as a crash would."""
        pid = self.pid(f"server-{name}")
        os.kill(pid, signal.SIGKILL)
        for _ in range(100):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)

    def log(self) -> str:
        parts = [self.output.read_text(errors="replace")]
        for log in sorted(self.run_dir.glob("server-*.log")):
            parts.append(f"--- {log.name}\n{log.read_text(errors='replace')}")
        return "\n".join(parts)


@contextmanager
def running_set(database_url: str, workdir: Path) -> Iterator[DeploySet]:
    ports = {"PROXY_PORT": free_port(), "PORT_A": free_port(), "PORT_B": free_port()}
    run_dir = workdir / "run"
    output = workdir / "run-local.out"
    env = {
        **os.environ,
        **{name: str(port) for name, port in ports.items()},
        "DATABASE_URL": database_url,
        "RUN_DIR": str(run_dir),
        "PYTHON": sys.executable,
    }
    with output.open("w") as out:
        process = subprocess.Popen(
            [str(SCRIPT)],
            cwd=workdir,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    found = DeploySet(
        url=f"http://127.0.0.1:{ports['PROXY_PORT']}",
        server_urls={
            "a": f"http://127.0.0.1:{ports['PORT_A']}",
            "b": f"http://127.0.0.1:{ports['PORT_B']}",
        },
        run_dir=run_dir,
        process=process,
        output=output,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while "ready:" not in output.read_text(errors="replace"):
            if process.poll() is not None:
                pytest.fail(f"deploy/run-local exited with {process.returncode}:\n{found.log()}")
            if time.monotonic() > deadline:
                pytest.fail(f"deploy/run-local did not get ready:\n{found.log()}")
            time.sleep(0.2)
        yield found
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
