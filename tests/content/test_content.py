"""Loading and checking the workshop content: modules/ and exercises/ as counsellors write them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import workshop
from workshop.content.loader import ContentError, content_root, get_content, load_content, validate
from workshop.content.model import (
    EXERCISE_KINDS,
    Content,
    Module,
    PlanField,
    Problem,
    Slide,
)

WELCOME = """\
---
id: welcome
title: Welcome
minutes: 10
exercises: [arrival-word, gratitude]
notes: |
  Greet people as they arrive.
---
## Hello

Why we are here.

???
Smile and breathe.

---

## Ground rules

- Pass whenever you like
"""

HARD_THINGS = """\
---
id: hard-things
title: When it is hard
minutes: 20
content_note: This part talks about difficult moments.
exercises: [hard-moment, weekly-ritual]
---
## Hard moments

Everyone has them.
"""

ARRIVAL_WORD = """\
id = "arrival-word"
title = "One word"
kind = "word"
minutes = 1
group_prompt = "One word for how you arrive today."
couple_prompt = "Each of you: one word for how you arrive."
"""

GRATITUDE = """\
id = "gratitude"
title = "What I am grateful for"
kind = "choice"
minutes = 2
options = [
  "Small kindnesses",
  "Time together",
]
group_prompt = "Which do you notice most?"
couple_prompt = "Which do you notice most in each other?"
"""

HARD_MOMENT = """\
id: hard-moment
title: A hard moment
kind: reflection
minutes: 4
sensitive: true
min_reveal: 5
group_prompt: What helps you open up?
couple_prompt: What helps you open up to each other?
"""

WEEKLY_RITUAL = """\
id: weekly-ritual
title: Our weekly time
kind: plan
minutes: 5
fields:
  - name: what
    label: What will we do?
  - name: when
    label: When?
    hint: A day and a time.
group_prompt: Plan a ritual together.
couple_prompt: Plan a ritual together.
"""

TREE = {
    "modules/00-welcome.md": WELCOME,
    "modules/01-hard-things.md": HARD_THINGS,
    "exercises/arrival-word.toml": ARRIVAL_WORD,
    "exercises/gratitude.toml": GRATITUDE,
    "exercises/hard-moment.yaml": HARD_MOMENT,
    "exercises/weekly-ritual.yaml": WEEKLY_RITUAL,
}


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def yaml_exercise(exercise_id: str, kind: str, extra: str) -> str:
    """A YAML exercise whose kind-specific lines start on line 7."""
    return (
        f"id: {exercise_id}\ntitle: Test\nkind: {kind}\nminutes: 2\n"
        f"group_prompt: In the room\ncouple_prompt: At home\n{extra}"
    )


def use(root: Path, *exercise_ids: str) -> None:
    """Add exercises to the first module, so they are not reported as unused."""
    edit(root, "modules/00-welcome.md", "gratitude]", f"gratitude, {', '.join(exercise_ids)}]")


def errors(root: Path) -> list[str]:
    return [str(p) for p in validate(root) if p.level == "error"]


def warnings(root: Path) -> list[str]:
    return [str(p) for p in validate(root) if p.level == "warning"]


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A small valid workshop: two modules and four exercises of different kinds and formats."""
    for rel, text in TREE.items():
        write(tmp_path, rel, text)
    return tmp_path


# ------------------------------------------------------------------ loading


def test_the_small_tree_has_no_problems(content_dir):
    assert validate(content_dir) == []


def test_loader_returns_modules_in_order_with_slides_and_notes(content_dir):
    write(content_dir, "modules/10-later.md", HARD_THINGS.replace("hard-things", "later"))
    edit(content_dir, "modules/10-later.md", "[hard-moment, weekly-ritual]", "[]")

    content = load_content(content_dir)

    assert [m.id for m in content.modules] == ["welcome", "hard-things", "later"]
    welcome = content.modules[0]
    assert (welcome.order, welcome.path, welcome.minutes) == (0, "modules/00-welcome.md", 10)
    assert welcome.notes == "Greet people as they arrive."
    assert welcome.content_note is None
    assert welcome.slides == [
        Slide(title="Hello", body="Why we are here.", notes="Smile and breathe."),
        Slide(title="Ground rules", body="- Pass whenever you like", notes=""),
    ]
    assert content.module("hard-things").content_note == "This part talks about difficult moments."
    assert content.total_minutes == 50


