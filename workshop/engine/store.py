"""The workshop engine's storage: workshops, stages, timers, reflections and answers.

The database is the only truth, so any app server reaching it can serve any page. Every change
bumps the workshop's ``version``; screens poll :meth:`Store.version` and re-read only when it
moved. Facilitator actions need the facilitator key, derived from a per-workshop secret; the
screen key (same derivation, another label) only opens the projector view.

Privacy: reflections carry no participant key and no time, under random ids; who wrote on a
prompt is kept apart as one HMAC of the prompt and a browser token per person, with nothing
pointing at a reflection; answers carry an HMAC of the prompt and a browser token, so one
phone's answers cannot be matched across prompts. Ending a workshop deletes its rows; on
SQLite the bytes are scrubbed, on PostgreSQL the tables are vacuumed.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import cache, partial
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from workshop.engine import (
    access,
    console,
    db,
    identity,
    limits,
    pairs,
    privacy,
    responses,
    serverkey,
)
from workshop.engine import timer as timers
from workshop.engine.db import prompts, stages, workshops
from workshop.engine.errors import (
    AccessDenied,
    InvalidInput,
    StorageUnavailable,
    TooManyPhones,
    WorkshopEnded,
    WorkshopNotFound,
)
from workshop.engine.records import (
    ANSWER_KINDS,
    KINDS,
    TEXT_KINDS,
    Created,
    PromptSpec,
    Queue,
    Reflection,
    Results,
    StagePlan,
    StageState,
    WorkshopState,
    check_plan,
)
from workshop.engine.timer import Timer
from workshop.i18n import N_, N_plural

__all__ = [
    "ANSWER_KINDS",
    "KINDS",
    "TEXT_KINDS",
    "Created",
    "PromptSpec",
    "Queue",
    "Reflection",
    "Results",
    "StagePlan",
    "StageState",
    "Store",
    "WorkshopState",
]

MIN_PASSCODE = 4
TITLE_PROBLEMS = {
    N_("Please send text."): N_("Workshop title: Please send text."),
    N_("Please write something before sending."): N_(
        "Workshop title: Please write something before sending."
    ),
    N_("Please keep it to {most} characters or fewer (this has {length})."): N_(
        "Workshop title: Please keep it to {most} characters or fewer (this has {length})."
    ),
}
"""What a workshop's title was refused for, by what :func:`privacy.clean_text` said."""

_UNUSED_SECRET = privacy.new_secret()
"""Checked against in place of a workshop's secret when a code is not in use, so that both
take the same work."""


@cache
def _unused_hash() -> str:
    """A passcode hash no passcode matches, checked in place of a workshop's when a code is
    not in use, so that both take the same time."""
    return privacy.hash_passcode(privacy.new_secret())


