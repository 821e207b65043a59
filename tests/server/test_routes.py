"""The health check and the long poll, over HTTP, on a real `bedrock serve`."""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from workshop.engine.store import Store


def _workshop(url: str, new_workshop) -> tuple[Store, str, str, int]:
    store = Store(url)
    created = new_workshop(store)
    return store, created.code, created.facilitator_key, store.version(code=created.code)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_health_says_ok_when_the_database_answers_and_is_migrated(backend, request, bedrock_server):
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url")
    server = bedrock_server(url)

    status, headers, body = server.get("/api/health")

    assert (status, body) == (200, b"ok\n")
    assert headers["cache-control"] == "no-store"


def test_health_says_unavailable_while_the_database_cannot_be_reached(bedrock_server):
    from tests.server.conftest import free_port

    server = bedrock_server(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nothing")

    status, _headers, body = server.get("/api/health")

    assert (status, body) == (503, b"unavailable\n")
    assert "127.0.0.1" not in body.decode()


def test_health_says_unavailable_for_a_database_set_up_by_a_newer_bedrock(
    sqlite_url, tmp_path, bedrock_server
):
    Store(sqlite_url).close()
    with sqlite3.connect(tmp_path / "bedrock.db") as connection:
        connection.execute("INSERT INTO schema_migrations (version, name) VALUES (99, 'later')")

    server = bedrock_server(sqlite_url)

    assert server.get("/api/health")[0] == 503
    # The page still comes up and explains itself; only the health check says "not me".
    assert server.get("/_stcore/health")[0] == 200


def _change_while_waiting(server, store, code: str, key: str, version: int):
    """A screen waits on ``/api/wait`` while the stage moves on. Returns its reply, when the
    change was asked for, when it had returned, and when the reply came."""
    answers: list[tuple[float, object]] = []

    def listen() -> None:
        status, body = server.get_json(f"/api/wait?code={code}&seen={version}&hold=25")
        answers.append((time.monotonic(), (status, body)))

    listener = threading.Thread(target=listen)
    listener.start()
    time.sleep(0.5)  # let the request reach the server; a late one only answers sooner
    asked = time.monotonic()
    store.next_stage(code=code, key=key)  # may be heard before it returns (PostgreSQL)
    changed = time.monotonic()
    listener.join(timeout=30)
    answered, reply = answers[0]
    return reply, asked, changed, answered


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_waiting_screen_is_told_within_two_seconds_of_a_change(
    backend, request, bedrock_server, new_workshop
):
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url")
    store, code, key, version = _workshop(url, new_workshop)
    server = bedrock_server(url)

    # Nothing changes: the answer is held for the whole hold, then gives the same version.
    started = time.monotonic()
    assert server.get_json(f"/api/wait?code={code}&seen={version}&hold=2") == (
        200,
        {"version": version},
    )
    assert time.monotonic() - started >= 1.9

    reply, asked, changed, answered = _change_while_waiting(server, store, code, key, version)

    assert reply == (200, {"version": store.version(code=code)})
    assert asked <= answered < changed + 2.0
    store.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_waiting_phone_sleeps_through_answers_and_wakes_for_the_next_stage(
    backend, request, bedrock_server, new_workshop
):
    """A room sending answers wakes the projector (its counts move) but no phone: phones wait
    on what they draw. The stage moving on wakes both."""
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url")
    store, code, key, _version = _workshop(url, new_workshop)
    store.go_to_stage(code=code, key=key, index=1)
    store.set_prompt(code=code, key=key, prompt_id="barrier")
    server = bedrock_server(url)
    phone_seen = server.get_json(f"/api/wait?code={code}&seen=-1&hold=1&of=phone")[1]["version"]
    projector_seen = server.get_json(f"/api/wait?code={code}&seen=-1&hold=1")[1]["version"]
    replies: dict[str, tuple[float, object]] = {}

    def wait(name: str, query: str) -> None:
        answer = server.get_json(f"/api/wait?code={code}&{query}")[1]
        replies[name] = (time.monotonic(), answer)

    with ThreadPoolExecutor(2) as pool:
        phone = pool.submit(wait, "phone", f"seen={phone_seen}&hold=6&of=phone")
        projector = pool.submit(wait, "projector", f"seen={projector_seen}&hold=6")
        time.sleep(0.5)
        sent = time.monotonic()
        for _ in range(3):
            store.submit_reflection(
                code=code, prompt_id="barrier", token=store.join(code=code), text="time"
            )
        projector.result(timeout=30)
        phone.result(timeout=30)

    # Told at the first answer (PostgreSQL hears each commit) or within the round (SQLite).
    assert projector_seen < replies["projector"][1]["version"] <= projector_seen + 3
    assert replies["projector"][0] - sent < 3.0
    # The phone was held for its whole hold, and told nothing moved.
    assert replies["phone"][1] == {"version": phone_seen}
    assert replies["phone"][0] - sent > 4.5

    asked = time.monotonic()
    with ThreadPoolExecutor(1) as pool:
        phone = pool.submit(wait, "phone", f"seen={phone_seen}&hold=20&of=phone")
        time.sleep(0.5)
        store.next_stage(code=code, key=key)
        phone.result(timeout=30)
    assert replies["phone"][1] == {"version": phone_seen + 1}
    assert replies["phone"][0] - asked < 4.0
    store.close()


def test_on_postgresql_a_server_hears_a_change_made_elsewhere_at_once(
    pg_url, bedrock_server, new_workshop
):
    """With its own reads ten minutes apart, the server still answers a waiting screen as
    soon as another server (here, a store in this process) commits a change."""
    store, code, key, version = _workshop(pg_url, new_workshop)
    server = bedrock_server(pg_url, BEDROCK_WATCH_EVERY="600")
    assert server.get_json(f"/api/wait?code={code}&seen=-1&hold=1") == (200, {"version": version})

    reply, _asked, changed, answered = _change_while_waiting(server, store, code, key, version)

    assert reply == (200, {"version": version + 1})
    assert answered - changed < 5.0  # not the ten-minute round, nor the 25 s hold
    store.close()


def test_an_unknown_code_gets_the_same_shape_after_the_same_hold_and_nothing_else(
    sqlite_url, bedrock_server, new_workshop
):
    store, code, _key, version = _workshop(sqlite_url, new_workshop)
    server = bedrock_server(sqlite_url)
    unknown = "ZZZZZ9" if code != "ZZZZZ9" else "ZZZZZ8"

    def timed(path: str):
        started = time.monotonic()
        status, headers, body = server.get(path)
        return time.monotonic() - started, status, headers, body

    with ThreadPoolExecutor(2) as pool:
        known_reply = pool.submit(timed, f"/api/wait?code={code}&seen={version}&hold=2")
        unknown_reply = pool.submit(timed, f"/api/wait?code={unknown}&seen={version}&hold=2")
    known_took, known_status, known_headers, known_body = known_reply.result()
    unknown_took, unknown_status, unknown_headers, unknown_body = unknown_reply.result()

    assert (known_status, unknown_status) == (200, 200)
    assert known_body == f'{{"version":{version}}}'.encode()
    assert unknown_body == b'{"version":null}'
    assert abs(known_took - unknown_took) < 0.5
    assert known_headers.keys() == unknown_headers.keys()
    store.close()


def test_an_address_trying_unknown_codes_is_refused_for_a_while(
    sqlite_url, bedrock_server, new_workshop
):
    store, code, _key, version = _workshop(sqlite_url, new_workshop)
    server = bedrock_server(sqlite_url)

    with ThreadPoolExecutor(5) as pool:
        guesses = list(pool.map(lambda n: server.get(f"/api/wait?code=NOPE{n}&hold=1"), range(5)))
    assert [status for status, _h, _b in guesses] == [200] * 5

    # The sixth guess is refused at once, and so is a real code from the same address:
    # nothing can be learnt from the refusal.
    for path in ("/api/wait?code=NOPE9&hold=1", f"/api/wait?code={code}&seen={version}&hold=1"):
        started = time.monotonic()
        status, headers, body = server.get(path)
        assert (status, body) == (429, b'{"version":null}')
        assert 50 <= int(headers["retry-after"]) <= 61
        assert time.monotonic() - started < 0.5
    store.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_paired_phone_sleeps_through_the_room_and_wakes_when_its_partner_answers(
    backend, request, bedrock_server, new_workshop
):
    """Two paired phones wait on their pair's own counter: the room's answers and another
    couple's exchange wake neither; their partner's answer wakes them at once (PostgreSQL)
    or within the round (SQLite). An unknown pair key is told nothing and counted like an
    unknown code."""
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url")
    store, code, key, _version = _workshop(url, new_workshop)
    store.set_prompt(code=code, key=key, prompt_id="barrier")
    phones = [store.join(code=code) for _ in range(4)]
    first = store.pairs.open(code=code, token=phones[0])
    store.pairs.join(code=code, token=phones[1], typed=first.pair_code)
    other = store.pairs.open(code=code, token=phones[2])
    store.pairs.join(code=code, token=phones[3], typed=other.pair_code)
    ours = store.pairs.status(code=code, token=phones[1])
    server = bedrock_server(url)
    wait = f"/api/wait?code={code}&of=pair&pair={ours.listen_key}"
    assert server.get_json(f"{wait}&hold=1") == (200, {"version": ours.version})
    replies: dict[str, tuple[float, object]] = {}

    def hold(seconds: int) -> None:
        answer = server.get_json(f"{wait}&seen={ours.version}&hold={seconds}")[1]
        replies["pair"] = (time.monotonic(), answer)

    with ThreadPoolExecutor(1) as pool:
        held = pool.submit(hold, 5)
        time.sleep(0.5)
        sent = time.monotonic()
        store.submit_reflection(
            code=code, prompt_id="barrier", token=store.join(code=code), text="words"
        )
        store.pairs.answer(code=code, token=phones[2], prompt_id="barrier", status="private")
        held.result(timeout=30)
    assert replies["pair"][1] == {"version": ours.version}  # held the whole time: nothing ours
    assert replies["pair"][0] - sent > 4.0

    with ThreadPoolExecutor(1) as pool:
        held = pool.submit(hold, 20)
        time.sleep(0.5)
        sent = time.monotonic()
        store.pairs.answer(code=code, token=phones[0], prompt_id="barrier", status="private")
        held.result(timeout=30)
    assert replies["pair"][1] == {"version": ours.version + 1}
    assert replies["pair"][0] - sent < 3.0

    for guess in ("A" * 32, "not%20a%20key!", ""):
        assert server.get_json(f"/api/wait?code={code}&of=pair&pair={guess}&hold=1") == (
            200,
            {"version": None},
        )
    server.get(f"/api/wait?code={code}&of=pair&pair={'B' * 32}&hold=1")
    server.get(f"/api/wait?code={code}&of=pair&pair={'C' * 32}&hold=1")
    assert server.get(f"{wait}&hold=1")[0] == 429  # five unknown keys: this address waits
    store.close()


def test_a_screen_that_leaves_mid_hold_does_not_keep_the_server_from_stopping(
    sqlite_url, bedrock_server, new_workshop
):
    """A tab closed while its long poll is held ends that request, so stopping the server (a
    restart, a deploy) takes a moment rather than the rest of every hold."""
    store, code, _key, version = _workshop(sqlite_url, new_workshop)
    server = bedrock_server(sqlite_url)
    port = int(server.url.rsplit(":", 1)[1])
    for query in (f"code={code}&seen={version}&hold=25", "code=ZZZZZZ&hold=25"):
        with socket.create_connection(("127.0.0.1", port)) as tab:
            tab.sendall(f"GET /api/wait?{query} HTTP/1.1\r\nHost: bedrock\r\n\r\n".encode())
            time.sleep(1)  # held: no answer yet
            tab.setblocking(False)
            with pytest.raises(BlockingIOError):
                tab.recv(1)
    time.sleep(0.5)
    started = time.monotonic()
    server.process.terminate()
    server.process.wait(timeout=30)
    assert time.monotonic() - started < 5, server.log()
    store.close()
