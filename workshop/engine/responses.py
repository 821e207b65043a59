"""What participants send and what the room sees: reflections, answers, moderation, reveal
and results. Each function runs inside a transaction the store opens and retries.

Reflections are stored under random ids with no participant key and no time, and come back
ordered by that id: a random order unrelated to who wrote what or when, and stable between
refreshes so a revealed wall does not jump about. Who wrote on a prompt is kept apart, as one
marker per person (an HMAC of the prompt and the browser's token) with nothing that points
at a reflection, so the reveal threshold counts people rather than texts.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Row

from workshop.engine import db, identity, privacy
from workshop.engine.db import answers, prompts, reflection_writers, reflections
from workshop.engine.errors import BelowThreshold, InvalidInput
from workshop.engine.records import (
    ANSWER_KINDS,
    TEXT_KINDS,
    PromptSpec,
    Queue,
    Reflection,
    Results,
    check_answer,
    tally,
)
from workshop.i18n import N_


def spec_from_row(row: Row) -> PromptSpec:
    """The PromptSpec stored in a ``prompts`` row."""
    return PromptSpec(
        id=row.prompt_id,
        kind=row.kind,
        title=row.title,
        min_reveal=row.min_reveal,
        sensitive=bool(row.sensitive),
        options=tuple(json.loads(row.options)),
        scale_min=row.scale_min,
        scale_max=row.scale_max,
        max_chars=row.max_chars,
    )


def _needed(workshop: Row, prompt: Row) -> int:
    return privacy.reveal_threshold(
        min_reveal=prompt.min_reveal, sensitive=bool(prompt.sensitive), default=workshop.min_reveal
    )


def _visible_texts(connection: Connection, workshop_id: int, prompt_id: str) -> list[str]:
    return list(
        connection.scalars(
            sa.select(reflections.c.text)
            .where(
                reflections.c.workshop_id == workshop_id,
                reflections.c.prompt_id == prompt_id,
                reflections.c.hidden.is_(False),
            )
            .order_by(reflections.c.id)
        )
    )


def _rows(connection: Connection, table: sa.Table, workshop_id: int, prompt_id: str, *where):
    return connection.scalar(
        sa.select(sa.func.count())
        .select_from(table)
        .where(table.c.workshop_id == workshop_id, table.c.prompt_id == prompt_id, *where)
    )


def _visible(connection: Connection, workshop_id: int, prompt_id: str) -> int:
    return _rows(connection, reflections, workshop_id, prompt_id, reflections.c.hidden.is_(False))


def _count(connection: Connection, workshop: Row, prompt: Row) -> int:
    """People who responded: answers (one per voter), or for written prompts the writers,
    capped at the visible reflections (hidden ones do not count, and a phone that wrote
    several texts counts once); never more than the phones that joined the workshop.
    Exercises that collect nothing have none."""
    if prompt.kind in TEXT_KINDS:
        writers = _rows(connection, reflection_writers, workshop.id, prompt.prompt_id)
        people = min(writers, _visible(connection, workshop.id, prompt.prompt_id))
    elif prompt.kind in ANSWER_KINDS:
        people = _rows(connection, answers, workshop.id, prompt.prompt_id)
    else:
        return 0
    return min(people, workshop.phones_joined)


def _check_token(workshop: Row, token: object) -> str:
    """``token`` if this server issued it for this workshop (see :mod:`identity`); a token
    made up by a browser or a script is refused, so it can never count as a person."""
    if not identity.verify(workshop.secret, token):
        raise InvalidInput(N_("This page lost its answer token; please reload it."))
    return token


def keep_wall_rule(connection: Connection, workshop: Row, prompt_id: str) -> bool:
    """The wall's rule, at every moment: if the prompt's results are on the wall but fewer
    people than its threshold now count (texts hidden, say), take them down and mark the
    prompt ``taken_down`` so the console can say why. Returns whether it did."""
    prompt = db.find_prompt(connection, workshop.id, prompt_id)
    if not prompt.revealed or _count(connection, workshop, prompt) >= _needed(workshop, prompt):
        return False
    connection.execute(
        prompts.update()
        .where(prompts.c.workshop_id == workshop.id, prompts.c.prompt_id == prompt_id)
        .values(revealed=False, shared=False, taken_down=True)
    )
    return True


def _upsert(connection: Connection, table: sa.Table, row: dict[str, object]):
    """An INSERT of ``row`` that can take an ON CONFLICT clause, in this database's dialect."""
    return (sqlite_insert if db.is_sqlite(connection) else pg_insert)(table).values(row)