class Store:
    """Workshops in a database at ``url`` (else env ``DATABASE_URL``, else
    ``sqlite:///data/bedrock.db``). Opening a store applies any missing migrations.
    ``clock`` gives the time in epoch seconds for timers, stage times and throttling.
    ``server_key`` is the secret kept outside the database that every key is derived from
    (default: :func:`serverkey.load`, which raises ServerKeyMissing when there is none).

    Every public method takes keyword arguments only and is safe to call from many threads.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        clock: Callable[[], float] = time.time,
        server_key: bytes | str | None = None,
    ) -> None:
        self.url = db.normalise_url(url)
        self.clock = clock
        if server_key is None:
            server_key = serverkey.load(self.url)
        self._server_key = server_key.encode() if isinstance(server_key, str) else server_key
        self.engine = db.make_engine(self.url, server_key=self._server_key)
        self.joins = identity.JoinLimiter()
        """New phone identities per client address, in this process."""
        self.pace = identity.SendPace()
        """When each phone last sent a text, in this process."""
        self.pairs = pairs.Pairs(self.engine, clock)
        """Phones paired for the couple exercises, and what the couples exchange there."""
        try:
            db.migrate(self.engine)
        except BaseException:
            self.engine.dispose()
            raise

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def listen_for_changes(
        self, changed: Callable[[], None], stop: Callable[[], bool], *, every: float = 1.0
    ) -> bool:
        """Call ``changed()`` whenever any server commits a change to a workshop, until
        ``stop()`` (PostgreSQL's LISTEN; see :func:`db.listen_for_changes`). Returns False
        at once when the database cannot announce changes (SQLite)."""
        return db.listen_for_changes(self.engine, changed, stop, every=every)

    # -- helpers --------------------------------------------------------------------------

    def _key(self, secret: str, label: str) -> str:
        """A workshop's key for ``label``, from its secret and this server's key."""
        return privacy.derive_key(secret, label, server_key=self._server_key)

    def _write(self, work: Callable[[Connection], Any]) -> Any:
        return db.run(self.engine, work, write=True)

    def _read(self, work: Callable[[Connection], Any]) -> Any:
        return db.run(self.engine, work, write=False)

    def _act(self, code: object, key: object, change: Callable[..., dict[str, Any] | None]):
        """Run a facilitator change: ``change(connection, row, now)`` returns the workshop
        columns to set (``{}`` when only other tables changed, None when nothing changed)."""
        now = self.clock()

        def work(connection: Connection) -> None:
            row = db.facilitator_workshop(connection, code, key, lock=True)
            values = change(connection, row, now)
            if values is not None:
                db.bump(connection, row.id, **values)

        self._write(work)

    def _forget_write_order(self, code: object) -> None:
        """Reshuffle the workshop's stored answers, markers and reflections
        (:func:`db.reshuffle`), then truncate SQLite's write-ahead log or vacuum those
        PostgreSQL tables, so the order in which people wrote no longer shows in the
        database. Runs after each stage change, prompt change, reveal and taking down. The
        facilitator's change is already saved by then: when the database cannot take the
        rewrite right now, it is left to the next step rather than reported as a failure."""

        def work(connection: Connection) -> None:
            db.reshuffle(connection, db.find_workshop(connection, code, lock=True).id)

        try:
            self._write(work)
        except StorageUnavailable:
            return
        db.checkpoint(self.engine)
        db.vacuum(self.engine, db.ORDERED_TABLES + db.PAIR_TABLES)

    # -- creating and opening -------------------------------------------------------------

    def create_workshop(
        self,
        *,
        title: str,
        stages: Sequence[StagePlan],
        passcode: str,
        min_reveal: int = 3,
        support_text: str = "",
        client: str | None = None,
    ) -> Created:
        """Create a live workshop on its first stage, with a fresh join code unique among
        stored workshops. Writes the workshop, its stages and prompts. Raises InvalidInput,
        also for any number outside :mod:`workshop.engine.limits`.

        ``client`` is the web client asking (an address; see :func:`access.client_label`):
        each one may create 10 workshops, then waits before each further one, longer each
        time (:data:`access.CREATE`), and TooManyAttempts says how long. None (the command
        line, tests) is not limited."""
        try:
            clean_title = privacy.clean_text(title, max_chars=120)
        except InvalidInput as problem:
            title_problem = TITLE_PROBLEMS.get(problem.message, problem.message)
            raise InvalidInput(title_problem, **problem.params) from None
        support = "" if not support_text else privacy.clean_text(support_text, max_chars=2000)
        if not isinstance(passcode, str) or not MIN_PASSCODE <= len(passcode) <= 200:
            raise InvalidInput(f"Please choose a passcode of at least {MIN_PASSCODE} characters.")
        threshold = limits.reveal_threshold(min_reveal)
        plan, specs = check_plan(stages)
        secret = privacy.new_secret()
        passcode_hash = privacy.hash_passcode(passcode)  # slow on purpose: outside the lock
        now = self.clock()
        today = datetime.fromtimestamp(now, UTC).date()

        client_id = None if client is None else access.client_key(self._server_key, client)

        def work(connection: Connection) -> str:
            if client_id is not None:  # counted with the workshop: a failed insert counts not
                access.count(connection, access.CREATE, client_id, now)
            for _ in range(50):
                code = privacy.new_code()
                taken = connection.scalar(sa.select(workshops.c.id).where(workshops.c.code == code))
                if taken is None:
                    break
            else:  # pragma: no cover - 244 million codes
                raise InvalidInput("No join code is free right now; please try again.")
            workshop_id = connection.execute(
                workshops.insert()
                .values(
                    code=code,
                    status="live",
                    version=1,
                    title=clean_title,
                    support_text=support,
                    min_reveal=threshold,
                    secret=secret,
                    passcode_hash=passcode_hash,
                    created_on=today,
                    stage_index=0,
                    stage_started_at=now,
                    current_prompt=None,
                    timer_duration=0.0,
                    attempt_failures=0,
                    lockouts=0,
                    slide_index=0,
                    phones_joined=0,
                    gathered=False,
                )
                .returning(workshops.c.id)
            ).scalar_one()
            connection.execute(
                db.stages.insert(),
                [
                    {
                        "workshop_id": workshop_id,
                        "position": position,
                        "module_id": stage.module_id,
                        "title": stage.title,
                        "minutes": float(stage.minutes),
                        "elapsed": 0.0,
                        "prompt_ids": json.dumps([p.id for p in stage.prompts]),
                    }
                    for position, stage in enumerate(plan)
                ],
            )
            if specs:
                connection.execute(
                    prompts.insert(),
                    [
                        {
                            "workshop_id": workshop_id,
                            "prompt_id": spec.id,
                            "seq": seq,
                            "kind": spec.kind,
                            "title": spec.title,
                            "min_reveal": spec.min_reveal,
                            "sensitive": spec.sensitive,
                            "options": json.dumps(list(spec.options)),
                            "scale_min": spec.scale_min,
                            "scale_max": spec.scale_max,
                            "max_chars": spec.max_chars,
                            "revealed": False,
                            "shared": False,
                            "taken_down": False,
                        }
                        for seq, spec in enumerate(specs)
                    ],
                )
            return code

        for attempt in range(3):
            try:
                code = self._write(work)
                break
            except sa.exc.IntegrityError:  # another server took the same code just now
                if attempt == 2:
                    raise
        return Created(
            code=code,
            facilitator_key=self._key(secret, "facilitator"),
            screen_key=self._key(secret, "screen"),
            recovery_key=privacy.recovery_key(secret, code=code, server_key=self._server_key),
        )

    def check_organiser(self, *, typed: str, required: str, client: str | None = None) -> None:
        """Check the organiser passcode (``BEDROCK_ORGANISER_PASSCODE``) someone typed before
        creating a workshop, in constant time. Wrong ones are counted per ``client`` (None:
        this machine): after 5 that client waits, longer each time (:data:`access.ORGANISER`).
        Raises AccessDenied, TooManyAttempts. Writes the client's tally."""
        now = self.clock()
        client_id = access.client_key(self._server_key, client or "local")
        counted = self._write(
            partial(access.count, policy=access.ORGANISER, client=client_id, now=now)
        )
        if not privacy.same_secret(typed, required):
            raise AccessDenied()
        self._write(
            partial(
                access.refund, policy=access.ORGANISER, client=client_id, counted=counted, now=now
            )
        )

    def open_console(self, *, code: str, passcode: str, client: str | None = None) -> str:
        """The facilitator key, for the right passcode. Tries are counted per ``client`` (an
        address, see :func:`access.client_label`; None: this machine), never per workshop:
        after 5 wrong passcodes or unknown codes that client waits, longer each time (see
        :data:`access.PASSCODE`), and nobody else does. A right passcode does not count.

        Raises AccessDenied for a wrong passcode and for an unknown code alike, after the
        same passcode check (so neither the answer nor its time tells whether a code is in
        use); TooManyAttempts while the client waits; WorkshopEnded. Writes the client's
        tally, never the workshop."""
        now = self.clock()
        client_id = access.client_key(self._server_key, client or "local")

        def reserve(connection: Connection) -> tuple[Any, tuple[access.Tally, access.Tally]]:
            counted = access.count(connection, access.PASSCODE, client_id, now)
            try:
                row = db.find_workshop(connection, code)
            except WorkshopNotFound:
                row = None
            return row, counted

        row, counted = self._write(reserve)
        # Slow on purpose, and the same work for an unknown code: outside any transaction.
        right = privacy.verify_passcode(passcode, row.passcode_hash if row else _unused_hash())
        if row is None or not right:
            raise AccessDenied()
        self._write(
            partial(
                access.refund, policy=access.PASSCODE, client=client_id, counted=counted, now=now
            )
        )
        return self._key(row.secret, "facilitator")

    def look_up(self, *, code: str, client: str | None = None) -> None:
        """Let ``client`` (an address, see :func:`access.client_label`; None: this machine)
        find workshop ``code``, once per page that has not shown it yet. A code that cannot be
        one is refused before any lookup. Unknown codes are counted per client, across every
        session and server: after 20 the client waits before each further lookup, longer each
        time (:data:`access.LOOKUP`), and while it waits it learns nothing, not even that a
        code is in use. Raises WorkshopNotFound, TooManyAttempts, WorkshopEnded. Writes the
        client's tally after an unknown code; otherwise writes nothing."""
        if not privacy.is_code(code):
            raise WorkshopNotFound()
        now = self.clock()
        client_id = access.client_key(self._server_key, client or "local")

        def work(connection: Connection) -> WorkshopNotFound | None:
            tally = access.check(connection, access.LOOKUP, client_id, now)
            try:
                db.find_workshop(connection, code)
            except WorkshopNotFound as unknown:
                access.write(
                    connection, access.LOOKUP, client_id, tally.failed(access.LOOKUP, now), now
                )
                return unknown  # raised once the count is committed
            return None

        unknown = self._write(work)
        if unknown is not None:
            raise unknown

    def open_with_recovery_key(self, *, recovery_key: str) -> tuple[str, str]:
        """The join code and facilitator key for a workshop's recovery key (printed when it
        was created). Never throttled, so nobody's wrong tries can keep a counsellor out: the
        key carries 120 random bits, too many to guess, and a wrong one is refused the same
        way and after the same work whether or not its code is in use. Raises AccessDenied
        (also for an ended workshop, whose secret is gone). Read-only."""
        parts = privacy.split_recovery_key(recovery_key)
        code = parts[0] if parts else "ACDEFG"

        def work(connection: Connection) -> Any:
            try:
                return db.find_workshop(connection, code)
            except (WorkshopNotFound, WorkshopEnded):
                return None

        row = self._read(work)
        secret = row.secret if row is not None else _UNUSED_SECRET
        right = privacy.recovery_matches(secret, typed=recovery_key, server_key=self._server_key)
        if row is None or parts is None or not right:
            raise AccessDenied()
        return row.code, self._key(row.secret, "facilitator")

    # -- for the operator, from the command line ------------------------------------------

    def operator_open(self, *, code: str, passcode: str) -> str:
        """The facilitator key for the workshop's passcode or recovery key, checked without
        the online throttle: this is for the command line, run by someone who holds the
        database and the server key (and could try passcodes against the stored hash at any
        speed anyway). Raises AccessDenied, WorkshopNotFound, WorkshopEnded. Read-only."""
        row = self._read(lambda c: db.find_workshop(c, code))
        recovered = privacy.recovery_matches(
            row.secret, typed=passcode, server_key=self._server_key
        )
        if not recovered and not privacy.verify_passcode(passcode, row.passcode_hash):
            raise AccessDenied()
        return self._key(row.secret, "facilitator")

    def operator_key(self, *, code: str) -> str:
        """The facilitator key of a live workshop, from the database and the server key alone:
        for the command line (``bedrock end``), never for a page. Raises WorkshopNotFound,
        WorkshopEnded. Read-only."""
        row = self._read(lambda c: db.find_workshop(c, code))
        return self._key(row.secret, "facilitator")

    def recovery_key(self, *, code: str) -> str:
        """The recovery key of a live workshop, from the database and the server key alone:
        for the command line (``bedrock recover``), never for a page. Raises WorkshopNotFound,
        WorkshopEnded. Read-only."""
        row = self._read(lambda c: db.find_workshop(c, code))
        return privacy.recovery_key(row.secret, code=row.code, server_key=self._server_key)

    def check_facilitator(self, *, code: str, key: str) -> None:
        """Raises AccessDenied unless ``key`` is this workshop's facilitator key (a screen
        key is refused). Also WorkshopNotFound / WorkshopEnded. Read-only."""
        self._read(lambda c: db.facilitator_workshop(c, code, key))

    def check_screen(self, *, code: str, screen_key: str) -> None:
        """Raises AccessDenied unless ``screen_key`` is this workshop's screen key. Also
        WorkshopNotFound / WorkshopEnded. Read-only."""

        def work(connection: Connection) -> None:
            row = db.find_workshop(connection, code)
            if not privacy.key_matches(
                secret=row.secret, label="screen", key=screen_key, server_key=self._server_key
            ):
                raise AccessDenied()

        self._read(work)

    def screen_key(self, *, code: str, key: str) -> str:
        """The screen key, for the facilitator (to open the projector view again). Read-only."""
        row = self._read(lambda c: db.facilitator_workshop(c, code, key))
        return self._key(row.secret, "screen")

    # -- reading --------------------------------------------------------------------------

    def phones_joined(self, *, code: str) -> int:
        """How many phones have joined the workshop: one small query, for the console, which
        reads it fresh because joining does not move the version. Raises WorkshopNotFound.
        Read-only."""
        return self._read(lambda c: db.find_workshop(c, code).phones_joined)

    def version(self, *, code: str) -> int:
        """The workshop's change counter: one indexed query. An ended workshop still answers
        (its version moved when it ended), so a polling screen notices and calls
        :meth:`state`. Raises WorkshopNotFound. Read-only."""
        if not privacy.is_code(code):
            raise WorkshopNotFound()
        found = self._read(
            lambda c: c.scalar(
                sa.select(workshops.c.version).where(
                    workshops.c.code == privacy.normalise_code(code)
                )
            )
        )
        if found is None:
            raise WorkshopNotFound()
        return found

    def versions(self, *, codes: Sequence[str], phones: bool = False) -> dict[str, int]:
        """The change counters of several workshops in one query, by code; codes of no
        workshop are left out. ``phones``: the counter of what phones draw (see
        :attr:`WorkshopState.phones_version`) instead of every change. Read-only."""
        wanted = sorted({privacy.normalise_code(code) for code in codes})
        if not wanted:
            return {}
        counter = workshops.c.phones_version if phones else workshops.c.version
        rows = self._read(
            lambda c: c.execute(
                sa.select(workshops.c.code, counter.label("n")).where(workshops.c.code.in_(wanted))
            ).all()
        )
        return {row.code: row.n for row in rows}

    def schema_current(self) -> bool:
        """Whether the database answers and holds every migration this Bedrock knows.
        Raises StorageUnavailable when it cannot be reached. Read-only."""
        return db.schema_version(self.engine) == db.LATEST

    def state(self, *, code: str) -> WorkshopState:
        """Everything a page needs to draw the workshop. Raises WorkshopNotFound /
        WorkshopEnded. Read-only."""
        if not privacy.is_code(code):
            raise WorkshopNotFound()

        def work(connection: Connection) -> WorkshopState:
            # The workshop row first: the other tables are then at least as new as the
            # version returned, so a poller never misses a change.
            row = db.find_workshop(connection, code)
            stage_rows = connection.execute(
                sa.select(stages).where(stages.c.workshop_id == row.id).order_by(stages.c.position)
            ).all()
            prompt_rows = connection.execute(
                sa.select(prompts).where(prompts.c.workshop_id == row.id).order_by(prompts.c.seq)
            ).all()
            return WorkshopState(
                code=row.code,
                title=row.title,
                status=row.status,
                version=row.version,
                phones_version=row.phones_version,
                stage_index=row.stage_index,
                stages=tuple(
                    StageState(
                        index=s.position,
                        module_id=s.module_id,
                        title=s.title,
                        minutes=s.minutes,
                        elapsed=s.elapsed,
                        prompt_ids=tuple(json.loads(s.prompt_ids)),
                    )
                    for s in stage_rows
                ),
                current_prompt=row.current_prompt,
                timer=console.timer_of(row),
                revealed=frozenset(p.prompt_id for p in prompt_rows if p.revealed),
                min_reveal=row.min_reveal,
                support_text=row.support_text,
                prompts={p.prompt_id: responses.spec_from_row(p) for p in prompt_rows},
                stage_started_at=row.stage_started_at,
                slide_index=row.slide_index,
                phones_joined=row.phones_joined,
                taken_down=frozenset(p.prompt_id for p in prompt_rows if p.taken_down),
                wall_page=row.wall_page,
                gathered=bool(row.gathered),
                couples=pairs.counts(connection, row.id),
            )

        return self._read(work)

    # -- moving through the workshop ------------------------------------------------------

    def go_to_stage(self, *, code: str, key: str, index: int) -> None:
        """Make stage ``index`` (from 0) the current one: its clock starts, its first slide
        shows, no prompt, nothing revealed, idle timer. Bumps the version when it changes."""
        target = console.stage_at(console.whole(index))
        self._act(code, key, partial(console.move, target=target))
        self._forget_write_order(code)

    def next_stage(self, *, code: str, key: str) -> None:
        """Move to the next stage (as :meth:`go_to_stage`). Raises InvalidInput on the last
        one. Bumps the version."""
        self._act(code, key, partial(console.move, target=console.next_stage))
        self._forget_write_order(code)

    def previous_stage(self, *, code: str, key: str) -> None:
        """Move back one stage (as :meth:`go_to_stage`). Raises InvalidInput on the first
        one. Bumps the version."""
        self._act(code, key, partial(console.move, target=console.previous_stage))
        self._forget_write_order(code)

    def set_slide(self, *, code: str, key: str, index: int) -> None:
        """Show slide ``index`` (from 0) of the current stage; pages keep it within the
        stage's slides. Bumps the version when it changes."""
        self._act(code, key, partial(console.slide, index=console.whole(index)))

    def set_wall_page(self, *, code: str, key: str, page: int | None) -> None:
        """Hold page ``page`` (from 0) of a long wall on the projector, or None: let the
        pages turn by time again. Another stage or prompt lets them turn again too. Bumps the
        version when it changes."""
        held = None if page is None else console.whole(page)
        self._act(code, key, partial(console.wall_page, page=held))

    def set_prompt(self, *, code: str, key: str, prompt_id: str | None) -> None:
        """Put a prompt on everyone's phone (None: none). A change takes every revealed
        result off the wall (to be revealed again on purpose). Bumps the version when it
        changes."""
        self._act(code, key, partial(console.prompt, prompt_id=prompt_id))
        self._forget_write_order(code)

    def bring_room_back(self, *, code: str, key: str) -> None:
        """End the partner exercise on every phone: no prompt on the phones, results off
        the wall, and every couple's exchange (answers, words, turn timers) deleted and
        scrubbed from the files; phones then say it is time to come back together. Bumps the
        version."""
        self._act(code, key, console.gather)
        self._forget_write_order(code)

    def _timer(self, code: str, key: str, step: Callable[[Timer, float], Timer]) -> None:
        self._act(code, key, partial(console.timer, step=step))

    def timer_start(self, *, code: str, key: str, seconds: float) -> None:
        """Start the shared timer for ``seconds`` from now. Bumps the version."""
        span = console.seconds(seconds, positive=True)
        self._timer(code, key, lambda t, now: timers.start(t, seconds=span, now=now))

    def timer_pause(self, *, code: str, key: str) -> None:
        """Pause the running timer. Bumps the version."""
        self._timer(code, key, lambda t, now: timers.pause(t, now=now))

    def timer_resume(self, *, code: str, key: str) -> None:
        """Resume the paused timer. Bumps the version."""
        self._timer(code, key, lambda t, now: timers.resume(t, now=now))

    def timer_extend(self, *, code: str, key: str, seconds: float) -> None:
        """Add seconds to the timer (negative: take away, never below zero left); a timer
        that is over runs again. Bumps the version."""
        span = console.seconds(seconds, positive=False)
        self._timer(code, key, lambda t, now: timers.extend(t, seconds=span, now=now))

    def timer_reset(self, *, code: str, key: str) -> None:
        """Stop the timer and return it to idle. Bumps the version."""
        self._timer(code, key, lambda t, _now: timers.reset(t))

    # -- what participants send -----------------------------------------------------------

    def join(self, *, code: str, offered: object = None, client: str = "") -> str:
        """This phone's identity in the workshop: ``offered`` when the server issued it for
        this workshop (a phone that reloaded), else a newly minted one, which adds one to
        the workshop's phones joined (without moving its version; see :meth:`phones_joined`).
        New identities are limited per ``client`` address (see :class:`identity.JoinLimiter`): raises TooManyPhones with the
        seconds to wait when this address had too many just now. Also WorkshopNotFound /
        WorkshopEnded."""
        secret = self._read(lambda c: db.find_workshop(c, code).secret)
        if identity.verify(secret, offered):
            return offered
        wait = self.joins.take(str(client), self.clock())
        if wait > 0:
            raise TooManyPhones(wait)

        def work(connection: Connection) -> str:
            row = db.find_workshop(connection, code, lock=True)
            # Not a change any screen draws: counting a phone leaves the version alone, so a
            # room filling up does not wake every waiting phone once per arrival.
            connection.execute(
                workshops.update()
                .where(workshops.c.id == row.id)
                .values(phones_joined=workshops.c.phones_joined + 1)
            )
            return identity.mint(row.secret)

        return self._write(work)

    def submit_reflection(self, *, code: str, prompt_id: str, token: str, text: str) -> str:
        """Store a reflection, word or timed-writing list (cleaned; see
        :func:`privacy.clean_text`) under a new random id, with no participant key and no
        time, and return that id. ``token`` is the browser's answer token: an HMAC of it and
        the prompt is kept, apart from the text, so that a browser sending several texts
        counts as one person towards the reveal threshold. While the prompt's results are
        revealed the text is held back, hidden, until the facilitator shows it. Raises
        InvalidInput for an empty or too long text, a token this server did not issue (see
        :meth:`join`), a prompt that takes a choice, a phone's text sent faster than
        :class:`identity.SendPace` allows, or one beyond the
        :data:`identity.TEXTS_PER_PROMPT` a phone may send to a prompt. Bumps the version."""
        now = self.clock()
        where = privacy.normalise_code(code)
        wait, before = self.pace.claim(where, str(token), now)
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            raise InvalidInput(
                N_plural(
                    "That was quick: please wait {count} second before sending another "
                    "answer. Your words are still here.",
                    "That was quick: please wait {count} seconds before sending another "
                    "answer. Your words are still here.",
                ),
                count=seconds,
            )
        try:
            sent = {"code": code, "prompt_id": prompt_id, "token": token, "text": text}
            self._write(partial(responses.note_writer, **sent))
            return self._write(partial(responses.submit, **sent))
        except BaseException:
            self.pace.release(where, str(token), before)
            raise

    def answer(self, *, code: str, prompt_id: str, token: str, value: object) -> None:
        """Record this browser's answer to a scale (int), choice (str) or ranking (every
        option once, in order); answering again replaces it. Only an HMAC of the prompt and
        ``token`` is stored, different on every prompt. Raises InvalidInput for a value the
        prompt does not accept or a token this server did not issue (see :meth:`join`).
        Bumps the version."""
        self._write(
            partial(responses.answer, code=code, prompt_id=prompt_id, token=token, value=value)
        )

    def sent_by(self, *, code: str, prompt_id: str, token: object) -> int:
        """How many answers this phone (``token``) sent to the prompt: its texts, or 1 for
        an answer it gave to a scale, choice or ranking; 0 for none or a token the server did
        not issue. Read from the phone's marker alone, so a reloaded phone can say what it
        sent; nothing new is stored. Read-only."""
        return self._read(partial(responses.sent_by, code=code, prompt_id=prompt_id, token=token))

    def response_count(self, *, code: str, prompt_id: str) -> int:
        """Visible reflections (texts, however many people wrote them), or answers (one per
        browser), on a prompt. The reveal threshold counts people instead: see
        :attr:`Results.count`. Read-only."""
        return self._read(partial(responses.count, code=code, prompt_id=prompt_id))

    # -- what the facilitator does with it ------------------------------------------------

    def moderation_queue(self, *, code: str, key: str, prompt_id: str) -> list[Reflection]:
        """Every reflection on a text prompt, hidden and held ones included, in a random
        order that stays the same between calls. Read-only."""
        return self._read(partial(responses.queue, code=code, key=key, prompt_id=prompt_id))

    def moderation_page(
        self,
        *,
        code: str,
        key: str,
        prompt_id: str,
        new_limit: int = 20,
        seen_offset: int = 0,
        seen_limit: int = 20,
    ) -> Queue:
        """A bounded page of a text prompt's moderation queue (see :class:`Queue`): at most
        ``new_limit`` texts held back since the reveal and ``seen_limit`` others from
        ``seen_offset``, with the totals, so the console stays the same size whatever
        arrives. Read-only."""
        return self._read(
            partial(
                responses.queue_page,
                code=code,
                key=key,
                prompt_id=prompt_id,
                new_limit=console.whole(new_limit),
                seen_offset=console.whole(seen_offset),
                seen_limit=console.whole(seen_limit),
            )
        )

    def show_all_new(self, *, code: str, key: str, prompt_id: str) -> int:
        """Put every text held back since the reveal on the wall at once; returns how many.
        Bumps the version when there were any."""
        return self._write(
            partial(responses.settle_held, code=code, key=key, prompt_id=prompt_id, show=True)
        )

    def keep_all_new_hidden(self, *, code: str, key: str, prompt_id: str) -> int:
        """Keep every text held back since the reveal off the wall, at once (each can still
        be restored from the queue); returns how many. Bumps the version when there were
        any."""
        return self._write(
            partial(responses.settle_held, code=code, key=key, prompt_id=prompt_id, show=False)
        )

    def hide_reflection(
        self, *, code: str, key: str, reflection_id: str, hidden: bool = True
    ) -> None:
        """Hide a reflection from results and from the reveal count (``hidden=False`` shows
        it, also one held back since the reveal). Either way it is no longer held. Bumps the
        version."""
        self._write(
            partial(responses.hide, code=code, key=key, reflection_id=reflection_id, hidden=hidden)
        )

    def reveal(self, *, code: str, key: str, prompt_id: str) -> None:
        """Put a prompt's results on the screen, and count them as shared with the room.
        Raises BelowThreshold while fewer people than needed have responded (see
        :attr:`Results.count`). Bumps the version."""
        self._write(
            partial(responses.set_revealed, code=code, key=key, prompt_id=prompt_id, revealed=True)
        )
        self._forget_write_order(code)

    def unreveal(self, *, code: str, key: str, prompt_id: str) -> None:
        """Take a prompt's results off the screen; they no longer count as shared. Bumps
        the version."""
        self._write(
            partial(responses.set_revealed, code=code, key=key, prompt_id=prompt_id, revealed=False)
        )
        self._forget_write_order(code)

    def results(self, *, code: str, prompt_id: str) -> Results:
        """A prompt's results (see :class:`Results`): below the threshold only the count of
        people and "fewer than N"; reflections in random order without times; hidden and
        held ones never; ``shared`` for results the room was shown and that were not taken
        down on purpose. Read-only."""
        return self._read(partial(responses.results, code=code, prompt_id=prompt_id))

    # -- deleting -------------------------------------------------------------------------

    def end_workshop(self, *, code: str, key: str) -> None:
        """Delete everything the workshop holds: stages, prompts, reflections and their
        writers, answers, its title, support text, secret and passcode. Only a marker stays
        (code, created day, status "ended", version) so screens still polling learn that it
        ended; :meth:`purge` removes it later. On SQLite the freed bytes are zeroed
        (secure_delete) and the write-ahead log is checkpointed and truncated, so no text
        stays in the files. On PostgreSQL the tables are vacuumed (:func:`db.vacuum`) so the
        deleted rows' space is reclaimed at once. Bumps the version."""

        self._act(code, key, console.end)
        db.checkpoint(self.engine)
        db.vacuum(self.engine)

    def purge(self, *, older_than_days: int) -> int:
        """Delete every workshop, live or ended, created more than ``older_than_days`` days
        before today (UTC), with all its rows, and scrub the bytes as :meth:`end_workshop`
        does. Returns how many workshops were deleted."""
        days = limits.purge_days(older_than_days)
        today = datetime.fromtimestamp(self.clock(), UTC).date()
        cutoff = today - timedelta(days=days)

        def work(connection: Connection) -> int:
            ids = list(
                connection.scalars(sa.select(workshops.c.id).where(workshops.c.created_on < cutoff))
            )
            if ids:
                db.delete_rows(connection, ids)
                connection.execute(workshops.delete().where(workshops.c.id.in_(ids)))
                db.announce_change(connection)
            return len(ids)

        deleted = self._write(work)
        if deleted:
            db.checkpoint(self.engine)
            db.vacuum(self.engine)
        return deleted
