"""A workshop's summary as a file: one call that collects it from the store and writes it as
CSV, JSON, printable HTML or PDF, for the console's downloads and `bedrock export`."""

from __future__ import annotations

import json
from pathlib import Path

from fpdf import FPDF

from workshop.content.loader import ContentError, get_content
from workshop.content.model import Content
from workshop.engine import privacy
from workshop.engine.errors import BedrockError
from workshop.engine.store import Store
from workshop.i18n import N_
from workshop.i18n.catalogues import gettext_for, translator
from workshop.printing import summary_print
from workshop.printing.document import FONT_DIR
from workshop.printing.summary import FORMATS, Summary, collect, to_csv, to_json

NOT_MADE = N_("The summary could not be made. {problem}")


def to_html(summary: Summary) -> str:
    """The summary as one self-contained, printable HTML page (see :mod:`workshop.printing.summary_print`)."""
    return summary_print.to_html(summary)


def to_pdf(summary: Summary, *, font_dir: Path | None = FONT_DIR) -> bytes:
    """The summary as a PDF: the same sections as :func:`to_html`, the app's charts as images
    with their values as text. Reads the font files."""
    return summary_print.to_pdf(summary, font_dir=font_dir)


def render(summary: Summary, fmt: str) -> bytes:
    """The summary in one of :data:`FORMATS`, as bytes to write or download."""
    if fmt == "csv":
        return to_csv(summary)
    if fmt == "json":
        return to_json(summary)
    if fmt == "html":
        return to_html(summary).encode("utf-8")
    if fmt == "pdf":
        return to_pdf(summary)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def report_bytes(
    *,
    store: Store,
    code: str,
    key: str,
    fmt: str,
    now: float | None = None,
    content: Content | None = None,
    language: str = "en",
) -> bytes:
    """A workshop's summary in ``fmt`` (csv, json, html or pdf), for the facilitator holding
    ``key``, its own words (headings, captions, counts, dates) in ``language``; what people
    wrote stays as written. Uses the shipped content in ``language`` for scale labels and
    the options' words unless ``content`` is given. Raises AccessDenied, WorkshopNotFound,
    WorkshopEnded, ValueError for an unknown format. Read-only."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if content is None:
        content = _shipped_content(language)
    summary = collect(store=store, code=code, key=key, now=now, content=content, language=language)
    return render(summary, fmt)


def report_filename(*, code: str, fmt: str) -> str:
    """A file name for a download: 'bedrock-ABC123-summary.pdf'."""
    return f"bedrock-{privacy.normalise_code(code)}-summary.{fmt}"


def _shipped_content(language: str = "en") -> Content | None:
    try:
        return get_content(language)
    except ContentError:
        return None


def export_bytes(*, store: Store, code: str, key: str, fmt: str, language: str = "en") -> bytes:
    """The workshop's summary in ``fmt``, its own words in ``language``; when it cannot be
    made (the database is away, the workshop ended, the console was signed out), a short
    file in the same format saying why, in that language, so the download never fails
    silently. Read-only."""
    try:
        return report_bytes(store=store, code=code, key=key, fmt=fmt, language=language)
    except BedrockError as problem:
        why = problem.said(translator(language))
        return _problem_file(fmt, gettext_for(language)(NOT_MADE).format(problem=why))


def _problem_file(fmt: str, message: str) -> bytes:
    if fmt == "json":
        return json.dumps({"error": message}, indent=2).encode()
    if fmt == "pdf":
        pdf = FPDF()
        pdf.add_page()
        pdf.set_font("Helvetica", size=13)
        # The built-in font has Latin-1 only: enough for English and Spanish.
        pdf.multi_cell(0, 8, message.encode("latin-1", "replace").decode("latin-1"))
        return bytes(pdf.output())
    return (message + "\n").encode()
