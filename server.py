"""How Bedrock is served to a room: the app in app.py behind the server's own door checks.

`bedrock serve` runs this file (`streamlit run server.py`), so that a websocket from a page on
another site is refused before Streamlit looks at it (see workshop/transport.py).
"""

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from workshop.transport import RefuseForeignOrigins

app = st.App(Path(__file__).with_name("app.py"), middleware=[Middleware(RefuseForeignOrigins)])
