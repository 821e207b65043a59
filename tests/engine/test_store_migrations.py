"""Database URLs, connections and the migrations that build and upgrade the schema."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from workshop.engine import db, privacy
from workshop.engine.errors import StorageUnavailable
from workshop.engine.store import Store


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db.example:5432/bedrock", "postgresql+psycopg://u:p@db.example:5432/bedrock"),
        ("postgresql://db.example/bedrock", "postgresql+psycopg://db.example/bedrock"),
        ("postgresql+psycopg://db.example/bedrock", "postgresql+psycopg://db.example/bedrock"),
        ("sqlite:///elsewhere/bedrock.db", "sqlite:///elsewhere/bedrock.db"),
    ],
)  # fmt: skip
def test_database_urls_are_normalised_for_psycopg_3(given, expected):
    assert db.normalise_url(given) == expected


def test_without_a_url_the_environment_then_a_file_under_data_is_used(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    Store().close()
    assert (tmp_path / "data" / "bedrock.db").is_file()
    monkeypatch.setenv("DATABASE_URL", "sqlite:///from-env/bedrock.db")
    Store().close()
    assert (tmp_path / "from-env" / "bedrock.db").is_file()


@pytest.mark.parametrize(
    "url", ["postgresql://postgres@127.0.0.1:1/test", "mysql://someone@127.0.0.1/bedrock"]
)
def test_a_database_that_cannot_be_used_says_storage_is_unavailable(url):
    with pytest.raises(StorageUnavailable):
        Store(url)


def test_every_sqlite_connection_is_set_up_for_safety(store):
    connections = [store.engine.connect() for _ in range(3)]
    try:
        for connection in connections:

            def pragma(name, connection=connection):
                return connection.exec_driver_sql(f"PRAGMA {name}").scalar()

            assert pragma("journal_mode") == "wal"
            assert (pragma("foreign_keys"), pragma("secure_delete")) == (1, 1)
            assert pragma("busy_timeout") == 5000
            assert pragma("synchronous") == 2  # FULL
    finally:
        for connection in connections:
            connection.close()


def applied(engine) -> list[tuple[int, str]]:
    with engine.connect() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                sa.select(db.schema_migrations).order_by(db.schema_migrations.c.version)
            )
        ]


def test_a_new_database_gets_every_migration_in_order(any_store):
    assert applied(any_store.engine) == [
        (1, "core_tables"),
        (2, "console_throttle"),
        (3, "slide_index"),
        (4, "reflection_writers"),
        (5, "held_and_shared"),
        (6, "phones_and_limits"),
        (7, "client_throttle"),
        (8, "wall_page"),
        (9, "phones_version"),
        (10, "pairs"),
    ]
    assert db.schema_version(any_store.engine) == db.LATEST == 10


def test_the_migrated_schema_is_the_one_the_queries_expect(any_store):
    inspector = sa.inspect(any_store.engine)
    for name, table in db.metadata.tables.items():
        found = {c["name"]: c["nullable"] for c in inspector.get_columns(name)}
        declared = {c.name: c.nullable for c in table.columns}
        assert found == declared, name


def test_reopening_a_database_applies_nothing_twice_and_keeps_its_rows(any_url, new_workshop):
    first = Store(any_url)
    code = new_workshop(first).code
    first.close()
    again = Store(any_url)
    try:
        assert len(applied(again.engine)) == len(db.MIGRATIONS)
        assert again.state(code=code).title == "Evening group"
    finally:
        again.close()


V1_ROWS = [
    (
        "INSERT INTO workshops (code, status, version, title, support_text, min_reveal, secret,"
        " passcode_hash, created_on, stage_index, stage_started_at, current_prompt,"
        " timer_duration, timer_ends_at, timer_paused_remaining) VALUES ('KEPT34', 'live', 7,"
        " 'Spring group', 'Call the clinic', 3, :secret, :passcode_hash, :created_on, 1,"
        " 1772442000.0, 'feel', 300.0, 1772442300.0, NULL)"
    ),
    (
        "INSERT INTO stages (workshop_id, position, module_id, title, minutes, elapsed,"
        " prompt_ids) VALUES (:id, 0, 'welcome', 'Welcome', 10.0, 600.0, '[]'),"
        " (:id, 1, 'share', 'Share', 20.0, 0.0, '[\"feel\", \"close\"]')"
    ),
    (
        "INSERT INTO prompts (workshop_id, prompt_id, seq, kind, title, min_reveal, sensitive,"
        " options, scale_min, scale_max, max_chars, revealed) VALUES"
        " (:id, 'feel', 0, 'reflection', 'How it feels', NULL, :no, '[]', NULL, NULL, 1000, :yes),"
        " (:id, 'close', 1, 'scale', 'How close', NULL, :no, '[]', 1, 5, 1000, :no)"
    ),
    (
        "INSERT INTO reflections (id, workshop_id, prompt_id, text, hidden) VALUES"
        " ('r-one', :id, 'feel', 'calmer', :no), ('r-two', :id, 'feel', 'closer', :no),"
        " ('r-three', :id, 'feel', 'heard', :no), ('r-four', :id, 'feel', 'unkind', :yes)"
    ),
    (
        "INSERT INTO answers (workshop_id, prompt_id, voter, value) VALUES"
        " (:id, 'close', 'v1', '4'), (:id, 'close', 'v2', '5')"
    ),
]


def insert_v1_rows(engine, secret: str) -> None:
    with engine.begin() as connection:
        values = {
            "secret": secret,
            "passcode_hash": privacy.hash_passcode("spring"),
            "created_on": date(2026, 3, 2),
            "no": False,
            "yes": True,
        }
        connection.execute(sa.text(V1_ROWS[0]), values)
        values["id"] = connection.scalar(sa.text("SELECT id FROM workshops"))
        for statement in V1_ROWS[1:]:
            connection.execute(sa.text(statement), values)


def test_a_version_1_database_is_upgraded_with_its_rows_intact(any_url, clock):
    engine = db.make_engine(any_url)
    assert db.migrate(engine, upto=1) == 1
    secret = privacy.new_secret()
    insert_v1_rows(engine, secret)
    columns = {c["name"] for c in sa.inspect(engine).get_columns("workshops")}
    assert "attempt_failures" not in columns and "slide_index" not in columns
    engine.dispose()

    store = Store(any_url, clock=clock)
    try:
        assert db.schema_version(store.engine) == db.LATEST
        state = store.state(code="KEPT34")
        assert (state.title, state.version, state.stage_index, state.slide_index) == (
            "Spring group",
            7,
            1,
            0,
        )
        assert state.timer.ends_at == 1772442300.0
        assert state.elapsed(0, clock.now) == 600.0
        assert state.revealed == {"feel"}
        feel = store.results(code="KEPT34", prompt_id="feel")
        assert sorted(feel.reflections) == ["calmer", "closer", "heard"]
        assert (feel.count, feel.shared) == (3, True)
        assert store.results(code="KEPT34", prompt_id="close").count == 2
        key = store.open_console(code="KEPT34", passcode="spring")
        assert key == privacy.derive_key(secret, "facilitator", server_key=store._server_key)
        store.set_slide(code="KEPT34", key=key, index=2)
        assert store.state(code="KEPT34").slide_index == 2
    finally:
        store.close()


def test_a_version_3_database_is_upgraded_with_its_rows_intact(any_url, clock):
    engine = db.make_engine(any_url)
    assert db.migrate(engine, upto=3) == 3
    insert_v1_rows(engine, privacy.new_secret())
    assert not sa.inspect(engine).has_table("reflection_writers")
    engine.dispose()

    store = Store(any_url, clock=clock)
    try:
        assert db.schema_version(store.engine) == db.LATEST
        key = store.open_console(code="KEPT34", passcode="spring")
        # Texts sent before the upgrade count one person each, as they did: the wall that
        # was up stays up, with the same texts, and the hidden one stays hidden.
        feel = store.results(code="KEPT34", prompt_id="feel")
        assert (feel.count, feel.enough, feel.revealed, feel.shared) == (3, True, True, True)
        assert sorted(feel.reflections) == ["calmer", "closer", "heard"]
        queue = store.moderation_queue(code="KEPT34", key=key, prompt_id="feel")
        assert {(r.text, r.hidden, r.held) for r in queue} == {
            ("calmer", False, False),
            ("closer", False, False),
            ("heard", False, False),
            ("unkind", True, False),
        }
        with store.engine.connect() as connection:
            writers = connection.execute(sa.select(db.reflection_writers)).all()
        assert len(writers) == 4 and len({w.writer for w in writers}) == 4
        assert store.results(code="KEPT34", prompt_id="close").count == 2
        # The upgraded workshop goes on: a text sent to the wall that is up waits.
        store.submit_reflection(
            code="KEPT34", prompt_id="feel", token=store.join(code="KEPT34"), text="new"
        )
        assert "new" not in store.results(code="KEPT34", prompt_id="feel").reflections
        (held,) = [
            r for r in store.moderation_queue(code="KEPT34", key=key, prompt_id="feel") if r.held
        ]
        assert held.text == "new"
    finally:
        store.close()


def test_tables_without_a_migration_record_are_left_alone(any_url):
    engine = db.make_engine(any_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE workshops (id INTEGER PRIMARY KEY, note TEXT)")
    engine.dispose()
    with pytest.raises(StorageUnavailable, match="no migration record"):
        Store(any_url)
    engine = db.make_engine(any_url)
    assert {c["name"] for c in sa.inspect(engine).get_columns("workshops")} == {"id", "note"}
    assert not sa.inspect(engine).has_table("schema_migrations")
    engine.dispose()


def test_a_database_from_a_newer_bedrock_is_refused(any_url):
    Store(any_url).close()
    engine = db.make_engine(any_url)
    with engine.begin() as connection:
        connection.execute(db.schema_migrations.insert().values(version=99, name="from_the_future"))
    engine.dispose()
    with pytest.raises(StorageUnavailable, match="newer Bedrock"):
        Store(any_url)
