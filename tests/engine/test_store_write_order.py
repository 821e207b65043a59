"""Someone holding a copy of the database cannot read the order people wrote in, nor tie a
person's first text to their writer marker: read from the SQLite file and its write-ahead
log byte by byte, and from PostgreSQL's row positions and transaction ids."""

from __future__ import annotations

import secrets
import struct
from pathlib import Path
from statistics import mean

import pandas as pd
import sqlalchemy as sa

from workshop.engine.privacy import respondent_id
from workshop.engine.store import Store

TRIALS = 8
PHONES = 10
TEXTS = 20  # two per phone: each phone's first text comes with its marker, the second not
PROMPT = "barrier"


def _texts() -> list[str]:
    return [f"text {i:02d} {secrets.token_hex(12)}" for i in range(TEXTS)]


def _write(store: Store, new_workshop) -> tuple[str, str, list[str], list[str]]:
    """A workshop on its reflection prompt with 20 texts from 10 phones, in writing order.
    Returns (code, key, texts in writing order, markers in the order their phones first
    wrote)."""
    made = new_workshop(store)
    store.go_to_stage(code=made.code, key=made.facilitator_key, index=1)
    store.set_prompt(code=made.code, key=made.facilitator_key, prompt_id=PROMPT)
    tokens = [store.join(code=made.code, client=f"phone-{n}") for n in range(PHONES)]
    texts = _texts()
    for i, text in enumerate(texts):
        store.submit_reflection(
            code=made.code, prompt_id=PROMPT, token=tokens[i % PHONES], text=text
        )
    with store.engine.connect() as connection:
        secret = connection.scalar(
            sa.text("SELECT secret FROM workshops WHERE code = :c"), {"c": made.code}
        )
    markers = [respondent_id(secret, prompt_id=PROMPT, token=t) for t in tokens]
    return made.code, made.facilitator_key, texts, markers


def _rank_correlation(stored: list[int]) -> float:
    """Spearman's rank correlation between writing order (the list's order) and where each
    item is stored."""
    return pd.Series(range(len(stored))).corr(pd.Series(stored), method="spearman")


# -- SQLite: the file and the write-ahead log, as bytes


def _wal_commits(wal: bytes) -> list[bytes]:
    """The page images of each transaction in a write-ahead log, in commit order."""
    if len(wal) < 32:
        return []
    page_size = struct.unpack(">I", wal[8:12])[0]
    commits, current, at = [], [], 32
    while at + 24 + page_size <= len(wal):
        commit_size = struct.unpack(">I", wal[at + 4 : at + 8])[0]
        current.append(wal[at + 24 : at + 24 + page_size])
        at += 24 + page_size
        if commit_size:
            commits.append(b"".join(current))
            current = []
    return commits


def _sqlite_file(store: Store) -> Path:
    return Path(store.engine.url.database)


def test_no_commit_in_the_write_ahead_log_holds_a_text_and_a_writer_marker(store, new_workshop):
    _, _, texts, markers = _write(store, new_workshop)
    commits = _wal_commits(Path(f"{_sqlite_file(store)}-wal").read_bytes())

    seen: set[str] = set()
    with_text, with_marker = 0, 0
    for pages in commits:
        new_texts = {t for t in texts if t.encode() in pages} - seen
        seen |= new_texts
        has_marker = any(m.encode() in pages for m in markers)
        with_text += bool(new_texts)
        with_marker += has_marker
        assert not (new_texts and has_marker), "a text was committed with a writer marker"
    assert seen == set(texts)  # every text was in the log, each in a commit of its own
    assert with_text == TEXTS and with_marker >= PHONES


def test_the_sqlite_file_keeps_no_trace_of_the_order_texts_and_markers_were_written(
    tmp_path, clock, new_workshop
):
    text_rhos, marker_rhos = [], []
    for trial in range(TRIALS):
        store = Store(f"sqlite:///{tmp_path / f'trial-{trial}.db'}", clock=clock)
        try:
            code, key, texts, markers = _write(store, new_workshop)
            store.reveal(code=code, key=key, prompt_id=PROMPT)
            path = _sqlite_file(store)
            data = path.read_bytes()
            assert Path(f"{path}-wal").stat().st_size == 0  # the log's history is gone
        finally:
            store.close()
        for item in texts + markers:
            assert data.count(item.encode()) == 1  # no older copy left behind
        text_rhos.append(_rank_correlation([data.find(t.encode()) for t in texts]))
        marker_rhos.append(_rank_correlation([data.find(m.encode()) for m in markers]))
    # Stored in writing order every trial would give ±1; no order gives values around 0
    # (one trial's spread is about 0.23 for 20 texts, 0.33 for 10 markers).
    assert abs(mean(text_rhos)) < 0.4, text_rhos
    assert abs(mean(marker_rhos)) < 0.5, marker_rhos


# -- PostgreSQL: row positions (ctid) and transaction ids (xmin)


def _pg_rows(store: Store, table: str, column: str, code: str) -> dict[str, tuple]:
    """``column`` value -> (position, xmin) for the workshop's rows of ``table``; the position
    is the row's ctid (page, item) as one number."""
    query = sa.text(
        f"SELECT {column} AS value, ctid::text AS ctid, xmin::text::bigint AS xmin FROM {table} "
        "WHERE workshop_id = (SELECT id FROM workshops WHERE code = :code)"
    )
    with store.engine.connect() as connection:
        rows = connection.execute(query, {"code": code}).all()
    page_item = {r.value: [int(n) for n in r.ctid.strip("()").split(",")] for r in rows}
    return {r.value: (page_item[r.value][0] * 65536 + page_item[r.value][1], r.xmin) for r in rows}


def test_on_postgresql_no_text_shares_a_transaction_with_a_writer_marker(pg_store, new_workshop):
    code, _, texts, markers = _write(pg_store, new_workshop)
    text_xmins = {xmin for _, xmin in _pg_rows(pg_store, "reflections", "text", code).values()}
    marker_xmins = {
        xmin for _, xmin in _pg_rows(pg_store, "reflection_writers", "writer", code).values()
    }
    assert len(text_xmins) == TEXTS and len(marker_xmins) == PHONES
    assert text_xmins.isdisjoint(marker_xmins)


def test_on_postgresql_row_positions_and_transaction_ids_lose_the_writing_order(
    pg_store, new_workshop
):
    text_rhos, marker_rhos = [], []
    for _ in range(TRIALS):
        code, key, texts, markers = _write(pg_store, new_workshop)
        pg_store.reveal(code=code, key=key, prompt_id=PROMPT)
        stored_texts = _pg_rows(pg_store, "reflections", "text", code)
        stored_markers = _pg_rows(pg_store, "reflection_writers", "writer", code)
        # One rewrite gave every row the same transaction id: it orders nothing.
        assert len({xmin for _, xmin in stored_texts.values()}) == 1
        assert len({xmin for _, xmin in stored_markers.values()}) == 1
        text_rhos.append(_rank_correlation([stored_texts[t][0] for t in texts]))
        marker_rhos.append(_rank_correlation([stored_markers[m][0] for m in markers]))
    assert abs(mean(text_rhos)) < 0.4, text_rhos
    assert abs(mean(marker_rhos)) < 0.5, marker_rhos
