"""Bedrock's entry point: page config and navigation, nothing else."""

import streamlit as st

from workshop.views.navigation import build_pages

st.set_page_config(page_title="Bedrock", page_icon="🪨")
st.navigation(build_pages(), position="hidden").run()
