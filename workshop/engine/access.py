"""Throttling by client: wrong passcodes, unknown join codes, organiser passcodes and new
workshops, counted per client address rather than per workshop.

Counting per workshop let anyone who knew a join code lock its counsellor out with a few wrong
passcodes. Here a client's failures slow down that client only, with a growing wait: after
``free`` failures the client waits ``first_wait`` seconds before each further try, twice as
long after each further failure, up to ``longest_wait``. After ``forget`` quiet seconds (counted
from the last failure, or from the end of the last wait) the client starts over.

A client is its address (behind a proxy, the address the proxy says it forwarded; see
:func:`client_label`), so every browser session from one address shares one tally, and the
tallies live in the database, so every app server shares them. The address is never stored:
only an HMAC of it under the server key (:func:`client_key`), in a row that is deleted once it
is forgotten, within minutes. One tally is read, changed and written by one transaction at a
time (SQLite's write lock; a PostgreSQL advisory lock per client), so parallel tries from one
client cannot slip past the limit.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from workshop.engine import db
from workshop.engine.db import client_throttle
from workshop.engine.errors import TooManyAttempts


@dataclass(frozen=True)
class Policy:
    """How many failures one client may have, and how it is slowed down after them."""

    scope: str
    """What is counted: ``passcode``, ``lookup``, ``organiser`` or ``create``."""
    free: int
    """Failures in a row allowed without a wait; the last of them starts the first wait."""
    first_wait: float
    """Seconds to wait after ``free`` failures; each further failure doubles it."""
    longest_wait: float
    forget: float
    """Quiet seconds after which a client's failures are forgotten."""


PASSCODE = Policy("passcode", free=5, first_wait=30.0, longest_wait=900.0, forget=600.0)
"""Wrong passcodes (or unknown codes) on the console's reopen form."""
LOOKUP = Policy("lookup", free=20, first_wait=30.0, longest_wait=900.0, forget=600.0)
"""Unknown join codes on the join page: generous, since a room of phones behind one venue
router shares an address and some will mistype."""
ORGANISER = Policy("organiser", free=5, first_wait=30.0, longest_wait=900.0, forget=600.0)
"""Wrong organiser passcodes before creating a workshop."""
CREATE = Policy("create", free=10, first_wait=60.0, longest_wait=900.0, forget=600.0)
"""New workshops: every one counts."""


@dataclass(frozen=True)
class Tally:
    """One client's failures under one policy. Pure: the caller passes ``now``."""

    failures: int = 0
    last_at: float = 0.0
    wait_until: float = 0.0

    def wait(self, now: float) -> float:
        """Seconds before the client may try again (0 when it may now)."""
        return max(0.0, self.wait_until - now)

    def expires_at(self, policy: Policy) -> float:
        """When this tally is forgotten if nothing more happens."""
        return max(self.last_at, self.wait_until) + policy.forget

    def current(self, policy: Policy, now: float) -> Tally:
        """This tally as it stands at ``now``: empty once forgotten."""
        return Tally() if self.failures and now >= self.expires_at(policy) else self

    def failed(self, policy: Policy, now: float) -> Tally:
        """The tally after one more failure at ``now``."""
        failures = self.current(policy, now).failures + 1
        wait_until = self.wait_until
        if failures >= policy.free:
            wait = policy.first_wait * 2 ** min(failures - policy.free, 30)
            wait_until = now + min(policy.longest_wait, wait)
        return Tally(failures=failures, last_at=now, wait_until=wait_until)


# -- clients -------------------------------------------------------------------------------


def client_label(address: str | None) -> str:
    """What identifies a client: its IP address; for IPv6 its /64 network, since one
    household or phone is handed a whole /64. No address (a connection from this machine)
    is ``local``; anything that is not an address is kept as given."""
    if not address:
        return "local"
    try:
        parsed = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return address.strip()[:200]
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def forwarded_address(headers: dict[str, str], header: str) -> str | None:
    """The client's address as a proxy forwarded it in ``header``: for a list (as in
    ``X-Forwarded-For``) the last entry, the one the proxy in front of us added."""
    value = next((v for k, v in headers.items() if k.lower() == header.lower()), "")
    entries = [part.strip() for part in value.split(",") if part.strip()]
    return entries[-1] if entries else None


