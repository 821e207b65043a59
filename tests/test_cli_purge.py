"""`bedrock purge` deletes old workshops and leaves recent ones."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from workshop.engine.errors import WorkshopNotFound
from workshop.engine.store import Store


def purge(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workshop.cli", "purge", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_purge_deletes_workshops_older_than_the_given_days_only(sqlite_url, new_workshop):
    forty_days_ago = Store(sqlite_url, clock=lambda: time.time() - 40 * 86400)
    old = new_workshop(forty_days_ago)
    forty_days_ago.submit_reflection(
        code=old.code,
        prompt_id="barrier",
        token=forty_days_ago.join(code=old.code),
        text="old words",
    )
    recent = new_workshop(Store(sqlite_url))

    done = purge("--older-than", "30", "--database", sqlite_url)

    assert done.returncode == 0, done.stderr
    assert "Deleted 1 workshop created more than 30 days ago." in done.stdout
    after = Store(sqlite_url)
    with pytest.raises(WorkshopNotFound):
        after.state(code=old.code)
    assert after.state(code=recent.code).title == "Evening group"


def test_purge_refuses_a_negative_number_of_days(sqlite_url):
    done = purge("--older-than", "-1", "--database", sqlite_url)
    assert done.returncode == 1
    assert "--older-than cannot be negative" in done.stderr


def test_purge_has_help():
    done = subprocess.run(
        [sys.executable, "-m", "workshop.cli", "purge", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert "--older-than" in done.stdout


@pytest.mark.parametrize("days", ["36501", "99999999999"])
def test_purge_refuses_a_number_of_days_beyond_any_date_in_one_line(sqlite_url, days):
    done = purge("--older-than", days, "--database", sqlite_url)
    assert done.returncode == 1
    assert done.stderr == (
        "bedrock purge: --older-than must be at most 36500 days (about 100 years).\n"
    )


def test_purge_accepts_the_longest_span_and_keeps_every_recent_workshop(sqlite_url, new_workshop):
    recent = new_workshop(Store(sqlite_url))
    done = purge("--older-than", "36500", "--database", sqlite_url)
    assert done.returncode == 0, done.stderr
    assert "Deleted 0 workshops" in done.stdout
    assert Store(sqlite_url).state(code=recent.code).title == "Evening group"
