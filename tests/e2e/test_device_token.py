"""A phone that reloads the join page is still one person: its browser keeps its token."""

from __future__ import annotations

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from workshop.engine.identity import TOKEN_PATTERN
from workshop.engine.store import Store

SCALE = "Opening check-in"
PROMPT_ID = "checkin-open"


def answer_scale(group, page: Page, steps: int) -> None:
    """Move the slider from its middle (5) by ``steps`` (negative: down) and send."""
    expect(page.get_by_text(SCALE, exact=True)).to_be_visible(timeout=group.live_ms)
    slider = page.get_by_role("slider")
    slider.focus()
    for _ in range(abs(steps)):
        slider.press("ArrowRight" if steps > 0 else "ArrowLeft")
    group.click(page, "Send")
    expect(page.get_by_text("Sent, anonymously").first).to_be_visible(timeout=group.live_ms)


def stored_values(url: str) -> list[object]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT value FROM answers WHERE prompt_id = :p"), {"p": PROMPT_ID}
            )
            return [row[0] for row in rows]
    finally:
        engine.dispose()


def test_a_reloaded_phone_changes_its_answer_and_another_phone_is_another_person(
    run_app, group, desktop, phone, shot
) -> None:
    app = run_app("server.py")
    console, code = group.create(desktop(), app)
    group.ask(console, SCALE)
    store = Store(app.database_url)

    first = group.join(phone(), app, code)
    answer_scale(group, first, 1)
    kept = first.evaluate("localStorage.getItem('bedrock-device')")
    assert TOKEN_PATTERN.fullmatch(kept), kept
    assert store.response_count(code=code, prompt_id=PROMPT_ID) == 1

    first.reload()
    answer_scale(group, first, -2)
    assert first.evaluate("localStorage.getItem('bedrock-device')") == kept
    assert store.response_count(code=code, prompt_id=PROMPT_ID) == 1
    assert [str(v) for v in stored_values(app.database_url)] == ["3"]

    second = group.join(phone(), app, code)
    answer_scale(group, second, 4)
    assert second.evaluate("localStorage.getItem('bedrock-device')") != kept
    assert store.response_count(code=code, prompt_id=PROMPT_ID) == 2
    assert sorted(str(v) for v in stored_values(app.database_url)) == ["3", "9"]
    assert kept not in app.log()
    # Two phones joined, however often they reloaded.
    assert store.state(code=code).phones_joined == 2
    shot(second, "device-token-phone")
