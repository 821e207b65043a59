"""Thin Streamlit pages. Each module exposes ``page()``; ``build_pages`` wires them up."""

from __future__ import annotations

import streamlit as st

#: The pages of the running app by name, so one page can link to another.
PAGES: dict[str, st.Page] = {}


def build_pages() -> list[st.Page]:
    """Create the app's pages (the default one first) and remember them in ``PAGES``."""
    from workshop.views import facilitate, home, join, preview, screen, together

    PAGES.clear()
    PAGES.update(
        home=st.Page(home.page, title="Bedrock", url_path="home", default=True),
        join=st.Page(join.page, title="Join", url_path="join"),
        facilitate=st.Page(facilitate.page, title="Facilitate", url_path="facilitate"),
        screen=st.Page(screen.page, title="Projector screen", url_path="screen"),
        together=st.Page(together.page, title="Together", url_path="together"),
        preview=st.Page(preview.page, title="Preview the workshop", url_path="preview"),
    )
    return list(PAGES.values())


def link(name: str, label: str, *, icon: str | None = None, query: dict | None = None) -> None:
    """A link to another page of the app, drawn only when that page exists."""
    if name in PAGES:
        st.page_link(PAGES[name], label=label, icon=icon, query_params=query)
