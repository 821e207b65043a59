"""What must survive and what must not: many people sending at once, a server killed
mid-write, and deletion that leaves no readable text behind."""

from __future__ import annotations

import os
import random
import signal
import string
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from workshop.engine import db
from workshop.engine.errors import WorkshopNotFound
from workshop.engine.store import PromptSpec, StagePlan, Store

REPO = Path(__file__).resolve().parents[2]
DAY = 24 * 3600


def test_500_people_sending_at_once_lose_nothing(any_store, new_workshop):
    code = new_workshop(any_store).code
    people = 500
    phones = [any_store.join(code=code, client=f"10.1.{n // 200}.{n % 200}") for n in range(people)]
    joined = any_store.version(code=code)
    start = threading.Barrier(people)
    failures: list[str] = []

    def send(n: int) -> None:
        start.wait()
        try:
            if n % 2:
                any_store.submit_reflection(
                    token=phones[n],
                    code=code,
                    prompt_id="barrier",
                    text=f"note {n}",
                )
            else:
                any_store.answer(
                    code=code,
                    prompt_id="closeness",
                    token=phones[n],
                    value=n % 5 + 1,
                )
        except Exception as error:  # noqa: BLE001 - every failure is reported
            failures.append(repr(error))

    threads = [threading.Thread(target=send, args=(n,)) for n in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert any_store.response_count(code=code, prompt_id="barrier") == people // 2
    assert any_store.response_count(code=code, prompt_id="closeness") == people // 2
    texts = set(any_store.results(code=code, prompt_id="barrier").reflections)
    assert texts == {f"note {n}" for n in range(1, people, 2)}
    assert any_store.version(code=code) == joined + people


CHILD = """
import sys
from workshop.engine.store import PromptSpec, StagePlan, Store

store = Store(sys.argv[1])
plan = [
    StagePlan("arrive", "Arrive", 5),
    StagePlan("share", "Share", 10, (PromptSpec(id="kept", kind="reflection", title="Kept"),)),
]
created = store.create_workshop(title="Power cut", stages=plan, passcode="pass")
store.next_stage(code=created.code, key=created.facilitator_key)
store.timer_start(code=created.code, key=created.facilitator_key, seconds=900)
ends_at = store.state(code=created.code).timer.ends_at
print("READY", created.code, created.facilitator_key, repr(ends_at), flush=True)
n = 0
while True:
    phone = store.join(code=created.code, client=f"phone {n}")
    store.submit_reflection(code=created.code, prompt_id="kept", token=phone, text=f"kept {n}")
    print("ACK", n, flush=True)
    n += 1
"""


def test_a_server_killed_mid_write_loses_nothing_it_acknowledged(tmp_path):
    url = f"sqlite:///{tmp_path / 'bedrock.db'}"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, url], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        _, code, key, ends_at = child.stdout.readline().split()
        acknowledged = []
        while len(acknowledged) < 60:
            line = child.stdout.readline()
            assert line.startswith("ACK"), line
            acknowledged.append(int(line.split()[1]))
        child.send_signal(signal.SIGKILL)
        child.wait()
        # Acknowledgements already written before the kill count too.
        acknowledged += [int(line.split()[1]) for line in child.stdout if line.startswith("ACK")]
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL

    reopened = Store(url)
    try:
        state = reopened.state(code=code)
        assert state.stage_index == 1
        assert state.timer.ends_at == float(ends_at)
        stored = {r.text for r in reopened.moderation_queue(code=code, key=key, prompt_id="kept")}
        assert {f"kept {n}" for n in acknowledged} <= stored
    finally:
        reopened.close()


def file_bytes(path: Path) -> dict[str, bytes]:
    names = (path.name, path.name + "-wal", path.name + "-shm")
    return {n: (path.parent / n).read_bytes() for n in names if (path.parent / n).exists()}


