"""Bedrock served as one ASGI application: the Streamlit app (``app.py``) behind the server's
own check of websocket origins, plus a health endpoint for load balancers and the long poll
that lets phones and projectors wait for a change instead of polling. ``bedrock serve`` (or
``streamlit run server.py``) starts it; ``streamlit run app.py`` still runs the app alone,
with screens polling and no origin check."""

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from workshop.server.routes import Listening
from workshop.server.transport import RefuseForeignOrigins

listening = Listening()

app = st.App(
    Path(__file__).with_name("app.py"),
    routes=listening.routes(),
    lifespan=listening.lifespan,
    middleware=[Middleware(RefuseForeignOrigins)],
)