def client_key(server_key: bytes, client: str) -> str:
    """The stored form of a client: an HMAC of its label under the server key (128 bits as
    hex), so the database names no address, and a copy of it cannot be matched against a
    list of addresses."""
    message = f"bedrock:client:{client_label(client)}".encode()
    return hmac.new(server_key, message, hashlib.sha256).hexdigest()[:32]


# -- tallies in the database ----------------------------------------------------------------


def _lock(connection: Connection, policy: Policy, client: str) -> None:
    """Hold this client's tally until the transaction ends. SQLite writers already take the
    database's write lock up front; PostgreSQL takes an advisory lock for the client."""
    if db.is_sqlite(connection):
        return
    digest = hashlib.sha256(f"{policy.scope}:{client}".encode()).digest()
    connection.execute(
        sa.select(sa.func.pg_advisory_xact_lock(int.from_bytes(digest[:8], "big", signed=True)))
    )


def read(connection: Connection, policy: Policy, client: str, now: float) -> Tally:
    """The client's tally under ``policy`` at ``now`` (locked until the transaction ends, in a
    write transaction). Reads one row."""
    _lock(connection, policy, client)
    row = connection.execute(
        sa.select(client_throttle).where(
            client_throttle.c.scope == policy.scope, client_throttle.c.client == client
        )
    ).one_or_none()
    if row is None:
        return Tally()
    tally = Tally(failures=row.failures, last_at=row.last_at, wait_until=row.wait_until)
    return tally.current(policy, now)


def write(connection: Connection, policy: Policy, client: str, tally: Tally, now: float) -> None:
    """Store the client's tally (none at all when it is empty), and delete every tally that
    has been forgotten by now."""
    connection.execute(client_throttle.delete().where(client_throttle.c.expires_at <= now))
    where = (client_throttle.c.scope == policy.scope) & (client_throttle.c.client == client)
    if tally == Tally():
        connection.execute(client_throttle.delete().where(where))
        return
    values = {
        "failures": tally.failures,
        "last_at": tally.last_at,
        "wait_until": tally.wait_until,
        "expires_at": tally.expires_at(policy),
    }
    if connection.execute(client_throttle.update().where(where).values(values)).rowcount == 0:
        connection.execute(
            client_throttle.insert().values(scope=policy.scope, client=client, **values)
        )


def check(connection: Connection, policy: Policy, client: str, now: float) -> Tally:
    """The client's tally; raises TooManyAttempts while the client must wait."""
    tally = read(connection, policy, client, now)
    if tally.wait(now) > 0:
        raise TooManyAttempts(tally.wait(now))
    return tally


def count(connection: Connection, policy: Policy, client: str, now: float) -> tuple[Tally, Tally]:
    """Refuse (TooManyAttempts) while the client must wait, else count one failure (or, for
    :data:`CREATE`, one workshop); returns the tally from before and after it."""
    before = check(connection, policy, client, now)
    after = before.failed(policy, now)
    write(connection, policy, client, after, now)
    return before, after


def refund(
    connection: Connection, policy: Policy, client: str, *, counted: tuple[Tally, Tally], now: float
) -> None:
    """Take back one failure counted by :func:`count` that turned out not to be one (the
    right passcode): the tally goes back to how it was if nothing else was counted meanwhile,
    else it loses one failure. A right passcode does not wipe the client's other failures, so
    a guesser cannot start over by opening a workshop of their own."""
    before, after = counted
    current = read(connection, policy, client, now)
    if current == after:
        write(connection, policy, client, before.current(policy, now), now)
    elif current.failures > 0:
        lighter = Tally(current.failures - 1, current.last_at, current.wait_until)
        write(connection, policy, client, lighter, now)
