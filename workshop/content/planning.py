"""Turning the workshop content into a session plan the store can run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from workshop.content.model import Content, Exercise
from workshop.engine.store import PromptSpec, StagePlan


def prompt_spec(exercise: Exercise) -> PromptSpec:
    """What the store needs to know of an exercise to accept and count answers."""
    options: tuple[str, ...] = ()
    if exercise.kind == "choice":
        options = tuple(exercise.options)
    elif exercise.kind == "ranking":
        options = tuple(exercise.items)
    return PromptSpec(
        id=exercise.id,
        kind=exercise.kind,
        title=exercise.title,
        min_reveal=exercise.min_reveal,
        sensitive=exercise.sensitive,
        options=options,
        scale_min=getattr(exercise, "min", None),
        scale_max=getattr(exercise, "max", None),
        max_chars=getattr(exercise, "max_chars", 1000),
    )


def build_plan(content: Content, chosen: Sequence[tuple[str, float]]) -> list[StagePlan]:
    """Stages in the chosen order with their minutes; every exercise becomes a prompt.

    Exercises that collect nothing (pair-share, speaker-listener, plans, checklists) are
    prompts too, so the console can put them on everyone's phone as instructions. Titles are
    in the content's language; options always in the original's words, as answers are
    stored (see `Content.to_original`), so a workshop planned in one language can be
    followed in another.
    """
    plan = []
    for module_id, minutes in chosen:
        module = content.module(module_id)
        prompts = tuple(
            replace(spec, options=tuple(content.to_original(spec.id, list(spec.options))))
            for spec in map(prompt_spec, content.exercises_for(module_id))
        )
        plan.append(
            StagePlan(module_id=module.id, title=module.title, minutes=minutes, prompts=prompts)
        )
    return plan
