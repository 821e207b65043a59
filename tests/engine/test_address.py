"""The join link's address: what the operator set, the address the projector was opened
with, or this machine's network address in place of a loopback one."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from workshop.engine.address import (
    is_loopback,
    join_base,
    network_address,
    normalise_public_url,
)


@pytest.mark.parametrize(
    "host",
    ["localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "::1", "[::1]", "0.0.0.0", "a.localhost"],
)
def test_addresses_that_only_reach_this_computer_are_loopback(host):
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["192.168.1.23", "10.0.0.5", "bedrock.example.org", "fd00::2"])
def test_addresses_other_devices_can_reach_are_not_loopback(host):
    assert not is_loopback(host)


def test_a_projector_opened_on_localhost_shows_the_network_address_with_the_same_port():
    link = join_base(
        opened_url="http://localhost:8501/screen", network="192.168.1.23", page_path="/screen"
    )
    assert link.url == "http://192.168.1.23:8501"
    assert link.source == "network" and link.reachable


def test_a_projector_opened_on_a_reachable_address_keeps_it_and_its_path_prefix():
    link = join_base(
        opened_url="https://rooms.example.org/bedrock/screen",
        network="192.168.1.23",
        page_path="/screen",
    )
    assert link.url == "https://rooms.example.org/bedrock"
    assert link.source == "opened"


def test_the_operators_setting_wins_over_everything():
    link = join_base(
        opened_url="http://localhost:8501/screen",
        public_url="https://bedrock.example.org",
        network="192.168.1.23",
        page_path="/screen",
    )
    assert (link.url, link.source) == ("https://bedrock.example.org", "setting")


def test_loopback_with_no_network_says_so():
    link = join_base(opened_url="http://127.0.0.1:8501/facilitate", page_path="/facilitate")
    assert link.url == "http://127.0.0.1:8501"
    assert not link.reachable
    assert "no network address" in link.problem


def test_a_server_listening_only_on_loopback_is_not_offered_its_network_address():
    link = join_base(
        opened_url="http://localhost:8501/screen",
        network="192.168.1.23",
        listens_everywhere=False,
        page_path="/screen",
    )
    assert not link.reachable
    assert link.url == "http://localhost:8501"
    assert "only accepts connections from this computer" in link.problem


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://bedrock.example.org/", "https://bedrock.example.org"),
        ("bedrock.example.org", "https://bedrock.example.org"),
        ("http://192.168.1.23:8501", "http://192.168.1.23:8501"),
        ("  https://Example.org/room/  ", "https://example.org/room"),
        ("http://[fd00::2]:8501", "http://[fd00::2]:8501"),
    ],
)
def test_a_public_address_is_tidied(given, expected):
    assert normalise_public_url(given) == expected


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ("", "empty"),
        ("ftp://example.org", "http:// or https://"),
        ("http://example.org:99999", "port"),
        ("http://", "no host name"),
        ("https://example.org/?code=ABC", "query"),
        ("https://exa mple.org", "spaces"),
    ],
)
def test_a_public_address_that_is_not_a_web_address_is_refused_with_the_reason(given, problem):
    with pytest.raises(ValueError, match=problem):
        normalise_public_url(given)


def test_this_machines_network_address_is_a_real_address_of_it_and_not_loopback():
    found = network_address()
    if found is None:  # a machine with no network at all: nothing to offer, said plainly
        assert not join_base(opened_url="http://localhost:8501", network=found).reachable
        return
    address = ipaddress.ip_address(found)
    assert not address.is_loopback and not address.is_unspecified
    # It is an address of this machine: a socket can listen on it.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind((found, 0))
