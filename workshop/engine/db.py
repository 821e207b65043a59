"""The database underneath the store: URL handling, engines, schema, migrations, retries.

SQLite (the default, a file under ``data/``) and PostgreSQL (through psycopg 3) are both
supported with the same schema. The schema is built only by the numbered migrations below,
each recorded in ``schema_migrations``; the tables declared in this module describe the schema
after the last migration and are used for queries, never to create anything.
"""

from __future__ import annotations

import os
import random
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, Row, make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from workshop.engine import privacy
from workshop.engine.errors import (
    AccessDenied,
    InvalidInput,
    ServerKeyMissing,
    StorageBusy,
    StorageUnavailable,
    WorkshopEnded,
    WorkshopNotFound,
)

T = TypeVar("T")

DEFAULT_URL = "sqlite:///data/bedrock.db"

CHANGES_CHANNEL = "bedrock_changes"
"""PostgreSQL notification channel on which a committed change to any workshop is announced."""

# ---------------------------------------------------------------------------------------------
# URLs and engines


def normalise_url(url: str | None = None) -> str:
    """The database URL to use: ``url``, else env ``DATABASE_URL``, else the default SQLite
    file. ``postgres://`` and ``postgresql://`` (as hosting services hand them out) become
    ``postgresql+psycopg://`` so that psycopg 3 is used."""
    url = url or os.environ.get("DATABASE_URL") or DEFAULT_URL
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def is_sqlite(engine: Engine | Connection) -> bool:
    """Whether the engine or connection talks to SQLite."""
    return engine.dialect.name == "sqlite"


def make_engine(url: str | None = None, *, server_key: bytes | None = None) -> Engine:
    """An engine for the normalised ``url``. For an SQLite file its folder is created, and
    every connection gets WAL journaling, a busy timeout, foreign keys, secure deletion and
    full syncing; write transactions take the write lock up front (``BEGIN IMMEDIATE``).
    ``server_key`` (see :mod:`workshop.engine.serverkey`) rides along with every connection,
    for the key checks made inside transactions (:func:`server_key`)."""
    parsed = make_url(normalise_url(url))
    backend = parsed.get_backend_name()
    options = {"execution_options": {"bedrock_server_key": server_key}} if server_key else {}
    if backend == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(parsed, pool_size=8, max_overflow=8, pool_timeout=60, **options)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if backend == "postgresql":
        return sa.create_engine(
            parsed, pool_size=5, max_overflow=5, pool_timeout=60, pool_pre_ping=True, **options
        )
    raise StorageUnavailable(f"Bedrock cannot use a '{parsed.drivername}' database.")


def server_key(connection: Connection) -> bytes:
    """The server key of the store this connection belongs to."""
    key = connection.get_execution_options().get("bedrock_server_key")
    if not key:
        raise ServerKeyMissing()
    return key


def _sqlite_connect(dbapi_connection, _record) -> None:
    # The driver's own transaction handling is switched off so that "begin" below decides
    # how each transaction starts.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in (
        "journal_mode = WAL",
        "busy_timeout = 5000",
        "foreign_keys = ON",
        "secure_delete = ON",
        "synchronous = FULL",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    options = connection.get_execution_options()
    if options.get("isolation_level") == "AUTOCOMMIT":
        return
    connection.exec_driver_sql("BEGIN IMMEDIATE" if options.get("bedrock_write") else "BEGIN")


# ---------------------------------------------------------------------------------------------
# Transactions with retries

RETRY_FOR_SECONDS = 30.0


def _transient(error: DBAPIError) -> bool:
    """Errors after which the whole transaction can safely run again."""
    if isinstance(error.orig, sqlite3.OperationalError):
        message = str(error.orig).lower()
        return "locked" in message or "busy" in message
    # PostgreSQL serialization failure and deadlock: the transaction was rolled back.
    return getattr(error.orig, "sqlstate", None) in ("40001", "40P01")


READ_ONLY = (
    "The workshop's storage is read-only, so nothing new can be saved right now. Whoever "
    "runs this server needs to make the database writable again."
)
FULL = (
    "The workshop's storage is full, so nothing new can be saved right now. Whoever runs "
    "this server needs to free some space."
)

# PostgreSQL error classes meaning the database, not the request, is the problem: connection
# exceptions, insufficient resources (disk full, out of memory), operator intervention
# (shutdown, restart), system errors.
_PG_UNAVAILABLE = ("08", "53", "57", "58")


