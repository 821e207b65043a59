"""The server key, kept outside the database: a copy of the database without it opens no
console and no projector, and each kind of database gets its key without a manual step,
or a clear message saying what to set."""

from __future__ import annotations

import base64
import hashlib
import hmac
import shutil
import stat
import threading

import pytest
import sqlalchemy as sa

from workshop.engine import db, serverkey
from workshop.engine.errors import AccessDenied, ServerKeyMissing
from workshop.engine.store import Store

SERVER_KEY = "the real server key, kept outside the database"


def secret_of(store: Store, code: str) -> str:
    with store.engine.connect() as connection:
        return connection.scalar(
            sa.select(db.workshops.c.secret).where(db.workshops.c.code == code)
        )


def keys_from_the_secret_alone(secret: str) -> list[str]:
    """What the database alone used to give: every role key was an HMAC of the secret."""
    out = []
    for label in ("facilitator", "screen"):
        digest = hmac.new(secret.encode(), f"bedrock:{label}".encode(), hashlib.sha256).digest()
        out.append(base64.urlsafe_b64encode(digest).rstrip(b"=").decode())
    return out


def test_a_copy_of_the_database_without_the_server_key_opens_no_console(
    any_url, clock, new_workshop
):
    real = Store(any_url, clock=clock, server_key=SERVER_KEY)
    try:
        created = new_workshop(real)
        secret = secret_of(real, created.code)
        # A thief's own server on the same rows, with a key of their own.
        thief = Store(any_url, clock=clock, server_key=serverkey.new_key())
        try:
            for key in keys_from_the_secret_alone(secret):
                with pytest.raises(AccessDenied):
                    real.check_facilitator(code=created.code, key=key)
                with pytest.raises(AccessDenied):
                    real.check_screen(code=created.code, screen_key=key)
            forged = thief.operator_key(code=created.code)
            with pytest.raises(AccessDenied):
                real.check_facilitator(code=created.code, key=forged)
            with pytest.raises(AccessDenied):
                real.next_stage(code=created.code, key=forged)
            with pytest.raises(AccessDenied):
                real.open_with_recovery_key(recovery_key=thief.recovery_key(code=created.code))
            # The real keys only work where the real server key is.
            with pytest.raises(AccessDenied):
                thief.check_facilitator(code=created.code, key=created.facilitator_key)
            with pytest.raises(AccessDenied):
                thief.open_with_recovery_key(recovery_key=created.recovery_key)
        finally:
            thief.close()
        real.check_facilitator(code=created.code, key=created.facilitator_key)
        real.check_screen(code=created.code, screen_key=created.screen_key)
        assert real.state(code=created.code).stage_index == 0
    finally:
        real.close()


def test_the_sqlite_default_makes_a_private_key_file_beside_the_database(
    tmp_path, monkeypatch, new_workshop
):
    monkeypatch.delenv(serverkey.ENV, raising=False)
    url = f"sqlite:///{tmp_path / 'data' / 'bedrock.db'}"
    stores = []
    start = threading.Barrier(4)

    def open_store():
        start.wait()
        stores.append(Store(url))

    threads = [threading.Thread(target=open_store) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        key_file = tmp_path / "data" / serverkey.FILE_NAME
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        assert len(key_file.read_text().strip()) >= serverkey.MIN_LENGTH
        assert sorted(p.name for p in key_file.parent.iterdir()) == [
            "bedrock.db",
            "bedrock.db-shm",
            "bedrock.db-wal",
            "server.key",
        ]
        created = new_workshop(stores[0])
        for other in stores[1:]:  # every server started at once got the same key
            other.check_facilitator(code=created.code, key=created.facilitator_key)
        # The key file is not in the database: a copy of the database alone opens nothing.
        copy = tmp_path / "copy"
        copy.mkdir()
        for part in (tmp_path / "data").glob("bedrock.db*"):  # with its write-ahead log
            shutil.copy(part, copy / part.name)
        stolen = Store(f"sqlite:///{copy / 'bedrock.db'}")
        try:
            assert (copy / serverkey.FILE_NAME).read_bytes() != key_file.read_bytes()
            forged = stolen.operator_key(code=created.code)
        finally:
            stolen.close()
        with pytest.raises(AccessDenied):
            stores[0].check_facilitator(code=created.code, key=forged)
    finally:
        for store in stores:
            store.close()


def test_postgresql_without_the_server_key_is_refused_with_what_to_set(pg_url, monkeypatch):
    monkeypatch.delenv(serverkey.ENV, raising=False)
    with pytest.raises(ServerKeyMissing, match="Set BEDROCK_SERVER_KEY") as missing:
        Store(pg_url)
    assert "same on every server" in str(missing.value)
    monkeypatch.setenv(serverkey.ENV, "too short")
    with pytest.raises(ServerKeyMissing, match="too short"):
        Store(pg_url)


def test_two_servers_with_the_same_key_share_every_workshop(pg_url, clock, new_workshop):
    first = Store(pg_url, clock=clock, server_key=SERVER_KEY)
    second = Store(pg_url, clock=clock, server_key=SERVER_KEY)
    try:
        created = new_workshop(first)
        second.check_facilitator(code=created.code, key=created.facilitator_key)
        second.check_screen(code=created.code, screen_key=created.screen_key)
        assert second.open_with_recovery_key(recovery_key=created.recovery_key)[0] == created.code
    finally:
        first.close()
        second.close()
