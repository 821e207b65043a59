"""`bedrock export` and `bedrock handouts`, run as a counsellor runs them: a real process
against a real SQLite file."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from workshop.cli import EXPORT_FORMATS
from workshop.engine.store import PromptSpec, StagePlan, Store
from workshop.printing import summary as summaries

REPO = Path(__file__).resolve().parents[1]
PASSCODE = "quiet harbour"
UNSHOWN = ["Lantern in the hallway", "Porridge for two", "Saxophone lessons"]
"""Reflections the facilitator never revealed."""


def bedrock(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workshop.cli", *args],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
        input="",
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def database(tmp_path) -> tuple[str, str]:
    """A workshop with one vote answered by three people and three reflections that were
    never revealed; returns (database URL, code)."""
    url = f"sqlite:///{tmp_path / 'bedrock.db'}"
    store = Store(url)
    vote = PromptSpec(id="vote", kind="choice", title="Best part", options=("Talking", "Quiet"))
    wish = PromptSpec(id="wish", kind="reflection", title="A wish")
    made = store.create_workshop(
        title="Evening group",
        stages=[StagePlan(module_id="welcome", title="Welcome", minutes=10, prompts=(vote, wish))],
        passcode=PASSCODE,
    )
    for option in ["Talking", "Talking", "Quiet"]:
        store.answer(
            code=made.code, prompt_id="vote", token=store.join(code=made.code), value=option
        )
    for text in UNSHOWN:
        store.submit_reflection(
            code=made.code, prompt_id="wish", token=store.join(code=made.code), text=text
        )
    store.close()
    return url, made.code


def test_every_command_has_help():
    for name in ("export", "handouts"):
        done = bedrock(name, "--help")
        assert done.returncode == 0
        assert f"usage: bedrock {name}" in done.stdout
    assert EXPORT_FORMATS == summaries.FORMATS


def test_export_writes_the_answers_with_the_right_passcode(database, tmp_path):
    url, code = database
    passcode_file = tmp_path / "passcode.txt"
    passcode_file.write_text(PASSCODE + "\n", encoding="utf-8")
    out = tmp_path / "answers.csv"
    done = bedrock(
        "export", code, "--database", url, "--out", str(out), "--passcode-file", str(passcode_file)
    )
    assert done.returncode == 0, done.stderr
    assert f"Wrote {out}" in done.stdout
    written = out.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(written)))
    vote = {r["answer"]: r["count"] for r in rows if r["exercise"] == "Best part"}
    assert vote == {"Talking": "2", "Quiet": "1"}
    wish = [(r["responses"], r["answer"], r["note"]) for r in rows if r["exercise"] == "A wish"]
    assert wish == [("3 answers", "", "Reflections not shown to the room are not exported.")]
    assert not any(text in written for text in UNSHOWN)


@pytest.mark.parametrize(
    ("which", "message"),
    [
        ("passcode", "That passcode or link is not right for this workshop."),
        ("code", "There is no workshop with that code."),
    ],
)
def test_export_refuses_a_wrong_passcode_or_code_in_one_line(database, tmp_path, which, message):
    url, code = database
    passcode = "not it" if which == "passcode" else PASSCODE
    code = code if which == "passcode" else "XXXXXX"
    out = tmp_path / "summary.pdf"
    done = bedrock("export", code, "--database", url, "--out", str(out),
                   env={"BEDROCK_PASSCODE": passcode})  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.startswith(f"bedrock export: {message}")
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert not out.exists()


def test_handouts_writes_guide_and_a_handout_per_stage(tmp_path):
    done = bedrock("handouts", "--out", str(tmp_path / "print"), "--format", "html")
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in (tmp_path / "print").iterdir())
    assert "facilitator-guide.html" in names and "handouts-all.html" in names
    assert len([n for n in names if n.startswith("handout-")]) == len(
        list((REPO / "modules").glob("*.md"))
    )


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_an_export_is_readable_by_its_owner_only_even_over_an_open_file(database, tmp_path):
    url, code = database
    passcode_file = tmp_path / "passcode.txt"
    passcode_file.write_text(PASSCODE + "\n", encoding="utf-8")
    passcode_file.chmod(0o600)
    fresh, existing = tmp_path / "answers.csv", tmp_path / "answers.json"
    existing.write_text("old", encoding="utf-8")
    existing.chmod(0o644)
    for out in (fresh, existing):
        done = bedrock("export", code, "--database", url, "--out", str(out),
                       "--passcode-file", str(passcode_file))  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""
        assert _mode(out) == 0o600
    assert json.loads(existing.read_text(encoding="utf-8"))  # the old content is replaced


def test_a_passcode_file_others_can_read_is_warned_about_and_still_used(database, tmp_path):
    url, code = database
    passcode_file = tmp_path / "passcode.txt"
    passcode_file.write_text(PASSCODE + "\n", encoding="utf-8")
    passcode_file.chmod(0o644)
    out = tmp_path / "answers.csv"
    done = bedrock("export", code, "--database", url, "--out", str(out),
                   "--passcode-file", str(passcode_file))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr == (
        f"bedrock export: warning: other users of this machine can read {passcode_file}; "
        f"make it private with: chmod 600 {passcode_file}\n"
    )


def test_handouts_are_readable_by_their_owner_only(tmp_path):
    done = bedrock("handouts", "--out", str(tmp_path / "print"), "--format", "html")
    assert done.returncode == 0, done.stderr
    modes = {p.name: _mode(p) for p in (tmp_path / "print").iterdir()}
    assert modes and set(modes.values()) == {0o600}


def test_export_in_spanish_writes_a_spanish_summary_and_says_so_in_spanish(database, tmp_path):
    url, code = database
    out = tmp_path / "resumen.html"
    done = bedrock("export", code, "--database", url, "--out", str(out), "--language", "es",
                   env={"BEDROCK_PASSCODE": PASSCODE})  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Se escribió {out} (HTML, ")
    assert "termina el taller en la consola" in done.stdout
    page = out.read_text(encoding="utf-8")
    assert '<html lang="es" dir="ltr">' in page and "Plan y tiempos" in page
    assert "Las reflexiones que no se mostraron a la sala no se exportan." in page
    assert "Talking" in page  # an option the workshop's own content does not translate


def test_export_in_spanish_refuses_a_wrong_passcode_in_spanish(database, tmp_path):
    url, code = database
    done = bedrock("export", code, "--database", url, "--out", str(tmp_path / "x.csv"),
                   "--language", "es", env={"BEDROCK_PASSCODE": "not it"})  # fmt: skip
    assert done.returncode == 1
    assert done.stderr == "bedrock export: Esa clave o ese enlace no corresponden a este taller.\n"


def test_a_language_with_no_catalogue_is_refused():
    done = bedrock("handouts", "--language", "xx")
    assert done.returncode == 2 and "invalid choice: 'xx'" in done.stderr


def test_handouts_in_spanish_are_written_from_the_spanish_workshop(tmp_path):
    out = tmp_path / "material"
    done = bedrock("handouts", "--out", str(out), "--format", "html", "--language", "es")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Se escribieron 10 archivos en {out}: ")
    guide = (out / "facilitator-guide.html").read_text(encoding="utf-8")
    assert '<html lang="es" dir="ltr">' in guide
    assert "Normas del grupo" in guide and "Seguridad y cuidado" in guide
    handouts = (out / "handouts-all.html").read_text(encoding="utf-8")
    assert "Bienvenida y acuerdos del grupo" in handouts and "Ideas clave" in handouts
