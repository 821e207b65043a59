"""The interface in every person's own language: gettext catalogues managed with Babel.

``messages`` marks what code below the pages says (``N_``, ``N_plural``, errors that say
theirs later); ``catalogues`` turns the ``.po`` files under ``workshop/locale`` into
translators (compiled in memory when first used, so a fresh checkout needs no compile step);
``languages`` picks a language and its writing direction; ``formats`` writes numbers, dates
and times the way the language does; ``screen`` gives a Streamlit page its screen's language.
"""

from __future__ import annotations

from workshop.i18n.messages import N_, N_plural, Translatable

__all__ = ["N_", "N_plural", "Translatable"]