def _unavailable(error: DBAPIError) -> StorageUnavailable | None:
    """The StorageUnavailable to raise for a database that cannot take the work right now
    (unreachable, read-only, full), with a message saying which; None for other errors."""
    original = error.orig
    if isinstance(original, sqlite3.Error):
        name = getattr(original, "sqlite_errorname", "") or ""
        if name.startswith("SQLITE_READONLY"):
            return StorageUnavailable(READ_ONLY)
        if name.startswith("SQLITE_FULL"):
            return StorageUnavailable(FULL)
    sqlstate = getattr(original, "sqlstate", None) or ""
    if sqlstate == "25006":  # read_only_sql_transaction: a standby, or a read-only setting
        return StorageUnavailable(READ_ONLY)
    if sqlstate == "53100":  # disk_full
        return StorageUnavailable(FULL)
    if isinstance(error, OperationalError | InterfaceError) or sqlstate[:2] in _PG_UNAVAILABLE:
        return StorageUnavailable()
    return None


def run(engine: Engine, work: Callable[[Connection], T], *, write: bool) -> T:
    """Run ``work`` in one transaction and return its result; committed if it returns,
    rolled back if it raises. Lock contention ("database is locked", deadlocks) is retried
    with a short random backoff for up to 30 s. A database that cannot be reached, is
    read-only or is full raises StorageUnavailable, whose message says which (and never
    shows SQL or a path). Errors raised by ``work`` itself pass through unchanged."""
    started = time.monotonic()
    delay = 0.002
    while True:
        try:
            with engine.connect() as connection:
                if write:
                    connection.execution_options(bedrock_write=True)
                with connection.begin():
                    return work(connection)
        except sa.exc.TimeoutError as error:  # no pooled connection came free in time
            raise StorageBusy() from error
        except DBAPIError as error:
            if _transient(error) and time.monotonic() - started < RETRY_FOR_SECONDS:
                time.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, 0.1)
                continue
            unavailable = _unavailable(error)
            if unavailable is not None:
                raise unavailable from error
            raise


@contextmanager
def autocommit(engine: Engine) -> Iterator[Connection]:
    """A connection outside any transaction, for statements that cannot run inside one."""
    with engine.connect() as connection:
        yield connection.execution_options(isolation_level="AUTOCOMMIT")


def checkpoint(engine: Engine) -> bool:
    """On SQLite, copy the write-ahead log into the database file and truncate it, so no
    deleted text survives in the log. Returns whether the log is now empty; a no-op (True)
    on PostgreSQL."""
    if not is_sqlite(engine):
        return True
    for _ in range(50):
        with autocommit(engine) as connection:
            busy, _log, _done = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        if not busy:
            return True
        time.sleep(0.05)
    return False


def vacuum(engine: Engine, tables: Sequence[str] | None = None) -> bool:
    """On PostgreSQL, ``VACUUM`` every table that holds workshop data, outside any
    transaction, so the space of deleted rows (and their index entries) is reclaimed now
    rather than whenever autovacuum comes by. Rows still visible to a transaction open
    elsewhere at that moment stay until a later vacuum. ``tables`` narrows it to some of
    them. Returns whether it ran; a database
    that refuses (unreachable, read-only) gives False rather than an error, since the
    deletion itself is already committed and autovacuum will reclaim the space later. A
    no-op (True) on SQLite, where :func:`checkpoint` and secure_delete apply."""
    if is_sqlite(engine):
        return True
    try:
        with autocommit(engine) as connection:
            connection.exec_driver_sql("VACUUM " + ", ".join(tables or WORKSHOP_TABLES))
    except sa.exc.SQLAlchemyError:  # unreachable, read-only, or no connection free in time
        return False
    return True


# ---------------------------------------------------------------------------------------------
# Schema. The tables of versions 1 and 4 are frozen in functions; other migrations add columns,
# declared once below for queries and once as DDL in their migration.


