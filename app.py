"""Bedrock's entry point: page config, downloads kept until fetched, the screen's language,
the style every page shares, and navigation."""

import streamlit as st

from workshop.server.downloads import keep_downloads_fetchable
from workshop.views import guard
from workshop.views.common import readable_style
from workshop.views.language import screen_language
from workshop.views.navigation import build_pages

st.set_page_config(page_title="Bedrock", page_icon="🪨")
keep_downloads_fetchable()
screen_language()
readable_style()
guard.run(st.navigation(build_pages(), position="hidden"))
