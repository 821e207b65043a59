"""A database that cannot take writes: read-only, full, unreachable, or with its connections
cut. The store says so in plain words (StorageUnavailable, never a driver error), keeps what
it acknowledged, and the facilitator's console shows a message instead of a stack trace."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from contextlib import ExitStack

import pytest
import sqlalchemy as sa
import streamlit as st
from pypdf import PdfReader
from sqlalchemy import event
from streamlit.testing.v1 import AppTest

from workshop.content.loader import get_content
from workshop.content.planning import build_plan
from workshop.engine import db
from workshop.engine.errors import StorageUnavailable
from workshop.engine.store import Store
from workshop.views import common

LONG = " ".join(["A long evening of small attentions, written out in full."] * 15)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path) -> tuple[str, str]:
    """A writable URL on each backend in turn, and a read-only way into the same data: SQLite
    opened with ``mode=ro``, PostgreSQL with every transaction read-only (as on a standby)."""
    if request.param == "sqlite":
        path = tmp_path / "bedrock.db"
        return f"sqlite:///{path}", f"sqlite:///file:{path}?mode=ro&uri=true"
    writable = request.getfixturevalue("pg_url")
    url = sa.engine.make_url(writable)
    options = f"{url.query['options']} -cdefault_transaction_read_only=on"
    return writable, url.update_query_dict({"options": options}).render_as_string(
        hide_password=False
    )


def plain(message: str) -> None:
    """A message for a person: no SQL, no driver name, no file path."""
    lowered = message.lower()
    for leak in ("select", "insert", "sqlite", "psycopg", "sqlalchemy", "/", "traceback"):
        assert leak not in lowered, message


def test_a_read_only_database_still_shows_the_workshop_but_refuses_changes_plainly(
    backend, new_workshop
) -> None:
    writable, read_only = backend
    store = Store(writable)
    created = new_workshop(store)
    store.submit_reflection(
        token=store.join(code=created.code),
        code=created.code,
        prompt_id="barrier",
        text="Kept from before.",
    )
    phones = [store.join(code=created.code) for _ in range(2)]
    store.close()
    frozen = Store(read_only)
    try:
        assert frozen.state(code=created.code).title == "Evening group"
        assert frozen.response_count(code=created.code, prompt_id="barrier") == 1
        attempts = {
            "reflection": lambda: frozen.submit_reflection(
                token=phones[0],
                code=created.code,
                prompt_id="barrier",
                text="Lost?",
            ),
            "answer": lambda: frozen.answer(
                code=created.code, prompt_id="closeness", token=phones[1], value=3
            ),
            "next stage": lambda: frozen.next_stage(code=created.code, key=created.facilitator_key),
            "new workshop": lambda: new_workshop(frozen),
        }
        for name, attempt in attempts.items():
            with pytest.raises(StorageUnavailable) as refused:
                attempt()
            assert "read-only" in refused.value.message, name
            plain(refused.value.message)
        assert frozen.state(code=created.code).stage_index == 0
    finally:
        frozen.close()


def fill_up(store: Store) -> Callable[[], None]:
    """From now on the store's SQLite file may not grow by a single page, as on a full disk.
    Returns a function that gives it room again."""

    def limit(connection, _record) -> None:
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages}")

    def free() -> None:
        event.remove(store.engine, "connect", limit)
        store.engine.dispose()

    event.listen(store.engine, "connect", limit)
    store.engine.dispose()
    return free


def test_a_full_database_refuses_new_text_plainly_and_keeps_every_acknowledged_one(
    store, new_workshop
) -> None:
    code = new_workshop(store).code
    phones = [store.join(code=code, client=f"10.0.{n}.1") for n in range(201)]
    joined = store.version(code=code)
    free = fill_up(store)
    acknowledged: list[str] = []
    with pytest.raises(StorageUnavailable) as refused:
        for n in range(200):
            text = f"{n:03d} {LONG}"
            store.submit_reflection(token=phones[n], code=code, prompt_id="barrier", text=text)
            acknowledged.append(text)
    assert "full" in refused.value.message
    plain(refused.value.message)
    # The refused one left nothing half-written: the rest are all there, and only they.
    results = store.results(code=code, prompt_id="barrier")
    assert sorted(results.reflections) == sorted(acknowledged)
    assert store.version(code=code) == joined + len(acknowledged)
    # Once there is room again, the same store takes text again.
    free()
    store.submit_reflection(token=phones[200], code=code, prompt_id="barrier", text="Room again.")
    assert store.response_count(code=code, prompt_id="barrier") == len(acknowledged) + 1


def test_the_store_reports_a_database_it_cannot_reach_plainly() -> None:
    # Nothing listens on port 1 of this machine.
    with pytest.raises(StorageUnavailable) as refused:
        Store("postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=2")
    plain(refused.value.message)


def test_the_store_recovers_after_postgresql_drops_its_connections(
    pg_store, pg_admin, new_workshop
) -> None:
    created = new_workshop(pg_store)
    with ExitStack() as held:  # three pooled connections, all open at once
        connections = [held.enter_context(pg_store.engine.connect()) for _ in range(3)]
        pids = {c.exec_driver_sql("SELECT pg_backend_pid()").scalar() for c in connections}
    # What a restarted or failed-over PostgreSQL leaves behind: pooled connections to a
    # server process that is gone.
    with pg_admin.begin() as connection:
        for pid in pids:
            connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    for n in range(5):
        pg_store.submit_reflection(
            token=pg_store.join(code=created.code),
            code=created.code,
            prompt_id="barrier",
            text=f"Still {n}.",
        )
    assert pg_store.response_count(code=created.code, prompt_id="barrier") == 5
    with pg_store.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT pg_backend_pid()").scalar() not in pids


# --- the facilitator's console -------------------------------------------------------------

PASSCODE = "a quiet room"
CONSOLE = """
import streamlit as st
from workshop.views import facilitate
from workshop.views.navigation import build_pages
st.set_page_config(page_title="Bedrock")
build_pages()
facilitate.page()
"""


@pytest.fixture
def app_store(monkeypatch):
    """Point the app at a database URL; the app's cached store is made afresh."""

    def use(url: str) -> None:
        monkeypatch.setenv("DATABASE_URL", url)
        st.cache_resource.clear()

    yield use
    st.cache_resource.clear()


