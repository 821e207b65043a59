"""How many participants one server holds: simulated phones over the app's own websocket.

Starts ``python -m streamlit run app.py`` against a fresh database, creates a workshop
through the engine, signs a facilitator in through the real console, then drives N
participants over ``/_stcore/stream`` exactly as the browser does: join with
``?code=…``, tick the refreshing fragment at the interval the app asks for, and (a share
of them) send a reflection and answer a scale through the page's own widgets. The same
N and interval then run against ``bench/floor_app.py``, a bare app with one refreshing
fragment, so every figure comes with Streamlit's own floor from the same machine and
minute. Only 127.0.0.1 is contacted; every run stops by itself.

    python -m bench.load --participants 100 300 1000 --duration 30 --json out.json
    python -m bench.load --participants 1000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

A PostgreSQL run works in a schema of its own (``bench_<random>``), dropped afterwards.
See bench/README.md for what each figure means and the results.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import multiprocessing as mp
import os
import platform
import random
import re
import resource
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psutil
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

REPO = Path(__file__).resolve().parents[1]
QUERY_COUNTER = Path(__file__).resolve().parent / "query_counter"

REFLECTION = "felt-understood"
"""The reflection prompt participants answer first (on stage index 1)."""
REFLECTION_STAGE = 1
SCALE = "checkin-open"
"""The scale the facilitator switches to halfway (on stage index 0)."""
PASSCODE = "bench-passcode-1"
REVEALED_NOTE = "The answers are up on the screen now."
COUNT_LABEL = "People who answered"
"""The label of the console's live count of answers."""
"""What a phone shows under the prompt once the facilitator has revealed its answers."""

PAIR_CODE = re.compile(r'bedrock-pair-code">(\d{3} \d{3})<')
PAIR_BADGE = "bedrock-pair-badge"
PHONE_LISTEN = "join_listen"
PAIR_LISTEN = "pair_listen"
SHOW_PARTNER = "Show my partner"
PAIR_ACK = "You answered"
"""What a paired phone shows once its private answer is in."""

FINISHED_EARLY = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_EARLY_FOR_RERUN")
FINISHED_PAGE = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_SUCCESSFULLY")
WIDGETS = {"text_area", "text_input", "button", "slider", "radio", "checkbox", "number_input"}
TEXTS = {"markdown", "text", "heading", "alert"}

TARGETS = {
    "tick_p95_ms": 150.0,
    "server_cpu_cores": 1.0,
    "kb_per_session": 300.0,
    "submit_to_console_p95_s": 2.5,
    "cpu_per_tick_vs_floor": 1.5,
}

# ---------------------------------------------------------------------------------------------
# The protocol


def rerun_message(
    *,
    query: str,
    page_name: str = "",
    page_hash: str = "",
    fragment_id: str = "",
    widgets: Sequence[WidgetState] = (),
    auto: bool = True,
) -> bytes:
    """A serialized ``BackMsg.rerun_script``; with ``fragment_id``, a run of that fragment
    alone: an automatic tick, or (``auto=False``) a tap on a widget inside it."""
    message = BackMsg()
    rerun = message.rerun_script
    rerun.query_string = query
    rerun.page_name = page_name
    rerun.page_script_hash = page_hash
    if fragment_id:
        rerun.fragment_id = fragment_id
        rerun.is_auto_rerun = auto
    rerun.widget_states.widgets.extend(widgets)
    return message.SerializeToString()


def widget_key(widget_id: str) -> str:
    """The key the page gave a widget, from its id (``$$ID-<hash>-<key>``)."""
    parts = widget_id.split("-", 2)
    return parts[2] if len(parts) == 3 else widget_id


@dataclass
class Drawn:
    """What one script or fragment run sent: its outcome and the parts the harness needs."""

    status: int = -1
    page_hash: str = ""
    fragment_id: str = ""
    interval: float = 0.0
    widgets: dict[str, str] = field(default_factory=dict)
    """Widget key (or label, for keyless widgets) -> widget id."""
    texts: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    metrics: dict[str, str] = field(default_factory=dict)
    components: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Our own components by key: (their data as JSON, the fragment they are drawn in)."""
    errors: list[str] = field(default_factory=list)

    @property
    def redrew_page(self) -> bool:
        return self.status == FINISHED_PAGE


def _take(message: ForwardMsg, drawn: Drawn) -> None:
    kind = message.WhichOneof("type")
    if kind == "delta":
        delta = message.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        what = element.WhichOneof("type")
        if what in WIDGETS:
            widget = getattr(element, what)
            key = widget_key(widget.id)
            drawn.widgets[widget.label if key == "None" else key] = widget.id
        elif what in TEXTS:
            drawn.texts.append(getattr(element, what).body)
        elif what == "metric":
            drawn.metrics[element.metric.label] = element.metric.body
        elif what == "bidi_component":  # our own components (their state is JSON)
            key = widget_key(element.bidi_component.id)
            drawn.widgets[key] = element.bidi_component.id
            drawn.components[key] = (element.bidi_component.json, delta.fragment_id)
        elif what == "html":
            drawn.html.append(element.html.body)
        elif what == "exception":
            drawn.errors.append(f"exception: {element.exception.message[:200]}")
    elif kind == "auto_rerun":
        drawn.fragment_id = message.auto_rerun.fragment_id
        drawn.interval = message.auto_rerun.interval
    elif kind == "navigation":
        drawn.page_hash = message.navigation.page_script_hash


async def read_run(ws: ClientConnection, *, timeout: float) -> Drawn:
    """Read until the run the harness asked for finishes; a run that ends early for a rerun
    (``st.rerun``) is followed to the end of the rerun. Raises TimeoutError."""
    drawn = Drawn()
    async with asyncio.timeout(timeout):
        while True:
            message = ForwardMsg()
            message.ParseFromString(await ws.recv())
            if message.WhichOneof("type") != "script_finished":
                _take(message, drawn)
                continue
            if message.script_finished == FINISHED_EARLY:
                drawn = Drawn(page_hash=drawn.page_hash)
                continue
            drawn.status = message.script_finished
            return drawn


PHONE_ADDRESS_HEADER = "X-Bench-Phone"
"""The header each simulated phone puts its own made-up address in, which the server is told
to read as a proxy's (``BEDROCK_CLIENT_ADDRESS_HEADER``): a thousand phones are many rooms,
not one venue router, so the limit on new phones per address does not apply to them all."""


def _connect(url: str, *, timeout: float, address: str | None = None):
    return connect(
        url,
        additional_headers={PHONE_ADDRESS_HEADER: address} if address else None,
        subprotocols=["streamlit"],
        compression=None,
        max_size=None,
        open_timeout=timeout,
        ping_interval=None,
        close_timeout=2,
    )


# ---------------------------------------------------------------------------------------------
# One simulated participant


@dataclass
class Plan:
    """When one participant joins, ticks and sends (seconds after the common start)."""

    join_at: float
    phase: float
    reflect_at: float | None = None
    scale_at: float | None = None
    text: str = ""
    scale_value: int = 5
    pair: str | None = None
    """The pair this phone joins (its partner has the same), None for a phone alone."""
    seat: str = ""
    """"A" opens the pair and shows its code; "B" types it."""


@dataclass
class Job:
    """What one client process drives."""

    ws_url: str
    query: str
    code: str
    plans: list[Plan]
    window_start: float
    window_end: float
    run_timeout: float
    wait_port: int | None = None
    """With a port, phones hold the server's long poll (``/api/wait``) and rerun only when
    told, as the browser's listening element does; without, they tick every interval."""
    gap: float = 2.0
    spread: float = 0.5
    worker: int = 0


@dataclass
class Record:
    """What happened to one participant (times are wall-clock seconds)."""

    joined: bool = False
    join_latency: float | None = None
    ticks: list[tuple[float, float, int]] = field(default_factory=list)
    """(sent at, seconds to script_finished, 1 if the tick redrew the whole page)."""
    missed: int = 0
    acks: list[tuple[str, float, float]] = field(default_factory=list)
    """(prompt id, acknowledged at, seconds from click to acknowledgement)."""
    failed_sends: int = 0
    saw_scale: float | None = None
    saw_reveal: float | None = None
    dropped: bool = False
    errors: list[str] = field(default_factory=list)
    polls: int = 0
    """Long-poll answers received (listening phones only)."""
    paired_at: float | None = None
    """When this phone's page first showed the paired badge."""
    pair_errors: list[str] = field(default_factory=list)
    saw_partner: float | None = None
    """When this phone first showed its partner's answer (the reveal)."""
    pair_polls: int = 0
    pair_runs: list[int] = field(default_factory=list)
    """Each run the pair's long poll asked for: 1 if it drew the whole page."""
    reveal_wait: float | None = None
    """For the first of a pair to answer: from the partner's answer going in to this phone
    showing it (what the pair's long poll is for)."""


