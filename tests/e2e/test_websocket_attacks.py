"""A participant with a script on the app's own websocket, trying to count as many people.

No browser here: the script speaks Streamlit's protocol the way ``bench/load.py`` does, and
sets the phone-identity element's state to whatever it likes before every Send.
"""

from __future__ import annotations

import asyncio
import json
import math
import time

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

from bench.load import Drawn, _connect, read_run, rerun_message
from tests.e2e.own_loop import in_own_loop
from workshop.engine import identity
from workshop.engine.errors import BelowThreshold
from workshop.engine.privacy import new_token
from workshop.engine.store import PromptSpec, StagePlan, Store

WALL = PromptSpec(id="alone", kind="reflection", title="Say something", min_reveal=5)
VOTE = PromptSpec(id="votes", kind="scale", title="How close", scale_min=1, scale_max=10)
PLAN = [StagePlan("no-such-module", "Sharing", 10, (WALL, VOTE))]
TIMEOUT = 30.0


def made_up_token(n: int) -> str:
    """What a script sends as its identity with its ``n``-th Send: fresh every time, shaped
    like the tokens browsers used to make for themselves, or like a signed identity."""
    return f"{new_token()}.{new_token()}" if n % 3 == 2 else new_token()


class Script:
    """One websocket session on the join page."""

    def __init__(self, ws, code: str) -> None:
        self.ws, self.code, self.page = ws, code, Drawn()
        self.sends = 0

    async def run(self, *widgets: WidgetState) -> Drawn:
        await self.ws.send(
            rerun_message(
                query=f"code={self.code}", page_hash=self.page.page_hash, widgets=list(widgets)
            )
        )
        drawn = await read_run(self.ws, timeout=TIMEOUT)
        assert not drawn.errors, drawn.errors
        self.page = drawn
        return drawn

    def identity(self) -> WidgetState:
        """The phone-identity element's state, set to a new token of the script's choosing."""
        self.sends += 1
        return WidgetState(
            id=self.page.widgets["join_device_token"],
            json_value=json.dumps({"token": made_up_token(self.sends)}),
        )

    def press(self, key: str) -> WidgetState:
        return WidgetState(id=self.page.widgets[key], trigger_value=True)


@pytest.fixture
def workshop(run_app):
    app = run_app("app.py")
    store = Store(app.database_url)
    created = store.create_workshop(title="Attacked", stages=PLAN, passcode="let me in")
    yield app, store, created
    store.close()


def test_fresh_tokens_with_every_send_count_as_one_person_who_cannot_open_the_wall(workshop):
    app, store, created = workshop
    code, key = created.code, created.facilitator_key
    store.set_prompt(code=code, key=key, prompt_id=WALL.id)
    box = f"join_done_{code}_{WALL.id}"

    async def attack() -> list[str]:
        said = []
        async with _connect(f"ws://127.0.0.1:{app.port}/_stcore/stream", timeout=TIMEOUT) as ws:
            script = Script(ws, code)
            await script.run()
            known: dict[str, str] = {}  # widget ids seen, which a script can keep sending to
            for n in range(6):
                if f"{box}_again" in script.page.widgets:
                    await script.run(script.identity(), script.press(f"{box}_again"))
                known.update(script.page.widgets)
                text = WidgetState(id=known[f"{box}_text"], string_value=f"me {n}")
                send = WidgetState(id=known[f"{box}_send"], trigger_value=True)
                drawn = await script.run(script.identity(), text, send)
                said.append("\n".join(drawn.texts))
                # The script waits out the pace a person types at, so each Send is taken on
                # its own merits (the pace is tested apart).
                await asyncio.sleep(identity.SECONDS_BETWEEN_TEXTS)
        return said

    said = in_own_loop(attack())

    assert all("Sent, anonymously" in page for page in said[:5]), said
    # The sixth, sent to the box's remembered id after the page stopped offering one, is
    # neither taken nor stored.
    assert "That's as many as one phone can send to a question." in said[5], said[5]
    results = store.results(code=code, prompt_id=WALL.id)
    assert (results.count, results.enough, results.reflections) == (1, False, None)
    assert store.response_count(code=code, prompt_id=WALL.id) == 5
    assert store.state(code=code).phones_joined == 1
    with pytest.raises(BelowThreshold):
        store.reveal(code=code, key=key, prompt_id=WALL.id)


def test_forty_votes_with_fresh_tokens_from_one_session_are_one_vote(workshop):
    app, store, created = workshop
    code, key = created.code, created.facilitator_key
    store.set_prompt(code=code, key=key, prompt_id=VOTE.id)
    box = f"join_done_{code}_{VOTE.id}"

    async def attack() -> None:
        async with _connect(f"ws://127.0.0.1:{app.port}/_stcore/stream", timeout=TIMEOUT) as ws:
            script = Script(ws, code)
            await script.run()
            for n in range(40):
                slider = WidgetState(id=script.page.widgets[f"{box}_scale"])
                slider.double_array_value.data.append(float(n % 10 + 1))
                await script.run(script.identity(), slider, script.press(f"{box}_send"))

    in_own_loop(attack())

    results = store.results(code=code, prompt_id=VOTE.id)
    assert results.count == 1
    assert store.response_count(code=code, prompt_id=VOTE.id) == 1
    assert store.state(code=code).phones_joined == 1


def test_a_script_opening_session_after_session_gets_no_more_phones_than_a_room_needs(run_app):
    app = run_app("app.py", env={"BEDROCK_CLIENT_ADDRESS_HEADER": "X-Real-IP"})
    store = Store(app.database_url)
    created = store.create_workshop(title="Flooded", stages=PLAN, passcode="let me in")
    code = created.code
    url = f"ws://127.0.0.1:{app.port}/_stcore/stream"

    async def open_phone(address: str) -> None:
        """One new session from ``address`` (as the proxy reports it), whose browser keeps
        nothing: the server hands it a new identity if it may."""
        async with connect(
            url,
            subprotocols=["streamlit"],
            additional_headers={"X-Real-IP": address},
            open_timeout=TIMEOUT,
            max_size=None,
        ) as ws:
            script = Script(ws, code)
            await script.run()
            nothing = json.dumps({"token": ""})
            await script.run(
                WidgetState(id=script.page.widgets["join_device_token"], json_value=nothing)
            )

    async def flood() -> None:
        for _ in range(identity.JOIN_BURST + 20):
            await open_phone("198.51.100.7")
        await open_phone("203.0.113.20")  # another network is not held up

    started = time.monotonic()
    in_own_loop(flood())
    took = time.monotonic() - started
    try:
        # A room of 40 couples behind one router all got in; of the script's 20 sessions
        # beyond that, only those the pace let through as the seconds went by did.
        joined = store.state(code=code).phones_joined
        refilled = math.ceil(took * identity.JOIN_PER_MINUTE / 60)
        assert identity.JOIN_BURST + 1 <= joined <= identity.JOIN_BURST + 1 + refilled
        assert joined < identity.JOIN_BURST + 20 + 1, f"{took:.1f} s"
    finally:
        store.close()
