"""The shipped Spanish workshop: every module and exercise translated, in its own words, and
clean against the original."""

from __future__ import annotations

from pathlib import Path

from workshop.content.loader import content_root, languages, load_content
from workshop.content.translations import check_language


def test_the_shipped_spanish_is_complete_and_clean():
    root = content_root()
    original, spanish = load_content(root), load_content(root, "es")
    report = check_language(root=root, language="es")

    assert "es" in languages(root)
    assert [str(p) for p in report.problems] == []
    for module in original.modules:
        assert (root / "modules/es" / Path(module.path).name).is_file()
    for exercise in original.exercises.values():
        assert (root / "exercises/es" / Path(exercise.path).name).is_file()
    assert all(m.path.startswith("modules/es/") for m in spanish.modules)
    assert all(e.path.startswith("exercises/es/") for e in spanish.exercises.values())
    # Translated, not copied: every title is in other words.
    for module in original.modules:
        assert spanish.module(module.id).title != module.title
    for exercise_id, exercise in original.exercises.items():
        assert spanish.exercises[exercise_id].title != exercise.title


def test_every_shipped_spanish_option_maps_back_to_an_english_one():
    root = content_root()
    original, spanish = load_content(root), load_content(root, "es")

    for exercise_id, exercise in spanish.exercises.items():
        for name in ("options", "items"):
            shown = getattr(exercise, name, None)
            if shown is None:
                continue
            stored = spanish.to_original(exercise_id, list(shown))
            assert stored == list(getattr(original.exercises[exercise_id], name))
            assert spanish.from_original(exercise_id, stored) == list(shown)


def test_the_shipped_spanish_keeps_the_option_that_sets_a_question_aside():
    spanish = load_content(content_root(), "es")
    exercise = spanish.exercises["mechanical-or-close"]

    # At home this option becomes a button of its own; it is found by its exact words.
    assert exercise.not_for_us.label in exercise.options
    assert spanish.to_original("mechanical-or-close", exercise.not_for_us.label).startswith(
        "This doesn't apply to us right now"
    )