def _answer_widgets(drawn: Drawn, code: str, prompt: str, plan: Plan) -> list[WidgetState] | None:
    stem = f"join_done_{code}_{prompt}"
    send = drawn.widgets.get(f"{stem}_send")
    if send is None:
        return None
    if prompt == SCALE:
        slider = drawn.widgets.get(f"{stem}_scale")
        if slider is None:
            return None
        value = WidgetState(id=slider)
        value.double_array_value.data.append(float(plan.scale_value))
    else:
        text = drawn.widgets.get(f"{stem}_text")
        if text is None:
            return None
        value = WidgetState(id=text, string_value=plan.text)
    return [value, WidgetState(id=send, trigger_value=True)]


def _pair_answer_widgets(
    drawn: Drawn, code: str, prompt: str, plan: Plan
) -> list[WidgetState] | None:
    """A paired phone's private answer to the partner exercise: its words, shown to the
    partner and added to the room's answers, then Done (the form's own submit)."""
    stem = f"pair_{code}_{prompt}"
    text, done = drawn.widgets.get(f"{stem}_text"), drawn.widgets.get(f"{stem}_done")
    if text is None or done is None:
        return None
    states = [WidgetState(id=text, string_value=plan.text)]
    show = drawn.widgets.get(f"{stem}_show")
    if show is not None:
        states.append(WidgetState(id=show, string_value=SHOW_PARTNER))
    to_room = drawn.widgets.get(f"{stem}_room")
    if to_room is not None:
        states.append(WidgetState(id=to_room, bool_value=True))
    return [*states, WidgetState(id=done, trigger_value=True)]


class PairLinks:
    """What the two phones of each pair in one client process share, as two people beside
    each other do: the code the first phone shows, and when each partner's answer went in."""

    def __init__(self) -> None:
        self.codes: dict[str, asyncio.Future[str]] = {}
        self.acked: dict[tuple[str, str], float] = {}

    def code(self, pair: str) -> asyncio.Future[str]:
        if pair not in self.codes:
            self.codes[pair] = asyncio.get_running_loop().create_future()
        return self.codes[pair]


def _pair_text(pair: str | None, seat: str) -> str:
    """What the phone in ``seat`` of ``pair`` writes to its partner."""
    return f"Paired reflection {pair}{seat}: you listened to the end."


def _partner_text(plan: Plan) -> str:
    return _pair_text(plan.pair, "B" if plan.seat == "A" else "A")


async def _pair_up(
    ws: ClientConnection, job: Job, plan: Plan, page: Drawn, links: PairLinks, record: Record
) -> Drawn:
    """Pair this phone with its partner through the page's own controls: the first phone
    taps Show a code and hands the code over; the second types it and taps Pair."""
    assert plan.pair is not None
    if plan.seat == "A":
        opened = page.widgets.get("pair_open")
        if opened is None:
            record.pair_errors.append("no Show a code button")
            links.code(plan.pair).cancel()
            return page
        await ws.send(
            rerun_message(
                query=job.query,
                page_hash=page.page_hash,
                widgets=[WidgetState(id=opened, trigger_value=True)],
            )
        )
        drawn = await read_run(ws, timeout=job.run_timeout)
        shown = PAIR_CODE.search("".join(drawn.html))
        if shown is None:
            record.pair_errors.append("no pair code shown")
            links.code(plan.pair).cancel()
        else:
            links.code(plan.pair).set_result(shown.group(1))
        return drawn
    try:
        code = await asyncio.wait_for(links.code(plan.pair), timeout=job.run_timeout)
    except (TimeoutError, asyncio.CancelledError):
        record.pair_errors.append("the partner showed no code")
        return page
    typed, join = page.widgets.get("pair_typed"), page.widgets.get("pair_join")
    if typed is None or join is None:
        record.pair_errors.append("no pair form")
        return page
    await ws.send(
        rerun_message(
            query=job.query,
            page_hash=page.page_hash,
            widgets=[
                WidgetState(id=typed, string_value=code),
                WidgetState(id=join, trigger_value=True),
            ],
        )
    )
    drawn = await read_run(ws, timeout=job.run_timeout)
    if any(PAIR_BADGE in body for body in drawn.html):
        record.paired_at = time.time()
    else:
        record.pair_errors.append("the code was refused")
    return drawn


async def _sleep_until(wall: float) -> None:
    delay = wall - time.time()
    if delay > 0:
        await asyncio.sleep(delay)


async def _submit(
    ws: ClientConnection,
    job: Job,
    plan: Plan,
    page: Drawn,
    prompt: str,
    record: Record,
    links: PairLinks | None = None,
) -> Drawn | None:
    """Send this participant's answer to ``prompt`` through the page's widgets (a paired
    phone's private answer to a partner exercise through the pair's own); returns the page
    drawn after it, or None when the prompt is not on the page yet."""
    private = plan.pair is not None and f"pair_{job.code}_{prompt}_done" in page.widgets
    if private:
        widgets = _pair_answer_widgets(page, job.code, prompt, plan)
    else:
        widgets = _answer_widgets(page, job.code, prompt, plan)
    if widgets is None:
        return None
    # A tap inside the partner exercise runs its part of the page alone, as in a browser.
    inside = page.components.get(PAIR_LISTEN, ("", ""))[1] if private else ""
    clicked = time.time()
    await ws.send(
        rerun_message(
            query=job.query,
            page_hash=page.page_hash,
            widgets=widgets,
            fragment_id=inside,
            auto=False,
        )
    )
    drawn = await read_run(ws, timeout=job.run_timeout)
    record.errors.extend(drawn.errors)
    if private:  # the second of a pair to answer sees the reveal at once
        acked = any(t.startswith(PAIR_ACK) for t in drawn.texts) or any(
            _partner_text(plan) in body for body in drawn.html
        )
    else:
        acked = any(t.startswith("Sent") for t in drawn.texts)
    if acked:
        now = time.time()
        record.acks.append((prompt, now, now - clicked))
        if private and links is not None and plan.pair is not None:
            links.acked[(plan.pair, plan.seat)] = now
    else:
        record.failed_sends += 1
        if private:
            shown = " | ".join(t[:40] for t in drawn.texts[-3:]) or "nothing"
            record.pair_errors.append(
                f"private answer not acknowledged (status {drawn.status}: {shown})"
            )
    return drawn


async def _http_get(
    connection: tuple[asyncio.StreamReader, asyncio.StreamWriter], path: str
) -> tuple[int, bytes]:
    """One GET on a kept-alive HTTP/1.1 connection to 127.0.0.1. Raises OSError when the
    server has closed the connection."""
    reader, writer = connection
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    await writer.drain()
    first = (await reader.readline()).split()
    if len(first) < 2:
        raise ConnectionResetError("the server closed the connection")
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    try:
        return int(first[1]), await reader.readexactly(length)
    except asyncio.IncompleteReadError as cut:
        raise ConnectionResetError("the answer was cut short") from cut


