"""Couples in the room: two phones paired for the partner exercises, and what a couple
exchanges there, kept apart from the room.

A pair holds no name and no time. Its phones are known by an HMAC of their identity under
the workshop secret (:func:`member_marker`), unlike every marker a phone leaves on a prompt,
so nothing links a pair to the answers its phones send to the room. One phone opens a pair
and shows its short code; the other types it in; both then show the same word and colour.

What a couple exchanges on the prompt now on the phones (each partner's answer, the turn
timer, whether they are done) lives in the pair's rows only until the prompt or the stage
changes, the facilitator brings the room back, the pair unpairs or the workshop ends. An
answer's words are stored only when their writer chose to show them to the other; the other
phone reads them only once both partners answered (the reveal). Nothing here is ever shown
to the facilitator: the console and the projector read counts (:func:`counts`).

Each function runs inside a transaction the caller opens (:class:`Pairs` does).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, Row

from workshop.engine import db, identity
from workshop.engine.db import pair_answers, pair_members, pairs
from workshop.engine.errors import AccessDenied, InvalidInput
from workshop.i18n import N_, N_plural

Seat = Literal["A", "B"]
SEATS: tuple[Seat, Seat] = ("A", "B")

CODE_DIGITS = 6
"""A pair code is six digits: easy to type on a phone's number pad, shown as ``482 913``."""

COLOURS = (
    ("Blue", "#1f5fa8"),
    ("Green", "#2e7d32"),
    ("Orange", "#c2530a"),
    ("Purple", "#6a3d9a"),
    ("Red", "#b3261e"),
    ("Teal", "#00796b"),
    ("Pink", "#ad1457"),
    ("Brown", "#6d4c41"),
)
WORDS = ("otter", "heron", "fox", "owl", "whale", "robin", "hare", "lynx")
BADGES = len(COLOURS) * len(WORDS)

STATUSES = frozenset({"shared", "private", "passed"})
"""How a partner answered: shown to the other at the reveal (the only one holding words),
kept to themselves (no words kept), or passed."""

MAX_VALUE_CHARS = 8000
"""The most an answer's stored form may hold (a long reflection, a ranking, as JSON)."""
MAX_TURN_CHARS = 2000

CODE_TRIES = 5
"""Pair codes one phone may type at once, then one more every 12 seconds."""
TOO_MANY_CODES = N_plural(
    "That's a lot of codes in a row. Please wait {count} second, then type the code on your "
    "partner's phone again.",
    "That's a lot of codes in a row. Please wait {count} seconds, then type the code on your "
    "partner's phone again.",
)


class Tries:
    """How fast each phone (and each client address) may type pair codes, in this process's
    memory only (see :class:`identity.JoinLimiter`): a script cannot walk through codes."""

    def __init__(self) -> None:
        self.phones = identity.JoinLimiter(burst=CODE_TRIES, per_minute=5)
        self.addresses = identity.JoinLimiter(burst=30, per_minute=30)

    def take(self, *, code: str, token: str, client: str, now: float) -> float:
        """0 when this try may go ahead, else the seconds to wait."""
        wait = self.phones.take(f"{code}:{token}", now)
        return wait if wait > 0 else self.addresses.take(client, now)