def test_exercises_for_a_module_come_in_the_order_it_lists_them(content_dir):
    content = load_content(content_dir)

    first, second = content.exercises_for("welcome")

    assert (first.id, first.kind, first.max_chars, first.path) == (
        "arrival-word",
        "word",
        40,
        "exercises/arrival-word.toml",
    )
    assert second.options == ["Small kindnesses", "Time together"]
    ritual = content.exercises["weekly-ritual"]
    assert ritual.fields == [
        PlanField(name="what", label="What will we do?"),
        PlanField(name="when", label="When?", hint="A day and a time."),
    ]
    assert content.exercises["hard-moment"].min_reveal == 5


def test_collects_is_true_only_for_kinds_a_room_submits(content_dir):
    content = load_content(content_dir)

    collects = {e.id: e.collects for e in content.exercises.values()}

    assert collects == {
        "arrival-word": True,
        "gratitude": True,
        "hard-moment": True,
        "weekly-ritual": False,
    }


def test_asking_for_an_unknown_module_is_a_key_error(content_dir):
    with pytest.raises(KeyError, match="no module with id 'nope'"):
        load_content(content_dir).module("nope")


def test_load_content_raises_with_every_problem_when_there_are_errors(content_dir):
    edit(content_dir, "modules/00-welcome.md", "minutes: 10", "minutes: 0")
    edit(content_dir, "exercises/arrival-word.toml", 'kind = "word"', 'kind = "words"')

    with pytest.raises(ContentError) as raised:
        load_content(content_dir)

    assert [str(p) for p in raised.value.problems] == [
        "exercises/arrival-word.toml:3: kind: unknown kind 'words' (did you mean 'word'?)",
        "modules/00-welcome.md:4: minutes: must be more than 0, got 0",
    ]
    assert "modules/00-welcome.md:4: minutes: must be more than 0, got 0" in str(raised.value)


def test_warnings_alone_do_not_stop_loading(content_dir):
    write(content_dir, "exercises/spare.yaml", yaml_exercise("spare", "pair-share", ""))

    assert [e.id for e in load_content(content_dir).exercises.values()] == [
        "arrival-word",
        "gratitude",
        "hard-moment",
        "spare",
        "weekly-ritual",
    ]


def test_get_content_reads_the_folder_named_by_the_environment_once(content_dir, monkeypatch):
    monkeypatch.setenv("BEDROCK_CONTENT", str(content_dir))
    get_content.cache_clear()
    try:
        first = get_content()
        (content_dir / "modules/01-hard-things.md").unlink()
        assert content_root() == content_dir
        assert get_content() is first
        assert [m.id for m in first.modules] == ["welcome", "hard-things"]
    finally:
        get_content.cache_clear()


def test_content_root_defaults_to_the_folder_next_to_the_package(monkeypatch):
    monkeypatch.delenv("BEDROCK_CONTENT", raising=False)

    assert content_root() == Path(workshop.__file__).resolve().parents[1]


def test_the_shipped_workshop_has_no_problems():
    assert [str(p) for p in validate(content_root())] == []


def test_every_field_a_counsellor_can_write_has_a_description():
    models = [Slide, Module, PlanField, Content, Problem, *EXERCISE_KINDS.values()]
    undescribed = [
        f"{model.__name__}.{name}"
        for model in models
        for name, info in model.model_fields.items()
        if not (info.description or "").strip()
    ]
    assert undescribed == []


def test_problem_text_leaves_out_what_it_does_not_know():
    assert str(Problem(path="modules/", message="folder not found")) == "modules/: folder not found"
    assert (
        str(Problem(path="a.toml", line=3, field="kind", message="x", level="warning"))
        == "a.toml:3: kind: x"
    )


def test_yes_and_no_stay_text_in_yaml(content_dir):
    write(
        content_dir, "exercises/ready.yaml", yaml_exercise("ready", "choice", "options: [Yes, No]")
    )
    use(content_dir, "ready")

    assert load_content(content_dir).exercises["ready"].options == ["Yes", "No"]


# ------------------------------------------------------------------ syntax


def test_yaml_mistake_in_front_matter_names_the_line_of_the_file(content_dir):
    edit(content_dir, "modules/00-welcome.md", "title: Welcome", "title: Welcome: come in")

    assert errors(content_dir) == [
        "modules/00-welcome.md:3: could not read the YAML: unexpected ':' (put text that "
        "contains ': ' in quotes, and check the indentation)"
    ]


def test_yaml_mistake_in_an_exercise_names_its_line(content_dir):
    edit(content_dir, "exercises/hard-moment.yaml", "min_reveal: 5", "min_reveal: [5")

    assert errors(content_dir) == [
        "exercises/hard-moment.yaml:6: could not read the YAML: "
        "a list opened with '[' is not closed with ']'"
    ]


