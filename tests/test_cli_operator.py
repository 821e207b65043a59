"""The operator's commands, run as a real process against a real SQLite file: `bedrock
export`, `bedrock end` and `bedrock recover` work while the app makes passcode tries wait,
because whoever runs them holds the database and the server key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from workshop.engine.errors import AccessDenied, TooManyAttempts, WorkshopEnded
from workshop.engine.store import PromptSpec, StagePlan, Store

REPO = Path(__file__).resolve().parents[1]
PASSCODE = "quiet harbour"


def bedrock(*args: str, stdin: str = "", env: dict[str, str] | None = None):
    return subprocess.run(
        [sys.executable, "-m", "workshop.cli", *args],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def locked_out(tmp_path):
    """A workshop whose passcode tries from this machine are waiting after a guesser's five
    wrong ones; returns (store, database URL, created)."""
    url = f"sqlite:///{tmp_path / 'bedrock.db'}"
    store = Store(url)
    wish = PromptSpec(id="wish", kind="reflection", title="A wish")
    created = store.create_workshop(
        title="Evening group",
        stages=[StagePlan(module_id="welcome", title="Welcome", minutes=10, prompts=(wish,))],
        passcode=PASSCODE,
    )
    for _ in range(5):
        with pytest.raises(AccessDenied):
            store.open_console(code=created.code, passcode="guess")
    with pytest.raises(TooManyAttempts):
        store.open_console(code=created.code, passcode=PASSCODE)
    yield store, url, created
    store.close()


def test_export_works_while_the_app_makes_tries_wait(locked_out, tmp_path):
    _store, url, created = locked_out
    out = tmp_path / "summary.json"
    done = bedrock("export", created.code, "--database", url, "--out", str(out),
                   env={"BEDROCK_PASSCODE": PASSCODE})  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Evening group" in out.read_text(encoding="utf-8")
    by_recovery = tmp_path / "again.json"
    done = bedrock("export", created.code, "--database", url, "--out", str(by_recovery),
                   env={"BEDROCK_PASSCODE": created.recovery_key})  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_recover_prints_the_key_that_opens_the_console(locked_out):
    store, url, created = locked_out
    done = bedrock("recover", created.code.lower(), "--database", url)
    assert done.returncode == 0, done.stderr
    printed = done.stdout.strip()
    assert printed == created.recovery_key
    assert store.open_with_recovery_key(recovery_key=printed) == (
        created.code,
        created.facilitator_key,
    )


def test_end_deletes_the_workshop_once_its_code_is_typed_again(locked_out):
    store, url, created = locked_out
    refused = bedrock("end", created.code, "--database", url, stdin="QQQQQQ\n")
    assert refused.returncode == 1
    assert "nothing was deleted" in refused.stderr
    assert store.state(code=created.code).title == "Evening group"

    done = bedrock("end", created.code, "--database", url, stdin=created.code.lower() + "\n")
    assert done.returncode == 0, done.stderr
    assert f"Ended workshop {created.code}" in done.stdout
    with pytest.raises(WorkshopEnded):
        store.state(code=created.code)
    again = bedrock("end", created.code, "--database", url, "--yes")
    assert again.returncode == 1 and "Traceback" not in again.stderr
    assert again.stderr.startswith("bedrock end: This workshop has ended")


def test_without_the_server_key_postgres_commands_say_what_to_set(pg_url):
    env = {"BEDROCK_SERVER_KEY": ""}
    done = bedrock("recover", "ACDEFG", "--database", pg_url, env=env)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "Set BEDROCK_SERVER_KEY" in done.stderr