class _LongPoll:
    """A phone's HTTP connection for the long poll, opened again when the server closed it
    (an idle kept-alive connection is closed after a few seconds), as a browser does."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def get(self, path: str) -> tuple[int, bytes]:
        for attempt in range(2):
            if self.connection is None:
                self.connection = await asyncio.open_connection("127.0.0.1", self.port)
            try:
                return await _http_get(self.connection, path)
            except OSError:
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection[1].close()
            self.connection = None


def _listeners(page: Drawn, fallback: str) -> dict[str, tuple[str, str]]:
    """What a page asks its browser to wait on: ``{"phone": (query, fragment)}`` and, on a
    paired phone while it waits on its partner, ``{"pair": (query, fragment)}``."""
    found: dict[str, tuple[str, str]] = {}
    for name, key in (("phone", PHONE_LISTEN), ("pair", PAIR_LISTEN)):
        if key not in page.components:
            continue
        data_json, fragment = page.components[key]
        with contextlib.suppress(ValueError, TypeError):
            data = json.loads(data_json)
            query = f"code={data['code']}&hold=25&of={data['of']}"
            if data.get("pair"):
                query += f"&pair={data['pair']}"
            found[name] = (query, fragment or fallback)
    if "phone" not in found:
        found["phone"] = ("", fallback)
    return found


async def _listen(
    job: Job,
    plan: Plan,
    base: float,
    ws: ClientConnection,
    page: Drawn,
    fragment: str,
    record: Record,
    links: PairLinks | None = None,
) -> None:
    """What a listening phone does after joining: hold the long poll (a paired phone, while
    it waits on its partner, a second one on its pair); when a version moved, wait up to
    ``spread`` seconds (and at least ``gap`` since the last draw), rerun the fragment that
    element belongs to, and listen again from the new version. Sends its answers when the
    plan says."""
    stop = base + job.window_end
    pending = sorted(
        (base + at, prompt)
        for at, prompt in ((plan.reflect_at, REFLECTION), (plan.scale_at, SCALE))
        if at is not None
    )
    rng = random.Random()
    assert job.wait_port is not None
    connections = {"phone": _LongPoll(job.wait_port), "pair": _LongPoll(job.wait_port)}
    polls: dict[str, asyncio.Task] = {}
    seen: dict[str, int | None] = {}
    waits = _listeners(page, fragment)
    try:
        drawn_at = time.time()
        while time.time() < stop:
            for name, (query, _fragment) in waits.items():
                if name in polls:
                    continue
                if name == "phone" and not query:
                    query = f"code={job.code}&hold=25&of=phone"
                if seen.get(name) is not None:
                    query += f"&seen={seen[name]}"
                polls[name] = asyncio.create_task(connections[name].get(f"/api/wait?{query}"))
            due = pending[0][0] if pending else stop
            done, _ = await asyncio.wait(
                set(polls.values()),
                timeout=max(0.0, min(due, stop) - time.time()),
                return_when=asyncio.FIRST_COMPLETED,
            )
            if (
                pending
                and pending[0][0] <= time.time()
                and plan.pair is not None
                and record.paired_at is None
            ):  # a person answers once their phone shows it is paired
                pending[0] = (time.time() + 0.5, pending[0][1])
            elif pending and pending[0][0] <= time.time():
                prompt = pending[0][1]
                after = await _submit(ws, job, plan, page, prompt, record, links)
                if after is not None:
                    pending.pop(0)
                    _noticed(job, plan, after, record)
                    _wait_from_drawn(after, seen)
                    if after.redrew_page:
                        page = after
                        waits = _listeners(page, waits["phone"][1])
                else:  # not on the page yet: look again in a moment
                    pending[0] = (time.time() + 0.5, prompt)
            for name, task in list(polls.items()):
                if task not in done:
                    continue
                del polls[name]
                status, body = task.result()
                if status != 200:
                    who = "" if body.lstrip().startswith(b"{") else " (not from Bedrock)"
                    record.errors.append(f"long poll answered {status}{who}")
                    return
                if name == "pair":
                    record.pair_polls += 1
                else:
                    record.polls += 1
                version = json.loads(body)["version"]
                if name not in seen or version == seen[name]:
                    seen[name] = version
                    continue
                seen[name] = version
                if name not in waits:  # the page no longer waits on it
                    continue
                delay = max(0.0, job.gap - (time.time() - drawn_at)) + rng.random() * job.spread
                await asyncio.sleep(delay)
                sent = time.time()
                await ws.send(
                    rerun_message(
                        query=job.query, page_hash=page.page_hash, fragment_id=waits[name][1]
                    )
                )
                drawn = await read_run(ws, timeout=job.run_timeout)
                drawn_at = time.time()
                record.ticks.append((sent, drawn_at - sent, int(drawn.redrew_page)))
                record.errors.extend(drawn.errors)
                if name == "pair":
                    record.pair_runs.append(int(drawn.redrew_page))
                _wait_from_drawn(drawn, seen)
                _noticed(job, plan, drawn, record)
                if drawn.redrew_page:
                    page = drawn
                    waits = _listeners(page, drawn.fragment_id or waits["phone"][1])
            for name in [n for n in polls if n not in waits]:
                polls.pop(name).cancel()
                connections[name].close()
                seen.pop(name, None)
        for task in polls.values():
            task.cancel()
    finally:
        for connection in connections.values():
            connection.close()


def _drawn_version(drawn: Drawn, key: str) -> int | None:
    """The version the element under ``key`` was drawn from in ``drawn``, if it is there."""
    if key not in drawn.components:
        return None
    with contextlib.suppress(ValueError, TypeError, KeyError):
        version = json.loads(drawn.components[key][0])["version"]
        return version if isinstance(version, int) else None
    return None


def _wait_from_drawn(drawn: Drawn, seen: dict[str, int | None]) -> None:
    """As the browser's listening element does: wait on from the version a run just drew,
    so a change made while the run was on its way is not heard a second time."""
    for listener, key in (("phone", PHONE_LISTEN), ("pair", PAIR_LISTEN)):
        version = _drawn_version(drawn, key)
        if version is not None:
            seen[listener] = version


def _noticed(job: Job, plan: Plan, drawn: Drawn, record: Record) -> None:
    """Note when a drawing (of the page, or of a part of it) first showed the reveal, the
    scale, the paired badge and the partner's answer."""
    if record.saw_reveal is None and REVEALED_NOTE in drawn.texts:
        record.saw_reveal = time.time()
    if record.saw_scale is None and f"join_done_{job.code}_{SCALE}_send" in drawn.widgets:
        record.saw_scale = time.time()
    if plan.pair is None:
        return
    if record.paired_at is None and any(PAIR_BADGE in body for body in drawn.html):
        record.paired_at = time.time()
    if record.saw_partner is None and any(_partner_text(plan) in body for body in drawn.html):
        record.saw_partner = time.time()


async def participant(job: Job, plan: Plan, base: float, links: PairLinks | None = None) -> Record:
    """Join (and pair, when the plan says), tick until the window ends, send what the plan
    says. Never raises."""
    record = Record()
    stop = base + job.window_end
    await _sleep_until(base + plan.join_at)
    try:
        address = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(256)}"
        async with _connect(job.ws_url, timeout=job.run_timeout, address=address) as ws:
            sent = time.time()
            await ws.send(rerun_message(query=job.query))
            page = await read_run(ws, timeout=job.run_timeout)
            record.join_latency = time.time() - sent
            record.joined = True
            record.errors.extend(page.errors)
            fragment, interval = page.fragment_id, page.interval
            if not fragment:
                record.errors.append("the page has no refreshing fragment")
                return record
            if plan.pair is not None and links is not None:
                page = await _pair_up(ws, job, plan, page, links, record)
                record.errors.extend(page.errors)
            if job.wait_port is not None:
                await _listen(job, plan, base, ws, page, fragment, record, links)
                return record
            pending = [
                (base + at, prompt)
                for at, prompt in ((plan.reflect_at, REFLECTION), (plan.scale_at, SCALE))
                if at is not None
            ]
            next_tick = time.time() + plan.phase
            while next_tick < stop:
                due = [p for p in pending if p[0] <= time.time()]
                for item in due:
                    after = await _submit(ws, job, plan, page, item[1], record)
                    if after is None:
                        continue  # not on the page yet: try again after the next redraw
                    pending.remove(item)
                    page = after
                    fragment = page.fragment_id or fragment
                wake = min([next_tick] + [p[0] for p in pending if p[0] > time.time()])
                await _sleep_until(wake)
                if time.time() < next_tick:
                    continue
                sent = time.time()
                await ws.send(
                    rerun_message(query=job.query, page_hash=page.page_hash, fragment_id=fragment)
                )
                drawn = await read_run(ws, timeout=job.run_timeout)
                record.ticks.append((sent, time.time() - sent, int(drawn.redrew_page)))
                record.errors.extend(drawn.errors)
                if drawn.redrew_page:
                    page = drawn
                    fragment = drawn.fragment_id or fragment
                    _noticed(job, plan, drawn, record)
                next_tick += interval
                while next_tick < time.time():
                    next_tick += interval
                    record.missed += 1
    except TimeoutError:
        record.errors.append("no answer from the server in time")
    except ConnectionClosed:
        if time.time() < stop:
            record.dropped = True
    except OSError as problem:
        record.errors.append(f"could not connect: {problem}")
    return record