def test_yaml_indentation_mistake_is_explained(content_dir):
    edit(content_dir, "exercises/weekly-ritual.yaml", "    hint: A day", "   hint: A day")

    assert errors(content_dir) == [
        "exercises/weekly-ritual.yaml:10: could not read the YAML: "
        "this line is not indented like the lines above it"
    ]


def test_an_unclosed_quote_points_at_where_it_opens(content_dir):
    edit(content_dir, "exercises/hard-moment.yaml", "title: A hard moment", 'title: "A hard moment')

    assert errors(content_dir) == [
        "exercises/hard-moment.yaml:2: could not read the YAML: a quotation mark is not closed"
    ]


def test_toml_mistake_names_its_line(content_dir):
    edit(content_dir, "exercises/gratitude.toml", "minutes = 2", "minutes = two")

    assert errors(content_dir) == [
        "exercises/gratitude.toml:4: could not read the TOML: Invalid value (is the text in quotes?)"
    ]


def test_a_key_written_twice_in_yaml_is_an_error(content_dir):
    edit(content_dir, "exercises/hard-moment.yaml", "minutes: 4", "minutes: 4\ntitle: Again")

    assert errors(content_dir) == [
        "exercises/hard-moment.yaml:5: title: appears twice (also on line 2); keep one"
    ]


def test_a_module_without_front_matter_says_how_to_start(content_dir):
    write(content_dir, "modules/02-bare.md", "## Just a slide\n")

    assert errors(content_dir) == [
        "modules/02-bare.md:1: the file must start with front matter: a line '---', then id, "
        "title, minutes and exercises, then another '---'"
    ]


def test_an_exercise_file_that_is_a_list_is_refused_not_crashed_on(content_dir):
    write(content_dir, "exercises/odd.yaml", "- id: odd\n- kind: word\n")

    assert errors(content_dir) == [
        "exercises/odd.yaml:1: expected a group of keys (id, title, kind, ...), got a list"
    ]


# ------------------------------------------------------------------ fields


def test_a_missing_required_field_is_named(content_dir):
    edit(
        content_dir,
        "exercises/arrival-word.toml",
        'couple_prompt = "Each of you: one word for how you arrive."\n',
        "",
    )

    assert errors(content_dir) == [
        "exercises/arrival-word.toml: couple_prompt: this field is required"
    ]


def test_a_wrong_type_says_what_was_expected_and_what_was_found(content_dir):
    edit(
        content_dir,
        "exercises/gratitude.toml",
        '  "Small kindnesses",\n  "Time together",\n',
        '  "Small kindnesses", "Time together",\n  ["Laughing", "together"],\n',
    )

    assert errors(content_dir) == [
        "exercises/gratitude.toml:7: options[2]: expected text, got a list"
    ]


def test_a_number_written_as_words_is_refused(content_dir):
    edit(content_dir, "exercises/hard-moment.yaml", "minutes: 4", "minutes: four")

    assert errors(content_dir) == [
        "exercises/hard-moment.yaml:4: minutes: expected a number, got the text 'four'"
    ]


def test_a_partner_exercise_is_marked_true_or_false(content_dir):
    edit(
        content_dir, "exercises/hard-moment.yaml", "minutes: 4", "minutes: 4\npartner_exercise: yes"
    )

    assert errors(content_dir) == [
        "exercises/hard-moment.yaml:5: partner_exercise: expected true or false, got the text 'yes'"
    ]


def test_partner_exercise_is_an_answers_setting_and_off_unless_set(content_dir):
    edit(
        content_dir,
        "exercises/hard-moment.yaml",
        "minutes: 4",
        "minutes: 4\npartner_exercise: true",
    )
    edit(
        content_dir,
        "exercises/weekly-ritual.yaml",
        "minutes: 5",
        "minutes: 5\npartner_exercise: true",
    )

    assert errors(content_dir) == []
    assert [w for w in warnings(content_dir) if "partner_exercise" in w] == [
        "exercises/weekly-ritual.yaml:5: partner_exercise: not used by plan exercises, ignored "
        "(reflection, word, scale, choice, ranking exercises use it)"
    ]
    exercises = load_content(content_dir).exercises
    assert exercises["hard-moment"].partner_exercise is True
    assert exercises["arrival-word"].partner_exercise is False


def test_minutes_must_be_more_than_zero(content_dir):
    edit(content_dir, "exercises/arrival-word.toml", "minutes = 1", "minutes = -1")

    assert errors(content_dir) == [
        "exercises/arrival-word.toml:4: minutes: must be more than 0, got -1"
    ]