def test_ending_a_workshop_leaves_none_of_its_text_in_the_files(store, tmp_path, new_workshop):
    path = tmp_path / "bedrock.db"
    created = new_workshop(store, title="Zanzibar evening", support_text="Ring Quokka line")
    question = PromptSpec(id="barrier", kind="reflection", title="Another question")
    other = new_workshop(store, stages=[StagePlan("other", "Other", 5, (question,))])
    code, key = created.code, created.facilitator_key
    for n in range(30):
        store.submit_reflection(
            token=store.join(code=code),
            code=code,
            prompt_id="barrier",
            text=f"Pomegranate secret {n}",
        )
    # A long one spills onto overflow pages.
    store.submit_reflection(
        token=store.join(code=code),
        code=code,
        prompt_id="barrier",
        text="Pomegranate lantern " * 45,
    )
    store.answer(code=code, prompt_id="closeness", token=store.join(code=code), value=4)
    store.submit_reflection(
        token=store.join(code=other.code), code=other.code, prompt_id="barrier", text="Kiwi stays"
    )
    secrets = [b"Pomegranate", b"Zanzibar", b"Quokka", key.encode(), b"What gets in the way"]
    before = b"".join(file_bytes(path).values())
    assert all(secret in before for secret in secrets[:3])

    store.end_workshop(code=code, key=key)

    after = file_bytes(path)
    for name, content in after.items():
        for secret in secrets:
            assert secret not in content, f"{secret!r} is still in {name}"
    assert after.get("bedrock.db-wal", b"") == b""
    assert b"Kiwi stays" in after["bedrock.db"]  # the other workshop is untouched
    assert store.results(code=other.code, prompt_id="barrier").count == 1


def row_versions_holding(store: Store, markers: list[bytes]) -> list[str]:
    """Which PostgreSQL tables (TOAST tables included) still hold a row version, live or
    dead, whose bytes contain one of ``markers``, read page by page with pageinspect."""
    found = []
    with store.engine.connect() as connection:
        relations = connection.execute(
            sa.text(
                "SELECT c.oid::regclass::text, t.oid::regclass::text FROM pg_class c"
                " LEFT JOIN pg_class t ON t.oid = c.reltoastrelid"
                " WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'"
            )
        ).all()
        for relation in [name for pair in relations for name in pair if name]:
            pages = connection.scalar(
                sa.text("SELECT pg_relation_size(:r) / current_setting('block_size')::int"),
                {"r": relation},
            )
            for page in range(pages):
                rows = connection.execute(
                    sa.text(
                        "SELECT t_data FROM public.heap_page_items(public.get_raw_page(:r, :p))"
                        " WHERE t_data IS NOT NULL"
                    ),
                    {"r": relation, "p": page},
                )
                if any(m in bytes(row.t_data) for row in rows for m in markers):
                    found.append(relation)
                    break
    return found


