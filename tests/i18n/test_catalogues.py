"""The interface's catalogues against the code: every message the code says is in the
template, every catalogue translates every message of the template (nothing untranslated,
fuzzy or left over), and keeps its placeholders and Markdown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from workshop.i18n.catalogues import right_to_left, translator
from workshop.i18n.languages import LOCALE_DIR, catalogue_path, translated
from workshop.i18n.messages import KEYWORDS

PACKAGE = Path(__file__).resolve().parents[2] / "workshop"
TEMPLATE = LOCALE_DIR / "bedrock.pot"
HOW = "run the extraction in docs/translating-interface.md"
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def code_messages() -> dict[object, str]:
    """Every message the package marks, with the first place it is said (file:line)."""
    found: dict[object, str] = {}
    keywords = {**DEFAULT_KEYWORDS, **KEYWORDS}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        PACKAGE, method_map=[("**.py", "python")], keywords=keywords
    ):
        found.setdefault(message, f"workshop/{filename}:{lineno}")
    return found


def template_messages() -> set[object]:
    with TEMPLATE.open("rb") as pot:
        return {m.id for m in read_po(pot) if m.id}


def test_every_message_the_code_says_is_in_the_template():
    missing = {m: where for m, where in code_messages().items() if m not in template_messages()}
    assert not missing, f"not in {TEMPLATE.name} ({HOW}):\n" + "\n".join(
        f"{where}: {message!r}" for message, where in missing.items()
    )


def test_the_template_holds_no_message_the_code_no_longer_says():
    stale = template_messages() - set(code_messages())
    assert not stale, f"stale in {TEMPLATE.name} ({HOW}): {sorted(map(str, stale))}"


def test_there_is_a_spanish_catalogue():
    assert "es" in translated()


@pytest.mark.parametrize("language", translated())
def test_a_catalogue_translates_every_message_of_the_template_and_nothing_else(language):
    with catalogue_path(language).open("rb") as po:
        catalogue = read_po(po, locale=language.replace("-", "_"))
    wanted = template_messages()
    entries = {m.id: m for m in catalogue if m.id}
    assert not catalogue.obsolete, f"{language}: obsolete entries {list(catalogue.obsolete)}"
    assert set(entries) == wanted, (
        f"{language}: missing {sorted(map(str, wanted - set(entries)))}, "
        f"left over {sorted(map(str, set(entries) - wanted))} ({HOW}, then pybabel update)"
    )
    fuzzy = [m.id for m in entries.values() if m.fuzzy]
    assert not fuzzy, f"{language}: fuzzy (check, then drop the flag): {fuzzy}"
    untranslated = [
        m.id
        for m in entries.values()
        if not all(m.string) or (isinstance(m.string, tuple) and len(m.string) < 2)
    ]
    assert not untranslated, f"{language}: untranslated {untranslated}"


@pytest.mark.parametrize("language", translated())
def test_a_translation_keeps_the_placeholders_and_markdown_of_its_message(language):
    with catalogue_path(language).open("rb") as po:
        catalogue = read_po(po, locale=language.replace("-", "_"))
    wrong = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            if set(PLACEHOLDER.findall(string)) != wanted:
                wrong.append(f"{ids[0]!r} → {string!r}: placeholders")
            if string.count("**") != ids[0].count("**") or (
                string.startswith("#") != ids[0].startswith("#")
            ):
                wrong.append(f"{ids[0]!r} → {string!r}: Markdown")
    assert not wrong, "\n".join(wrong)


def test_a_catalogue_is_compiled_in_memory_with_its_plural_forms():
    spanish = translator("es")
    assert spanish.gettext("Send") == "Enviar"
    one, several = (
        "You've sent {count} answer to this question from this phone. Thank you.",
        "You've sent {count} answers to this question from this phone. Thank you.",
    )
    assert spanish.ngettext(one, several, 1).startswith("Has enviado {count} respuesta ")
    assert spanish.ngettext(one, several, 3).startswith("Has enviado {count} respuestas ")
    assert translator("en").gettext("Send") == "Send"
    assert translator("xx").gettext("Send") == "Send"  # no catalogue: the code's own words


def test_the_right_to_left_pseudo_language_keeps_markdown_marks_and_placeholders():
    shown = right_to_left("- **Support** for {name}\n\nNext")
    assert shown == "- \u202e**Support** for {name}\u202c\n\n\u202eNext\u202c"
    assert translator("ar-XB").gettext("Send {count}").format(count=2) == "\u202eSend 2\u202c"
