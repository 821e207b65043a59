"""The console's downloads: what the room produced, the handouts and the guide."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import streamlit as st

from workshop.errors import BedrockError
from workshop.views.common import store

if TYPE_CHECKING:
    from workshop.store import Store


def export_bytes(*, store: Store, code: str, key: str, fmt: str) -> bytes:
    """The workshop's summary in ``fmt``; when it cannot be made (the database is away, the
    workshop ended, the console was signed out), a short file in the same format saying
    why, so the download never fails silently. Read-only."""
    from workshop.report import report_bytes

    try:
        return report_bytes(store=store, code=code, key=key, fmt=fmt)
    except BedrockError as problem:
        return _problem_file(fmt, f"The summary could not be made. {problem}")


def _problem_file(fmt: str, message: str) -> bytes:
    if fmt == "json":
        return json.dumps({"error": message}, indent=2).encode()
    if fmt == "pdf":
        from fpdf import FPDF

        pdf = FPDF()
        pdf.add_page()
        pdf.set_font("Helvetica", size=13)
        # The built-in font has Latin-1 only; the messages are plain English.
        pdf.multi_cell(0, 8, message.encode("latin-1", "replace").decode("latin-1"))
        return bytes(pdf.output())
    return (message + "\n").encode()


def downloads(code: str, key: str) -> None:
    """Downloads of what the room produced, made only when a button is pressed."""
    from workshop.handouts import handout_bytes
    from workshop.report import report_filename

    st.caption(
        "Only what the room could see: answers below the reveal threshold, hidden "
        "reflections and walls you never revealed are left out."
    )
    labels = {
        "pdf": "Summary (PDF)",
        "html": "Summary (printable web page)",
        "csv": "Answers (CSV, for a spreadsheet)",
        "json": "Answers (JSON)",
    }
    for fmt, label in labels.items():
        st.download_button(
            label,
            data=lambda fmt=fmt: export_bytes(store=store(), code=code, key=key, fmt=fmt),
            file_name=report_filename(code=code, fmt=fmt),
            on_click="ignore",
            key=f"fac_export_{fmt}",
            width="stretch",
        )
    st.divider()
    st.download_button(
        "Participant handouts (PDF)",
        data=lambda: handout_bytes(fmt="pdf", document="handouts"),
        file_name="bedrock-handouts.pdf",
        on_click="ignore",
        key="fac_handouts",
        width="stretch",
    )
    st.download_button(
        "Facilitator guide (PDF)",
        data=lambda: handout_bytes(fmt="pdf", document="guide"),
        file_name="bedrock-facilitator-guide.pdf",
        on_click="ignore",
        key="fac_guide",
        width="stretch",
    )