def console(**session: str) -> AppTest:
    at = AppTest.from_string(CONSOLE, default_timeout=30)
    for name, value in session.items():
        at.session_state[name] = value
    return at.run()


def shown(at: AppTest) -> str:
    """The messages on the page."""
    return "\n".join(e.value for e in [*at.error, *at.warning, *at.info])


def test_the_console_on_a_read_only_database_says_so_instead_of_failing(
    tmp_path, app_store
) -> None:
    path = tmp_path / "bedrock.db"
    store = Store(f"sqlite:///{path}")
    content = get_content()
    plan = build_plan(content, [(m.id, m.minutes) for m in content.modules])
    created = store.create_workshop(title="Tuesday group", stages=plan, passcode=PASSCODE)
    store.close()
    app_store(f"sqlite:///file:{path}?mode=ro&uri=true")

    # Running the workshop: the console shows it, and a change is refused with a message.
    at = console(fac_code=created.code, fac_key=created.facilitator_key)
    assert not at.exception, at.exception
    next_stage = next(b for b in at.button if b.label == "Stage ▶")
    next_stage.click().run()
    assert not at.exception, at.exception
    assert "read-only" in shown(at)
    assert f"Stage 1 of {len(plan)}" in "\n".join(c.value for c in at.caption)
    # Ending the workshop cannot delete anything either, and says so.
    at.checkbox(key="fac_end_sure").check().run()
    next(b for b in at.button if b.label == "End and delete everything").click().run()
    assert not at.exception, at.exception
    assert "read-only" in shown(at)
    assert at.session_state["fac_code"] == created.code

    # Creating a workshop: the form says why nothing was created.
    at = console()
    at.text_input(key="fac_passcode").input(PASSCODE)
    at.text_input(key="fac_passcode2").input(PASSCODE)
    at.button(key="fac_create_go").click().run()
    assert not at.exception, at.exception
    assert "read-only" in shown(at)

    # Reopening the console: the passcode check counts tries, which needs a write.
    at = console()
    at.text_input(key="fac_reopen_code").input(created.code)
    at.text_input(key="fac_reopen_pass").input(PASSCODE)
    at.button(key="fac_reopen_go").click().run()
    assert not at.exception, at.exception
    assert "read-only" in shown(at)


