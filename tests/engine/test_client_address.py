"""Who counts as one client for throttling: an address, an IPv6 household's /64, or the
address a proxy forwarded; and the stored form names no address."""

from __future__ import annotations

import pytest

from workshop.engine.access import client_key, client_label, forwarded_address


@pytest.mark.parametrize(
    ("address", "label"),
    [
        ("203.0.113.7", "203.0.113.7"),
        (" 203.0.113.7 ", "203.0.113.7"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("[2001:db8:1:2::9]", "2001:db8:1:2::/64"),
        (None, "local"),
        ("", "local"),
        ("not an address", "not an address"),
    ],
)
def test_a_client_is_its_address_or_its_ipv6_network(address, label):
    assert client_label(address) == label


def test_the_forwarded_address_is_the_one_the_nearest_proxy_added():
    headers = {"X-Forwarded-For": "10.0.0.1, 198.51.100.20", "x-real-ip": "203.0.113.7"}
    assert forwarded_address(headers, "X-Forwarded-For") == "198.51.100.20"
    assert forwarded_address(headers, "X-Real-IP") == "203.0.113.7"
    assert forwarded_address(headers, "Forwarded-Client") is None
    assert forwarded_address({"X-Real-IP": " , "}, "X-Real-IP") is None


def test_the_stored_client_is_a_keyed_hash_that_names_no_address():
    one, other = b"k" * 32, b"q" * 32
    stored = client_key(one, "203.0.113.7")
    assert len(stored) == 32 and set(stored) <= set("0123456789abcdef")
    assert stored == client_key(one, "::ffff:203.0.113.7")
    assert stored != client_key(other, "203.0.113.7")  # without the server key, no match
    assert client_key(one, "2001:db8::1") == client_key(one, "2001:db8::ffff")
    assert client_key(one, "2001:db8::1") != client_key(one, "2001:db8:0:1::1")