def test_on_postgresql_ending_or_purging_leaves_no_row_version_with_the_text(
    pg_database_url, clock, new_workshop
):
    # A database of its own: nobody else's open transaction can keep a deleted row visible.
    engine = sa.create_engine(pg_database_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pageinspect SCHEMA public")
    engine.dispose()
    pg_store = Store(pg_database_url, clock=clock)
    try:
        _end_and_purge_and_look(pg_store, clock, new_workshop)
    finally:
        pg_store.close()


def _end_and_purge_and_look(pg_store: Store, clock, new_workshop) -> None:
    question = PromptSpec(id="barrier", kind="reflection", title="Long", max_chars=8000)
    ended = new_workshop(
        pg_store,
        title="Zanzibar evening",
        support_text="Ring Quokka line",
        stages=[StagePlan("long", "Long", 5, (question,))],
    )
    purged = new_workshop(pg_store, title="Tamarind evening")
    clock.advance(40 * DAY)
    kept = new_workshop(pg_store)
    # Long enough, and varied enough not to compress, to be stored out of line (TOAST).
    letters = random.Random(7).choices(string.ascii_letters, k=4000)
    long = "Pomegranate " + "".join(letters)
    for made in (ended, purged, kept):
        words = "Kiwi stays" if made is kept else "Pomegranate"
        for n in range(30):
            pg_store.submit_reflection(
                code=made.code,
                prompt_id="barrier",
                token=pg_store.join(code=made.code, client=f"{made.code} {n}"),
                text=f"{words} {n}",
            )
    pg_store.submit_reflection(
        code=ended.code, prompt_id="barrier", token=pg_store.join(code=ended.code), text=long
    )
    markers = [b"Pomegranate", b"Zanzibar", b"Quokka", b"Tamarind"]
    assert set(row_versions_holding(pg_store, markers)) >= {"reflections", "workshops"}

    pg_store.end_workshop(code=ended.code, key=ended.facilitator_key)
    assert pg_store.purge(older_than_days=30) == 2  # the ended one's marker, and the other

    assert row_versions_holding(pg_store, markers) == []
    assert row_versions_holding(pg_store, [b"Kiwi stays"]) == ["reflections"]


def workshop_id(store: Store, workshop_code: str) -> int:
    with store.engine.connect() as connection:
        return connection.scalar(
            sa.select(db.workshops.c.id).where(db.workshops.c.code == workshop_code)
        )


def rows_of(store: Store, owner: int) -> dict[str, int]:
    """How many rows of each table belong to workshop ``owner`` (its own row included)."""
    counts = {}
    with store.engine.connect() as connection:
        for name in db.WORKSHOP_TABLES:
            table = db.metadata.tables[name]
            column = table.c.id if name == "workshops" else table.c.workshop_id
            counts[name] = connection.scalar(
                sa.select(sa.func.count()).select_from(table).where(column == owner)
            )
    return counts


def test_ending_a_workshop_deletes_every_row_it_owned(any_store, new_workshop):
    created, other = new_workshop(any_store), new_workshop(any_store)
    for made in (created, other):
        any_store.submit_reflection(
            token=any_store.join(code=made.code),
            code=made.code,
            prompt_id="barrier",
            text="something",
        )
        any_store.answer(
            code=made.code, prompt_id="pick", token=any_store.join(code=made.code), value="Time"
        )
        # A couple in the middle of a partner exercise.
        any_store.set_prompt(code=made.code, key=made.facilitator_key, prompt_id="barrier")
        first, second = any_store.join(code=made.code), any_store.join(code=made.code)
        shown = any_store.pairs.open(code=made.code, token=first)
        any_store.pairs.join(code=made.code, token=second, typed=shown.pair_code)
        any_store.pairs.answer(
            code=made.code, token=first, prompt_id="barrier", status="shared", value='"us"'
        )
    any_store.end_workshop(code=created.code, key=created.facilitator_key)
    owned = rows_of(any_store, workshop_id(any_store, created.code))
    assert owned == {
        "pair_answers": 0,
        "pair_members": 0,
        "pairs": 0,
        "answers": 0,
        "reflection_writers": 0,
        "reflections": 0,
        "prompts": 0,
        "stages": 0,
        "workshops": 1,
    }
    assert all(rows_of(any_store, workshop_id(any_store, other.code)).values())
    with any_store.engine.connect() as connection:
        marker = connection.execute(
            sa.select(db.workshops).where(db.workshops.c.code == created.code)
        ).one()
    assert marker.status == "ended"
    assert (marker.title, marker.support_text, marker.secret, marker.passcode_hash) == (
        "",
        "",
        "",
        "",
    )


def test_purge_deletes_workshops_older_than_the_given_days(any_store, clock, new_workshop):
    old, old_ended = new_workshop(any_store), new_workshop(any_store)
    any_store.submit_reflection(
        token=any_store.join(code=old.code),
        code=old.code,
        prompt_id="barrier",
        text="from last month",
    )
    any_store.end_workshop(code=old_ended.code, key=old_ended.facilitator_key)
    clock.advance(31 * DAY)
    recent = new_workshop(any_store)
    clock.advance(2 * DAY)
    old_ids = [workshop_id(any_store, made.code) for made in (old, old_ended)]
    assert any_store.purge(older_than_days=30) == 2
    for gone in (old, old_ended):
        with pytest.raises(WorkshopNotFound):
            any_store.version(code=gone.code)
    for owner in old_ids:
        assert not any(rows_of(any_store, owner).values())
    assert any_store.state(code=recent.code).status == "live"
    assert any_store.purge(older_than_days=30) == 0
    assert any_store.purge(older_than_days=0) == 1
