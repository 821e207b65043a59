"""The server key: a secret kept outside the database.

Every key the app hands out (console, projector and recovery keys) is derived from both the
workshop's own secret, stored in the database, and this key; so is the hash under which a
client's address is throttled. A copy of the database alone therefore opens no console and
names no address.

Where it comes from, in this order:

1. env ``BEDROCK_SERVER_KEY`` (at least 32 characters): required with PostgreSQL, and the
   same on every server sharing the database;
2. for an SQLite file, ``server.key`` in the same folder as the database, made on first use
   with a fresh random value and mode 0600 (readable by the server's user only);
3. for an SQLite database in memory, a fresh random key for this process.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from sqlalchemy.engine import make_url

from workshop.engine.errors import ServerKeyMissing

ENV = "BEDROCK_SERVER_KEY"
FILE_NAME = "server.key"
MIN_LENGTH = 32

MISSING = (
    f"Set {ENV} to a long random value (at least {MIN_LENGTH} characters, the same on every "
    "server that shares this database), for example the output of `bedrock server-key`. "
    "Without it the keys to running workshops cannot be checked."
)


def new_key() -> str:
    """A fresh server key: 256 random bits as URL-safe text."""
    return secrets.token_urlsafe(32)


def load(url: str) -> bytes:
    """The server key for the database at ``url`` (normalised). Reads the environment, or the
    key file beside an SQLite file, creating that file (mode 0600) when it does not exist yet.
    Raises ServerKeyMissing for a database other than an SQLite file without the variable set,
    or for a value that is too short."""
    given = os.environ.get(ENV, "").strip()
    if given:
        if len(given) < MIN_LENGTH:
            raise ServerKeyMissing(f"{ENV} is too short. {MISSING}")
        return given.encode()
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise ServerKeyMissing(f"{ENV} is not set. {MISSING}")
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return new_key().encode()
    return _key_file(Path(database).resolve().parent / FILE_NAME)


def _key_file(path: Path) -> bytes:
    """The key kept in ``path``; made first if missing. Two servers starting at once end up
    with the same key: the file appears whole, or not at all (a hard link of a finished file)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as out:
                out.write(new_key() + "\n")
                out.flush()
                os.fsync(out.fileno())
            with contextlib.suppress(FileExistsError):  # another process made it first
                os.link(draft, path)
        finally:
            draft.unlink(missing_ok=True)
    key = path.read_text(encoding="ascii").strip()
    if len(key) < MIN_LENGTH:
        raise ServerKeyMissing(f"The server key in {path.name} is too short. {MISSING}")
    return key.encode()
