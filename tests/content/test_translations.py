"""The workshop in other languages: a translation beside the original, loaded in its own
words with the original's structure, and every way it strays from the original named with
its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.content.test_content import TREE, edit, write
from workshop.content.loader import (
    ContentError,
    get_content,
    languages,
    load_content,
    validate,
)
from workshop.content.planning import build_plan
from workshop.content.translations import check_language
from workshop.engine.records import check_answer

WELCOME_ES = """\
---
id: welcome
title: Bienvenida
minutes: 10
exercises: [arrival-word, gratitude]
notes: |
  Saluda a cada pareja al llegar.
---
## Hola

Por qué estamos aquí.

???
Sonríe y respira.

---

## Nuestros acuerdos

- Puedes pasar cuando quieras
"""

HARD_THINGS_ES = """\
---
id: hard-things
title: Cuando cuesta
minutes: 20
content_note: Esta parte habla de momentos difíciles.
exercises: [hard-moment, weekly-ritual]
---
## Momentos difíciles

Todas las parejas los viven.
"""

ARRIVAL_WORD_ES = """\
id = "arrival-word"
title = "Una palabra"
kind = "word"
minutes = 1
group_prompt = "Una palabra para cómo llegas hoy."
couple_prompt = "Cada quien: una palabra para cómo llega."
"""

GRATITUDE_ES = """\
id = "gratitude"
title = "Lo que agradezco"
kind = "choice"
minutes = 2
options = [
  "Los pequeños gestos",
  "El tiempo juntos",
]
group_prompt = "¿Qué notas más?"
couple_prompt = "¿Qué notan más el uno del otro?"
"""

HARD_MOMENT_ES = """\
id: hard-moment
title: Un momento difícil
kind: reflection
minutes: 4
sensitive: true
min_reveal: 5
group_prompt: ¿Qué te ayuda a abrirte?
couple_prompt: ¿Qué les ayuda a abrirse el uno al otro?
"""

WEEKLY_RITUAL_ES = """\
id: weekly-ritual
title: Nuestro tiempo semanal
kind: plan
minutes: 5
fields:
  - name: what
    label: ¿Qué haremos?
  - name: when
    label: ¿Cuándo?
    hint: Un día y una hora.
