"""The README documents every command, and every command explains itself."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from workshop.cli import COMMANDS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_is_in_the_readme_and_has_help(name):
    assert f"bedrock {name}" in README
    done = subprocess.run(
        [sys.executable, "-m", "workshop.cli", name, "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert done.stdout.startswith(f"usage: bedrock {name}")


def test_the_readme_first_screen_has_the_run_and_test_commands():
    first_screen = README[:1500]
    assert "pip install -e . && bedrock serve" in first_screen
    assert 'pip install -e ".[test]" && pytest' in first_screen


def test_every_streamlit_setting_the_room_depends_on_is_shipped():
    config = (Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml").read_text()
    for setting in (
        "postScriptGC = false",
        'fileWatcherType = "none"',
        "disconnectedSessionTTL = 900",
        "gatherUsageStats = false",
    ):
        assert setting in config
