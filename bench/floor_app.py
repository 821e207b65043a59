"""The floor for the load benchmark: a bare Streamlit app with one refreshing fragment.

It draws one line per tick at the same interval as the participant page, so the
benchmark can say how much of a tick's cost is Streamlit's own. Run it from the
repository top so it gets the same ``.streamlit/config.toml``::

    python -m streamlit run bench/floor_app.py -- 2
"""

from __future__ import annotations

import sys
import time

import streamlit as st

INTERVAL = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0


@st.fragment(run_every=INTERVAL)
def _line() -> None:
    st.caption(f"Still here at {time.time():.0f}")


_line()
