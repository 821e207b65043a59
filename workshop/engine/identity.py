"""Who counts as one phone: identities minted and signed by the server, how fast one client
address may be given new ones, and how many texts one phone may send and how fast.

A phone's identity is a random nonce and the server's signature of it. The browser keeps it
(see ``components/device.py``) so that a reloaded phone is still the same person; a token
the server did not sign is never counted, so a script cannot become many people by making
up tokens. What a script can still do is ask for new identities, one per new session: that
is rate-limited per client address here, and every identity handed out is added to the
workshop's count of phones that joined, which the console shows beside the count of people
who answered.

The rate limits live in this process's memory only, keyed by an HMAC of the address under a
key drawn when the process starts, so no address is kept in the clear, nothing survives a
restart, and nothing reaches the database. Everything here is pure except for that memory,
the randomness of :mod:`secrets`, and the ``now`` callers pass in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import threading
from dataclasses import dataclass

TEXTS_PER_PROMPT = 5
"""The most texts one phone can send to one prompt."""
SECONDS_BETWEEN_TEXTS = 3.0
"""After the first few, the least time between two texts from one phone: about as fast as
a person types."""
TEXTS_AT_ONCE = 2
"""Texts one phone may send back to back (a word, then another) before the pace applies."""

JOIN_BURST = 80
"""New identities one client address may be given at once: a room of 40 couples with a
phone each behind one venue router."""
JOIN_PER_MINUTE = 20.0
"""New identities one client address may be given each minute after the burst."""

TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}")
"""A nonce of 256 random bits and its HMAC-SHA256 signature, as URL-safe base64."""


def signing_key(workshop_secret: str) -> bytes:
    """The key phone identities of one workshop are signed with, derived from its secret.

    The only place this key is derived: to sign with a key kept outside the database
    instead, change this function alone (existing phones then simply join again)."""
    return hmac.new(workshop_secret.encode(), b"bedrock:phone-identity", hashlib.sha256).digest()


def _signature(workshop_secret: str, nonce: str) -> str:
    digest = hmac.new(signing_key(workshop_secret), nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def mint(workshop_secret: str) -> str:
    """A new phone identity for the workshop: ``nonce.signature``."""
    nonce = secrets.token_urlsafe(32)
    return f"{nonce}.{_signature(workshop_secret, nonce)}"


def verify(workshop_secret: str, token: object) -> bool:
    """Whether ``token`` is an identity this server minted for this workshop (constant-time
    comparison of the signature)."""
    if not isinstance(token, str) or not TOKEN_PATTERN.fullmatch(token):
        return False
    nonce, signature = token.split(".")
    return hmac.compare_digest(_signature(workshop_secret, nonce), signature)


@dataclass
class _Bucket:
    tokens: float
    at: float


class JoinLimiter:
    """New identities per client address: a token bucket of ``burst`` that refills at
    ``per_minute``. Thread-safe; addresses are kept only as keyed hashes, and full buckets
    are forgotten."""

    def __init__(self, *, burst: int = JOIN_BURST, per_minute: float = JOIN_PER_MINUTE) -> None:
        self.burst = burst
        self.rate = per_minute / 60.0
        self._key = secrets.token_bytes(32)
        self._buckets: dict[bytes, _Bucket] = {}
        self._lock = threading.Lock()

    def _name(self, client: str) -> bytes:
        return hmac.new(self._key, client.encode(), hashlib.sha256).digest()

    def take(self, client: str, now: float) -> float:
        """Take one new identity for ``client`` at ``now``: 0 when given, else the seconds
        until one can be."""
        name = self._name(client)
        with self._lock:
            self._forget_full(now)
            bucket = self._buckets.get(name) or _Bucket(tokens=float(self.burst), at=now)
            tokens = min(float(self.burst), bucket.tokens + max(0.0, now - bucket.at) * self.rate)
            if tokens < 1.0:
                self._buckets[name] = _Bucket(tokens=tokens, at=now)
                return (1.0 - tokens) / self.rate
            self._buckets[name] = _Bucket(tokens=tokens - 1.0, at=now)
            return 0.0

    def _forget_full(self, now: float) -> None:
        refill = self.burst / self.rate
        stale = [name for name, b in self._buckets.items() if now - b.at >= refill]
        for name in stale:
            del self._buckets[name]

    def __len__(self) -> int:
        return len(self._buckets)


class SendPace:
    """How fast each phone sends texts: ``burst`` back to back (a person who sends a word
    and then another), then one every ``gap`` seconds. Thread-safe; phones are kept only as
    keyed hashes, and phones that could send a full burst again are forgotten."""

    def __init__(self, *, gap: float = SECONDS_BETWEEN_TEXTS, burst: int = TEXTS_AT_ONCE) -> None:
        self.gap = gap
        self.burst = burst
        self._key = secrets.token_bytes(32)
        self._phones: dict[bytes, _Bucket] = {}
        self._lock = threading.Lock()

    def _name(self, workshop: str, token: str) -> bytes:
        return hmac.new(self._key, f"{workshop}:{token}".encode(), hashlib.sha256).digest()

    def _tokens(self, bucket: _Bucket | None, now: float) -> float:
        if bucket is None:
            return float(self.burst)
        if self.gap <= 0:
            return float(self.burst)
        return min(float(self.burst), bucket.tokens + max(0.0, now - bucket.at) / self.gap)

    def claim(self, workshop: str, token: str, now: float) -> tuple[float, _Bucket | None]:
        """Claim a send for this phone at ``now``. Returns ``(wait, before)``: ``wait`` is 0
        when it may send now (the claim is then recorded; pass ``before`` to :meth:`release`
        if the send fails), else the seconds left to wait."""
        name = self._name(workshop, token)
        with self._lock:
            full = [n for n, b in self._phones.items() if self._tokens(b, now) >= self.burst]
            for old in full:
                del self._phones[old]
            before = self._phones.get(name)
            tokens = self._tokens(before, now)
            if tokens < 1.0:
                return (1.0 - tokens) * self.gap, before
            self._phones[name] = _Bucket(tokens=tokens - 1.0, at=now)
            return 0.0, before

    def release(self, workshop: str, token: str, before: _Bucket | None) -> None:
        """Undo the last claim for this phone, whose send did not go through."""
        name = self._name(workshop, token)
        with self._lock:
            if before is None:
                self._phones.pop(name, None)
            else:
                self._phones[name] = before
