"""An audit after a whole workshop run in Chromium: what the database, the server's log, the
URLs and the pages hold once a facilitator and three phones have been through scales,
reflections and choices, reveals and stage changes.

The promise under audit: nothing ties a reflection to a person or a moment, nothing ties one
phone's answers on different prompts together, nothing in the database says who anyone is or
where they connected from, and the secrets (passcode, facilitator key, participants' tokens)
never leave the places they belong.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from playwright.sync_api import BrowserContext, Page, expect

from workshop.engine import privacy

LAPTOP = {"viewport": {"width": 1440, "height": 900}}
SCALE = "Opening check-in"
REFLECTION = "A time I felt understood"
CHOICE = "What makes closeness feel close"
REFLECTIONS = [
    "My partner sat on the kitchen floor with me after the phone call from the hospital.",
    "They laughed at my terrible joke and then asked what was really bothering me.",
    "On our anniversary they read back a letter I had forgotten writing.",
    "When I came home late they had kept the light on and the kettle warm.",
]
CHOICES = [
    "Feeling listened to that day",
    "Feeling appreciated",
    "Feeling listened to that day",
]

TABLES = {
    "schema_migrations",
    "workshops",
    "stages",
    "prompts",
    "reflections",
    "reflection_writers",
    "client_throttle",  # wrong tries per client, under an HMAC of its address: none here
    "answers",
    # Paired phones in the room: a pair, its two phones as HMACs under a key of their own,
    # and what a couple exchanges on the prompt (deleted when the room moves on). Nobody
    # paired here: none are kept at all.
    "pairs",
    "pair_members",
    "pair_answers",
}
"""Every table the schema may hold. A new one needs a place in this audit first."""
PAIR_TABLES = ("pairs", "pair_members", "pair_answers")
THROTTLE_TIMES = {"last_at", "wait_until", "expires_at"}
"""A client's last counted try, its wait and when it is forgotten: no response's time."""
REFLECTION_COLUMNS = {"id", "workshop_id", "prompt_id", "text", "hidden", "held"}
WRITER_COLUMNS = {"workshop_id", "prompt_id", "writer", "texts"}  # texts: how many, at most 5
ANSWER_COLUMNS = {"workshop_id", "prompt_id", "voter", "value"}
WORKSHOP_TIMES = {
    # The day a workshop was created, so old ones can be purged.
    "created_on",
    # Where the room is: when the current stage started, the shared timer's deadline.
    "stage_started_at",
    "timer_ends_at",
    # Passcode throttling, the same on every server.
    "attempt_window_start",
    "locked_until",
}
"""The only columns that may hold a date or a moment: all on the workshop, none on a
response (see README, "Where your data lives")."""

TOKEN = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")
"""What a phone's identity looks like (256 random bits and the server's signature of them,
URL-safe base64)."""
IP = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b|\b(?:[0-9a-fA-F]{1,4}:){3,}[0-9a-fA-F]{0,4}\b")
USER_AGENT = re.compile(r"Mozilla/|Chrome/|AppleWebKit|Safari/|Linux x86_64|HeadlessChrome")
DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")


# --- the workshop run -------------------------------------------------------------------


def sent_ok(page: Page, text: str = "Sent, anonymously") -> None:
    expect(page.get_by_text(text).first).to_be_visible(timeout=15_000)


def reveal(group, console: Page, count: int) -> None:
    expect(group.answers(console)).to_have_text(f"{count} answers", timeout=group.live_ms)
    group.click(console, "Reveal to the room")
    expect(console.get_by_role("button", name="Hide results from the room")).to_be_visible()


def run_workshop(group, app, desktop, phone, projector) -> tuple[list[Page], str]:
    """A facilitator, a projector and three phones, through three stages and three kinds of
    question, each revealed. Returns every page and the join code."""
    console, code = group.create(desktop(**LAPTOP), app)
    screen = group.screen(projector(), console)
    phones = [group.join(phone(), app, code) for _ in range(3)]

    # Stage 1: a scale, each phone a different number.
    group.ask(console, SCALE)
    for steps, page in enumerate(phones, start=1):
        expect(page.get_by_text(SCALE, exact=True)).to_be_visible(timeout=group.live_ms)
        slider = page.get_by_role("slider")
        slider.focus()
        for _ in range(steps):
            slider.press("ArrowRight")
        group.click(page, "Send")
        sent_ok(page)
    reveal(group, console, 3)

    # Stage 2: reflections, one phone writing twice (three people, four texts).
    group.stage(console, 2)
    group.ask(console, REFLECTION)
    for page, text in zip([*phones, phones[0]], REFLECTIONS, strict=True):
        expect(page.get_by_text(REFLECTION, exact=True)).to_be_visible(timeout=group.live_ms)
        group.send(page, text)
    reveal(group, console, 3)
    cards = screen.locator(".bedrock-card")
    expect(cards).to_have_count(len(REFLECTIONS), timeout=group.live_ms)

    # Stage 3: a choice.
    group.stage(console, 3)
    group.ask(console, CHOICE)
    for page, option in zip(phones, CHOICES, strict=True):
        expect(page.get_by_text(CHOICE, exact=True)).to_be_visible(timeout=group.live_ms)
        page.get_by_text(option, exact=True).click()
        group.click(page, "Send")
        sent_ok(page)
    reveal(group, console, 3)
    group.stage(console, 4)
    for page in phones:
        expect(page.get_by_text("stage 4 of 8")).to_be_visible(timeout=group.live_ms)
    return [console, screen, *phones], code


def record_urls(context: BrowserContext, urls: list[str]) -> BrowserContext:
    """Collect every URL the context asks for: pages, scripts, data and websockets."""
    context.on("request", lambda request: urls.append(request.url))
    context.on("page", lambda page: page.on("websocket", lambda ws: urls.append(ws.url)))
    return context


# --- reading the database back ----------------------------------------------------------


def dump(url: str) -> dict[str, tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Every table found by reflection: its columns (name to type) and all its rows."""
    engine = sa.create_engine(url)
    try:
        meta = sa.MetaData()
        meta.reflect(engine)
        with engine.connect() as connection:
            return {
                name: (
                    {c.name: c.type for c in table.columns},
                    [dict(r._mapping) for r in connection.execute(sa.select(table))],
                )
                for name, table in meta.tables.items()
            }
    finally:
        engine.dispose()


