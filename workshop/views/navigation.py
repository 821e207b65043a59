"""The app's navigation: every page, the default one first."""

from __future__ import annotations

import streamlit as st

from workshop.i18n.screen import _
from workshop.views import facilitate, home, join, preview, screen, together
from workshop.views.links import PAGES


def build_pages() -> list[st.Page]:
    """Create the app's pages (the default one first) and remember them in ``PAGES``; their
    titles (the browser tab's) in the screen's language."""
    PAGES.clear()
    PAGES.update(
        home=st.Page(home.page, title="Bedrock", url_path="home", default=True),
        join=st.Page(join.page, title=_("Join"), url_path="join"),
        facilitate=st.Page(facilitate.page, title=_("Facilitate"), url_path="facilitate"),
        screen=st.Page(screen.page, title=_("Projector screen"), url_path="screen"),
        together=st.Page(together.page, title=_("Together"), url_path="together"),
        preview=st.Page(preview.page, title=_("Preview the workshop"), url_path="preview"),
    )
    return list(PAGES.values())
