"""The HTTP routes Bedrock adds beside Streamlit's own, and the lifespan that runs the
process's version watcher.

- ``GET /api/health``: 200 when the database answers and holds every migration, else 503;
  for a load balancer's health checks. Says nothing else.
- ``GET /api/wait?code=ABC123&seen=17&hold=25``: a long poll for phones and projectors.
  Answers ``{"version": N}`` as soon as the workshop's version differs from ``seen``, or
  after ``hold`` seconds (at most 25) without a change. It reveals nothing but that number.
  A code of no workshop is held just as long and answered ``{"version": null}``, and counts
  against the asking address like an unknown code on the join page: after five in a minute
  the address is refused (429) for a minute, then for twice as long each time.
  With ``of=phone`` the number is the workshop's phone version instead, which moves only
  with what a phone draws, so answers arriving from the room do not wake every phone.
  With ``of=pair&pair=<listen key>`` it is the counter of one pair of phones (couples in the
  room), which moves only when one of its two phones does something: the key is known only
  to those two phones, and an unknown one counts against the address like an unknown code.
  While the database cannot be read the answer is 503, so the screen polls (and says it is
  reconnecting) until it can.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from workshop.engine import live
from workshop.engine.errors import BedrockError
from workshop.engine.pairs import LISTEN_KEY
from workshop.engine.privacy import normalise_code
from workshop.engine.store import Store
from workshop.server.watcher import VersionWatcher

log = logging.getLogger(__name__)
T = TypeVar("T")

WAIT_PATH = "/api/wait"
HEALTH_PATH = "/api/health"
LONGEST_HOLD = 25.0
"""Seconds a quiet long poll is held: below the usual 30-60 s proxy and mobile-network idle
timeouts, so the connection is answered before anything in between gives up on it."""
MAX_CODE = 12
NO_STORE = {"Cache-Control": "no-store"}
UNKNOWN_TRIES = 5
"""Unknown codes one address may ask about within ``TRY_WINDOW`` seconds before it waits."""
TRY_WINDOW = 60.0
FIRST_WAIT = 60.0
LONGEST_WAIT = 3600.0
LISTEN_RETRY_SECONDS = 5.0
"""How soon a server tries again to hear the database's change notices after losing them."""
WATCH_EVERY_SETTING = "BEDROCK_WATCH_EVERY"
"""Seconds between the watcher's reads (default 1). On PostgreSQL, where the database says
when something changed, the rounds are only a safety net and may be slower."""


def watch_every() -> float:
    """The watcher's round from the environment: 1 s unless set to a number from 0.1 to
    3600."""
    text = os.environ.get(WATCH_EVERY_SETTING, "").strip()
    try:
        value = float(text) if text else 1.0
    except ValueError:
        value = 1.0
    return value if 0.1 <= value <= 3600 else 1.0


@dataclass(frozen=True)
class LookupThrottle:
    """Unknown codes asked about from one address. Pure: the caller passes ``now``. Up to
    ``UNKNOWN_TRIES`` within ``TRY_WINDOW`` seconds; the next starts a wait of ``FIRST_WAIT``
    seconds, doubling with each further run, up to ``LONGEST_WAIT``."""

    failures: tuple[float, ...] = ()
    locked_until: float = 0.0
    lockouts: int = 0

    def wait(self, now: float) -> float:
        """Seconds before another code may be asked about (0 when one may be now)."""
        return max(0.0, self.locked_until - now)

    def failed(self, now: float) -> LookupThrottle:
        """The throttle after one more unknown code at ``now``."""
        recent = tuple(t for t in self.failures if 0 <= now - t < TRY_WINDOW) + (now,)
        if len(recent) < UNKNOWN_TRIES:
            return replace(self, failures=recent)
        wait = min(LONGEST_WAIT, FIRST_WAIT * 2**self.lockouts)
        return LookupThrottle(locked_until=now + wait, lockouts=self.lockouts + 1)