def badge(number: int) -> tuple[str, str, str]:
    """The words and colour both phones of a pair show: ``("Blue otter", "Blue", "#1f5fa8")``."""
    colour, shade = COLOURS[number % len(COLOURS)]
    word = WORDS[(number // len(COLOURS)) % len(WORDS)]
    return f"{colour} {word}", colour, shade


def member_marker(secret: str, token: str) -> str:
    """How a pair knows one of its phones: HMAC-SHA256 of the phone's identity under a key
    of its own derived from the workshop secret. Unlike :func:`privacy.respondent_id` (the
    markers a phone leaves on prompts), so a pair cannot be matched to any answer."""
    key = hmac.new(secret.encode(), b"bedrock:pair-member", hashlib.sha256).digest()
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def normalise_pair_code(typed: object) -> str:
    """A pair code as typed, made comparable (digits only); "" for anything else."""
    if not isinstance(typed, str):
        return ""
    digits = "".join(ch for ch in typed[:40] if ch.isdigit() and ch.isascii())
    return digits if len(digits) == CODE_DIGITS else ""


def show_code(code: str) -> str:
    """A pair code as a phone shows it: ``482 913``."""
    return f"{code[:3]} {code[3:]}"


@dataclass(frozen=True)
class PairView:
    """What one phone of a pair may know: its own seat and answer, the badge, whether the
    partner answered, and the partner's words only once revealed and only if shown."""

    seat: Seat
    word: str
    colour: str
    shade: str
    version: int
    partnered: bool
    pair_code: str | None = None
    """The code this phone shows while it waits for the other (None once paired)."""
    prompt_id: str | None = None
    """The prompt the exchange below belongs to: the one on the phones."""
    mine: str | None = None
    """This phone's status on that prompt (see :data:`STATUSES`), None before it answered."""
    my_value: str | None = None
    """This phone's own words (JSON), when it chose to show them."""
    partner: str | None = None
    """The partner's status: before the reveal only "answered" or "passed"; after it, one
    of :data:`STATUSES`."""
    partner_value: str | None = None
    """The partner's words (JSON), only after the reveal and only when they showed them."""
    revealed: bool = False
    done: bool = False
    turn: str | None = None
    """The couple's own listening-turns timer, as the couple area stores it (JSON)."""
    listen_key: str = ""
    """What the pair's two phones wait on (the server's long poll, ``of=pair``): it tells
    whoever holds it only when the pair's counter moved. Known to the pair's phones only."""


@dataclass(frozen=True)
class Counts:
    """How many couples are paired, and how many of them are done with the exercise on the
    phones: all the console and projector ever learn of pairs."""

    paired: int
    done: int


# ---------------------------------------------------------------------------------------------
# Inside a transaction


def _member(connection: Connection, workshop: Row, token: object) -> Row | None:
    """The pair membership of the phone holding ``token``, or None. Refuses a token the
    server did not issue (InvalidInput)."""
    if not identity.verify(workshop.secret, token):
        raise InvalidInput(N_("This page lost its answer token; please reload it."))
    return connection.execute(
        sa.select(pair_members).where(
            pair_members.c.workshop_id == workshop.id,
            pair_members.c.member == member_marker(workshop.secret, token),
        )
    ).one_or_none()


def _pair(connection: Connection, pair_id: str, *, lock: bool = False) -> Row:
    query = sa.select(pairs).where(pairs.c.id == pair_id)
    if lock and not db.is_sqlite(connection):
        query = query.with_for_update()
    return connection.execute(query).one()


def _view(connection: Connection, workshop: Row, membership: Row) -> PairView:
    pair = _pair(connection, membership.pair_id)
    seats = set(
        connection.scalars(sa.select(pair_members.c.seat).where(pair_members.c.pair_id == pair.id))
    )
    given = {
        row.seat: row
        for row in connection.execute(
            sa.select(pair_answers).where(pair_answers.c.pair_id == pair.id)
        )
    }
    seat = membership.seat
    other = "B" if seat == "A" else "A"
    mine, theirs = given.get(seat), given.get(other)
    revealed = bool(pair.revealed)
    partner = None
    if theirs is not None:
        partner = theirs.status if revealed or theirs.status == "passed" else "answered"
    word, colour, shade = badge(pair.badge)
    return PairView(
        seat=seat,
        word=word,
        colour=colour,
        shade=shade,
        version=pair.version,
        partnered=seats == set(SEATS),
        pair_code=pair.pair_code,
        prompt_id=workshop.current_prompt,
        mine=mine.status if mine else None,
        my_value=mine.value if mine else None,
        partner=partner,
        partner_value=theirs.value if revealed and theirs and theirs.status == "shared" else None,
        revealed=revealed,
        done=bool(pair.done),
        turn=pair.turn,
        listen_key=pair.id,
    )


def _changed(connection: Connection, workshop: Row, pair_id: str, **values: object) -> None:
    """Move the pair's own counter (its phones follow it) and the workshop's version, which
    the console and projector follow for the counts; no other phone is woken."""
    connection.execute(
        pairs.update().where(pairs.c.id == pair_id).values(version=pairs.c.version + 1, **values)
    )
    db.bump(connection, workshop.id, phones=False)


def status(connection: Connection, *, code: str, token: object) -> PairView | None:
    """This phone's pair as it may see it, or None when it is in none. Read-only."""
    workshop = db.find_workshop(connection, code)
    membership = _member(connection, workshop, token)
    return None if membership is None else _view(connection, workshop, membership)


def pair_version(connection: Connection, *, code: str, token: object) -> int | None:
    """The counter of this phone's pair (None when in none): what a paired phone polls."""
    workshop = db.find_workshop(connection, code)
    membership = _member(connection, workshop, token)
    if membership is None:
        return None
    return connection.scalar(sa.select(pairs.c.version).where(pairs.c.id == membership.pair_id))


LISTEN_KEY = re.compile(r"[A-Za-z0-9_-]{16,32}")
"""The shape of a pair's listen key (its random id)."""


def pair_versions(connection: Connection, keys: list[str]) -> dict[str, int]:
    """The counters of several pairs by listen key; keys of no pair are left out. Read-only."""
    wanted = sorted({key for key in keys if LISTEN_KEY.fullmatch(key)})
    if not wanted:
        return {}
    rows = connection.execute(sa.select(pairs.c.id, pairs.c.version).where(pairs.c.id.in_(wanted)))
    return {row.id: row.version for row in rows}


def _free_badge(connection: Connection, workshop_id: int) -> int:
    used = set(
        connection.scalars(sa.select(pairs.c.badge).where(pairs.c.workshop_id == workshop_id))
    )
    free = [n for n in range(BADGES) if n not in used]
    return secrets.choice(free or range(BADGES))


def open_pair(connection: Connection, *, code: str, token: object) -> PairView:
    """Open a pair with this phone in seat A and a fresh pair code for the other phone to
    type; a phone already in a pair gets that pair back."""
    workshop = db.find_workshop(connection, code, lock=True)
    membership = _member(connection, workshop, token)
    if membership is not None:
        return _view(connection, workshop, membership)
    taken = set(
        connection.scalars(
            sa.select(pairs.c.pair_code).where(
                pairs.c.workshop_id == workshop.id, pairs.c.pair_code.is_not(None)
            )
        )
    )
    for _ in range(100):
        pair_code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
        if pair_code not in taken:
            break
    else:  # pragma: no cover - a million codes
        raise InvalidInput(N_("No pair code is free right now; please try again."))
    pair_id = secrets.token_urlsafe(24)[:32]
    connection.execute(
        pairs.insert().values(
            id=pair_id,
            workshop_id=workshop.id,
            pair_code=pair_code,
            badge=_free_badge(connection, workshop.id),
            version=1,
            revealed=False,
            done=False,
            turn=None,
        )
    )
    connection.execute(
        pair_members.insert().values(
            pair_id=pair_id,
            seat="A",
            workshop_id=workshop.id,
            member=member_marker(workshop.secret, token),
        )
    )
    return _view(connection, workshop, _member(connection, workshop, token))


NO_SUCH_CODE = N_(
    "No phone is waiting with that code. Check the digits on your partner's phone, or ask "
    "them to show a new code."
)


def join_pair(connection: Connection, *, code: str, token: object, typed: object) -> PairView:
    """Take seat B of the pair whose first phone shows ``typed``; the code is then used up.
    A phone already paired must unpair first. Raises InvalidInput."""
    workshop = db.find_workshop(connection, code, lock=True)
    membership = _member(connection, workshop, token)
    pair_code = normalise_pair_code(typed)
    if membership is not None:
        pair = _pair(connection, membership.pair_id)
        if pair.pair_code is not None and pair.pair_code == pair_code:
            raise InvalidInput(N_("That's this phone's own code: type it on your partner's phone."))
        if pair.pair_code is None:
            raise InvalidInput(N_("This phone is paired already. Unpair it first."))
        # Waiting with a code of its own: give that up, and join the partner's instead.
        _delete_pair(connection, membership.pair_id)
    if not pair_code:
        raise InvalidInput(N_("A pair code has {digits} digits."), digits=CODE_DIGITS)
    pair = connection.execute(
        sa.select(pairs).where(pairs.c.workshop_id == workshop.id, pairs.c.pair_code == pair_code)
    ).one_or_none()
    if pair is None:
        raise InvalidInput(NO_SUCH_CODE)
    connection.execute(
        pair_members.insert().values(
            pair_id=pair.id,
            seat="B",
            workshop_id=workshop.id,
            member=member_marker(workshop.secret, token),
        )
    )
    _changed(connection, workshop, pair.id, pair_code=None)
    return _view(connection, workshop, _member(connection, workshop, token))


def _delete_pair(connection: Connection, pair_id: str) -> None:
    for table in (pair_answers, pair_members):
        connection.execute(table.delete().where(table.c.pair_id == pair_id))
    connection.execute(pairs.delete().where(pairs.c.id == pair_id))


def leave(connection: Connection, *, code: str, token: object) -> bool:
    """Unpair this phone: the pair and everything the couple exchanged is deleted, and the
    other phone is alone again. Returns whether there was a pair."""
    workshop = db.find_workshop(connection, code, lock=True)
    membership = _member(connection, workshop, token)
    if membership is None:
        return False
    _delete_pair(connection, membership.pair_id)
    db.bump(connection, workshop.id, phones=False)
    return True


def _exchange(connection: Connection, code: str, token: object, prompt_id: object):
    """The locked workshop, this phone's membership and its pair, for a change to the
    exchange on ``prompt_id``, which must be the prompt on the phones, with both phones
    paired."""
    workshop = db.find_workshop(connection, code, lock=True)
    membership = _member(connection, workshop, token)
    if membership is None:
        raise AccessDenied()
    if not isinstance(prompt_id, str) or prompt_id != workshop.current_prompt:
        raise InvalidInput(N_("The room has moved on from this exercise."))
    pair = _pair(connection, membership.pair_id, lock=True)
    seats = connection.scalar(sa.select(sa.func.count()).where(pair_members.c.pair_id == pair.id))
    if seats != 2:
        raise InvalidInput(N_("Your partner's phone is not paired any more."))
    return workshop, membership, pair


def answer(
    connection: Connection,
    *,
    code: str,
    token: object,
    prompt_id: object,
    status: object,
    value: str | None = None,
) -> PairView:
    """Record this phone's answer on the prompt on the phones: ``shared`` with its words
    (``value``, JSON), ``private`` or ``passed`` (any words given are dropped at once, never
    stored). Can be changed until the reveal, which happens as soon as both partners have
    answered; after it, nothing changes. Raises InvalidInput, AccessDenied."""
    workshop, membership, pair = _exchange(connection, code, token, prompt_id)
    if status not in STATUSES:
        raise InvalidInput(N_("Choose to show your answer, keep it, or pass."))
    if status == "shared":
        if not isinstance(value, str) or not value or len(value) > MAX_VALUE_CHARS:
            raise InvalidInput(N_("Please write your answer before showing it."))
    else:
        value = None
    if pair.revealed:
        raise InvalidInput(N_("Your answers have been revealed already."))
    mine = (pair_answers.c.pair_id == pair.id, pair_answers.c.seat == membership.seat)
    connection.execute(pair_answers.delete().where(*mine))
    connection.execute(
        pair_answers.insert().values(
            pair_id=pair.id,
            seat=membership.seat,
            workshop_id=workshop.id,
            status=status,
            value=value,
        )
    )
    answered = connection.scalar(
        sa.select(sa.func.count()).where(pair_answers.c.pair_id == pair.id)
    )
    both = answered == len(SEATS)
    _changed(connection, workshop, pair.id, revealed=both, done=both)
    return _view(connection, workshop, membership)


def set_done(
    connection: Connection, *, code: str, token: object, prompt_id: object, done: bool
) -> PairView:
    """Mark the couple done with the exercise on the phones (a pair-share, their turns), or
    not done after all."""
    workshop, membership, pair = _exchange(connection, code, token, prompt_id)
    if bool(pair.done) != bool(done):
        _changed(connection, workshop, pair.id, done=bool(done))
    return _view(connection, workshop, membership)


def change_turn(
    connection: Connection,
    *,
    code: str,
    token: object,
    prompt_id: object,
    step: Callable[[str | None], tuple[str | None, bool]],
) -> PairView:
    """Apply ``step`` to the couple's turn timer with the pair locked, so both phones can
    drive it: ``step(stored)`` returns the new stored form and whether the turns are over."""
    workshop, membership, pair = _exchange(connection, code, token, prompt_id)
    stored, over = step(pair.turn)
    if stored is not None and (not isinstance(stored, str) or len(stored) > MAX_TURN_CHARS):
        raise InvalidInput(N_("That turn timer cannot be kept."))
    if stored != pair.turn or bool(over) != bool(pair.done):
        _changed(connection, workshop, pair.id, turn=stored, done=bool(over))
    return _view(connection, workshop, membership)


def clear_exchanges(connection: Connection, workshop_id: int) -> None:
    """Forget what every couple of the workshop exchanged on the prompt that was on the
    phones: their answers (words and all), turn timers and done marks. The pairs stay, and
    their counters do not move: every phone redraws for the room's own change (the stage,
    the prompt, the room brought back), and a pair's counter waking both its phones for it
    too would draw them twice."""
    connection.execute(pair_answers.delete().where(pair_answers.c.workshop_id == workshop_id))
    connection.execute(
        pairs.update()
        .where(
            pairs.c.workshop_id == workshop_id,
            sa.or_(pairs.c.revealed.is_(True), pairs.c.done.is_(True), pairs.c.turn.is_not(None)),
        )
        .values(revealed=False, done=False, turn=None)
    )


def counts(connection: Connection, workshop_id: int) -> Counts:
    """Couples paired (both phones in), and how many of them are done with the exercise on
    the phones. Read-only."""
    full = (
        sa.select(pair_members.c.pair_id)
        .where(pair_members.c.workshop_id == workshop_id)
        .group_by(pair_members.c.pair_id)
        .having(sa.func.count() == len(SEATS))
        .subquery()
    )
    paired = connection.scalar(sa.select(sa.func.count()).select_from(full)) or 0
    done = (
        connection.scalar(
            sa.select(sa.func.count())
            .select_from(pairs.join(full, full.c.pair_id == pairs.c.id))
            .where(pairs.c.done.is_(True))
        )
        or 0
    )
    return Counts(paired=paired, done=done)


def scrub(engine: Engine) -> None:
    """Make deleted exchanges unreadable in the files now: truncate SQLite's write-ahead
    log (deleted bytes are zeroed by secure_delete), vacuum PostgreSQL's pair tables."""
    db.checkpoint(engine)
    db.vacuum(engine, db.PAIR_TABLES)


# ---------------------------------------------------------------------------------------------
# For pages: each call one transaction


class Pairs:
    """The pairs of a store's workshops, for phones (``store.pairs``). Every method takes
    the workshop ``code`` and the phone's ``token`` (its identity, see :meth:`Store.join`),
    keyword arguments only; each change moves the pair's version and the workshop's (never
    the phones' version: no other phone is woken)."""

    def __init__(self, engine: Engine, clock: Callable[[], float]) -> None:
        self.engine = engine
        self.clock = clock
        self.tries = Tries()

    def _write(self, work: Callable[[Connection], object]):
        return db.run(self.engine, work, write=True)

    def _read(self, work: Callable[[Connection], object]):
        return db.run(self.engine, work, write=False)

    def status(self, *, code: str, token: object) -> PairView | None:
        """This phone's pair as it may see it; None when it is in none. Read-only."""
        return self._read(lambda c: status(c, code=code, token=token))

    def version(self, *, code: str, token: object) -> int | None:
        """The counter of this phone's pair, None when in none: cheap, for polling.
        Read-only."""
        return self._read(lambda c: pair_version(c, code=code, token=token))

    def versions(self, keys: list[str]) -> dict[str, int]:
        """The counters of the pairs whose listen keys are ``keys`` (:attr:`PairView.listen_key`),
        in one query: what the server's long poll reads for paired phones. Read-only."""
        return self._read(lambda c: pair_versions(c, list(keys)))

    def open(self, *, code: str, token: object) -> PairView:
        """Open a pair and get its code to show (a phone already in one gets that one)."""
        return self._write(lambda c: open_pair(c, code=code, token=token))

    def join(self, *, code: str, token: object, typed: object, client: str = "") -> PairView:
        """Join the pair whose first phone shows the code ``typed``. A phone may type only a
        few codes in a row (:class:`Tries`). Raises InvalidInput (with the wait, when it
        must wait)."""
        wait = self.tries.take(code=str(code), token=str(token), client=client, now=self.clock())
        if wait > 0:
            raise InvalidInput(TOO_MANY_CODES, count=max(1, round(wait)))
        return self._write(lambda c: join_pair(c, code=code, token=token, typed=typed))

    def leave(self, *, code: str, token: object) -> bool:
        """Unpair: the pair and all the couple exchanged is deleted, and scrubbed from the
        database files. Returns whether this phone was in a pair."""
        left = self._write(lambda c: leave(c, code=code, token=token))
        if left:
            scrub(self.engine)
        return left

    def answer(
        self, *, code: str, token: object, prompt_id: object, status: object, value=None
    ) -> PairView:
        """Answer the partner exercise on the phones: ``shared`` (with ``value``, JSON),
        ``private`` or ``passed`` (see :func:`answer`)."""
        return self._write(
            lambda c: answer(
                c, code=code, token=token, prompt_id=prompt_id, status=status, value=value
            )
        )

    def set_done(self, *, code: str, token: object, prompt_id: object, done: bool) -> PairView:
        """Mark the couple done with the exercise on the phones (or not)."""
        return self._write(
            lambda c: set_done(c, code=code, token=token, prompt_id=prompt_id, done=done)
        )

    def change_turn(
        self,
        *,
        code: str,
        token: object,
        prompt_id: object,
        step: Callable[[str | None], tuple[str | None, bool]],
    ) -> PairView:
        """Change the couple's turn timer (see :func:`change_turn`)."""
        return self._write(
            lambda c: change_turn(c, code=code, token=token, prompt_id=prompt_id, step=step)
        )
