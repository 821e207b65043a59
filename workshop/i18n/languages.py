"""Which languages the interface speaks, which one a browser asks for, and which way each
is written. Pure: no Streamlit.

A language is named by its BCP 47 tag as a browser sends it (``es``, ``pt-BR``); its
catalogue lives in ``workshop/locale/<tag with _>/LC_MESSAGES/bedrock.po``. English is the
language the code is written in and needs no catalogue. ``ar-XB`` is a pseudo-language, not
a translation: every sentence in English, written right to left, to check that the pages
hold up in a right-to-left language before a real catalogue for one exists.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError

SOURCE = "en"
"""The language of the code's own strings."""
RTL_PSEUDO = "ar-XB"
"""The right-to-left pseudo-language (the name browsers and Android use for it)."""
PSEUDO = frozenset({RTL_PSEUDO})
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
DOMAIN = "bedrock"


def folder_name(language: str) -> str:
    """The catalogue folder of ``language`` (``pt-BR`` → ``pt_BR``)."""
    return language.replace("-", "_")


def catalogue_path(language: str) -> Path:
    """Where the ``.po`` file of ``language`` is (it may not exist)."""
    return LOCALE_DIR / folder_name(language) / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translated() -> tuple[str, ...]:
    """The languages with a catalogue in the package, sorted. Read once per process."""
    found = (p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return tuple(sorted(name.replace("_", "-") for name in found))


def offered() -> tuple[str, ...]:
    """The languages a person can choose: English first, then every catalogue."""
    return (SOURCE, *translated())


def known(language: str) -> bool:
    """Whether the interface can be shown in ``language`` (a pseudo-language included)."""
    return language in offered() or language in PSEUDO


def negotiate(asked: str | None) -> str | None:
    """The language to show for a browser's or a link's ``asked`` tag (``es-ES``,
    ``es_MX``, ``ES``), or None when none fits. An exact match wins, then the same
    language without its region. Pure apart from the list of catalogues."""
    if not asked or not isinstance(asked, str):
        return None
    wanted = asked.strip().replace("_", "-")
    by_lower = {name.lower(): name for name in (*offered(), *PSEUDO)}
    if wanted.lower() in by_lower:
        return by_lower[wanted.lower()]
    base = wanted.split("-")[0].lower()
    return by_lower.get(base)


def formatting_locale(language: str) -> Locale:
    """The Babel locale that writes numbers, dates and times for ``language`` (English's
    for a pseudo-language)."""
    if language in PSEUDO:
        return Locale.parse(SOURCE)
    try:
        return Locale.parse(language, sep="-")
    except (UnknownLocaleError, ValueError):
        return Locale.parse(SOURCE)


def direction(language: str) -> str:
    """``"rtl"`` or ``"ltr"``: the way ``language`` is written."""
    if language in PSEUDO:
        return "rtl"
    return formatting_locale(language).text_direction


def native_name(language: str) -> str:
    """``language``'s name in itself, capitalised as a menu shows it (``Español``)."""
    if language in PSEUDO:
        return "English (RTL test)"
    name = formatting_locale(language).get_display_name() or language
    return name[:1].upper() + name[1:]