def note_writer(connection: Connection, *, code: str, prompt_id: str, token: str, text: str):
    """Note this browser as one of the prompt's writers (once, however many texts it sends)
    and count the text against the few one phone may send to one prompt
    (:data:`identity.TEXTS_PER_PROMPT`), after checking that ``text`` would be accepted.
    Refuses (InvalidInput) a token the server did not issue and a text beyond that limit.
    Runs in a transaction of its own, before the one that stores the text, so that no commit
    holds both a text and its writer's marker: the database's own bookkeeping (SQLite's
    write-ahead log, PostgreSQL's transaction ids) cannot tie a person's first text to them."""
    workshop = db.find_workshop(connection, code, lock=True)
    _check_token(workshop, token)
    prompt = db.find_prompt(connection, workshop.id, prompt_id)
    if prompt.kind not in TEXT_KINDS:
        raise InvalidInput(N_("This question takes a choice, not written text."))
    privacy.clean_text(text, max_chars=prompt.max_chars)
    writer = privacy.respondent_id(workshop.secret, prompt_id=prompt.prompt_id, token=token)
    mine = reflection_writers.c
    sent = connection.scalar(
        sa.select(mine.texts).where(
            mine.workshop_id == workshop.id,
            mine.prompt_id == prompt.prompt_id,
            mine.writer == writer,
        )
    )
    if sent is not None and sent >= identity.TEXTS_PER_PROMPT:
        raise InvalidInput(
            N_(
                "You've sent {most} answers to this question, the most one phone can send. "
                "Thank you for them."
            ),
            most=identity.TEXTS_PER_PROMPT,
        )
    insert = _upsert(
        connection,
        reflection_writers,
        {"workshop_id": workshop.id, "prompt_id": prompt.prompt_id, "writer": writer, "texts": 1},
    )
    connection.execute(
        insert.on_conflict_do_update(
            index_elements=[mine.workshop_id, mine.prompt_id, mine.writer],
            set_={"texts": mine.texts + 1},
        )
    )


def submit(connection: Connection, *, code: str, prompt_id: str, token: str, text: str) -> str:
    """Store a cleaned reflection under a new random id and return the id. The writer's
    marker and the phone's count of texts are not touched here: :func:`note_writer` keeps
    them in a transaction of its own. While the prompt's results are on the wall the
    reflection is held back (hidden) for the facilitator to show. Refuses (InvalidInput) a
    token the server did not issue."""
    workshop = db.find_workshop(connection, code, lock=True)
    _check_token(workshop, token)
    prompt = db.find_prompt(connection, workshop.id, prompt_id)
    if prompt.kind not in TEXT_KINDS:
        raise InvalidInput(N_("This question takes a choice, not written text."))
    cleaned = privacy.clean_text(text, max_chars=prompt.max_chars)
    reflection_id = privacy.new_reflection_id()
    held = bool(prompt.revealed)
    connection.execute(
        reflections.insert().values(
            id=reflection_id,
            workshop_id=workshop.id,
            prompt_id=prompt.prompt_id,
            text=cleaned,
            hidden=held,
            held=held,
        )
    )
    # No phone draws a new text: the wall is on phones only once revealed, and a text sent
    # after that waits for the facilitator (whose showing it then moves the phones).
    db.bump(connection, workshop.id, phones=False)
    return reflection_id


def answer(connection: Connection, *, code: str, prompt_id: str, token: str, value: object):
    """Store or replace this browser's answer, keyed by an HMAC of the prompt and its
    token. Refuses (InvalidInput) a token the server did not issue."""
    workshop = db.find_workshop(connection, code, lock=True)
    _check_token(workshop, token)
    prompt = db.find_prompt(connection, workshop.id, prompt_id)
    if prompt.kind not in ANSWER_KINDS:
        if prompt.kind in TEXT_KINDS:
            raise InvalidInput(N_("This question takes written text, not a choice."))
        raise InvalidInput(N_("Nothing is collected for this exercise."))
    row = {
        "workshop_id": workshop.id,
        "prompt_id": prompt.prompt_id,
        "voter": privacy.respondent_id(workshop.secret, prompt_id=prompt.prompt_id, token=token),
        "value": check_answer(spec_from_row(prompt), value),
    }
    insert = _upsert(connection, answers, row)
    connection.execute(
        insert.on_conflict_do_update(
            index_elements=[answers.c.workshop_id, answers.c.prompt_id, answers.c.voter],
            set_={"value": insert.excluded.value},
        )
    )
    # Phones draw the room's chart only once it is up.
    db.bump(connection, workshop.id, phones=bool(prompt.revealed))