def _v1_tables(meta: sa.MetaData) -> sa.MetaData:
    """The tables as the first migration creates them. Never edit: add a migration instead."""
    sa.Table(
        "workshops",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(6), nullable=False, unique=True),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("support_text", sa.Text, nullable=False),
        sa.Column("min_reveal", sa.Integer, nullable=False),
        sa.Column("secret", sa.Text, nullable=False),
        sa.Column("passcode_hash", sa.Text, nullable=False),
        sa.Column("created_on", sa.Date, nullable=False),
        sa.Column("stage_index", sa.Integer, nullable=False),
        sa.Column("stage_started_at", sa.Float),
        sa.Column("current_prompt", sa.Text),
        sa.Column("timer_duration", sa.Float, nullable=False),
        sa.Column("timer_ends_at", sa.Float),
        sa.Column("timer_paused_remaining", sa.Float),
    )
    sa.Table(
        "stages",
        meta,
        sa.Column(
            "workshop_id", sa.ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("module_id", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("minutes", sa.Float, nullable=False),
        sa.Column("elapsed", sa.Float, nullable=False),
        sa.Column("prompt_ids", sa.Text, nullable=False),
    )
    sa.Table(
        "prompts",
        meta,
        sa.Column(
            "workshop_id", sa.ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("prompt_id", sa.Text, primary_key=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("min_reveal", sa.Integer),
        sa.Column("sensitive", sa.Boolean, nullable=False),
        sa.Column("options", sa.Text, nullable=False),
        sa.Column("scale_min", sa.Integer),
        sa.Column("scale_max", sa.Integer),
        sa.Column("max_chars", sa.Integer, nullable=False),
        sa.Column("revealed", sa.Boolean, nullable=False),
    )
    # Reflections: a random id, no participant key, no time. Without SQLite's hidden rowid the
    # rows are also stored in random-id order rather than in the order they arrived.
    sa.Table(
        "reflections",
        meta,
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("workshop_id", sa.Integer, nullable=False),
        sa.Column("prompt_id", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("hidden", sa.Boolean, nullable=False),
        sa.ForeignKeyConstraint(
            ["workshop_id", "prompt_id"],
            ["prompts.workshop_id", "prompts.prompt_id"],
            ondelete="CASCADE",
        ),
        sa.Index("reflections_by_prompt", "workshop_id", "prompt_id"),
        sqlite_with_rowid=False,
    )
    # Answers: one per voter, where the voter is an HMAC of a browser token, never the token.
    sa.Table(
        "answers",
        meta,
        sa.Column("workshop_id", sa.Integer, primary_key=True),
        sa.Column("prompt_id", sa.Text, primary_key=True),
        sa.Column("voter", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.ForeignKeyConstraint(
            ["workshop_id", "prompt_id"],
            ["prompts.workshop_id", "prompts.prompt_id"],
            ondelete="CASCADE",
        ),
        sqlite_with_rowid=False,
    )
    return meta


def _v4_tables(meta: sa.MetaData) -> sa.MetaData:
    """The table the fourth migration creates. Never edit: add a migration instead."""
    # Who has written on a prompt, as one HMAC of the prompt and a browser token per person,
    # so the reveal threshold counts people rather than texts. Nothing here points at a
    # reflection (no reflection id, no order, no time), and without SQLite's hidden rowid
    # the rows are kept in the order of their random-looking markers.
    sa.Table(
        "reflection_writers",
        meta,
        sa.Column("workshop_id", sa.Integer, primary_key=True),
        sa.Column("prompt_id", sa.Text, primary_key=True),
        sa.Column("writer", sa.String(64), primary_key=True),
        sa.ForeignKeyConstraint(
            ["workshop_id", "prompt_id"],
            ["prompts.workshop_id", "prompts.prompt_id"],
            ondelete="CASCADE",
        ),
        sqlite_with_rowid=False,
    )
    return meta


metadata = _v4_tables(_v1_tables(sa.MetaData()))
schema_migrations = sa.Table(
    "schema_migrations",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.Text, nullable=False),
)
workshops = metadata.tables["workshops"]
stages = metadata.tables["stages"]
prompts = metadata.tables["prompts"]
reflections = metadata.tables["reflections"]
answers = metadata.tables["answers"]
reflection_writers = metadata.tables["reflection_writers"]
for _column in (
    # migration 2
    sa.Column("attempt_window_start", sa.Float),
    sa.Column("attempt_failures", sa.Integer, nullable=False),
    sa.Column("locked_until", sa.Float),
    sa.Column("lockouts", sa.Integer, nullable=False),
    # migration 3
    sa.Column("slide_index", sa.Integer, nullable=False),
):
    workshops.append_column(_column)
# migration 5
reflections.append_column(sa.Column("held", sa.Boolean, nullable=False))
prompts.append_column(sa.Column("shared", sa.Boolean, nullable=False))
# migration 6
workshops.append_column(sa.Column("phones_joined", sa.Integer, nullable=False))
reflection_writers.append_column(sa.Column("texts", sa.Integer, nullable=False))
prompts.append_column(sa.Column("taken_down", sa.Boolean, nullable=False))
# migration 8
workshops.append_column(sa.Column("wall_page", sa.Integer))
# migration 9
workshops.append_column(sa.Column("phones_version", sa.Integer, nullable=False))


def _v7_tables(meta: sa.MetaData) -> sa.MetaData:
    """The table the seventh migration creates. Never edit: add a migration instead."""
    # Failures per client (wrong passcodes, unknown codes, new workshops), shared by every
    # server. A client is an HMAC of its address under the server key, never the address,
    # and a row is deleted once it is forgotten (``expires_at``), within minutes.
    sa.Table(
        "client_throttle",
        meta,
        sa.Column("scope", sa.String(16), primary_key=True),
        sa.Column("client", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_at", sa.Float, nullable=False),
        sa.Column("wait_until", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
        sa.Index("client_throttle_by_expiry", "expires_at"),
    )
    return meta


_v7_tables(metadata)
client_throttle = metadata.tables["client_throttle"]


def _v10_tables(meta: sa.MetaData) -> sa.MetaData:
    """The tables the tenth migration creates. Never edit: add a migration instead."""
    # Two phones paired for the couple exercises of a room. A pair holds no name and no
    # time: a random id, the short code its first phone shows while waiting for the second
    # (cleared once paired), which word and colour both phones show, a change counter, and
    # the couple's exchange on the prompt now on the phones (cleared when it changes).
    sa.Table(
        "pairs",
        meta,
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("workshop_id", sa.ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False),
        sa.Column("pair_code", sa.String(8)),
        sa.Column("badge", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("revealed", sa.Boolean, nullable=False),
        sa.Column("done", sa.Boolean, nullable=False),
        sa.Column("turn", sa.Text),
        sa.UniqueConstraint("workshop_id", "pair_code", name="pairs_code_once"),
        sa.Index("pairs_by_workshop", "workshop_id"),
        sqlite_with_rowid=False,
    )
    # Which two phones: an HMAC of each phone's identity under the workshop secret, unlike
    # any marker the phone leaves on a prompt, so the pair links to none of its answers.
    sa.Table(
        "pair_members",
        meta,
        sa.Column("pair_id", sa.ForeignKey("pairs.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("seat", sa.String(1), primary_key=True),
        sa.Column("workshop_id", sa.Integer, nullable=False),
        sa.Column("member", sa.String(64), nullable=False),
        sa.UniqueConstraint("workshop_id", "member", name="pair_members_once"),
        sqlite_with_rowid=False,
    )
    # Each partner's answer on the prompt now on the phones: words only when they chose to
    # show them to the other; a kept or passed answer never holds any.
    sa.Table(
        "pair_answers",
        meta,
        sa.Column("pair_id", sa.ForeignKey("pairs.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("seat", sa.String(1), primary_key=True),
        sa.Column("workshop_id", sa.Integer, nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("value", sa.Text),
        sqlite_with_rowid=False,
    )
    return meta


_v10_tables(metadata)
pairs = metadata.tables["pairs"]
pair_members = metadata.tables["pair_members"]
pair_answers = metadata.tables["pair_answers"]
# migration 10
workshops.append_column(sa.Column("gathered", sa.Boolean, nullable=False))

PAIR_TABLES = ("pair_answers", "pair_members", "pairs")
"""Tables holding the pairs of phones and what couples exchange, children first."""

WORKSHOP_TABLES = (
    *PAIR_TABLES,
    "answers",
    "reflection_writers",
    "reflections",
    "prompts",
    "stages",
    "workshops",
)
"""Tables holding a workshop's data, children first (the order to delete in)."""
# The columns of migration 2 (attempt_window_start, attempt_failures, locked_until, lockouts)
# counted wrong passcodes per workshop; since migration 7 tries are counted per client in
# ``client_throttle`` and those columns are no longer read.

# ---------------------------------------------------------------------------------------------
# Migrations: append only; never edit one that has shipped.


def _v1_core_tables(connection: Connection) -> None:
    """Workshops, their stages and prompts, reflections and answers."""
    _v1_tables(sa.MetaData()).create_all(connection, checkfirst=False)


def _add_columns(connection: Connection, table: str, columns: list[tuple[str, str]]) -> None:
    for name, definition in columns:
        connection.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {name} {definition}")


def _v2_console_throttle(connection: Connection) -> None:
    """Counters that slow down passcode guessing, shared by every app server."""
    real = "REAL" if is_sqlite(connection) else "DOUBLE PRECISION"
    _add_columns(
        connection,
        "workshops",
        [
            ("attempt_window_start", real),
            ("attempt_failures", "INTEGER NOT NULL DEFAULT 0"),
            ("locked_until", real),
            ("lockouts", "INTEGER NOT NULL DEFAULT 0"),
        ],
    )


def _v3_slide_index(connection: Connection) -> None:
    """The slide shown within the current stage, so every screen follows the console."""
    _add_columns(connection, "workshops", [("slide_index", "INTEGER NOT NULL DEFAULT 0")])


def _v4_reflection_writers(connection: Connection) -> None:
    """One marker per person who wrote on a prompt. Reflections already stored count one
    writer each, as they did before: their writers are unknown, so each gets a random
    marker."""
    frozen = _v4_tables(_v1_tables(sa.MetaData()))  # with the prompts its key points at
    frozen.tables["reflection_writers"].create(connection, checkfirst=False)
    existing = connection.execute(sa.text("SELECT workshop_id, prompt_id FROM reflections")).all()
    if existing:
        connection.execute(
            sa.text(
                "INSERT INTO reflection_writers (workshop_id, prompt_id, writer)"
                " VALUES (:workshop_id, :prompt_id, :writer)"
            ),
            [
                {"workshop_id": w, "prompt_id": p, "writer": secrets.token_hex(32)}
                for w, p in existing
            ],
        )


def _v5_held_and_shared(connection: Connection) -> None:
    """Reflections held back for the facilitator (sent while their prompt was on the wall),
    and whether a prompt's results were shared with the room and not taken down since
    (revealed ones so far were)."""
    false = "0" if is_sqlite(connection) else "FALSE"
    _add_columns(connection, "reflections", [("held", f"BOOLEAN NOT NULL DEFAULT {false}")])
    _add_columns(connection, "prompts", [("shared", f"BOOLEAN NOT NULL DEFAULT {false}")])
    connection.exec_driver_sql("UPDATE prompts SET shared = revealed")


def _v6_phones_and_limits(connection: Connection) -> None:
    """How many phones joined each workshop, how many texts each writer sent to a prompt
    (a phone may send only a few), and whether a prompt's wall was taken down because too
    few people's texts were left on it. A workshop already running counts as many phones
    as the most people who answered one of its prompts, so its counts stay as they were."""
    false = "0" if is_sqlite(connection) else "FALSE"
    _add_columns(connection, "workshops", [("phones_joined", "INTEGER NOT NULL DEFAULT 0")])
    _add_columns(connection, "reflection_writers", [("texts", "INTEGER NOT NULL DEFAULT 1")])
    _add_columns(connection, "prompts", [("taken_down", f"BOOLEAN NOT NULL DEFAULT {false}")])
    connection.exec_driver_sql(
        "UPDATE workshops SET phones_joined = (SELECT COALESCE(MAX(n), 0) FROM ("
        " SELECT COUNT(*) AS n FROM reflection_writers r WHERE r.workshop_id = workshops.id"
        " GROUP BY r.prompt_id"
        " UNION ALL SELECT COUNT(*) AS n FROM answers a WHERE a.workshop_id = workshops.id"
        " GROUP BY a.prompt_id) AS counted)"
    )


def _v8_wall_page(connection: Connection) -> None:
    """The page of a long wall the facilitator holds on the projector; empty while the pages
    turn by themselves."""
    _add_columns(connection, "workshops", [("wall_page", "INTEGER")])


def _v9_phones_version(connection: Connection) -> None:
    """A second change counter that moves only when what a phone draws changes (not with
    every answer), so a room sending answers does not wake every waiting phone."""
    _add_columns(connection, "workshops", [("phones_version", "INTEGER NOT NULL DEFAULT 0")])


def _v10_pairs(connection: Connection) -> None:
    """Phones paired for the couple exercises of a room, what the couples exchange there,
    and whether the facilitator just brought the room back together."""
    frozen = _v10_tables(_v1_tables(sa.MetaData()))  # with the workshops its key points at
    for name in reversed(PAIR_TABLES):
        frozen.tables[name].create(connection, checkfirst=False)
    false = "0" if is_sqlite(connection) else "FALSE"
    _add_columns(connection, "workshops", [("gathered", f"BOOLEAN NOT NULL DEFAULT {false}")])


def _v7_client_throttle(connection: Connection) -> None:
    """Failures counted per client instead of per workshop, so that nobody's wrong passcodes
    can lock a counsellor out of their own console."""
    _v7_tables(sa.MetaData()).create_all(connection, checkfirst=False)


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[Connection], None]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "core_tables", _v1_core_tables),
    Migration(2, "console_throttle", _v2_console_throttle),
    Migration(3, "slide_index", _v3_slide_index),
    Migration(4, "reflection_writers", _v4_reflection_writers),
    Migration(5, "held_and_shared", _v5_held_and_shared),
    Migration(6, "phones_and_limits", _v6_phones_and_limits),
    Migration(7, "client_throttle", _v7_client_throttle),
    Migration(8, "wall_page", _v8_wall_page),
    Migration(9, "phones_version", _v9_phones_version),
    Migration(10, "pairs", _v10_pairs),
)
LATEST = MIGRATIONS[-1].version

_PG_MIGRATION_LOCK = 0x62656472  # any constant shared by every Bedrock server


def migrate(engine: Engine, *, upto: int = LATEST) -> int:
    """Bring the schema up to version ``upto`` by applying the missing migrations in order,
    each recorded in ``schema_migrations``; returns the version reached. Safe to run from
    several servers at once. Raises StorageUnavailable when the database holds tables of ours
    without a migration record, or was migrated by a newer Bedrock."""

    def work(connection: Connection) -> int:
        if not is_sqlite(connection):
            connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_MIGRATION_LOCK)))
        existing = set(sa.inspect(connection).get_table_names())
        if "schema_migrations" not in existing:
            if existing & set(WORKSHOP_TABLES):
                raise StorageUnavailable(
                    "The database has workshop tables but no migration record; "
                    "Bedrock will not guess their layout."
                )
            schema_migrations.create(connection)
        applied = set(connection.scalars(sa.select(schema_migrations.c.version)))
        unknown = applied - {m.version for m in MIGRATIONS}
        if unknown:
            raise StorageUnavailable(
                f"The database was set up by a newer Bedrock (schema version {max(unknown)})."
            )
        for migration in MIGRATIONS:
            if migration.version <= upto and migration.version not in applied:
                migration.apply(connection)
                connection.execute(
                    schema_migrations.insert().values(
                        version=migration.version, name=migration.name
                    )
                )
                applied.add(migration.version)
        return max(applied, default=0)

    return run(engine, work, write=True)


def schema_version(engine: Engine) -> int:
    """The highest migration recorded in the database (0 for an empty one). Read-only."""

    def work(connection: Connection) -> int:
        if not sa.inspect(connection).has_table("schema_migrations"):
            return 0
        return connection.scalar(sa.select(sa.func.max(schema_migrations.c.version))) or 0

    return run(engine, work, write=False)


# ---------------------------------------------------------------------------------------------
# Row helpers shared by the store's operations (each runs inside the caller's transaction)


def find_workshop(connection: Connection, code: object, *, lock: bool = False) -> Row:
    """The live workshop with join code ``code``; with ``lock`` its row stays locked until
    the transaction ends (PostgreSQL; SQLite writers are serialised anyway). Raises
    WorkshopNotFound (at once, without a query, for a code that cannot be one) or
    WorkshopEnded."""
    if not privacy.is_code(code):
        raise WorkshopNotFound()
    query = sa.select(workshops).where(workshops.c.code == privacy.normalise_code(code))
    if lock:
        query = query.with_for_update(key_share=True)
    row = connection.execute(query).one_or_none()
    if row is None:
        raise WorkshopNotFound()
    if row.status != "live":
        raise WorkshopEnded()
    return row


def facilitator_workshop(
    connection: Connection, code: object, key: object, *, lock: bool = False
) -> Row:
    """Like :func:`find_workshop`, and raises AccessDenied unless ``key`` is the workshop's
    facilitator key."""
    row = find_workshop(connection, code, lock=lock)
    if not privacy.key_matches(
        secret=row.secret, label="facilitator", key=key, server_key=server_key(connection)
    ):
        raise AccessDenied()
    return row


def bump(connection: Connection, workshop_id: int, *, phones: bool = True, **values: object):
    """Set ``values`` on the workshop row and add one to its version, and to its phone
    version unless ``phones`` is False (a change no phone draws: an answer before its
    prompt's results are up, a text the facilitator has not read yet). On PostgreSQL the same
    statement announces the change to every server listening (:func:`listen_for_changes`),
    delivered when the transaction commits."""
    if phones:
        values = {"phones_version": workshops.c.phones_version + 1, **values}
    statement = (
        workshops.update()
        .where(workshops.c.id == workshop_id)
        .values(version=workshops.c.version + 1, **values)
    )
    if not is_sqlite(connection):
        statement = statement.returning(sa.func.pg_notify(CHANGES_CHANNEL, ""))
    connection.execute(statement)


def announce_change(connection: Connection) -> None:
    """Tell every server listening that some workshop changed (PostgreSQL; delivered at
    commit). The notice carries nothing: listeners read the versions they wait on."""
    if not is_sqlite(connection):
        connection.execute(sa.select(sa.func.pg_notify(CHANGES_CHANNEL, "")))


def listen_for_changes(
    engine: Engine, changed: Callable[[], None], stop: Callable[[], bool], *, every: float = 1.0
) -> bool:
    """On PostgreSQL, call ``changed()`` each time a transaction that changed a workshop
    commits, on any server, until ``stop()`` is true (checked every ``every`` seconds).
    Holds one connection of its own, outside the pool. Returns False at once on SQLite
    (one server owns the file and sees its own changes); raises StorageUnavailable when the
    connection is lost, so the caller can try again."""
    if is_sqlite(engine):
        return False
    pooled = engine.raw_connection()
    listener = pooled.driver_connection
    pooled.detach()  # held for as long as the server runs: not the pool's to share
    try:
        listener.autocommit = True
        listener.execute(f"LISTEN {CHANGES_CHANNEL}")
        while not stop():
            if any(True for _ in listener.notifies(timeout=every)):
                changed()
        return True
    except DBAPIError as error:
        raise StorageUnavailable() from error
    except Exception as error:  # psycopg's own errors, outside SQLAlchemy's wrapping
        if type(error).__module__.startswith("psycopg"):
            raise StorageUnavailable() from error
        raise
    finally:
        with suppress(Exception):
            listener.close()


def find_prompt(connection: Connection, workshop_id: int, prompt_id: object) -> Row:
    """The workshop's prompt row. Raises InvalidInput for a prompt it does not have."""
    if not isinstance(prompt_id, str):
        raise InvalidInput("That question is not part of this workshop.")
    row = connection.execute(
        sa.select(prompts).where(
            prompts.c.workshop_id == workshop_id, prompts.c.prompt_id == prompt_id
        )
    ).one_or_none()
    if row is None:
        raise InvalidInput("That question is not part of this workshop.")
    return row


ORDERED_TABLES = ("answers", "reflection_writers", "reflections")
"""Tables whose rows arrive one by one from people, in an order that must not stay readable."""


def reshuffle(connection: Connection, workshop_id: int) -> None:
    """Rewrite the workshop's answers, writer markers and reflections in a new random order:
    delete them and insert them again, shuffled, in this one transaction. Afterwards neither
    where a row sits in the database file (SQLite's cells and pages, PostgreSQL's row
    positions) nor its transaction id (PostgreSQL's ``xmin``, now the same for every row)
    follows the order people wrote in. The old row versions are gone once the write-ahead
    log is truncated (:func:`checkpoint`) or the tables vacuumed (:func:`vacuum`)."""
    shuffle = secrets.SystemRandom().shuffle
    for name in ORDERED_TABLES:
        table = metadata.tables[name]
        mine = table.c.workshop_id == workshop_id
        rows = [dict(row._mapping) for row in connection.execute(sa.select(table).where(mine))]
        if not rows:
            continue
        shuffle(rows)
        connection.execute(table.delete().where(mine))
        connection.execute(table.insert(), rows)


def delete_rows(connection: Connection, workshop_ids: list[int]) -> None:
    """Delete every row belonging to these workshops except the workshop rows themselves."""
    for name in WORKSHOP_TABLES[:-1]:
        table = metadata.tables[name]
        connection.execute(table.delete().where(table.c.workshop_id.in_(workshop_ids)))
