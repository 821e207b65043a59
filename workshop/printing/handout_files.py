"""The handouts and the facilitator guide as files: one call for the console's downloads and
one for `bedrock handouts`, in HTML or PDF."""

from __future__ import annotations

import os
from pathlib import Path

from workshop.content.loader import get_content
from workshop.content.model import Content
from workshop.printing import handouts_pdf
from workshop.printing.handouts import DOCUMENTS, guide_html, handouts_html


def handout_bytes(
    *,
    fmt: str,
    document: str = "handouts",
    content: Content | None = None,
    language: str = "en",
) -> bytes:
    """A printable document as bytes: ``document`` is "handouts" (every stage), "guide" (the
    facilitator guide) or a stage's module id; ``fmt`` is "html" or "pdf"; ``language``: the
    language of its words. Uses the shipped content in ``language`` unless ``content`` is
    given. Raises ValueError for an unknown format or document, ContentError when the
    content has errors. Reads the content files once."""
    content = content if content is not None else get_content(language)
    if fmt not in ("html", "pdf"):
        raise ValueError(f"unknown format {fmt!r}; choose html or pdf")
    if document not in DOCUMENTS and document not in {m.id for m in content.modules}:
        raise ValueError(f"unknown document {document!r}: use handouts, guide or a stage id")
    if document == "guide":
        if fmt == "html":
            return guide_html(content, language).encode()
        return handouts_pdf.guide(content, language=language)
    module_id = None if document == "handouts" else document
    if fmt == "html":
        return handouts_html(content, module_id=module_id, language=language).encode()
    return handouts_pdf.handouts(content, module_id=module_id, language=language)


def write_handouts(
    *,
    out: Path,
    content: Content,
    formats: tuple[str, ...] = ("html", "pdf"),
    language: str = "en",
):
    """Write every document into ``out`` (created if needed): handouts-all, one handout per
    stage (NN-id) and facilitator-guide, in each format, each readable by this user only,
    their own words in ``language`` (``content`` is best in the same one). Returns the
    paths written."""
    out.mkdir(parents=True, exist_ok=True)
    names = {"handouts": "handouts-all", "guide": "facilitator-guide"}
    names |= {m.id: f"handout-{m.order:02d}-{m.id}" for m in content.modules}
    written = []
    for document, name in names.items():
        for fmt in formats:
            path = out / f"{name}.{fmt}"
            write_private(
                path, handout_bytes(fmt=fmt, document=document, content=content, language=language)
            )
            written.append(path)
    return written


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` readable and writable by this user only (mode 0600), also
    when the file already exists with wider permissions: what a workshop produced is not for
    everyone who can log in to the machine."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        if hasattr(os, "fchmod"):
            os.fchmod(out.fileno(), 0o600)
        out.write(data)
