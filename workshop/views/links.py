"""The app's pages by name, so one page can link to another without importing it."""

from __future__ import annotations

import streamlit as st

#: The pages of the running app by name, filled by :func:`workshop.views.navigation.build_pages`.
PAGES: dict[str, st.Page] = {}


def link(name: str, label: str, *, icon: str | None = None, query: dict | None = None) -> None:
    """A link to another page of the app, drawn only when that page exists."""
    if name in PAGES:
        st.page_link(PAGES[name], label=label, icon=icon, query_params=query)