def test_an_id_with_capitals_or_spaces_is_refused(content_dir):
    edit(content_dir, "modules/00-welcome.md", "id: welcome", "id: Welcome Everyone")

    assert errors(content_dir) == [
        "modules/00-welcome.md:2: id: must be lowercase letters, digits and hyphens, such as "
        "'gratitude-list' (got 'Welcome Everyone')"
    ]


def test_a_nested_plan_field_missing_its_label_points_at_that_field(content_dir):
    edit(content_dir, "exercises/weekly-ritual.yaml", "    label: When?\n", "")

    assert errors(content_dir) == [
        "exercises/weekly-ritual.yaml:8: fields[1].label: this field is required"
    ]


def test_a_plan_field_in_toml_tables_points_at_its_table(content_dir):
    (content_dir / "exercises/weekly-ritual.yaml").unlink()
    write(
        content_dir,
        "exercises/weekly-ritual.toml",
        """\
        id = "weekly-ritual"
        title = "Our weekly time"
        kind = "plan"
        minutes = 5
        group_prompt = "Plan a ritual together."
        couple_prompt = "Plan a ritual together."

        [[fields]]
        name = "what"
        label = "What will we do?"

        [[fields]]
        name = "when"
        label = 3
        """,
    )

    assert errors(content_dir) == [
        "exercises/weekly-ritual.toml:14: fields[1].label: expected text, got the number 3"
    ]


def test_two_plan_fields_with_the_same_name_point_at_the_second(content_dir):
    edit(content_dir, "exercises/weekly-ritual.yaml", "name: when", "name: what")

    assert errors(content_dir) == [
        "exercises/weekly-ritual.yaml:8: fields[1]: field name 'what' is listed twice"
    ]


def test_toml_lines_are_found_past_multi_line_text(content_dir):
    edit(
        content_dir,
        "exercises/arrival-word.toml",
        'group_prompt = "One word for how you arrive today."',
        'group_prompt = """\nOne word.\nminutes = 3\n[not a table]\n"""\nmax_chars = "forty"',
    )

    assert errors(content_dir) == [
        "exercises/arrival-word.toml:10: max_chars: expected a whole number, got the text 'forty'"
    ]


def test_empty_front_matter_is_named(content_dir):
    write(content_dir, "modules/02-blank.md", "---\n---\n## A slide\n")

    assert errors(content_dir) == ["modules/02-blank.md:2: the front matter is empty"]


def test_a_module_listing_something_other_than_an_id_is_named_once(content_dir):
    edit(
        content_dir,
        "modules/00-welcome.md",
        "[arrival-word, gratitude]",
        "[arrival-word, 7, gratitude]",
    )

    assert errors(content_dir) == [
        "modules/00-welcome.md:5: exercises[1]: expected text, got the number 7"
    ]


# ------------------------------------------------------------------ kinds


def test_an_unknown_kind_suggests_the_near_miss(content_dir):
    edit(content_dir, "exercises/hard-moment.yaml", "kind: reflection", "kind: relfection")

    assert errors(content_dir) == [
        "exercises/hard-moment.yaml:3: kind: unknown kind 'relfection' (did you mean 'reflection'?)"
    ]


def test_an_unknown_kind_with_no_near_miss_lists_the_kinds(content_dir):
    edit(content_dir, "exercises/hard-moment.yaml", "kind: reflection", "kind: poll")

    assert errors(content_dir) == [
        "exercises/hard-moment.yaml:3: kind: unknown kind 'poll' (use one of: reflection, word, "
        "scale, choice, ranking, speaker-listener, timed-writing, plan, checklist, pair-share)"
    ]


def test_a_missing_kind_lists_the_kinds(content_dir):
    edit(content_dir, "exercises/hard-moment.yaml", "kind: reflection\n", "")

    assert errors(content_dir) == [
        "exercises/hard-moment.yaml: kind: this field is required; use one of: reflection, word, "
        "scale, choice, ranking, speaker-listener, timed-writing, plan, checklist, pair-share"
    ]


def test_a_scale_needs_min_below_max(content_dir):
    extra = "min: 5\nmax: 5\nmin_label: Low\nmax_label: High\n"
    write(content_dir, "exercises/check-in.yaml", yaml_exercise("check-in", "scale", extra))
    use(content_dir, "check-in")

    assert errors(content_dir) == [
        "exercises/check-in.yaml:8: max: must be more than min (min is 5, max is 5)"
    ]


def test_a_choice_needs_at_least_two_options(content_dir):
    write(
        content_dir, "exercises/pick.yaml", yaml_exercise("pick", "choice", "options: [Only one]\n")
    )
    use(content_dir, "pick")

    assert errors(content_dir) == [
        "exercises/pick.yaml:7: options: needs at least 2 options, got 1"
    ]