class AddressThrottle:
    """Unknown workshop codes asked about per client address, in this process's memory only
    (addresses are never written anywhere). At most ``limit`` addresses are remembered;
    beyond that the oldest is forgotten first."""

    def __init__(self, *, limit: int = 10_000) -> None:
        self.limit = limit
        self._by_address: dict[str, LookupThrottle] = {}

    def wait(self, address: str, now: float) -> float:
        """Seconds this address must wait before asking again (0 when it may ask now)."""
        throttle = self._by_address.get(address)
        return throttle.wait(now) if throttle else 0.0

    def failed(self, address: str, now: float) -> None:
        """Count one unknown code from ``address``."""
        throttle = self._by_address.pop(address, LookupThrottle())
        self._by_address[address] = throttle.failed(now)
        while len(self._by_address) > self.limit:
            self._by_address.pop(next(iter(self._by_address)))


class Listening:
    """What the routes share within one server process: the store, the watcher, the
    throttle. The store is opened on first need, so a server started while the database is
    away comes up, reports itself unhealthy, and recovers on its own."""

    def __init__(self, *, url: str | None = None, every: float | None = None) -> None:
        self.url = url
        self._store: Store | None = None
        every = watch_every() if every is None else every
        # A version seen to move makes this process's screens read that workshop afresh.
        self.watcher = VersionWatcher(self._read_versions, every=every, on_moved=live.moved)
        """Every change: for projectors."""
        self.phone_watcher = VersionWatcher(
            partial(self._read_versions, phones=True), every=every, on_moved=live.moved
        )
        """What phones draw (``of=phone``): one more small query a round while phones wait."""
        self.pair_watcher = VersionWatcher(self._read_pairs, every=every, normalise=str)
        """Pairs of phones (``of=pair``): one more small query a round while a pair waits."""
        self.throttle = AddressThrottle()

    def store(self) -> Store:
        """The process's store for these routes (blocking; call from a worker thread)."""
        if self._store is None:
            self._store = Store(self.url)
        return self._store

    def _read_versions(self, codes: list[str], *, phones: bool = False) -> dict[str, int]:
        return self.store().versions(codes=codes, phones=phones)

    def _read_pairs(self, keys: list[str]) -> dict[str, int]:
        return self.store().pairs.versions(keys)

    def watchers(self) -> tuple[VersionWatcher, VersionWatcher, VersionWatcher]:
        return self.watcher, self.phone_watcher, self.pair_watcher

    def close(self) -> None:
        """Close the store's pooled connections."""
        if self._store is not None:
            self._store.close()

    def routes(self) -> list[Route]:
        """Bedrock's own routes, to serve beside Streamlit's."""
        return [
            Route(HEALTH_PATH, partial(health, self), methods=["GET", "HEAD"]),
            Route(WAIT_PATH, partial(wait_for_change, self), methods=["GET"]),
        ]

    def _listen(self, loop: asyncio.AbstractEventLoop, stopping: threading.Event) -> None:
        """The thread that hears the database announce changes (PostgreSQL) and nudges the
        watcher. A lost connection is tried again a few seconds later; meanwhile the
        watcher's own rounds keep screens up to date. Returns at once on SQLite."""

        def changed() -> None:
            for watcher in self.watchers():
                loop.call_soon_threadsafe(watcher.nudge)

        while not stopping.is_set():
            try:
                if not self.store().listen_for_changes(changed, stopping.is_set):
                    return
            except Exception as error:  # the database away: try again, never stop serving
                log.warning("listening for changes failed (%s)", type(error).__name__)
                stopping.wait(LISTEN_RETRY_SECONDS)

    @asynccontextmanager
    async def lifespan(self, _app: Any) -> AsyncIterator[None]:
        """For ``st.App``: runs the watcher, and on PostgreSQL the thread that hears other
        servers' changes, while the server is up."""
        tasks = [
            asyncio.create_task(watcher.run(), name=f"bedrock-version-watcher-{n}")
            for n, watcher in enumerate(self.watchers())
        ]
        stopping = threading.Event()
        listener = threading.Thread(
            target=self._listen,
            args=(asyncio.get_running_loop(), stopping),
            name="bedrock-change-listener",
            daemon=True,
        )
        listener.start()
        try:
            yield None
        finally:
            stopping.set()
            for task in tasks:
                task.cancel()
                with suppress(asyncio.CancelledError):
                    await task
            await asyncio.to_thread(listener.join, LISTEN_RETRY_SECONDS)
            await asyncio.to_thread(self.close)


