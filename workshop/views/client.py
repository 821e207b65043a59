"""Who is asking, for throttling: the client's address, as the engine counts tries by it.

Behind a reverse proxy every connection comes from the proxy, so the address the proxy
forwards is used instead, from the header named by ``BEDROCK_CLIENT_ADDRESS_HEADER`` (for
example ``X-Real-IP``, or ``X-Forwarded-For``, whose last entry is the one our proxy added).
Set it only behind a proxy that sets that header itself: otherwise a client could choose its
own address. The address is handed to the engine, which keeps only a keyed hash of it.
"""

from __future__ import annotations

import os

import streamlit as st

from workshop.engine.access import forwarded_address

HEADER_ENV = "BEDROCK_CLIENT_ADDRESS_HEADER"


def client_address() -> str | None:
    """This session's client address; None for a connection from this machine (or from a
    proxy on it that forwards no address)."""
    header = os.environ.get(HEADER_ENV, "").strip()
    if header:
        forwarded = forwarded_address(dict(st.context.headers), header)
        if forwarded:
            return forwarded
    address = st.context.ip_address
    return address if isinstance(address, str) else None  # AppTest has no real connection
