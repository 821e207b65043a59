"""Property tests find the same inputs on every CI run, and new ones on every local run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROBE = """
import tests.conftest  # chooses the Hypothesis profile, as pytest does
from hypothesis import given, settings, strategies as st

seen = []


@settings(max_examples=20)
@given(st.integers(), st.text())
def probe(number, text):
    seen.append((number, text))


probe()
print(repr(seen))
"""


def drawn(tmp_path: Path, *, ci: bool) -> str:
    """What a small property test drew in a fresh process, with or without env CI."""
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci:
        env["CI"] = "true"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=tmp_path,  # Hypothesis keeps its example database here, not in the repository
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def test_in_ci_every_run_draws_the_same_inputs(tmp_path):
    first = drawn(tmp_path, ci=True)
    assert first.count("),") >= 19
    assert drawn(tmp_path, ci=True) == first


def test_on_a_developers_machine_every_run_searches_anew(tmp_path):
    assert drawn(tmp_path, ci=False) != drawn(tmp_path, ci=False)