def test_a_choice_option_listed_twice_points_at_the_repeat(content_dir):
    extra = "options:\n  - Yes\n  - No\n  - Yes\n"
    write(content_dir, "exercises/pick.yaml", yaml_exercise("pick", "choice", extra))
    use(content_dir, "pick")

    assert errors(content_dir) == [
        "exercises/pick.yaml:10: options[2]: option 'Yes' is listed twice"
    ]


def test_a_ranking_needs_at_least_two_items(content_dir):
    write(content_dir, "exercises/order.yaml", yaml_exercise("order", "ranking", "items: [Time]\n"))
    use(content_dir, "order")

    assert errors(content_dir) == ["exercises/order.yaml:7: items: needs at least 2 items, got 1"]


def test_speaker_listener_needs_at_least_one_round(content_dir):
    extra = "rounds: 0\nspeak_minutes: 2\nparaphrase_minutes: 1\nrules: [Speak for yourself]\n"
    write(content_dir, "exercises/turns.yaml", yaml_exercise("turns", "speaker-listener", extra))
    use(content_dir, "turns")

    assert errors(content_dir) == ["exercises/turns.yaml:7: rounds: must be 1 or more, got 0"]


def test_a_plan_needs_at_least_one_field(content_dir):
    write(content_dir, "exercises/plan.yaml", yaml_exercise("plan", "plan", "fields: []\n"))
    use(content_dir, "plan")

    assert errors(content_dir) == [
        "exercises/plan.yaml:7: fields: needs at least 1 field, got none"
    ]


def test_timed_writing_needs_a_target_of_at_least_one(content_dir):
    write(content_dir, "exercises/list.yaml", yaml_exercise("list", "timed-writing", "target: 0\n"))
    use(content_dir, "list")

    assert errors(content_dir) == ["exercises/list.yaml:7: target: must be 1 or more, got 0"]


def test_a_sensitive_exercise_cannot_set_min_reveal_below_five(content_dir):
    edit(content_dir, "exercises/hard-moment.yaml", "min_reveal: 5", "min_reveal: 4")

    assert errors(content_dir) == [
        "exercises/hard-moment.yaml:6: min_reveal: a sensitive exercise waits for at least 5 "
        "answers, so min_reveal must be 5 or more (it is 4)"
    ]
    edit(content_dir, "exercises/hard-moment.yaml", "min_reveal: 4\n", "")
    assert errors(content_dir) == []


def test_min_reveal_below_three_is_refused(content_dir):
    edit(content_dir, "exercises/arrival-word.toml", "minutes = 1", "minutes = 1\nmin_reveal = 2")

    assert errors(content_dir) == [
        "exercises/arrival-word.toml:5: min_reveal: must be 3 or more, so that no answer can be "
        "traced to one person (it is 2)"
    ]


# ------------------------------------------------------------------ ids and references


def test_duplicate_exercise_ids_name_both_files(content_dir):
    write(content_dir, "exercises/gratitude.yaml", yaml_exercise("gratitude", "pair-share", ""))

    assert errors(content_dir) == [
        "exercises/gratitude.yaml:1: id: exercise id 'gratitude' is also used by "
        "exercises/gratitude.toml"
    ]


def test_duplicate_module_ids_name_both_files(content_dir):
    write(content_dir, "modules/02-again.md", WELCOME.replace("[arrival-word, gratitude]", "[]"))

    assert errors(content_dir) == [
        "modules/02-again.md:2: id: module id 'welcome' is also used by modules/00-welcome.md"
    ]


def test_an_id_that_differs_from_the_file_name_is_an_error(content_dir):
    edit(content_dir, "exercises/arrival-word.toml", 'id = "arrival-word"', 'id = "arrival"')

    assert validate(content_dir) == [
        Problem(
            path="exercises/arrival-word.toml",
            line=1,
            field="id",
            message="id 'arrival' does not match the file name 'arrival-word.toml'",
        )
    ]


def test_module_naming_a_missing_exercise_suggests_the_near_miss(content_dir):
    edit(
        content_dir,
        "modules/00-welcome.md",
        "[arrival-word, gratitude]",
        "[arrival-word, gratitud]",
    )

    assert errors(content_dir) == [
        "modules/00-welcome.md:5: exercises[1]: unknown exercise 'gratitud' (did you mean 'gratitude'?)"
    ]


def test_module_naming_a_missing_exercise_with_no_near_miss_names_the_file_to_add(content_dir):
    edit(content_dir, "modules/00-welcome.md", "gratitude]", "gratitude, slow-dance]")

    assert errors(content_dir) == [
        "modules/00-welcome.md:5: exercises[2]: unknown exercise 'slow-dance' "
        "(there is no exercises/slow-dance.toml or .yaml)"
    ]


