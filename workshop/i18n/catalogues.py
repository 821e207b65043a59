"""The translators, one per language, built from the ``.po`` files in the package.

A catalogue is compiled in memory the first time a page asks for its language (Babel reads
the ``.po`` file and writes the ``.mo`` bytes gettext reads), and kept for the life of the
process: a fresh checkout or install needs no compile step, and nothing is written to disk.
Fuzzy entries are left out, so a sentence whose English changed shows in English until a
translator confirms it.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable
from functools import cache
from io import BytesIO

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from workshop.i18n.languages import (
    DOMAIN,
    PSEUDO,
    SOURCE,
    catalogue_path,
    formatting_locale,
    translated,
)


@cache
def translator(language: str) -> gettext.NullTranslations:
    """The translator for ``language``: English (the code's own strings) for the source
    language or any language without a catalogue."""
    if language in PSEUDO:
        return RightToLeft()
    if language == SOURCE or language not in translated():
        return gettext.NullTranslations()
    path = catalogue_path(language)
    with path.open("rb") as po:
        catalog = read_po(po, locale=formatting_locale(language), domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    translations = Translations(fp=compiled, domain=DOMAIN)
    translations.files = [str(path)]
    return translations


def gettext_for(language: str) -> Callable[[str], str]:
    """``gettext`` of ``language``'s translator, for a PDF or a command line message."""
    return translator(language).gettext


#: What opens a Markdown line (a list mark, a heading) and must stay first on it.
_LINE_START = re.compile(r"^(\s*(?:[-*+]|\d+\.|#+)\s+)?")
_RLO, _PDF = "\u202e", "\u202c"


def right_to_left(message: str) -> str:
    """``message`` written right to left, line by line, with Markdown's line marks kept in
    front: how the pseudo-language ``ar-XB`` shows every sentence."""
    lines = []
    for line in message.split("\n"):
        start = _LINE_START.match(line).group(0)
        rest = line[len(start) :]
        lines.append(f"{start}{_RLO}{rest}{_PDF}" if rest.strip() else line)
    return "\n".join(lines)


class RightToLeft(gettext.NullTranslations):
    """The pseudo-language ``ar-XB``: every message in English, shown right to left."""

    def gettext(self, message: str) -> str:
        return right_to_left(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return right_to_left(msgid1 if n == 1 else msgid2)