def sent_by(connection: Connection, *, code: str, prompt_id: str, token: object) -> int:
    """How many answers the phone holding ``token`` sent to the prompt, read from what is
    kept anyway: its writer marker's count of texts, or 1 when its marker holds an answer to
    a scale, choice or ranking. 0 when it sent none, the exercise collects nothing, or the
    server did not issue ``token``. Nothing links the marker to the texts, so neither does
    this. Read-only."""
    workshop = db.find_workshop(connection, code)
    if not identity.verify(workshop.secret, token):
        return 0
    prompt = db.find_prompt(connection, workshop.id, prompt_id)
    marker = privacy.respondent_id(workshop.secret, prompt_id=prompt.prompt_id, token=token)
    if prompt.kind in TEXT_KINDS:
        mine = reflection_writers.c
        where = (mine.workshop_id == workshop.id, mine.prompt_id == prompt.prompt_id)
        sent = connection.scalar(sa.select(mine.texts).where(*where, mine.writer == marker))
        return int(sent or 0)
    if prompt.kind in ANSWER_KINDS:
        mine = answers.c
        where = (mine.workshop_id == workshop.id, mine.prompt_id == prompt.prompt_id)
        return int(
            connection.scalar(sa.select(sa.func.count()).where(*where, mine.voter == marker))
        )
    return 0


def count(connection: Connection, *, code: str, prompt_id: str) -> int:
    """How many visible responses the prompt has: visible reflections (texts, not people),
    or answers."""
    workshop = db.find_workshop(connection, code)
    prompt = db.find_prompt(connection, workshop.id, prompt_id)
    if prompt.kind in TEXT_KINDS:
        return _visible(connection, workshop.id, prompt.prompt_id)
    return _count(connection, workshop, prompt)


def queue(connection: Connection, *, code: str, key: str, prompt_id: str) -> list[Reflection]:
    """Every reflection on a prompt, hidden and held ones too, in random-id order."""
    workshop = db.facilitator_workshop(connection, code, key)
    prompt = db.find_prompt(connection, workshop.id, prompt_id)
    if prompt.kind not in TEXT_KINDS:
        raise InvalidInput(N_("Only written answers can be moderated."))
    rows = connection.execute(
        sa.select(reflections.c.id, reflections.c.text, reflections.c.hidden, reflections.c.held)
        .where(reflections.c.workshop_id == workshop.id, reflections.c.prompt_id == prompt_id)
        .order_by(reflections.c.id)
    )
    return [
        Reflection(id=r.id, text=r.text, hidden=bool(r.hidden), held=bool(r.held)) for r in rows
    ]


def _page(connection: Connection, where: list, *, offset: int, limit: int) -> list[Reflection]:
    rows = connection.execute(
        sa.select(reflections.c.id, reflections.c.text, reflections.c.hidden, reflections.c.held)
        .where(*where)
        .order_by(reflections.c.id)
        .offset(offset)
        .limit(limit)
    )
    return [
        Reflection(id=r.id, text=r.text, hidden=bool(r.hidden), held=bool(r.held)) for r in rows
    ]