async def _drive(job: Job, base: float) -> dict[str, Any]:
    me = psutil.Process()
    cpu: dict[str, float] = {}

    async def sample() -> None:
        await _sleep_until(base + job.window_start)
        cpu["start"] = sum(me.cpu_times()[:2])
        await _sleep_until(base + job.window_end)
        cpu["end"] = sum(me.cpu_times()[:2])

    sampler = asyncio.create_task(sample())
    links = PairLinks()
    records = await asyncio.gather(*(participant(job, plan, base, links) for plan in job.plans))
    await sampler
    for plan, record in zip(job.plans, records, strict=True):
        # The first of a pair to answer sees the reveal when the second answers.
        mine = links.acked.get((plan.pair or "", plan.seat))
        theirs = links.acked.get((plan.pair or "", "B" if plan.seat == "A" else "A"))
        if record.saw_partner and mine and theirs and mine < theirs:
            record.reveal_wait = record.saw_partner - theirs
    return {
        "worker": job.worker,
        "records": [asdict(r) for r in records],
        "cpu_seconds": cpu["end"] - cpu["start"],
    }


def _client_process(job: Job, ready: Any, go: Any, results: Any) -> None:
    ready.put(os.getpid())
    base = go.get()
    results.put(asyncio.run(_drive(job, base)))


# ---------------------------------------------------------------------------------------------
# The facilitator, signed in through the real console


def _count(label: str | None) -> int | None:
    if not label:
        return None
    first = label.split()[0]
    return int(first) if first.isdigit() else None


class Facilitator:
    """One console session: signs in with the passcode, ticks the live answers, and switches
    the room to the scale with the console's own buttons."""

    def __init__(self, *, ws_url: str, code: str, prompts: dict[str, str], timeout: float):
        self.ws_url = ws_url
        self.code = code
        self.prompts = prompts  # prompt id -> the group prompt the console shows
        self.scale_title = ""
        self.timeout = timeout
        self.seen: list[tuple[float, str | None, int | None]] = []
        self.tick_latencies: list[tuple[float, float]] = []
        self.switched_at: float | None = None
        self.switch_sent: float | None = None
        """When the console sent the scale prompt (the earliest a phone could see it)."""
        self.errors: list[str] = []
        self.signed_in = asyncio.Event()
        self.switch = asyncio.Event()
        self.reveal = asyncio.Event()
        self.reveal_sent: float | None = None
        self.stop = asyncio.Event()
        self.last_look = asyncio.Event()
        """Set once every phone has stopped: the console then takes one more look."""
        self.final_count: int | None = None

    def _showing(self, drawn: Drawn) -> str | None:
        for prompt, text in self.prompts.items():
            if text in drawn.texts:
                return prompt
        return None

    async def _run(self, ws: ClientConnection, **rerun: Any) -> Drawn:
        await ws.send(rerun_message(query="", page_name="facilitate", **rerun))
        drawn = await read_run(ws, timeout=self.timeout)
        self.errors.extend(drawn.errors)
        return drawn

    async def run(self) -> None:
        try:
            async with _connect(self.ws_url, timeout=self.timeout) as ws:
                await self._session(ws)
        except (TimeoutError, ConnectionClosed, OSError, RuntimeError) as problem:
            self.errors.append(f"console: {type(problem).__name__}: {problem}")
        finally:
            self.signed_in.set()

    async def _session(self, ws: ClientConnection) -> None:
        form = await self._run(ws)
        try:
            widgets = [
                WidgetState(id=form.widgets["fac_reopen_code"], string_value=self.code),
                WidgetState(id=form.widgets["fac_reopen_pass"], string_value=PASSCODE),
                WidgetState(id=form.widgets["fac_reopen_go"], trigger_value=True),
            ]
        except KeyError as missing:
            raise RuntimeError(f"the reopen form has no widget {missing}") from None
        console = await self._run(ws, page_hash=form.page_hash, widgets=widgets)
        if COUNT_LABEL not in console.metrics or not console.fragment_id:
            raise RuntimeError("signing in did not open the console's live answers")
        self.signed_in.set()
        page_hash, fragment, interval = console.page_hash, console.fragment_id, console.interval
        last = console
        next_tick = time.time() + interval
        while not self.stop.is_set():
            if self.switch.is_set() and self.switched_at is None:
                console = await self._switch_to_scale(ws, console)
                fragment, last = console.fragment_id, console
                self.switched_at = time.time()
            await asyncio.sleep(max(0.0, next_tick - time.time()))
            next_tick += interval
            widgets = []
            if self.reveal.is_set() and self.reveal_sent is None and "fac_reveal" in last.widgets:
                widgets = [WidgetState(id=last.widgets["fac_reveal"], trigger_value=True)]
                self.reveal_sent = time.time()
            sent = time.time()
            drawn = await self._run(ws, page_hash=page_hash, fragment_id=fragment, widgets=widgets)
            last = drawn
            fragment = drawn.fragment_id or fragment
            now = time.time()
            self.tick_latencies.append((sent, now - sent))
            self.seen.append((now, self._showing(drawn), _count(drawn.metrics.get(COUNT_LABEL))))
        await self.last_look.wait()
        drawn = await self._run(ws, page_hash=page_hash, fragment_id=fragment)
        self.final_count = _count(drawn.metrics.get(COUNT_LABEL))

    async def _switch_to_scale(self, ws: ClientConnection, console: Drawn) -> Drawn:
        back = console.widgets.get("◀ Stage")
        if back is None:
            raise RuntimeError("the console has no '◀ Stage' button")
        stage0 = await self._run(
            ws, page_hash=console.page_hash, widgets=[WidgetState(id=back, trigger_value=True)]
        )
        radio = stage0.widgets.get("fac_prompt_0_None")
        if radio is None:
            raise RuntimeError("the console shows no prompt choice on the first stage")
        self.switch_sent = time.time()
        drawn = await self._run(
            ws,
            page_hash=console.page_hash,
            widgets=[WidgetState(id=radio, string_value=self.scale_title)],
        )
        if self._showing(drawn) != SCALE:
            raise RuntimeError("the console did not switch to the scale")
        return drawn


# ---------------------------------------------------------------------------------------------
# Servers and databases


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Database:
    """A fresh database for one run: an SQLite file in ``folder``, or a new schema in the
    PostgreSQL database at ``url`` (dropped by :meth:`drop`; nothing else is touched)."""

    def __init__(self, url: str | None, folder: Path) -> None:
        self.schema: str | None = None
        self.base_url = url
        if not url or url.startswith("sqlite"):
            self.url = f"sqlite:///{folder / 'bench.db'}"
            self.backend = "sqlite"
            return
        import sqlalchemy as sa
        from sqlalchemy.engine import make_url

        from workshop.engine.db import normalise_url

        self.backend = "postgresql"
        self.schema = f"bench_{secrets.token_hex(4)}"
        base = make_url(normalise_url(url))
        engine = sa.create_engine(base)
        with engine.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{self.schema}"')
        engine.dispose()
        self.url = base.update_query_dict(
            {"options": f"-csearch_path={self.schema}"}
        ).render_as_string(hide_password=False)

    def drop(self) -> None:
        """Drop the run's own schema (PostgreSQL); the SQLite file goes with its folder."""
        if self.schema is None:
            return
        import sqlalchemy as sa
        from sqlalchemy.engine import make_url

        from workshop.engine.db import normalise_url

        engine = sa.create_engine(make_url(normalise_url(self.base_url)))
        with engine.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')
        engine.dispose()