def test_creating_a_workshop_on_a_full_database_says_so_instead_of_failing(
    tmp_path, app_store, new_workshop
) -> None:
    app_store(f"sqlite:///{tmp_path / 'bedrock.db'}")
    at = console()
    # Earlier workshops took the last free space in the file.
    fill_up(common.store())
    with pytest.raises(StorageUnavailable):
        for _ in range(200):
            new_workshop(common.store())
    at.text_input(key="fac_passcode").input(PASSCODE)
    at.text_input(key="fac_passcode2").input(PASSCODE)
    at.button(key="fac_create_go").click().run()
    assert not at.exception, at.exception
    assert db.FULL in shown(at)
    assert "fac_code" not in at.session_state


UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=2"
"""Nothing listens on port 1 of this machine."""
JOIN = CONSOLE.replace("facilitate", "join")


def test_the_console_and_a_phone_wait_for_the_database_and_come_back(
    tmp_path, app_store, new_workshop
) -> None:
    url = f"sqlite:///{tmp_path / 'bedrock.db'}"
    store = Store(url)
    created = new_workshop(store)
    store.close()
    app_store(UNREACHABLE)

    # The page is drawn and its run ends (a script that waited for the database would run
    # past the timeout); the facilitator stays signed in.
    at = AppTest.from_string(CONSOLE, default_timeout=20)
    at.session_state["fac_code"] = created.code
    at.session_state["fac_key"] = created.facilitator_key
    at.run()
    assert not at.exception, at.exception
    assert "Can't reach the database right now" in shown(at)
    assert at.session_state["fac_code"] == created.code
    phone = AppTest.from_string(JOIN, default_timeout=20)
    phone.query_params["code"] = created.code
    phone.run()
    assert not phone.exception, phone.exception
    assert "Reconnecting" in shown(phone)

    app_store(url)
    at.run()
    phone.run()
    assert not at.exception and not phone.exception
    assert "Stage 1 of 3" in "\n".join(c.value for c in at.caption)
    assert "Welcome" in "\n".join(h.proto.body for h in phone.get("html"))  # the stage line


def test_an_export_that_cannot_be_made_downloads_a_note_saying_why(store, new_workshop) -> None:
    from workshop.printing.report import export_bytes

    created = new_workshop(store)
    wrong = export_bytes(store=store, code=created.code, key="not the key", fmt="csv")
    assert wrong.decode().startswith("The summary could not be made.")
    assert "passcode or link is not right" in wrong.decode()
    store.end_workshop(code=created.code, key=created.facilitator_key)
    ended = {
        fmt: export_bytes(store=store, code=created.code, key=created.facilitator_key, fmt=fmt)
        for fmt in ("csv", "json", "html", "pdf")
    }
    assert "has ended" in ended["csv"].decode() and "has ended" in ended["html"].decode()
    assert "has ended" in json.loads(ended["json"])["error"]
    pdf = PdfReader(io.BytesIO(ended["pdf"]))
    assert "has ended" in " ".join(page.extract_text() for page in pdf.pages)