def queue_page(
    connection: Connection,
    *,
    code: str,
    key: str,
    prompt_id: str,
    new_limit: int,
    seen_offset: int,
    seen_limit: int,
) -> Queue:
    """A bounded look at a prompt's moderation queue, however much arrives: the first
    ``new_limit`` held texts, and ``seen_limit`` of the others from ``seen_offset`` (kept
    within the queue), with the totals of each."""
    workshop = db.facilitator_workshop(connection, code, key)
    prompt = db.find_prompt(connection, workshop.id, prompt_id)
    if prompt.kind not in TEXT_KINDS:
        raise InvalidInput(N_("Only written answers can be moderated."))
    mine = [reflections.c.workshop_id == workshop.id, reflections.c.prompt_id == prompt_id]
    held = [*mine, reflections.c.held.is_(True)]
    seen = [*mine, reflections.c.held.is_(False)]
    new_total = _rows(connection, reflections, workshop.id, prompt_id, reflections.c.held.is_(True))
    seen_total = _rows(
        connection, reflections, workshop.id, prompt_id, reflections.c.held.is_(False)
    )
    seen_limit = max(1, seen_limit)
    last_page = max(0, (seen_total - 1) // seen_limit * seen_limit)
    offset = min(max(0, seen_offset), last_page)
    return Queue(
        new=_page(connection, held, offset=0, limit=max(0, new_limit)),
        new_total=new_total,
        seen=_page(connection, seen, offset=offset, limit=seen_limit),
        seen_total=seen_total,
        seen_offset=offset,
    )


def settle_held(connection: Connection, *, code: str, key: str, prompt_id: str, show: bool) -> int:
    """Every text of the prompt held back since the reveal, at once: shown (``show``) or
    kept hidden; either way no longer new. Returns how many."""
    workshop = db.facilitator_workshop(connection, code, key, lock=True)
    db.find_prompt(connection, workshop.id, prompt_id)
    settled = connection.execute(
        reflections.update()
        .where(
            reflections.c.workshop_id == workshop.id,
            reflections.c.prompt_id == prompt_id,
            reflections.c.held.is_(True),
        )
        .values(hidden=not show, held=False)
    ).rowcount
    if settled:
        keep_wall_rule(connection, workshop, prompt_id)
        db.bump(connection, workshop.id)
    return settled


def hide(connection: Connection, *, code: str, key: str, reflection_id: str, hidden: bool) -> None:
    """Hide (or show) one reflection of this workshop; either way the facilitator has seen
    it, so it is no longer held back as new."""
    workshop = db.facilitator_workshop(connection, code, key, lock=True)
    if not isinstance(reflection_id, str):
        raise InvalidInput(N_("That reflection is no longer there."))
    prompt_id = connection.scalar(
        sa.select(reflections.c.prompt_id).where(
            reflections.c.workshop_id == workshop.id, reflections.c.id == reflection_id
        )
    )
    if prompt_id is None:
        raise InvalidInput(N_("That reflection is no longer there."))
    connection.execute(
        reflections.update()
        .where(reflections.c.workshop_id == workshop.id, reflections.c.id == reflection_id)
        .values(hidden=bool(hidden), held=False)
    )
    keep_wall_rule(connection, workshop, prompt_id)
    db.bump(connection, workshop.id)


def set_revealed(
    connection: Connection, *, code: str, key: str, prompt_id: str, revealed: bool
) -> None:
    """Reveal a prompt's results (refused below its threshold) or take them down. Either
    way the prompt counts as shared with the room from now on, or no longer."""
    workshop = db.facilitator_workshop(connection, code, key, lock=True)
    prompt = db.find_prompt(connection, workshop.id, prompt_id)
    if prompt.kind not in TEXT_KINDS | ANSWER_KINDS:
        raise InvalidInput(
            N_("Nothing is collected for this exercise, so there is nothing to show.")
        )
    if revealed:
        have, needed = _count(connection, workshop, prompt), _needed(workshop, prompt)
        if have < needed:
            raise BelowThreshold(have, needed)
    same = bool(prompt.revealed) == revealed and bool(prompt.shared) == revealed
    if same and not prompt.taken_down:
        return
    connection.execute(
        prompts.update()
        .where(prompts.c.workshop_id == workshop.id, prompts.c.prompt_id == prompt_id)
        .values(revealed=revealed, shared=revealed, taken_down=False)
    )
    db.bump(connection, workshop.id)


def results(connection: Connection, *, code: str, prompt_id: str) -> Results:
    """The prompt's results; nothing but the count below its threshold."""
    workshop = db.find_workshop(connection, code)
    prompt = db.find_prompt(connection, workshop.id, prompt_id)
    spec, needed = spec_from_row(prompt), _needed(workshop, prompt)
    have = _count(connection, workshop, prompt)
    texts: list[str] = []
    values: list[str] = []
    if have >= needed:
        # Counted again from what was read, in case rows changed since the count.
        if prompt.kind in TEXT_KINDS:
            texts = _visible_texts(connection, workshop.id, prompt_id)
            have = min(have, len(texts))
        else:
            values = list(
                connection.scalars(
                    sa.select(answers.c.value).where(
                        answers.c.workshop_id == workshop.id, answers.c.prompt_id == prompt_id
                    )
                )
            )
            have = len(values)
    return tally(
        spec,
        count=have,
        needed=needed,
        # Never on the wall below the threshold, even for the moment before the rule
        # takes it down.
        revealed=bool(prompt.revealed) and have >= needed,
        shared=bool(prompt.shared),
        texts=texts,
        values=values,
    )