class Server:
    """``python -m streamlit run <script>`` on a free port of 127.0.0.1, from the repository
    top (so it reads the shipped ``.streamlit/config.toml``)."""

    def __init__(self, script: str, args: Sequence[str], env: dict[str, str], log: Path):
        self.port = free_port()
        self.log = log
        command = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            script,
            "--server.headless",
            "true",
            "--server.port",
            str(self.port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ]
        if args:
            command += ["--", *args]
        with open(log, "w") as out:
            self.process = subprocess.Popen(
                command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        self.ps = psutil.Process(self.process.pid)
        self.ws_url = f"ws://127.0.0.1:{self.port}/_stcore/stream"

    def wait_healthy(self, timeout: float = 60.0) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited:\n{self.log.read_text()[-2000:]}")
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_stcore/health", timeout=2)
                return
            time.sleep(0.2)
        raise RuntimeError("the server did not become healthy in time")

    def _processes(self) -> list[psutil.Process]:
        try:
            return [self.ps, *self.ps.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def cpu_seconds(self) -> float:
        total = 0.0
        for process in self._processes():
            with contextlib.suppress(psutil.NoSuchProcess):
                total += sum(process.cpu_times()[:2])
        return total

    def rss(self) -> int:
        total = 0
        for process in self._processes():
            with contextlib.suppress(psutil.NoSuchProcess):
                total += process.memory_info().rss
        return total

    def threads(self) -> int:
        with contextlib.suppress(psutil.NoSuchProcess):
            return self.ps.num_threads()
        return 0

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Fleet:
    """Two ``server.py`` processes sharing one PostgreSQL database behind HAProxy, set up by
    the tested recipe in ``deploy/haproxy.cfg`` (cookie stickiness, health checks on
    ``/api/health``, the Origin rule). Phones, the console and the long polls all go through
    the proxy; figures add up both servers (the proxy's own CPU is reported apart)."""

    def __init__(self, env: dict[str, str], folder: Path, counter: Path):
        self.port = free_port()
        self.log = folder / "server-a.log"
        env = {
            **env,
            "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_urlsafe(32),
            "BEDROCK_LISTEN": f"127.0.0.1:{self.port}",
            "BEDROCK_ORIGIN": f"http://127.0.0.1:{self.port}",
        }
        self.servers = []
        for name in ("a", "b"):
            own = {**env, "BEDROCK_COUNT_QUERIES": f"{counter}.{name}"}
            server = Server("server.py", [], own, folder / f"server-{name}.log")
            env[f"BEDROCK_SERVER_{name.upper()}"] = f"127.0.0.1:{server.port}"
            self.servers.append(server)
        self.process = self.servers[0].process
        config = str(REPO / "deploy" / "haproxy.cfg")
        subprocess.run(["haproxy", "-c", "-q", "-f", config], env=env, check=True)
        self.proxy_log = (folder / "haproxy.log").open("w")
        self.proxy = subprocess.Popen(
            ["haproxy", "-db", "-f", config],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.proxy_log,
        )
        self.proxy_ps = psutil.Process(self.proxy.pid)
        self.ws_url = f"ws://127.0.0.1:{self.port}/_stcore/stream"

    def wait_healthy(self, timeout: float = 60.0) -> None:
        for server in self.servers:
            server.wait_healthy(timeout)
        deadline = time.time() + timeout
        while time.time() < deadline:
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/health", timeout=2)
                return
            time.sleep(0.2)
        raise RuntimeError("HAProxy did not find a healthy server in time")

    def cpu_seconds(self) -> float:
        return sum(server.cpu_seconds() for server in self.servers)

    def proxy_cpu_seconds(self) -> float:
        with contextlib.suppress(psutil.NoSuchProcess):
            return sum(self.proxy_ps.cpu_times()[:2])
        return 0.0

    def rss(self) -> int:
        return sum(server.rss() for server in self.servers)

    def threads(self) -> int:
        return sum(server.threads() for server in self.servers)

    def stop(self) -> None:
        self.proxy.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proxy.wait(timeout=10)
        self.proxy_log.close()
        for server in self.servers:
            server.stop()


@dataclass
class Snapshot:
    """The server and machine at one moment, for figures over a span of time."""

    at: float
    cpu: float
    counters: dict[str, float]
    pressure_us: float | None
    """Machine-wide microseconds during which some task waited for a CPU (PSI)."""
    waited_ns: float | None
    """Nanoseconds the server's main thread (its event loop) spent waiting for a CPU."""


def _pressure_us() -> float | None:
    try:
        first = Path("/proc/pressure/cpu").read_text().splitlines()[0]
        return float(first.rsplit("total=", 1)[1])
    except (OSError, IndexError, ValueError):
        return None


def _counters(counter: Path) -> dict[str, Any]:
    """The server's counters, or the sum of every server's (``counter.a``, ``counter.b``)."""
    totals: dict[str, Any] = {}
    for path in [counter, *sorted(counter.parent.glob(counter.name + ".?"))]:
        try:
            found = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        for key, value in found.items():
            totals[key] = totals[key] + value if key in totals else value
    return totals


def snapshot(server: Server | Fleet, counter: Path) -> Snapshot:
    """Read the server's CPU time, its counters (queries, GC), and how starved it was."""
    counters = _counters(counter)
    try:
        waited = float(Path(f"/proc/{server.process.pid}/schedstat").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        waited = None
    return Snapshot(time.time(), server.cpu_seconds(), counters, _pressure_us(), waited)


def span(a: Snapshot, b: Snapshot, ticks: int) -> dict[str, Any]:
    """Figures between two snapshots, per second and per tick."""
    wall = max(1e-9, b.at - a.at)
    cpu = b.cpu - a.cpu
    out: dict[str, Any] = {
        "server_cpu": round(cpu / wall, 3),
        "cpu_ms_per_tick": round(cpu * 1000 / max(1, ticks), 3),
        "ticks_per_s": round(ticks / wall, 1),
    }
    if "queries" in a.counters and "queries" in b.counters:
        queries = b.counters["queries"] - a.counters["queries"]
        out["queries_per_s"] = round(queries / wall, 1)
        out["queries_per_tick"] = round(queries / max(1, ticks), 4)
    if "gc_ms" in a.counters and "gc_ms" in b.counters:
        out["gc_ms_per_s"] = round((b.counters["gc_ms"] - a.counters["gc_ms"]) / wall, 2)
        pauses = [ms for at, ms in b.counters.get("gc_long", []) if a.at <= at < b.at]
        out["gc_max_ms"] = max(pauses, default=0.0)
    if a.pressure_us is not None and b.pressure_us is not None:
        out["machine_cpu_pressure"] = round((b.pressure_us - a.pressure_us) / 1e6 / wall, 3)
    if a.waited_ns is not None and b.waited_ns is not None:
        out["server_waited_for_cpu"] = round((b.waited_ns - a.waited_ns) / 1e9 / wall, 3)
    return out


# ---------------------------------------------------------------------------------------------
# One run


@dataclass
class Settings:
    participants: int
    interval: float
    duration: float
    submit_share: float
    join_rate: float
    workers: int
    database_url: str | None
    scale: bool
    run_timeout: float
    seed: int
    profile: Path | None = None
    reveal: bool = False
    """The facilitator reveals the reflections early in the window, while more arrive."""
    gc_threshold: str | None = None
    """Garbage-collector thresholds ("a,b,c") for the server, to compare settings."""
    idle_seconds: float = 3.0
    """How long the idle server is measured before anyone joins."""
    settle_seconds: float = 3.0
    """Pause after the last join (plus two intervals) before the window opens."""
    listen: bool = False
    """Serve ``server.py`` and have phones hold its long poll instead of ticking."""
    proxy: bool = False
    """Two listening servers on one PostgreSQL behind HAProxy (``deploy/haproxy.cfg``)."""
    paired_share: float = 0.0
    """Share of the phones that pair with a partner's phone after joining (listening
    phones only); every paired phone answers the partner exercise privately."""


def _plans(settings: Settings, *, submits: bool) -> tuple[list[Plan], dict[str, float]]:
    rng = random.Random(settings.seed)
    n = settings.participants
    ramp = n / settings.join_rate
    window_start = 1.0 + ramp + 2 * settings.interval + settings.settle_seconds
    window_end = window_start + settings.duration
    switch_at = window_start + settings.duration / 2 if settings.scale else None
    plans = [
        Plan(join_at=1.0 + i / settings.join_rate, phase=rng.uniform(0, settings.interval))
        for i in range(n)
    ]
    rng.shuffle(plans)
    if submits:
        chosen = plans[: round(n * settings.submit_share)]
        d = settings.duration
        for number, plan in enumerate(chosen):
            if switch_at is None:
                plan.reflect_at = window_start + rng.uniform(0.05 * d, 0.8 * d)
            else:
                # With a reveal, answers keep arriving well after it.
                last = 0.45 if settings.reveal else 0.4
                plan.reflect_at = window_start + rng.uniform(0.05 * d, last * d)
                plan.scale_at = switch_at + rng.uniform(0.2 * d, 0.4 * d)
            plan.text = f"Bench reflection {number}: when someone listened without fixing it."
            plan.scale_value = rng.randint(1, 10)
    timing = {"window_start": window_start, "window_end": window_end}
    if settings.reveal and submits:
        timing["reveal_at"] = window_start + 0.15 * settings.duration
    if switch_at is not None and submits:
        timing["switch_at"] = switch_at
    return plans, timing


def _pair_plans(
    plans: list[Plan], workers: int, settings: Settings, timing: dict[str, float]
) -> None:
    """Pair ``paired_share`` of the phones two by two, each pair within one client process
    (which hands the code from one phone to the other), and have every paired phone answer
    the partner exercise in the first 40 % of the window."""
    rng = random.Random(settings.seed + 1)
    d = settings.duration
    for w in range(workers):
        mine = plans[w::workers][::-1]  # from the end: the phones sending to the room first
        count = int(len(mine) * settings.paired_share) // 2 * 2
        for k in range(0, count, 2):
            pair = f"{w}.{k // 2}"
            for seat, plan in zip("AB", mine[k : k + 2], strict=True):
                plan.pair, plan.seat = pair, seat
                plan.text = _pair_text(pair, seat)
                plan.reflect_at = timing["window_start"] + rng.uniform(0.05 * d, 0.4 * d)


def _start_profiler(
    settings: Settings, kind: str, server: Server, timing: dict[str, float]
) -> subprocess.Popen | None:
    """py-spy (if ``--profile`` was given) sampling the server through the measured window,
    writing collapsed stacks to ``<profile>-<kind>-<N>.txt``."""
    if settings.profile is None:
        return None
    out = settings.profile.with_name(f"{settings.profile.name}-{kind}-{settings.participants}.txt")
    seconds = max(1, int(timing["window_end"] - timing["window_start"]))
    command = ["py-spy", "record", "--pid", str(server.process.pid), "--duration", str(seconds)]
    command += ["--rate", "100", "--gil", "--format", "raw", "--nonblocking", "--output", str(out)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _percentile(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, math.ceil(q / 100 * len(ordered)) - 1)
    return ordered[rank]


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value * 1000, 1)


def _create_workshop(url: str) -> tuple[str, str, str, dict[str, str], str]:
    from workshop.content.loader import get_content
    from workshop.content.planning import build_plan
    from workshop.engine.store import Store

    content = get_content()
    store = Store(url)
    try:
        plan = build_plan(content, [(m.id, float(m.minutes)) for m in content.modules])
        created = store.create_workshop(title="Load benchmark", stages=plan, passcode=PASSCODE)
        key = created.facilitator_key
        store.go_to_stage(code=created.code, key=key, index=REFLECTION_STAGE)
        store.set_prompt(code=created.code, key=key, prompt_id=REFLECTION)
    finally:
        store.close()
    prompts = {p: content.exercises[p].group_prompt for p in (REFLECTION, SCALE)}
    return created.code, key, created.screen_key, prompts, content.exercises[SCALE].title


def _stored(url: str, code: str) -> dict[str, int]:
    from workshop.engine.store import Store

    store = Store(url)
    try:
        return {p: store.response_count(code=code, prompt_id=p) for p in (REFLECTION, SCALE)}
    finally:
        store.close()


async def _warm_up(ws_url: str, query: str, timeout: float) -> None:
    async with _connect(ws_url, timeout=timeout) as ws:
        await ws.send(rerun_message(query=query))
        await read_run(ws, timeout=timeout)


def run_scenario(kind: str, settings: Settings) -> dict[str, Any]:
    """One run of ``kind`` ("app" or "floor") with ``settings``; returns its figures.
    Starts and stops a server and client processes; creates and removes a database."""
    with tempfile.TemporaryDirectory(prefix="bedrock-bench-") as folder_name:
        folder = Path(folder_name)
        database = Database(settings.database_url, folder) if kind == "app" else None
        try:
            return _run_in(kind, settings, folder, database)
        finally:
            if database is not None:
                database.drop()


def _run_in(
    kind: str, settings: Settings, folder: Path, database: Database | None
) -> dict[str, Any]:
    counter = folder / "queries"
    # The workshop is made here and served by the server: both need the same server key
    # (an SQLite run would also find the key file beside its database; PostgreSQL needs this).
    os.environ.setdefault("BEDROCK_SERVER_KEY", secrets.token_urlsafe(32))
    env = dict(os.environ)
    env.pop("STREAMLIT_SERVER_PORT", None)
    env["BEDROCK_COUNT_QUERIES"] = str(counter)
    env["BEDROCK_CLIENT_ADDRESS_HEADER"] = PHONE_ADDRESS_HEADER
    if settings.gc_threshold:
        env["BEDROCK_BENCH_GC_THRESHOLD"] = settings.gc_threshold
    env["PYTHONPATH"] = os.pathsep.join(
        [str(QUERY_COUNTER), *filter(None, [env.get("PYTHONPATH")])]
    )
    code = ""
    prompts: dict[str, str] = {}
    scale_title = ""
    if database is not None:
        code, _key, _screen, prompts, scale_title = _create_workshop(database.url)
        env["DATABASE_URL"] = database.url
        script = "server.py" if settings.listen else "app.py"
        if settings.proxy:
            server: Server | Fleet = Fleet(env, folder, counter)
        else:
            server = Server(script, [], env, folder / "server.log")
        query = f"code={code}"
    else:
        server = Server(
            "bench/floor_app.py", [f"{settings.interval:g}"], env, folder / "server.log"
        )
        query = ""
    try:
        server.wait_healthy()
        figures = asyncio.run(
            _orchestrate(kind, settings, server, query, code, prompts, scale_title, counter)
        )
    finally:
        server.stop()
    figures["backend"] = database.backend if database else "none"
    if database is not None:
        figures["stored"] = _stored(database.url, code)
    if figures["errors"]:
        figures["server_log_tail"] = server.log.read_text(errors="replace")[-3000:]
    return figures


async def _orchestrate(
    kind: str,
    settings: Settings,
    server: Server,
    query: str,
    code: str,
    prompts: dict[str, str],
    scale_title: str,
    counter: Path,
) -> dict[str, Any]:
    app = kind == "app"
    plans, timing = _plans(settings, submits=app)
    context = mp.get_context("spawn")
    ready, results = context.Queue(), context.Queue()
    workers = max(1, min(settings.workers, len(plans)))
    if app and settings.paired_share > 0:
        _pair_plans(plans, workers, settings, timing)
    goes, processes = [], []
    for w in range(workers):
        job = Job(
            ws_url=server.ws_url,
            query=query,
            code=code,
            plans=plans[w::workers],
            window_start=timing["window_start"],
            window_end=timing["window_end"],
            run_timeout=settings.run_timeout,
            wait_port=server.port if app and settings.listen else None,
            gap=settings.interval,
            worker=w,
        )
        go = context.Queue()
        process = context.Process(target=_client_process, args=(job, ready, go, results))
        process.start()
        goes.append(go)
        processes.append(process)
    for _ in processes:
        ready.get(timeout=120)

    # Warm the server (imports, caches), then sign the facilitator in before measuring idle.
    await _warm_up(server.ws_url, query, settings.run_timeout)
    facilitator = None
    console_task = None
    if app:
        facilitator = Facilitator(
            ws_url=server.ws_url, code=code, prompts=prompts, timeout=settings.run_timeout
        )
        facilitator.scale_title = scale_title
        console_task = asyncio.create_task(facilitator.run())
        await facilitator.signed_in.wait()
    await asyncio.sleep(min(2.0, settings.idle_seconds))
    idle_cpu0, idle_t0 = server.cpu_seconds(), time.time()
    await asyncio.sleep(settings.idle_seconds)
    idle_cpu = (server.cpu_seconds() - idle_cpu0) / (time.time() - idle_t0)
    rss_idle = server.rss()

    base = time.time() + 0.5
    for go in goes:
        go.put(base)
    figures: dict[str, Any] = {}
    peak = rss_idle

    async def watch_memory() -> None:
        nonlocal peak
        while True:
            peak = max(peak, server.rss())
            await asyncio.sleep(1.0)

    watcher = asyncio.create_task(watch_memory())
    await _sleep_until(base + timing["window_start"])
    first = snapshot(server, counter)
    proxy_cpu0 = server.proxy_cpu_seconds() if isinstance(server, Fleet) else None
    threads0 = server.threads()
    profiler = _start_profiler(settings, kind, server, timing)
    middle = None
    if app and "reveal_at" in timing and facilitator is not None:
        await _sleep_until(base + timing["reveal_at"])
        facilitator.reveal.set()
    if app and "switch_at" in timing and facilitator is not None:
        await _sleep_until(base + timing["switch_at"])
        middle = snapshot(server, counter)
        facilitator.switch.set()
    await _sleep_until(base + timing["window_end"])
    last = snapshot(server, counter)
    if proxy_cpu0 is not None and isinstance(server, Fleet):
        figures["proxy_cpu"] = round(
            (server.proxy_cpu_seconds() - proxy_cpu0) / max(1e-9, last.at - first.at), 3
        )
        figures["servers"] = len(server.servers)
    rss_loaded, threads1 = server.rss(), server.threads()
    if profiler is not None:
        profiler.wait(timeout=60)
    watcher.cancel()
    switch_wall = None
    if facilitator is not None:
        facilitator.stop.set()
    outputs = []
    loop = asyncio.get_running_loop()
    for _ in processes:
        outputs.append(await loop.run_in_executor(None, results.get, True, 180))
    for process in processes:
        process.join(timeout=30)
    if console_task is not None and facilitator is not None:
        facilitator.last_look.set()
        await asyncio.wait_for(console_task, timeout=settings.run_timeout + 5)
        switch_wall = facilitator.switch_sent

    records = [Record(**r) for out in outputs for r in out["records"]]
    win0, win1 = first.at, last.at
    in_window = [t for r in records for t in r.ticks if win0 <= t[0] < win1]
    latencies = [t[1] for t in in_window]
    plain = [t[1] for t in in_window if not t[2]]
    redraws = [t[1] for t in in_window if t[2]]
    n = settings.participants
    figures.update(
        kind=kind,
        listening=bool(app and settings.listen),
        long_polls_answered=sum(r.polls for r in records),
        participants=n,
        interval=settings.interval,
        duration=settings.duration,
        joined=sum(r.joined for r in records),
        join_p95_ms=_ms(_percentile([r.join_latency for r in records if r.join_latency], 95)),
        ticks=len(in_window),
        tick_p50_ms=_ms(_percentile(latencies, 50)),
        tick_p95_ms=_ms(_percentile(latencies, 95)),
        tick_p99_ms=_ms(_percentile(latencies, 99)),
        tick_max_ms=_ms(max(latencies) if latencies else None),
        plain_tick_p95_ms=_ms(_percentile(plain, 95)),
        redraw_ticks=len(redraws),
        redraw_p95_ms=_ms(_percentile(redraws, 95)),
        missed_ticks=sum(r.missed for r in records),
        dropped=sum(r.dropped for r in records),
        errors=sum(len(r.errors) for r in records)
        + (len(facilitator.errors) if facilitator else 0),
        error_samples=sorted(
            {e for r in records for e in r.errors} | set(facilitator.errors if facilitator else [])
        )[:5],
        server_cpu_idle=round(idle_cpu, 3),
        rss_idle_mb=round(rss_idle / 2**20, 1),
        rss_loaded_mb=round(rss_loaded / 2**20, 1),
        rss_peak_mb=round(peak / 2**20, 1),
        kb_per_session=round((rss_loaded - rss_idle) / 1024 / max(1, n), 1),
        server_threads=(threads0, threads1),
        client_cpu=round(sum(out["cpu_seconds"] for out in outputs) / (win1 - win0), 3),
        client_workers=workers,
    )
    figures.update(span(first, last, len(in_window)))
    if middle is not None:
        steady = [t for t in in_window if t[0] < middle.at]
        figures["steady"] = span(first, middle, len(steady)) | {
            "tick_p95_ms": _ms(_percentile([t[1] for t in steady], 95))
        }
    if app and facilitator is not None:
        figures.update(_submission_figures(records, facilitator, switch_wall, n))
    if app and settings.paired_share > 0:
        figures.update(_pair_figures(records, plans_by_record(outputs, workers, plans)))
    return figures


def plans_by_record(outputs: list[dict[str, Any]], workers: int, plans: list[Plan]) -> list[Plan]:
    """The plans in the order of the records (the processes report in any order)."""
    ordered = []
    for out in outputs:
        ordered.extend(plans[out["worker"] :: workers])
    return ordered


def _pair_figures(records: list[Record], plans: list[Plan]) -> dict[str, Any]:
    paired = [(p, r) for p, r in zip(plans, records, strict=True) if p.pair is not None]
    waits = [r.reveal_wait for _, r in paired if r.reveal_wait is not None]
    private = [a for _, r in paired for a in r.acks if a[0] == REFLECTION]
    return {
        "paired_phones": len(paired),
        "paired_shown": sum(1 for _, r in paired if r.paired_at is not None),
        "pair_errors": sum(len(r.pair_errors) for _, r in paired),
        "pair_error_samples": sorted({e for _, r in paired for e in r.pair_errors})[:5],
        "private_answers_acked": len(private),
        "private_ack_p95_ms": _ms(_percentile([a[2] for a in private], 95)),
        "pair_long_polls_answered": sum(r.pair_polls for _, r in paired),
        "pair_runs": sum(len(r.pair_runs) for _, r in paired),
        "pair_runs_whole_page": sum(sum(r.pair_runs) for _, r in paired),
        "partner_reveal_seen": sum(1 for _, r in paired if r.saw_partner is not None),
        "partner_reveal_timed": len(waits),
        "partner_reveal_p50_s": None if not waits else round(_percentile(waits, 50), 2),
        "partner_reveal_p95_s": None if not waits else round(_percentile(waits, 95), 2),
        "partner_reveal_max_s": None if not waits else round(max(waits), 2),
    }


def _submission_figures(
    records: list[Record], facilitator: Facilitator, switch_wall: float | None, n: int
) -> dict[str, Any]:
    acks = [a for r in records for a in r.acks]
    delays: list[float] = []
    for prompt in (REFLECTION, SCALE):
        times = sorted(at for p, at, _ in acks if p == prompt)
        seen = [(at, count) for at, shown, count in facilitator.seen if shown == prompt]
        # Below the reveal threshold the console shows "fewer than N", not a count: only
        # submissions from the first count it shows on can be timed.
        shown = [count for _, count in seen if count is not None]
        for k, acked in enumerate(times, start=1):
            if not shown or k < min(shown):
                continue
            first = next((at for at, count in seen if count is not None and count >= k), None)
            if first is not None:
                delays.append(max(0.0, first - acked))
    figures: dict[str, Any] = {
        "reflections_acked": sum(1 for a in acks if a[0] == REFLECTION),
        "scale_answers_acked": sum(1 for a in acks if a[0] == SCALE),
        "failed_sends": sum(r.failed_sends for r in records),
        "submit_ack_p95_ms": _ms(_percentile([a[2] for a in acks], 95)),
        "submit_to_console_observed": len(delays),
        "submit_to_console_p50_s": None if not delays else round(_percentile(delays, 50), 2),
        "submit_to_console_p95_s": None if not delays else round(_percentile(delays, 95), 2),
        "console_ticks": len(facilitator.tick_latencies),
        "console_final_count": facilitator.final_count,
        "console_tick_p95_ms": _ms(_percentile([t[1] for t in facilitator.tick_latencies], 95)),
    }
    if facilitator.reveal_sent is not None:
        seen = [r.saw_reveal - facilitator.reveal_sent for r in records if r.saw_reveal]
        figures.update(
            reveal_reached=len(seen),
            reveal_p95_s=None if not seen else round(_percentile(seen, 95), 2),
        )
    if switch_wall is not None:
        reached = [r.saw_scale - switch_wall for r in records if r.saw_scale is not None]
        figures.update(
            switch_reached=len(reached),
            switch_p50_s=None if not reached else round(_percentile(reached, 50), 2),
            switch_p95_s=None if not reached else round(_percentile(reached, 95), 2),
            switch_max_s=None if not reached else round(max(reached), 2),
        )
    return figures


# ---------------------------------------------------------------------------------------------
# Reporting


def machine() -> dict[str, Any]:
    """The machine the figures come from."""
    model = platform.processor()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cores": os.cpu_count(),
        "cpu": model,
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "open_files_limit": resource.getrlimit(resource.RLIMIT_NOFILE)[0],
    }


def compare(app: dict[str, Any], floor: dict[str, Any] | None) -> dict[str, Any]:
    """App / floor ratios and the targets, for one N."""
    out: dict[str, Any] = {}

    def ratio(key: str) -> float | None:
        if not floor or not app.get(key) or not floor.get(key):
            return None
        return round(app[key] / floor[key], 2)

    out["cpu_per_tick_vs_floor"] = ratio("cpu_ms_per_tick")
    out["tick_p95_vs_floor"] = ratio("tick_p95_ms")
    out["kb_per_session_vs_floor"] = ratio("kb_per_session")
    checks = {
        "no dropped connection": app["dropped"] == 0 and app["joined"] == app["participants"],
        "tick p95 <= 150 ms": (app["tick_p95_ms"] or 1e9) <= TARGETS["tick_p95_ms"],
        "server CPU <= 1 core": app["server_cpu"] <= TARGETS["server_cpu_cores"],
        "memory <= 300 KB/session": app["kb_per_session"] <= TARGETS["kb_per_session"],
    }
    if app.get("submit_to_console_p95_s") is not None:
        checks["submit-to-console p95 <= 2.5 s"] = (
            app["submit_to_console_p95_s"] <= TARGETS["submit_to_console_p95_s"]
        )
    if out["cpu_per_tick_vs_floor"] is not None:
        checks["CPU/tick <= 1.5x floor"] = (
            out["cpu_per_tick_vs_floor"] <= TARGETS["cpu_per_tick_vs_floor"]
        )
    out["targets"] = checks
    return out


ROWS = [
    ("joined", "joined"),
    ("ticks in window", "ticks"),
    ("ticks/s", "ticks_per_s"),
    ("tick p50 ms", "tick_p50_ms"),
    ("tick p95 ms", "tick_p95_ms"),
    ("tick p99 ms", "tick_p99_ms"),
    ("plain tick p95 ms", "plain_tick_p95_ms"),
    ("redraw ticks", "redraw_ticks"),
    ("redraw p95 ms", "redraw_p95_ms"),
    ("missed ticks", "missed_ticks"),
    ("long polls answered", "long_polls_answered"),
    ("join p95 ms", "join_p95_ms"),
    ("dropped", "dropped"),
    ("errors", "errors"),
    ("server CPU idle (cores)", "server_cpu_idle"),
    ("server CPU loaded (cores)", "server_cpu"),
    ("HAProxy CPU (cores)", "proxy_cpu"),
    ("CPU ms per tick", "cpu_ms_per_tick"),
    ("RSS idle MB", "rss_idle_mb"),
    ("RSS loaded MB", "rss_loaded_mb"),
    ("RSS peak MB", "rss_peak_mb"),
    ("KB per session", "kb_per_session"),
    ("queries/s", "queries_per_s"),
    ("queries per tick", "queries_per_tick"),
    ("GC ms per s", "gc_ms_per_s"),
    ("longest GC ms", "gc_max_ms"),
    ("steady CPU (cores)", "steady.server_cpu"),
    ("steady CPU ms per tick", "steady.cpu_ms_per_tick"),
    ("steady tick p95 ms", "steady.tick_p95_ms"),
    ("steady queries per tick", "steady.queries_per_tick"),
    ("server waited for CPU", "server_waited_for_cpu"),
    ("machine CPU pressure", "machine_cpu_pressure"),
    ("client CPU (cores)", "client_cpu"),
    ("reflections acked", "reflections_acked"),
    ("scale answers acked", "scale_answers_acked"),
    ("failed sends", "failed_sends"),
    ("submit ack p95 ms", "submit_ack_p95_ms"),
    ("submit->console p50 s", "submit_to_console_p50_s"),
    ("submit->console p95 s", "submit_to_console_p95_s"),
    ("console tick p95 ms", "console_tick_p95_ms"),
    ("reveal reached phones p95 s", "reveal_p95_s"),
    ("prompt switch p95 s", "switch_p95_s"),
    ("prompt switch max s", "switch_max_s"),
    ("paired phones (badge shown)", "paired_shown"),
    ("pairing errors", "pair_errors"),
    ("private answers acked", "private_answers_acked"),
    ("private answer ack p95 ms", "private_ack_p95_ms"),
    ("pair long polls answered", "pair_long_polls_answered"),
    ("runs the pair's poll asked", "pair_runs"),
    ("  of them whole page", "pair_runs_whole_page"),
    ("partner's answer shown", "partner_reveal_seen"),
    ("partner reveal p50 s", "partner_reveal_p50_s"),
    ("partner reveal p95 s", "partner_reveal_p95_s"),
    ("partner reveal max s", "partner_reveal_max_s"),
]


def table(app: dict[str, Any], floor: dict[str, Any] | None, verdict: dict[str, Any]) -> str:
    """The figures of one N side by side, as text."""
    how = "listening" if app.get("listening") else f"every {app['interval']:g} s"
    if app.get("servers"):
        how += f", {app['servers']} servers behind HAProxy"
    title = f"N={app['participants']} {how}, {app['duration']:g} s window, {app['backend']}"
    lines = [title, f"{'':28}{'app':>12}{'floor':>12}"]
    for label, key in ROWS:
        a = _lookup(app, key)
        f = _lookup(floor, key) if floor else None
        if a is None and f is None:
            continue
        lines.append(f"{label:28}{_cell(a):>12}{_cell(f):>12}")
    if app.get("stored"):
        lines.append(f"{'stored (reflections/scale)':28}{_cell(tuple(app['stored'].values())):>12}")
    for label, key in (
        ("CPU per tick app/floor", "cpu_per_tick_vs_floor"),
        ("tick p95 app/floor", "tick_p95_vs_floor"),
        ("KB/session app/floor", "kb_per_session_vs_floor"),
    ):
        lines.append(f"{label:28}{_cell(verdict.get(key)):>12}")
    for name, ok in verdict["targets"].items():
        lines.append(f"  {'PASS' if ok else 'FAIL'}  {name}")
    if app.get("error_samples"):
        lines.append("  errors seen: " + "; ".join(app["error_samples"]))
    if app.get("pair_error_samples"):
        lines.append("  pairing errors seen: " + "; ".join(app["pair_error_samples"]))
    return "\n".join(lines)


def _lookup(figures: dict[str, Any], key: str) -> Any:
    for part in key.split("."):
        if not isinstance(figures, dict):
            return None
        figures = figures.get(part)
    return figures


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, tuple):
        return "/".join(str(v) for v in value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--participants", "-n", type=int, nargs="+", default=[100])
    parser.add_argument("--duration", type=float, default=30.0, help="measured seconds")
    parser.add_argument("--submit-share", type=float, default=0.3)
    parser.add_argument(
        "--join-rate", type=float, default=40.0, help="participants joining per second"
    )
    parser.add_argument("--workers", type=int, default=0, help="client processes (0: auto)")
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp folder")
    parser.add_argument("--no-scale", action="store_true", help="stay on the reflection prompt")
    parser.add_argument(
        "--reveal", action="store_true", help="reveal the reflections while more arrive"
    )
    parser.add_argument(
        "--listen",
        action="store_true",
        help="serve server.py; phones hold its long poll and rerun only when told",
    )
    parser.add_argument(
        "--proxy",
        action="store_true",
        help="two listening servers on PostgreSQL behind HAProxy (deploy/haproxy.cfg)",
    )
    parser.add_argument(
        "--paired-share",
        type=float,
        default=0.0,
        help="share of the phones that pair two by two and answer the partner exercise "
        "privately (with --listen)",
    )
    parser.add_argument("--no-floor", action="store_true", help="skip the bare-Streamlit floor")
    parser.add_argument("--no-app", action="store_true", help="run only the floor")
    parser.add_argument("--interval", type=float, default=2.0, help="the floor app's interval")
    parser.add_argument("--timeout", type=float, default=60.0, help="longest wait for one run")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--gc-threshold", default=None, help="the server's gc thresholds, e.g. 700,10,10"
    )
    parser.add_argument("--json", type=Path, default=None, help="write every figure here")
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="sample the server with py-spy through the window; collapsed stacks to PREFIX-*.txt",
    )
    args = parser.parse_args(argv)
    if args.paired_share and not (args.listen or args.proxy):
        parser.error("--paired-share needs --listen: paired phones wait on their pair")
    if args.proxy and not (args.database_url or "").startswith("postgresql"):
        parser.error("--proxy needs --database-url of a PostgreSQL database both servers share")

    report: dict[str, Any] = {"machine": machine(), "runs": []}
    for n in args.participants:
        settings = Settings(
            participants=n,
            interval=args.interval,
            duration=args.duration,
            submit_share=args.submit_share,
            join_rate=args.join_rate,
            workers=args.workers or max(1, math.ceil(n / 400)),
            database_url=args.database_url,
            scale=not args.no_scale,
            run_timeout=args.timeout,
            seed=args.seed,
            profile=args.profile,
            gc_threshold=args.gc_threshold,
            reveal=args.reveal,
            listen=args.listen or args.proxy,
            proxy=args.proxy,
            paired_share=args.paired_share,
        )
        if args.no_app:
            floor = run_scenario("floor", settings)
            print(table(floor, None, {"targets": {}}), flush=True)
            report["runs"].append({"app": None, "floor": floor})
            continue
        app = run_scenario("app", settings)
        floor = None if args.no_floor else run_scenario("floor", settings)
        verdict = compare(app, floor)
        print(table(app, floor, verdict), flush=True)
        print(flush=True)
        report["runs"].append({"app": app, "floor": floor, "compare": verdict})
    report["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