group_prompt: Planeen juntos un ritual.
couple_prompt: Planeen juntos un ritual.
"""

SPANISH = {
    "modules/es/00-welcome.md": WELCOME_ES,
    "modules/es/01-hard-things.md": HARD_THINGS_ES,
    "exercises/es/arrival-word.toml": ARRIVAL_WORD_ES,
    "exercises/es/gratitude.toml": GRATITUDE_ES,
    "exercises/es/hard-moment.yaml": HARD_MOMENT_ES,
    "exercises/es/weekly-ritual.yaml": WEEKLY_RITUAL_ES,
}

SCALE = """\
id = "closeness"
title = "{title}"
kind = "scale"
minutes = 1
min = 1
max = {high}
min_label = "{low_label}"
max_label = "{high_label}"
group_prompt = "{prompt}"
couple_prompt = "{prompt}"
"""


@pytest.fixture
def bilingual(tmp_path: Path) -> Path:
    """The small workshop of test_content, and its complete Spanish translation."""
    for rel, text in {**TREE, **SPANISH}.items():
        write(tmp_path, rel, text)
    return tmp_path


def problems(root: Path) -> list[str]:
    return [str(p) + ("  (warning)" if p.level == "warning" else "") for p in validate(root)]


# ------------------------------------------------------------------ loading a language


def test_a_faithful_translation_has_no_problems(bilingual):
    assert validate(bilingual) == []
    assert languages(bilingual) == ["en", "es"]


def test_a_translation_loads_with_the_same_ids_in_its_own_words(bilingual):
    original = load_content(bilingual)
    spanish = load_content(bilingual, "es")

    assert (original.language, spanish.language) == ("en", "es")
    assert [m.id for m in spanish.modules] == [m.id for m in original.modules]
    assert list(spanish.exercises) == list(original.exercises)
    welcome = spanish.module("welcome")
    assert (welcome.title, welcome.path) == ("Bienvenida", "modules/es/00-welcome.md")
    assert [s.title for s in welcome.slides] == ["Hola", "Nuestros acuerdos"]
    assert welcome.slides[0].notes == "Sonríe y respira."
    assert spanish.exercises["gratitude"].options == ["Los pequeños gestos", "El tiempo juntos"]
    assert spanish.exercises["weekly-ritual"].fields[1].hint == "Un día y una hora."
    assert original.module("welcome").title == "Welcome"


def test_answers_to_translated_options_are_stored_in_the_originals_words(bilingual):
    spanish = load_content(bilingual, "es")

    assert spanish.to_original("gratitude", "El tiempo juntos") == "Time together"
    assert spanish.to_original("gratitude", ["El tiempo juntos", "Los pequeños gestos"]) == [
        "Time together",
        "Small kindnesses",
    ]
    assert spanish.from_original("gratitude", "Small kindnesses") == "Los pequeños gestos"
    assert spanish.to_original("gratitude", 7) == 7
    assert spanish.to_original("arrival-word", "cansancio") == "cansancio"
    assert load_content(bilingual).to_original("gratitude", "Time together") == "Time together"


def test_a_workshop_planned_in_spanish_keeps_the_originals_options(bilingual):
    spanish = load_content(bilingual, "es")

    (stage,) = build_plan(spanish, [("welcome", 10)])
    gratitude = next(spec for spec in stage.prompts if spec.id == "gratitude")

    assert stage.title == "Bienvenida"
    assert gratitude.title == "Lo que agradezco"
    assert gratitude.options == ("Small kindnesses", "Time together")
    # A phone in English and a phone in Spanish give the same stored answer.
    from_spanish = check_answer(gratitude, spanish.to_original("gratitude", "El tiempo juntos"))
    assert from_spanish == check_answer(gratitude, "Time together")


def test_a_language_without_a_translation_is_the_original(bilingual):
    assert load_content(bilingual, "fr") == load_content(bilingual)
    assert load_content(bilingual, "en").language == "en"


def test_a_file_not_translated_yet_falls_back_to_the_original_with_a_warning(bilingual):
    (bilingual / "exercises/es/gratitude.toml").unlink()
    (bilingual / "modules/es/01-hard-things.md").unlink()

    assert problems(bilingual) == [
        "exercises/es/gratitude.toml: not translated yet: the original exercises/gratitude.toml "
        "is shown instead  (warning)",
        "modules/es/01-hard-things.md: not translated yet: the original "
        "modules/01-hard-things.md is shown instead  (warning)",
    ]
    spanish = load_content(bilingual, "es")
    assert spanish.module("welcome").title == "Bienvenida"
    assert spanish.module("hard-things").title == "When it is hard"
    assert spanish.exercises["gratitude"].options == ["Small kindnesses", "Time together"]


def test_a_language_with_only_some_exercises_translated_is_listed(tmp_path):
    for rel, text in TREE.items():
        write(tmp_path, rel, text)
    write(tmp_path, "exercises/pt_BR/arrival-word.toml", ARRIVAL_WORD_ES)

    assert languages(tmp_path) == ["en", "pt_BR"]
    assert len([p for p in validate(tmp_path) if p.level == "warning"]) == 5
    assert load_content(tmp_path, "pt_BR").exercises["arrival-word"].title == "Una palabra"


def test_get_content_is_read_once_per_language(bilingual, monkeypatch):
    monkeypatch.setenv("BEDROCK_CONTENT", str(bilingual))
    get_content.cache_clear()
    try:
        assert get_content("es") is get_content("es")
        assert get_content("es").module("welcome").title == "Bienvenida"
        assert get_content("en") is get_content() is get_content(None) is get_content("fr")
    finally:
        get_content.cache_clear()


# ------------------------------------------------------------------ what validate names


def test_an_extra_file_is_an_error_suggesting_the_original_name(bilingual):
    write(bilingual, "exercises/es/gratitud.toml", GRATITUDE_ES)

    assert problems(bilingual) == [
        "exercises/es/gratitud.toml: there is no exercises/gratitud.toml to translate (did you "
        "mean 'gratitude.toml'? a translation keeps the original's file names)",
    ]


def test_a_stage_missing_an_exercise_names_both_files(bilingual):
    edit(bilingual, "modules/es/00-welcome.md", "[arrival-word, gratitude]", "[arrival-word]")

    assert problems(bilingual) == [
        "exercises/es/gratitude.toml:1: id: exercise 'gratitude' is not used by any module  "
        "(warning)",
        "modules/es/00-welcome.md:5: exercises: missing exercise 'gratitude': the original runs "
        "it here (modules/00-welcome.md:5)",
    ]
    with pytest.raises(ContentError):
        load_content(bilingual, "es")
    assert load_content(bilingual).language == "en"


def test_a_stage_with_an_extra_exercise_names_it(bilingual):
    edit(
        bilingual,
        "modules/es/00-welcome.md",
        "[arrival-word, gratitude]",
        "[arrival-word, gratitude, hard-moment]",
    )

    assert (
        "modules/es/00-welcome.md:5: exercises[2]: extra exercise 'hard-moment': the original's "
        "stage does not run it (modules/00-welcome.md:5)"
    ) in problems(bilingual)


def test_an_extra_slide_is_named_with_its_line(bilingual):
    edit(
        bilingual,
        "modules/es/00-welcome.md",
        "- Puedes pasar cuando quieras\n",
        "- Puedes pasar cuando quieras\n\n---\n\n## Una más\n\nTexto de más.\n",
    )

    assert problems(bilingual) == [
        "modules/es/00-welcome.md:24: slides[2]: extra slide 'Una más': the original has 2 "
        "slides (modules/00-welcome.md)",
    ]


def test_a_missing_slide_is_named_with_where_it_is_in_the_original(bilingual):
    text = (bilingual / "modules/es/00-welcome.md").read_text(encoding="utf-8")
    write(bilingual, "modules/es/00-welcome.md", text[: text.index("\n---\n\n## Nuestros")])

    assert problems(bilingual) == [
        "modules/es/00-welcome.md:9: slides[1]: missing slide 'Ground rules' "
        "(modules/00-welcome.md:18): the original has 2 slides, this file 1",
    ]


def test_a_slide_without_its_version_for_couples_at_home_is_an_error(bilingual):
    edit(
        bilingual, "modules/00-welcome.md", "- Pass whenever you like", "- Pass\n::: at home\n- Us"
    )

    assert problems(bilingual) == [
        "modules/es/00-welcome.md:18: slides[1]: this slide has no version for couples at "
        "home, unlike the original's (modules/00-welcome.md:18): keep the same '::: at home' "
        "parts",
    ]


def test_a_different_kind_is_one_error_naming_both_kinds(bilingual):
    edit(bilingual, "exercises/es/gratitude.toml", 'kind = "choice"', 'kind = "ranking"')
    edit(bilingual, "exercises/es/gratitude.toml", "options", "items")

    assert problems(bilingual) == [
        "exercises/es/gratitude.toml:3: kind: the kind is 'ranking' here but 'choice' in the "
        "original (exercises/gratitude.toml:3); a translation keeps the kind and changes only "
        "the words",
    ]


def test_a_different_number_of_options_is_named_with_its_line(bilingual):
    edit(bilingual, "exercises/es/gratitude.toml", '"El tiempo juntos",', '"El tiempo", "Juntos",')

    assert problems(bilingual) == [
        "exercises/es/gratitude.toml:5: options: 3 options here but 2 in the original "
        "(exercises/gratitude.toml:5); translate each one, in the same order: answers are "
        "matched to the original's by position",
    ]


def test_two_options_translated_the_same_is_an_error(bilingual):
    edit(bilingual, "exercises/es/gratitude.toml", '"El tiempo juntos"', '"Los pequeños gestos"')

    assert problems(bilingual) == [
        "exercises/es/gratitude.toml:7: options[1]: option 'Los pequeños gestos' is listed twice"
    ]


def test_one_option_translated_two_ways_is_an_error(bilingual):
    other = (
        '\n[not_for_us]\nlabel = "{label}"\nnote = "{note}"\nprompt = "{prompt}"\n'
        'options = ["{first}", "{second}"]\n'
    )
    english = other.format(
        label="Not for us", note="Fine.", prompt="What else?", first="Time together", second="Rest"
    )
    spanish = other.format(
        label="No es para nosotros",
        note="Está bien.",
        prompt="¿Qué más?",
        first="Tiempo en pareja",
        second="Descanso",
    )
    write(bilingual, "exercises/gratitude.toml", TREE["exercises/gratitude.toml"] + english)
    write(bilingual, "exercises/es/gratitude.toml", GRATITUDE_ES + spanish)

    assert problems(bilingual) == [
        "exercises/es/gratitude.toml:16: not_for_us.options[0]: 'Time together' is translated "
        "as 'Tiempo en pareja' here but as 'El tiempo juntos' in options[1]; give the same "
        "words the same translation",
    ]


def test_a_different_scale_is_named_with_its_line(bilingual):
    english = {"title": "Close", "low_label": "Far", "high_label": "Close", "prompt": "How?"}
    spanish = {"title": "Cerca", "low_label": "Lejos", "high_label": "Cerca", "prompt": "¿Cómo?"}
    write(bilingual, "exercises/closeness.toml", SCALE.format(high=10, **english))
    write(bilingual, "exercises/es/closeness.toml", SCALE.format(high=5, **spanish))
    for rel in ("modules/00-welcome.md", "modules/es/00-welcome.md"):
        edit(bilingual, rel, "gratitude]", "gratitude, closeness]")

    assert problems(bilingual) == [
        "exercises/es/closeness.toml:6: max: 5 here but 10 in the original "
        "(exercises/closeness.toml:6); a translation changes only the words: ids, numbers and "
        "kinds stay as they are",
    ]


def test_a_changed_number_or_a_dropped_setting_is_an_error(bilingual):
    edit(bilingual, "modules/es/01-hard-things.md", "minutes: 20", "minutes: 25")
    edit(bilingual, "exercises/es/hard-moment.yaml", "min_reveal: 5\n", "")
    edit(bilingual, "exercises/es/weekly-ritual.yaml", "name: when", "name: cuando")

    assert problems(bilingual) == [
        "exercises/es/hard-moment.yaml: min_reveal: missing: the original sets it to 5 "
        "(exercises/hard-moment.yaml:6); a translation keeps it",
        "exercises/es/weekly-ritual.yaml:8: fields[1].name: 'cuando' here but 'when' in the "
        "original (exercises/weekly-ritual.yaml:8); a translation changes only the words: ids, "
        "numbers and kinds stay as they are",
        "modules/es/01-hard-things.md:4: minutes: 25 here but 20 in the original "
        "(modules/01-hard-things.md:4); a translation changes only the words: ids, numbers and "
        "kinds stay as they are",
    ]


def test_a_text_left_out_of_the_translation_is_a_warning(bilingual):
    edit(bilingual, "exercises/es/weekly-ritual.yaml", "    hint: Un día y una hora.\n", "")

    assert problems(bilingual) == [
        "exercises/es/weekly-ritual.yaml:8: fields[1].hint: missing: the original has it "
        "(exercises/weekly-ritual.yaml:10); translate it here  (warning)",
    ]


def test_the_translation_is_checked_like_the_original(bilingual):
    edit(bilingual, "exercises/es/arrival-word.toml", 'title = "Una palabra"\n', "")

    assert problems(bilingual) == [
        "exercises/es/arrival-word.toml: title: this field is required",
    ]


def test_a_folder_not_named_by_a_language_is_ignored_with_a_warning(bilingual):
    write(bilingual, "modules/spanish/00-welcome.md", WELCOME_ES)

    assert problems(bilingual) == [
        "modules/spanish/: ignored: a folder inside this one holds a translation and is named "
        "by its language code, such as 'es'  (warning)",
    ]


def test_the_original_ignores_its_translations(bilingual):
    report = check_language(root=bilingual)

    assert report.files == 6
    assert [m.path for m in report.content.modules] == [
        "modules/00-welcome.md",
        "modules/01-hard-things.md",
    ]
