"""Shared fixtures: stores on a fresh SQLite file and on a fresh PostgreSQL schema, and a
clock that moves only when a test moves it.

PostgreSQL comes from env TEST_DATABASE_URL (default: the local test database). When it
cannot be reached the PostgreSQL half of the suite is skipped, with the reason, unless env CI
is set: then those tests fail, because CI must run both backends.

The suite runs in two processes at once (pytest-xdist, one test file to a process). A test
marked ``restarts_postgresql`` runs alone: the other process waits while it does.

Property tests (Hypothesis) search at random on a developer's machine, a new search each run,
and remember what failed. With env CI set they run the "ci" profile: derandomized, the same
inputs every run, so a bug they find fails every CI run instead of one in several.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import settings
from sqlalchemy.pool import NullPool

from workshop.engine.db import normalise_url
from workshop.engine.store import Created, PromptSpec, StagePlan, Store

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

# Every store and every app server a test starts shares one server key, as the servers of one
# deployment do; PostgreSQL stores need it. CI may set its own.
os.environ.setdefault("BEDROCK_SERVER_KEY", secrets.token_urlsafe(32))
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


MAIN_MODULE = sys.modules.get("__main__")
"""The process's own ``__main__``, as pytest (or a pytest-xdist worker) started it."""


@pytest.fixture(autouse=True)
def _main_module_kept() -> Iterator[None]:
    """Streamlit's script runner (the page tests' AppTest, also in module-wide fixtures) makes
    each script it runs the process's ``__main__`` and leaves it there; a process the load
    benchmark then starts would run that page script first and fail. Every test starts and
    ends with the process's own."""
    if MAIN_MODULE is not None:
        sys.modules["__main__"] = MAIN_MODULE
    yield
    if MAIN_MODULE is not None:
        sys.modules["__main__"] = MAIN_MODULE


class Clock:
    """A settable clock to pass as ``Store(clock=...)``. Starts at 2026-03-02 09:00 UTC."""

    def __init__(self, now: float = 1_772_442_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'bedrock.db'}"


@pytest.fixture
def store(sqlite_url, clock) -> Iterator[Store]:
    """A store on a fresh SQLite file in tmp_path."""
    opened = Store(sqlite_url, clock=clock)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[sa.Engine]:
    """An engine on the PostgreSQL test database, for making and dropping schemas."""
    url = normalise_url(os.environ.get("TEST_DATABASE_URL", PG_DEFAULT))
    engine = sa.create_engine(url, poolclass=NullPool)
    shown = engine.url.render_as_string(hide_password=True)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except sa.exc.OperationalError as error:
        engine.dispose()
        reason = f"PostgreSQL is not reachable at {shown} ({str(error.orig).strip()})"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}\nCI must run the PostgreSQL tests.", pytrace=False)
        pytest.skip(
            f"{reason}\nStart it with `pg_ctlcluster --skip-systemctl-redirect 15 main start` "
            "(trust auth, database `test`), or set TEST_DATABASE_URL to a database you may "
            "create schemas in."
        )
    yield engine
    engine.dispose()


RESTART_LOCK = Path(tempfile.gettempdir()) / "bedrock-tests-restart.lock"


@pytest.fixture(autouse=True)
def _alone_while_postgresql_restarts(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test marked ``restarts_postgresql`` runs alone: it waits for the other process's test
    to end and holds the next one off until it is done, so no other test loses its database
    under it. Every other test shares the lock with the other process's."""
    alone = request.node.get_closest_marker("restarts_postgresql") is not None
    with RESTART_LOCK.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture
def pg_url(pg_admin) -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL schema, dropped after the test. Connections made
    with it find (and migrate) only that schema, through their search_path."""
    schema = f"test_{uuid.uuid4().hex[:16]}"
    with pg_admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = pg_admin.url.update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with pg_admin.begin() as connection:
        connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def pg_database_url(pg_admin) -> Iterator[str]:
    """The URL of a PostgreSQL database of its own, dropped after the test: for what other
    sessions in a shared database would disturb. VACUUM keeps any dead row version that a
    transaction open in the same database might still see, so another test run sharing the
    test database would leave deleted rows in its pages."""
    name = f"bedrock_test_{uuid.uuid4().hex[:12]}"
    with pg_admin.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT")
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield pg_admin.url.set(database=name).render_as_string(hide_password=False)
    with pg_admin.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT")
        connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture
def pg_store(pg_url, clock) -> Iterator[Store]:
    """A store on a fresh PostgreSQL schema."""
    opened = Store(pg_url, clock=clock)
    yield opened
    opened.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_url(request) -> str:
    """A fresh database URL on each backend in turn."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


@pytest.fixture
def any_store(any_url, clock) -> Iterator[Store]:
    """A fresh store on each backend in turn: the store suite runs on both."""
    opened = Store(any_url, clock=clock)
    yield opened
    opened.close()


PLAN = (
    StagePlan(
        module_id="welcome",
        title="Welcome",
        minutes=10,
        prompts=(
            PromptSpec(id="arrival", kind="word", title="One word for today", max_chars=40),
            PromptSpec(id="closeness", kind="scale", title="How close", scale_min=1, scale_max=5),
        ),
    ),
    StagePlan(
        module_id="barriers",
        title="Barriers",
        minutes=20,
        prompts=(
            PromptSpec(id="barrier", kind="reflection", title="What gets in the way"),
            PromptSpec(
                id="hard-part",
                kind="reflection",
                title="The hard part",
                sensitive=True,
                max_chars=300,
            ),
            PromptSpec(
                id="pick", kind="choice", title="Pick one", options=("Time", "Stress", "Phones")
            ),
        ),
    ),
    StagePlan(
        module_id="together",
        title="Together",
        minutes=15,
        prompts=(
            PromptSpec(
                id="order", kind="ranking", title="What matters", options=("Talk", "Touch", "Play")
            ),
            PromptSpec(id="turns", kind="speaker-listener", title="Listening turns"),
        ),
    ),
)
"""A three-stage workshop with one prompt of every kind the store treats differently."""


@pytest.fixture
def new_workshop() -> Callable[..., Created]:
    """``new_workshop(store, **overrides)`` creates a workshop from PLAN with passcode
    ``open sesame``."""

    def make(target: Store, **overrides) -> Created:
        arguments = {"title": "Evening group", "stages": PLAN, "passcode": "open sesame"}
        return target.create_workshop(**{**arguments, **overrides})

    return make
