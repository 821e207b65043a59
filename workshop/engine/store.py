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
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from workshop.engine import access, console, db, limits, privacy, responses
from workshop.engine import timer as timers
from workshop.engine.db import prompts, stages, workshops
from workshop.engine.errors import AccessDenied, InvalidInput, WorkshopNotFound
from workshop.engine.records import (
    ANSWER_KINDS,
    KINDS,
    TEXT_KINDS,
    Created,
    PromptSpec,
    Reflection,
    Results,
    StagePlan,
    StageState,
    WorkshopState,
    check_plan,
)
from workshop.engine.timer import Timer

__all__ = [
    "ANSWER_KINDS",
    "KINDS",
    "TEXT_KINDS",
    "Created",
    "PromptSpec",
    "Reflection",
    "Results",
    "StagePlan",
    "StageState",
    "Store",
    "WorkshopState",
]

MIN_PASSCODE = 4


class Store:
    """Workshops in a database at ``url`` (else env ``DATABASE_URL``, else
    ``sqlite:///data/bedrock.db``). Opening a store applies any missing migrations.
    ``clock`` gives the time in epoch seconds for timers, stage times and throttling.

    Every public method takes keyword arguments only and is safe to call from many threads.
    """

    def __init__(self, url: str | None = None, *, clock: Callable[[], float] = time.time) -> None:
        self.url = db.normalise_url(url)
        self.clock = clock
        self.engine = db.make_engine(self.url)
        try:
            db.migrate(self.engine)
        except BaseException:
            self.engine.dispose()
            raise

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    # -- helpers --------------------------------------------------------------------------

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

    # -- creating and opening -------------------------------------------------------------

    def create_workshop(
        self,
        *,
        title: str,
        stages: Sequence[StagePlan],
        passcode: str,
        min_reveal: int = 3,
        support_text: str = "",
    ) -> Created:
        """Create a live workshop on its first stage, with a fresh join code unique among
        stored workshops. Writes the workshop, its stages and prompts. Raises InvalidInput,
        also for any number outside :mod:`workshop.engine.limits`."""
        try:
            clean_title = privacy.clean_text(title, max_chars=120)
        except InvalidInput as problem:
            raise InvalidInput(f"Workshop title: {problem.message}") from None
        support = "" if not support_text else privacy.clean_text(support_text, max_chars=2000)
        if not isinstance(passcode, str) or not MIN_PASSCODE <= len(passcode) <= 200:
            raise InvalidInput(f"Please choose a passcode of at least {MIN_PASSCODE} characters.")
        threshold = limits.reveal_threshold(min_reveal)
        plan, specs = check_plan(stages)
        secret = privacy.new_secret()
        passcode_hash = privacy.hash_passcode(passcode)  # slow on purpose: outside the lock
        now = self.clock()
        today = datetime.fromtimestamp(now, UTC).date()

        def work(connection: Connection) -> str:
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
            facilitator_key=privacy.derive_key(secret, "facilitator"),
            screen_key=privacy.derive_key(secret, "screen"),
        )

    def open_console(self, *, code: str, passcode: str) -> str:
        """The facilitator key, for the right passcode. Raises AccessDenied, or
        TooManyAttempts after 5 wrong passcodes within a minute (see :mod:`workshop.engine.access`
        for the waits), WorkshopNotFound, WorkshopEnded. Writes the try counters."""
        now = self.clock()
        workshop_id, secret, stored = self._write(partial(access.reserve_try, code=code, now=now))
        right = privacy.verify_passcode(passcode, stored)
        self._write(partial(access.settle_try, workshop_id=workshop_id, right=right, now=now))
        if not right:
            raise AccessDenied()
        return privacy.derive_key(secret, "facilitator")

    def check_facilitator(self, *, code: str, key: str) -> None:
        """Raises AccessDenied unless ``key`` is this workshop's facilitator key (a screen
        key is refused). Also WorkshopNotFound / WorkshopEnded. Read-only."""
        self._read(lambda c: db.facilitator_workshop(c, code, key))

    def check_screen(self, *, code: str, screen_key: str) -> None:
        """Raises AccessDenied unless ``screen_key`` is this workshop's screen key. Also
        WorkshopNotFound / WorkshopEnded. Read-only."""

        def work(connection: Connection) -> None:
            row = db.find_workshop(connection, code)
            if not privacy.key_matches(secret=row.secret, label="screen", key=screen_key):
                raise AccessDenied()

        self._read(work)

    def screen_key(self, *, code: str, key: str) -> str:
        """The screen key, for the facilitator (to open the projector view again). Read-only."""
        row = self._read(lambda c: db.facilitator_workshop(c, code, key))
        return privacy.derive_key(row.secret, "screen")

    # -- reading --------------------------------------------------------------------------

    def version(self, *, code: str) -> int:
        """The workshop's change counter: one indexed query. An ended workshop still answers
        (its version moved when it ended), so a polling screen notices and calls
        :meth:`state`. Raises WorkshopNotFound. Read-only."""
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

    def state(self, *, code: str) -> WorkshopState:
        """Everything a page needs to draw the workshop. Raises WorkshopNotFound /
        WorkshopEnded. Read-only."""

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
            )

        return self._read(work)

    # -- moving through the workshop ------------------------------------------------------

    def go_to_stage(self, *, code: str, key: str, index: int) -> None:
        """Make stage ``index`` (from 0) the current one: its clock starts, its first slide
        shows, no prompt, nothing revealed, idle timer. Bumps the version when it changes."""
        target = console.stage_at(console.whole(index))
        self._act(code, key, partial(console.move, target=target))

    def next_stage(self, *, code: str, key: str) -> None:
        """Move to the next stage (as :meth:`go_to_stage`). Raises InvalidInput on the last
        one. Bumps the version."""
        self._act(code, key, partial(console.move, target=console.next_stage))

    def previous_stage(self, *, code: str, key: str) -> None:
        """Move back one stage (as :meth:`go_to_stage`). Raises InvalidInput on the first
        one. Bumps the version."""
        self._act(code, key, partial(console.move, target=console.previous_stage))

    def set_slide(self, *, code: str, key: str, index: int) -> None:
        """Show slide ``index`` (from 0) of the current stage; pages keep it within the
        stage's slides. Bumps the version when it changes."""
        self._act(code, key, partial(console.slide, index=console.whole(index)))

    def set_prompt(self, *, code: str, key: str, prompt_id: str | None) -> None:
        """Put a prompt on everyone's phone (None: none). A change takes every revealed
        result off the wall (to be revealed again on purpose). Bumps the version when it
        changes."""
        self._act(code, key, partial(console.prompt, prompt_id=prompt_id))

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

    def submit_reflection(self, *, code: str, prompt_id: str, token: str, text: str) -> str:
        """Store a reflection, word or timed-writing list (cleaned; see
        :func:`privacy.clean_text`) under a new random id, with no participant key and no
        time, and return that id. ``token`` is the browser's answer token: an HMAC of it and
        the prompt is kept, apart from the text, so that a browser sending several texts
        counts as one person towards the reveal threshold. While the prompt's results are
        revealed the text is held back, hidden, until the facilitator shows it. Raises
        InvalidInput for an empty or too long text, a missing token or a prompt that takes a
        choice. Bumps the version."""
        return self._write(
            partial(responses.submit, code=code, prompt_id=prompt_id, token=token, text=text)
        )

    def answer(self, *, code: str, prompt_id: str, token: str, value: object) -> None:
        """Record this browser's answer to a scale (int), choice (str) or ranking (every
        option once, in order); answering again replaces it. Only an HMAC of the prompt and
        ``token`` is stored, different on every prompt. Raises InvalidInput for a value the
        prompt does not accept. Bumps the version."""
        self._write(
            partial(responses.answer, code=code, prompt_id=prompt_id, token=token, value=value)
        )

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

    def unreveal(self, *, code: str, key: str, prompt_id: str) -> None:
        """Take a prompt's results off the screen; they no longer count as shared. Bumps
        the version."""
        self._write(
            partial(responses.set_revealed, code=code, key=key, prompt_id=prompt_id, revealed=False)
        )

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
            return len(ids)

        deleted = self._write(work)
        if deleted:
            db.checkpoint(self.engine)
            db.vacuum(self.engine)
        return deleted