def client_address(request: Request) -> str:
    """The address a request came from. Behind a proxy on a trusted address (uvicorn's
    ``FORWARDED_ALLOW_IPS``, 127.0.0.1 by default) this is the address the proxy forwarded."""
    return request.client.host if request.client else "unknown"


def _number(text: str | None) -> int | None:
    if text is None or not text.lstrip("-").isdigit() or len(text) > 18:
        return None
    return int(text)


async def wait_for_change(listening: Listening, request: Request) -> Response:
    """The long poll. Read-only."""
    now = time.time()
    address = client_address(request)
    refused_for = listening.throttle.wait(address, now)
    if refused_for > 0:
        return JSONResponse(
            {"version": None},
            status_code=429,
            headers={**NO_STORE, "Retry-After": str(int(refused_for) + 1)},
        )
    of = request.query_params.get("of")
    if of == "pair":
        code = request.query_params.get("pair", "")
        code = code if LISTEN_KEY.fullmatch(code) else ""
        watcher = listening.pair_watcher
    else:
        code = normalise_code(request.query_params.get("code", ""))[:MAX_CODE]
        watcher = listening.phone_watcher if of == "phone" else listening.watcher
    seen = _number(request.query_params.get("seen"))
    hold = _number(request.query_params.get("hold"))
    hold_seconds = LONGEST_HOLD if hold is None else min(LONGEST_HOLD, max(1.0, float(hold)))
    try:
        version = await watcher.known(code) if code else None
    except BedrockError:
        return JSONResponse({"version": None}, status_code=503, headers=NO_STORE)
    if version is None:
        listening.throttle.failed(address, time.time())
        await _unless_gone(request, asyncio.sleep(hold_seconds))
        return JSONResponse({"version": None}, headers=NO_STORE)
    held = await _unless_gone(request, watcher.wait(code, seen=seen, hold=hold_seconds))
    if held is _GONE:  # nobody is left to answer
        return Response(status_code=204, headers=NO_STORE)
    version = held
    if not watcher.reachable:  # the round that woke it could not read: the screen polls
        return JSONResponse({"version": None}, status_code=503, headers=NO_STORE)
    return JSONResponse({"version": version}, headers=NO_STORE)


_GONE = object()


async def _unless_gone(request: Request, work: Coroutine[Any, Any, T]) -> T | object:
    """What ``work`` returns, or ``_GONE`` as soon as the browser that asked goes away (a
    tab closed, a phone that lost its network): a held request ends with it rather than at
    the end of its hold, so a server being stopped is not kept waiting by screens that have
    already left."""
    job = asyncio.ensure_future(work)
    gone = asyncio.ensure_future(_disconnected(request))
    try:
        await asyncio.wait({job, gone}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (job, gone):
            if not task.done():
                task.cancel()
                with suppress(asyncio.CancelledError):
                    await task
    return job.result() if job.done() and not job.cancelled() else _GONE


async def _disconnected(request: Request) -> None:
    """Returns once the client has closed the connection."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


async def health(listening: Listening, request: Request) -> Response:
    """200 "ok" when the database answers and its schema is current; 503 otherwise."""
    try:
        current = await asyncio.wait_for(
            asyncio.to_thread(lambda: listening.store().schema_current()), timeout=5
        )
    except Exception:  # unreachable, timed out, or unreadable: simply not healthy
        current = False
    if current:
        return Response("ok\n", media_type="text/plain", headers=NO_STORE)
    return Response("unavailable\n", status_code=503, media_type="text/plain", headers=NO_STORE)
