"""What the server accepts at its door before Streamlit sees a request: websocket origins.

A browser opens the app's websocket with an ``Origin`` header naming the page it came from.
Streamlit compares an Origin that differs from the ``Host`` against localhost, then the
machine's own addresses, and to learn its external address it makes blocking HTTP requests
to a public service on every such handshake until one succeeds; where outbound traffic hangs,
each foreign Origin froze the whole server for about two seconds. No setting skips that
lookup, so the check is made here first, without any network call: a websocket is accepted
when it sends no Origin (scripts, not browsers), when its Origin's host and port are the
``Host`` it asked for, when the Origin is on this machine (``localhost``, ``127.0.0.1``,
``[::1]``, any port), or when it is listed in ``server.corsAllowedOrigins`` (compared by
scheme, host and port). Anything else is refused with 403 and never reaches Streamlit.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send
from streamlit import config

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def _origin(value: str) -> tuple[str, str, int | None] | None:
    """(scheme, host, port) of an Origin or allowed-origin entry; None when it is not one."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname:
        return None
    default = {"http": 80, "https": 443, "ws": 80, "wss": 443}.get(parts.scheme.lower())
    return parts.scheme.lower(), parts.hostname.lower(), port or default


def origin_allowed(origin: str | None, host: str | None, allowed: list[str]) -> bool:
    """Whether a websocket with this ``Origin`` header, asking for this ``Host``, is let in.
    Pure: no network, no configuration read."""
    if origin is None:
        return True
    parsed = _origin(origin)
    if parsed is None:
        return False
    if host is not None and urlsplit(origin.strip()).netloc.lower() == host.strip().lower():
        return True
    if parsed[1] in LOCAL_HOSTS:
        return True
    listed = {_origin(entry) for entry in allowed}
    return parsed in listed


class RefuseForeignOrigins:
    """ASGI middleware: a websocket handshake from an Origin :func:`origin_allowed` refuses is
    answered 403 at once; every other request passes through unchanged."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
            allowed = list(config.get_option("server.corsAllowedOrigins") or [])
            if not origin_allowed(headers.get("origin"), headers.get("host"), allowed):
                await send({"type": "websocket.close", "code": 1008})
                return
        await self.app(scope, receive, send)