def test_module_listing_an_exercise_twice_is_an_error(content_dir):
    edit(content_dir, "modules/00-welcome.md", "gratitude]", "gratitude, gratitude]")

    assert errors(content_dir) == [
        "modules/00-welcome.md:5: exercises[2]: exercise 'gratitude' is listed twice in this module"
    ]


def test_an_exercise_used_by_two_modules_is_an_error(content_dir):
    edit(content_dir, "modules/01-hard-things.md", "weekly-ritual]", "weekly-ritual, gratitude]")

    assert errors(content_dir) == [
        "modules/01-hard-things.md:6: exercises[2]: exercise 'gratitude' is already used by "
        "modules/00-welcome.md; an exercise can be run in one stage only"
    ]


def test_an_exercise_no_module_uses_is_a_warning(content_dir):
    write(content_dir, "exercises/spare.yaml", yaml_exercise("spare", "pair-share", ""))

    assert warnings(content_dir) == [
        "exercises/spare.yaml:1: id: exercise 'spare' is not used by any module"
    ]
    assert errors(content_dir) == []


# ------------------------------------------------------------------ modules


def test_a_module_with_a_sensitive_exercise_needs_a_content_note(content_dir):
    edit(
        content_dir,
        "modules/01-hard-things.md",
        "content_note: This part talks about difficult moments.\n",
        "",
    )

    assert errors(content_dir) == [
        "modules/01-hard-things.md: content_note: this module runs a sensitive exercise "
        "('hard-moment'), so it needs a content_note: a few words shown before it starts"
    ]


def test_an_empty_content_note_counts_as_missing(content_dir):
    edit(content_dir, "modules/01-hard-things.md", "This part talks about difficult moments.", "''")

    assert len(errors(content_dir)) == 1
    assert errors(content_dir)[0].startswith(
        "modules/01-hard-things.md:5: content_note: this module"
    )


def test_module_minutes_must_be_more_than_zero(content_dir):
    edit(content_dir, "modules/01-hard-things.md", "minutes: 20", "minutes: 0")

    assert errors(content_dir) == [
        "modules/01-hard-things.md:4: minutes: must be more than 0, got 0"
    ]


def test_a_module_file_name_must_start_with_two_digits(content_dir):
    write(
        content_dir,
        "modules/3-extra.md",
        HARD_THINGS.replace("hard-things", "extra").replace("[hard-moment, weekly-ritual]", "[]"),
    )

    assert errors(content_dir) == [
        "modules/3-extra.md: the file name must look like 03-building.md: two digits for the "
        "order, a hyphen, then lowercase words joined by hyphens"
    ]


def test_two_modules_with_the_same_order_number_name_both_files(content_dir):
    write(
        content_dir,
        "modules/01-more.md",
        HARD_THINGS.replace("hard-things", "more").replace("[hard-moment, weekly-ritual]", "[]"),
    )

    assert errors(content_dir) == [
        "modules/01-more.md: order number 01 is also used by modules/01-hard-things.md"
    ]


def test_a_module_with_no_slides_is_an_error(content_dir):
    write(content_dir, "modules/02-empty.md", "---\nid: empty\ntitle: Empty\nminutes: 5\n---\n\n")

    assert errors(content_dir) == [
        "modules/02-empty.md:5: slides: this module has no slides: add one after the front "
        "matter, starting with '## Title'"
    ]


def test_a_slide_without_a_title_points_at_the_slide(content_dir):
    edit(content_dir, "modules/01-hard-things.md", "## Hard moments", "# Hard moments")

    assert errors(content_dir) == [
        "modules/01-hard-things.md:8: slides[0]: this slide has no title: start it with a line "
        "like '## Title' (use '## ', not '# ')"
    ]


def test_an_empty_modules_folder_is_an_error(content_dir):
    for path in (content_dir / "modules").iterdir():
        path.unlink()

    assert errors(content_dir) == [
        "modules/: there are no modules yet: add a file such as modules/00-welcome.md"
    ]


def test_a_missing_content_folder_is_reported_not_raised(tmp_path):
    assert errors(tmp_path / "nowhere") == [f"modules/: folder not found in {tmp_path / 'nowhere'}"]


# ------------------------------------------------------------------ warnings


def test_an_unknown_key_suggests_the_near_miss(content_dir):
    edit(content_dir, "exercises/gratitude.toml", "options = [", "optoins = [")

    assert warnings(content_dir) == [
        "exercises/gratitude.toml:5: optoins: unknown key, ignored (did you mean 'options'?)"
    ]
    assert errors(content_dir) == ["exercises/gratitude.toml: options: this field is required"]


