"""Marking messages for the catalogue where they are written, and errors that say theirs in
any language. Pure: no Streamlit, no catalogue read here.

Code below the pages (the engine, the couple's evening) does not know who reads its
messages. It marks them (``N_``, ``N_plural``) so extraction finds them, keeps their numbers
apart, and the page that shows one translates it for its screen (``error.said(translator)``).
"""

from __future__ import annotations

import gettext

KEYWORDS = {"N_plural": (1, 2)}
"""Markers besides gettext's own (``_``, ``N_``, ``ngettext``...) that extraction reads:
``pybabel extract -k N_plural:1,2``."""


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it yet: for text kept in a
    constant and translated where it is shown (``_(CONSTANT)``)."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a message with a form for one and a form for several, translated later with
    ``ngettext(singular, plural, n)``."""
    return singular, plural


class Translatable:
    """A message kept as its catalogue entry and its numbers (``{count}``, ``{most}``...),
    said in a language only when someone reads it. ``plural``: the form for several, chosen
    by ``params["count"]``."""

    message: str = ""
    plural: str | None = None
    params: dict[str, object]

    def _keep(self, message: str | tuple[str, str] | None, params: dict[str, object]) -> str:
        """Remember ``message`` (a tuple from ``N_plural``) and ``params``; returns the
        English sentence."""
        if isinstance(message, tuple):
            self.message, self.plural = message
        elif message is not None:
            self.message = message
        self.params = params
        return self.said(gettext.NullTranslations())

    def said(self, translator: gettext.NullTranslations) -> str:
        """The message through ``translator`` (a language's catalogue), numbers filled in."""
        if self.plural is not None:
            count = self.params.get("count", 1)
            template = translator.ngettext(self.message, self.plural, int(count))
        else:
            template = translator.gettext(self.message)
        return template.format(**self.params) if self.params else template
