"""Bedrock's entry point: page config and navigation, nothing else."""

import streamlit as st

from workshop.views import guard
from workshop.views.navigation import build_pages

st.set_page_config(page_title="Bedrock", page_icon="🪨")
guard.run(st.navigation(build_pages(), position="hidden"))