def test_a_key_of_another_kind_says_which_kinds_use_it(content_dir):
    extra = "items: [Time, Touch]\noptions: [Time, Touch]\n"
    write(content_dir, "exercises/order.yaml", yaml_exercise("order", "ranking", extra))
    use(content_dir, "order")

    assert warnings(content_dir) == [
        "exercises/order.yaml:8: options: not used by ranking exercises, ignored "
        "(choice exercises use it)"
    ]


def test_an_unknown_key_in_front_matter_and_in_a_plan_field_warns(content_dir):
    edit(content_dir, "modules/00-welcome.md", "minutes: 10", "minutes: 10\ncolour: blue")
    edit(content_dir, "exercises/weekly-ritual.yaml", "hint: A day", "hnit: A day")

    assert warnings(content_dir) == [
        "exercises/weekly-ritual.yaml:10: fields[1].hnit: unknown key, ignored (did you mean 'hint'?)",
        "modules/00-welcome.md:5: colour: unknown key, ignored",
    ]


def test_files_that_are_not_content_are_ignored_with_a_warning(content_dir):
    write(content_dir, "exercises/notes.txt", "ideas")
    write(content_dir, "modules/.draft.md.swp", "")

    assert [str(p) for p in validate(content_dir)] == [
        "exercises/notes.txt: ignored: exercise files end in .toml, .yaml or .yml"
    ]


# ------------------------------------------------------------------ all at once


def test_every_problem_is_reported_at_once_in_file_and_line_order(content_dir):
    edit(content_dir, "modules/01-hard-things.md", "minutes: 20", "minutes: 0")
    edit(content_dir, "modules/00-welcome.md", "title: Welcome\n", "")
    edit(content_dir, "exercises/gratitude.toml", '"Time together",', '"Time together", 3,')
    write(content_dir, "exercises/broken.toml", 'id = "broken"\ntitle = \n')

    assert [str(p) for p in validate(content_dir)] == [
        "exercises/broken.toml:2: could not read the TOML: Invalid value (is the text in quotes?)",
        "exercises/gratitude.toml:7: options[2]: expected text, got the number 3",
        "modules/00-welcome.md: title: this field is required",
        "modules/01-hard-things.md:4: minutes: must be more than 0, got 0",
    ]


# ------------------------------------------------------------------ never raises

_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
)
_keys = st.sampled_from(["id", "title", "kind", "minutes", "options", "fields", "exercises"])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(max_size=200),
    data=st.dictionaries(_keys | st.text(max_size=5), _values, max_size=6),
)
def test_validate_reports_instead_of_raising_on_any_file(content_dir, text, data):
    write(content_dir, "exercises/odd.yaml", text)
    write(content_dir, "exercises/odd-toml.toml", text)
    write(content_dir, "exercises/data.yaml", yaml.safe_dump(data))
    write(content_dir, "modules/05-odd.md", f"---\n{yaml.safe_dump(data)}---\n{text}")

    problems = validate(content_dir)

    assert all(isinstance(p, Problem) for p in problems)
    assert any(p.path == "modules/05-odd.md" for p in problems)


# ------------------------------------------------------------------ the room and the couple at home


def test_a_slide_can_carry_the_words_a_couple_at_home_reads(content_dir):
    edit(
        content_dir,
        "modules/00-welcome.md",
        "- Pass whenever you like\n",
        "- Pass whenever you like\n- What is said here stays here\n\n::: at home\n"
        "## Our agreements\n\n- Either of us can pass\n",
    )
    slide = load_content(content_dir).modules[0].slides[1]
    assert slide.body == "- Pass whenever you like\n- What is said here stays here"
    assert slide.for_home() == ("Our agreements", "- Either of us can pass")
    assert load_content(content_dir).modules[0].slides[0].for_home() == (
        "Hello",
        "Why we are here.",
    )


def test_a_slide_speaking_to_a_group_needs_a_version_for_couples_at_home(content_dir):
    edit(content_dir, "modules/00-welcome.md", "Why we are here.", "Answers are anonymous.")
    assert errors(content_dir) == [
        "modules/00-welcome.md:11: slides[0]: this slide says 'anonymous', which only fits a "
        "group in a room, so it needs a version for couples at home: add a line '::: at home' "
        "and their words below it"
    ]


