"""The console's downloads: what the room produced, the handouts and the guide."""

from __future__ import annotations

import streamlit as st

from workshop.i18n.screen import _
from workshop.views.common import store


def downloads(code: str, key: str) -> None:
    """Downloads of what the room produced, made only when a button is pressed."""
    from workshop.i18n.screen import language
    from workshop.printing.handout_files import handout_bytes
    from workshop.printing.report import export_bytes, report_filename

    st.caption(
        _(
            "Only what the room could see: answers below the reveal threshold, hidden "
            "reflections and walls you never revealed are left out."
        )
    )
    labels = {
        "pdf": _("Summary (PDF)"),
        "html": _("Summary (printable web page)"),
        "csv": _("Answers (CSV, for a spreadsheet)"),
        "json": _("Answers (JSON)"),
    }
    shown = language()  # the summary's own words in this screen's language
    for fmt, label in labels.items():
        st.download_button(
            label,
            data=lambda fmt=fmt: export_bytes(
                store=store(), code=code, key=key, fmt=fmt, language=shown
            ),
            file_name=report_filename(code=code, fmt=fmt),
            on_click="ignore",
            key=f"fac_export_{fmt}",
            width="stretch",
        )
    st.divider()
    st.download_button(
        _("Participant handouts (PDF)"),
        data=lambda: handout_bytes(fmt="pdf", document="handouts"),
        file_name="bedrock-handouts.pdf",
        on_click="ignore",
        key="fac_handouts",
        width="stretch",
    )
    st.download_button(
        _("Facilitator guide (PDF)"),
        data=lambda: handout_bytes(fmt="pdf", document="guide"),
        file_name="bedrock-facilitator-guide.pdf",
        on_click="ignore",
        key="fac_guide",
        width="stretch",
    )
