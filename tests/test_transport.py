"""Which websocket origins the server lets in, decided without any network call."""

from __future__ import annotations

import pytest

from workshop.server.transport import origin_allowed

HOST = "workshop.example.org"
LISTED = ["https://workshop.example.org", "https://other.example.org:8443"]


@pytest.mark.parametrize(
    ("origin", "host"),
    [
        (None, HOST),  # a script sends no Origin; browsers always do
        ("https://workshop.example.org", HOST),
        ("http://127.0.0.1:8501", "127.0.0.1:8501"),
        ("http://localhost:3000", HOST),
        ("http://127.0.0.1:9999", HOST),
        ("http://[::1]:8501", "127.0.0.1:8501"),
        ("https://WORKSHOP.example.org", "elsewhere:8501"),  # listed, in any case
        ("https://other.example.org:8443", "elsewhere:8501"),
    ],
)
def test_same_host_local_and_listed_origins_are_let_in(origin, host):
    assert origin_allowed(origin, host, LISTED)


@pytest.mark.parametrize(
    ("origin", "host"),
    [
        ("https://evil.example.net", HOST),
        ("https://workshop.example.org.evil.net", HOST),
        ("http://workshop.example.org", "127.0.0.1:8501"),  # listed only over https
        ("https://other.example.org", "127.0.0.1:8501"),  # listed only on port 8443
        ("https://workshop.example.org:8443", "127.0.0.1:8501"),
        ("null", HOST),  # a sandboxed frame or a file
        ("", HOST),
        ("https://[bad", HOST),
        ("https://10.0.0.5:8501", "127.0.0.1:8501"),  # the machine's own address, unlisted
    ],
)
def test_any_other_origin_is_refused(origin, host):
    assert not origin_allowed(origin, host, LISTED)
