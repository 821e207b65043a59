"""The `bedrock` command: validate's output and exit codes, help texts, serve handing over."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from workshop.cli import COMMANDS, main

REPO = Path(__file__).resolve().parents[1]

MODULE = """\
---
id: welcome
title: Welcome
minutes: 10
exercises: [arrival-word]
---
## Hello

Why we are here.
"""

EXERCISE = """\
id = "arrival-word"
title = "One word"
kind = "word"
minutes = 1
group_prompt = "One word for how you arrive today."
couple_prompt = "Each of you: one word for how you arrive."
"""


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A valid workshop of one module and one exercise."""
    (tmp_path / "modules").mkdir()
    (tmp_path / "exercises").mkdir()
    (tmp_path / "modules/00-welcome.md").write_text(MODULE, encoding="utf-8")
    (tmp_path / "exercises/arrival-word.toml").write_text(EXERCISE, encoding="utf-8")
    return tmp_path


def add_unused_exercise(root: Path) -> None:
    text = EXERCISE.replace("arrival-word", "spare")
    (root / "exercises/spare.toml").write_text(text, encoding="utf-8")


def bedrock(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real command in a fresh Python, as a counsellor would."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "workshop.cli", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_validate_on_a_good_tree_says_so_and_exits_0(content_dir, capsys):
    assert main(["validate", str(content_dir)]) == 0

    assert capsys.readouterr().out == "No problems in 2 files.\n"


def test_validate_prints_every_problem_and_a_summary_and_exits_1(content_dir, capsys):
    add_unused_exercise(content_dir)
    module = content_dir / "modules/00-welcome.md"
    module.write_text(MODULE.replace("minutes: 10", "minutes: 0").replace("Welcome", ""))

    assert main(["validate", str(content_dir)]) == 1

    assert capsys.readouterr().out.splitlines() == [
        "exercises/spare.toml:1: id: exercise 'spare' is not used by any module  (warning)",
        "modules/00-welcome.md:3: title: expected text, got nothing",
        "modules/00-welcome.md:4: minutes: must be more than 0, got 0",
        "2 errors, 1 warning in 3 files",
    ]


def test_warnings_pass_unless_strict(content_dir, capsys):
    add_unused_exercise(content_dir)

    assert main(["validate", str(content_dir)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "1 warning in 3 files"
    assert main(["validate", "--strict", str(content_dir)]) == 1


def test_one_error_in_one_file_is_counted_in_the_singular(tmp_path, capsys):
    (tmp_path / "modules").mkdir()
    (tmp_path / "modules/00-welcome.md").write_text(MODULE, encoding="utf-8")

    assert main(["validate", str(tmp_path)]) == 1

    assert capsys.readouterr().out.splitlines()[-1] == "1 error in 1 file"


def test_validate_without_a_path_checks_the_folder_named_by_the_environment(
    content_dir, monkeypatch, capsys
):
    monkeypatch.setenv("BEDROCK_CONTENT", str(content_dir))

    assert main(["validate"]) == 0
    assert capsys.readouterr().out == "No problems in 2 files.\n"


def test_the_console_script_validates_the_shipped_workshop():
    result = bedrock("validate", "--strict")

    assert result.stdout.endswith(" files.\n") and result.stdout.startswith("No problems in ")
    assert result.returncode == 0


def test_the_console_script_exits_1_on_errors(tmp_path):
    result = bedrock("validate", str(tmp_path))

    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"modules/: folder not found in {tmp_path}",
        "1 error in 0 files",
    ]


def test_validate_help_explains_the_command_and_strict():
    result = bedrock("validate", "--help")

    assert result.returncode == 0
    assert result.stdout.startswith("usage: bedrock validate [-h] [--strict] [path]")
    assert "--strict" in result.stdout and "FILE:LINE: FIELD" in result.stdout


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_its_own_help(name, capsys):
    with pytest.raises(SystemExit) as exited:
        main([name, "--help"])

    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: bedrock {name}")
    assert COMMANDS[name].description.split()[0] in out


def test_no_command_prints_the_list_of_commands(capsys):
    assert main([]) == 2

    out = capsys.readouterr().out
    assert "validate" in out and "serve" in out


def test_an_unknown_option_for_validate_is_refused(content_dir, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["validate", "--fast", str(content_dir)])

    assert exited.value.code == 2
    assert "unrecognized arguments: --fast" in capsys.readouterr().err


def test_serve_hands_further_arguments_to_streamlit_run():
    # `--help` after `--` reaches Streamlit, which answers with its own usage for `run`.
    result = bedrock("serve", "--", "--help")

    assert result.returncode == 0
    assert result.stdout.startswith("Usage: streamlit run [OPTIONS] [TARGET] [ARGS]...")


def test_serve_starts_the_app_from_the_project_folder_wherever_it_is_run(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "workshop.cli", "serve", "--server.port", str(port)]
        + ["--server.headless", "true", "--server.address", "127.0.0.1"],
        cwd=tmp_path,  # not the project folder: serve must find app.py on its own
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        answer = None
        for _ in range(240):
            if server.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health") as reply:
                    answer = reply.read().decode()
                    break
            except OSError:
                time.sleep(0.25)
        assert answer == "ok", server.stdout.read() if server.poll() is not None else "no answer"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        server.stdout.close()