def looks_like_a_moment(value: Any) -> bool:
    """A date, or a number that reads as a time within ten years of now (seconds or ms)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        now = time.time()
        return abs(value - now) < 10 * 365 * 86400 or abs(value - now * 1000) < 10 * 365e8
    return hasattr(value, "year") or (isinstance(value, str) and bool(DATE.search(value)))


def test_after_a_whole_workshop_nothing_links_an_answer_to_a_person_or_a_moment(
    run_app, group, desktop, phone, projector
) -> None:
    app = run_app("server.py")
    urls: list[str] = []

    def recorded(factory):
        return lambda **options: record_urls(factory(**options), urls)

    pages, code = run_workshop(group, app, recorded(desktop), recorded(phone), recorded(projector))
    contents = [page.content() for page in pages]
    tables = dump(app.database_url)

    # -- the schema: nothing about people, no times on responses ------------------------
    assert set(tables) == TABLES
    assert set(tables["reflections"][0]) == REFLECTION_COLUMNS
    assert set(tables["reflection_writers"][0]) == WRITER_COLUMNS
    assert set(tables["answers"][0]) == ANSWER_COLUMNS
    # Nobody got a passcode or code wrong, and the counsellor created the workshop from the
    # server's own machine (not counted): no client tally is kept at all.
    assert tables["client_throttle"][1] == []
    for name in PAIR_TABLES:
        assert tables[name][1] == [], name
    for name, (columns, rows) in tables.items():
        for column, kind in columns.items():
            timed = isinstance(kind, sa.Date | sa.DateTime | sa.Time) or any(
                looks_like_a_moment(row[column]) for row in rows
            )
            if timed:
                assert (name == "workshops" and column in WORKSHOP_TIMES) or (
                    name == "client_throttle" and column in THROTTLE_TIMES
                ), (name, column)
        for row in rows:
            for column, value in row.items():
                if isinstance(value, str):
                    assert not IP.search(value), (name, column, value)
                    assert not USER_AGENT.search(value), (name, column, value)

    # -- what was stored is what was sent, and only that -------------------------------
    (workshop,) = tables["workshops"][1]
    assert workshop["code"] == code
    reflections = tables["reflections"][1]
    assert sorted(r["text"] for r in reflections) == sorted(REFLECTIONS)
    ids = [r["id"] for r in reflections]
    # Random ids: 128 bits each, not numbers, no shared beginnings that would betray a
    # counter or a clock.
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", i) and not i.isdigit() for i in ids)
    assert all(a[:6] != b[:6] for n, a in enumerate(ids) for b in ids[n + 1 :])
    # And no hidden row number that would give away the order they arrived in.
    engine = sa.create_engine(app.database_url)
    try:
        with engine.connect() as connection:
            try:
                connection.exec_driver_sql("SELECT rowid FROM reflections").all()
            except sa.exc.OperationalError as refused:
                assert "rowid" in str(refused)
            else:
                raise AssertionError("reflections keep a rowid, in the order they arrived")
    finally:
        engine.dispose()
    assert not any(r["held"] or r["hidden"] for r in reflections)
    # Who wrote is kept apart: one marker per phone that wrote, with nothing pointing at a
    # text (the reflections hold no writer, the writers no reflection id).
    writers = {w["writer"] for w in tables["reflection_writers"][1]}
    assert len(tables["reflection_writers"][1]) == len(writers) == 3
    assert all(re.fullmatch(r"[0-9a-f]{64}", w) for w in writers)
    answers = tables["answers"][1]
    voters = {a["voter"] for a in answers}
    assert all(re.fullmatch(r"[0-9a-f]{64}", v) for v in voters)
    assert len(answers) == 6
    # Each phone answered both the scale and the choice, under a different id on each: no
    # voter id is shared between prompts, so one phone's answers cannot be put together.
    by_prompt: dict[str, set[str]] = {}
    for a in answers:
        by_prompt.setdefault(a["prompt_id"], set()).add(a["voter"])
    assert sorted(len(v) for v in by_prompt.values()) == [3, 3]
    assert len(voters) == 6, "a phone's voter id repeats across prompts"
    assert not writers & voters
    # And no column anywhere holds a voter id or a writer marker besides its own.
    for name, (_columns, rows) in tables.items():
        for row in rows:
            for column, value in row.items():
                if (name, column) not in {("answers", "voter"), ("reflection_writers", "writer")}:
                    assert value not in voters | writers, (name, column)

    # -- the database file itself holds no address and no browser ----------------------
    database = Path(app.database_url.removeprefix("sqlite:///"))
    for path in database.parent.glob(database.name + "*"):
        raw = path.read_bytes()
        for marker in (b"127.0.0.1", b"Mozilla", b"HeadlessChrome", b"Chrome/"):
            assert marker not in raw, (path.name, marker)

    # -- secrets stay where they belong -------------------------------------------------
    server_key = os.environ["BEDROCK_SERVER_KEY"].encode()  # the server runs with the tests' key
    facilitator_key = privacy.derive_key(workshop["secret"], "facilitator", server_key=server_key)
    secrets = {
        "passcode": group.passcode,
        "facilitator key": facilitator_key,
        "workshop secret": workshop["secret"],
    }
    log = app.log()
    assert "Traceback" not in log
    for name, secret in secrets.items():
        assert secret not in log, name
        assert not [u for u in urls if secret in u], name
        for content in contents:
            assert secret not in content, name
    assert any(f"code={code}" in u for u in urls)  # the URLs were recorded
    for text in REFLECTIONS:
        assert text not in log
    # Each phone's token is kept in its browser's localStorage and is what its answers and
    # texts are counted under; it never shows up in the log, a URL or a page.
    kept = [page.evaluate("localStorage.getItem('bedrock-device')") for page in pages[2:]]
    assert len(set(kept)) == 3 and all(TOKEN.fullmatch(t) for t in kept), "a phone keeps no token"
    derived_ids = {
        privacy.respondent_id(workshop["secret"], prompt_id=p["prompt_id"], token=t)
        for p in tables["prompts"][1]
        for t in kept
    }
    assert voters | writers <= derived_ids
    for token in kept:
        assert token not in log
        assert not [u for u in urls if token in u]
        for content in contents:
            assert token not in content
    # And nothing that looks like a token, anywhere the log, a URL or a page shows, is the
    # token behind an answer or a text.
    places = [("log", log), ("urls", "\n".join(urls))] + [("page", c) for c in contents]
    prompt_ids = {p["prompt_id"] for p in tables["prompts"][1]}
    for place, text in places:
        for candidate in TOKEN.findall(text):
            for prompt_id in prompt_ids:
                derived = privacy.respondent_id(
                    workshop["secret"], prompt_id=prompt_id, token=candidate
                )
                assert derived not in voters | writers, place
