"""Numbers, dates and times written the way a language writes them, by Babel. Pure.

Every function takes the language explicitly (a page passes its screen's, a PDF its own), so
a Spanish phone reads ``1.234,5`` where an English one reads ``1,234.5``.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from babel import dates, numbers

from workshop.i18n.languages import formatting_locale


def number(value: float, language: str, *, places: int | None = None) -> str:
    """``value`` as ``language`` writes a number (``1,234.5`` / ``1.234,5``); with
    ``places``, always that many digits after the decimal mark (``3.0``)."""
    pattern = None if places is None else "#,##0" + ("." + "0" * places if places else "")
    return numbers.format_decimal(value, format=pattern, locale=formatting_locale(language))


def clock(moment: datetime, language: str, *, timezone: tzinfo | str | None = None) -> str:
    """The time of day of ``moment`` on a 24-hour clock (``21:15``), with the language's own
    digits and separator, in ``timezone`` when given (else ``moment``'s own)."""
    return dates.format_skeleton(
        "Hm", moment, tzinfo=_zone(timezone), locale=formatting_locale(language)
    )


def day(value: date, language: str) -> str:
    """``value`` as a date with its month's name, day first where the language puts it
    there: 1 December 2026 (the interface's own English), 1 de diciembre de 2026."""
    where = formatting_locale(language)
    if where.language == "en":
        return dates.format_date(value, format="d MMMM y", locale=where)
    return dates.format_date(value, format="long", locale=where)


def weekday(number_: int, language: str) -> str:
    """The name of the weekday ``number_`` (0 = Monday), as a menu shows it."""
    name = formatting_locale(language).days["stand-alone"]["wide"][number_]
    return name[:1].upper() + name[1:]


def _zone(timezone: tzinfo | str | None) -> tzinfo | None:
    if timezone is None or isinstance(timezone, tzinfo):
        return timezone
    try:
        return dates.get_timezone(timezone)
    except LookupError:
        return None