def test_the_version_for_couples_at_home_may_not_speak_to_a_group(content_dir):
    edit(
        content_dir,
        "modules/00-welcome.md",
        "- Pass whenever you like\n",
        "- Pass whenever you like\n\n::: at home\n- Vote for your favourite\n",
    )
    assert errors(content_dir) == [
        "modules/00-welcome.md:23: slides[1]: the version for couples at home says 'Vote', "
        "which only fits a group in a room: say it as you would to two people on their own"
    ]


def test_an_empty_version_for_couples_at_home_is_an_error(content_dir):
    edit(
        content_dir, "modules/00-welcome.md", "- Pass whenever you like\n", "- Pass\n::: at home\n"
    )
    assert errors(content_dir) == [
        "modules/00-welcome.md:21: slides[1]: '::: at home' is followed by nothing: write what "
        "a couple at home reads below it, or remove the line"
    ]


def test_a_couple_prompt_speaking_to_a_group_is_an_error(content_dir):
    edit(
        content_dir,
        "exercises/weekly-ritual.yaml",
        "couple_prompt: Plan a ritual together.",
        "couple_prompt: Plan it; nobody sees who wrote what.",
    )
    (problem,) = errors(content_dir)
    assert problem.endswith(
        "couple_prompt: a couple at home reads this, and 'nobody sees who' only fits a group "
        "in a room: say it as you would to two people on their own"
    )
    assert problem.startswith("exercises/weekly-ritual.yaml:")


# ------------------------------------------------------------------ images


def test_a_slide_image_from_another_host_is_an_error_naming_its_line(content_dir):
    edit(content_dir, "modules/01-hard-things.md", "Everyone has them.",
         "Everyone has them.\n\n![Two chairs](https://pictures.example.net/chairs.png)")  # fmt: skip

    assert errors(content_dir) == [
        "modules/01-hard-things.md:12: slides: image 'https://pictures.example.net/chairs.png' "
        "is not part of the workshop: every screen in the room would fetch it from "
        "pictures.example.net; put the picture in the workshop folder and give its path, such "
        "as images/closeness.png"
    ]


def test_images_in_tables_by_reference_and_in_notes_are_found_too(content_dir):
    edit(content_dir, "modules/00-welcome.md", "- Pass whenever you like",
         "- Pass whenever you like\n\n| a | b |\n|---|---|\n| ![x](//cdn.example.org/x.png) | y |"
         "\n\nSee ![the map][map]\n\n[map]: http://maps.example.com/m.png")  # fmt: skip
    edit(content_dir, "modules/00-welcome.md", "  Greet people as they arrive.",
         "  Greet people as they arrive.\n  ![smile](http://faces.example.com/s.gif)")  # fmt: skip

    found = [e.split(": image '")[0] + " " + e.split(" fetch it ")[1].split(";")[0]
             for e in errors(content_dir)]  # fmt: skip
    assert found == [
        "modules/00-welcome.md:8: notes from faces.example.com",
        "modules/00-welcome.md:25: slides from cdn.example.org",
        "modules/00-welcome.md:27: slides from maps.example.com",
    ]


def test_an_exercise_prompt_with_a_web_image_is_an_error_on_its_line(content_dir):
    edit(content_dir, "exercises/hard-moment.yaml", "group_prompt: What helps you open up?",
         "group_prompt: What helps you open up? ![](http://track.example.com/p.gif)")  # fmt: skip

    assert errors(content_dir) == [
        "exercises/hard-moment.yaml:7: group_prompt: image 'http://track.example.com/p.gif' is "
        "not part of the workshop: every screen in the room would fetch it from "
        "track.example.com; put the picture in the workshop folder and give its path, such as "
        "images/closeness.png"
    ]


def test_a_picture_shipped_in_the_workshop_folder_is_fine_and_a_missing_one_is_not(content_dir):
    write(content_dir, "images/chairs.png", "png")
    edit(content_dir, "modules/01-hard-things.md", "Everyone has them.",
         "Everyone has them.\n\n![Chairs](images/chairs.png)\n\n![Gone](images/gone.png)"
         "\n\n![Up](../outside.png)")  # fmt: skip
    write(content_dir.parent, "outside.png", "png")

    assert errors(content_dir) == [
        "modules/01-hard-things.md:14: slides: image 'images/gone.png' is not a file in the "
        "workshop folder",
        "modules/01-hard-things.md:16: slides: image '../outside.png' is not a file in the "
        "workshop folder",
    ]


def test_validate_strict_refuses_a_web_image_from_the_command_line(content_dir):
    edit(content_dir, "modules/01-hard-things.md", "Everyone has them.",
         "![x](https://pictures.example.net/x.png)")  # fmt: skip
    from workshop.cli import main

    assert main(["validate", "--strict", str(content_dir)]) == 1
