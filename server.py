"""Bedrock served as one ASGI application: the Streamlit app (``app.py``) plus a health
endpoint for load balancers and the long poll that lets phones and projectors wait for a
change instead of polling. ``bedrock serve`` (or ``streamlit run server.py``) starts it;
``streamlit run app.py`` still runs the app alone, with screens polling."""

import streamlit as st

from workshop.server.routes import Listening

listening = Listening()

app = st.App("app.py", routes=listening.routes(), lifespan=listening.lifespan)
