"""The address phones use to reach this server, for the join link and QR code on the wall.

A browser opened on the laptop running Bedrock sees ``localhost``; no phone can open that.
:func:`join_base` decides what the wall shows from what the operator set, the address the
projector was opened with, and this machine's own network address; :func:`network_address`
finds that address without sending anything.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from workshop.i18n import N_

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}

Source = Literal["setting", "opened", "network", "loopback"]


@dataclass(frozen=True)
class JoinBase:
    """Where the join link points, and how that was decided."""

    url: str
    """Scheme, host, port and path prefix, no trailing slash: ``http://192.168.1.23:8501``."""
    source: Source
    """``setting``: the operator's public address; ``opened``: the address this page was
    opened with; ``network``: this machine's address on its network, in place of a loopback
    one; ``loopback``: a loopback address no phone can open."""
    problem: str = ""
    """Why no phone-reachable address could be offered (only with ``loopback``)."""

    @property
    def reachable(self) -> bool:
        """Whether a phone on the room's network may open the link."""
        return self.source != "loopback"


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (``localhost``, ``127.0.0.1``, ``::1``, or
    the unspecified ``0.0.0.0``, which browsers also map to this machine)."""
    host = host.strip("[]").lower()
    if not host or host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def normalise_public_url(value: str) -> str:
    """The operator's public address as ``scheme://host[:port][/prefix]``; a bare host
    gets ``https://``. Raises ValueError, naming the problem, for anything that is not a
    web address."""
    value = value.strip()
    if not value:
        raise ValueError(N_("it is empty"))
    if "://" not in value:
        value = f"https://{value}"
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"}:
        raise ValueError(N_("it must start with http:// or https://"))
    try:
        port = parts.port
    except ValueError:
        raise ValueError(N_("its port is not a number between 0 and 65535")) from None
    host = parts.hostname or ""
    if not host or any(c.isspace() for c in value):
        raise ValueError(N_("it has no host name, or it has spaces in it"))
    if parts.query or parts.fragment:
        raise ValueError(N_("it must not carry a query (?…) or a fragment (#…)"))
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    return f"{parts.scheme}://{netloc}{parts.path.rstrip('/')}"


def join_base(
    *,
    opened_url: str,
    public_url: str | None = None,
    network: str | None = None,
    listens_everywhere: bool = True,
    page_path: str = "",
) -> JoinBase:
    """Decide the base of the join link. Pure: no clock, no network.

    ``opened_url`` is the address the page was opened with; ``page_path`` its page's own
    path (``/screen``), cut off to reach the app's root. ``public_url`` is the operator's
    setting, already normalised. ``network`` is this machine's network address (see
    :func:`network_address`), used only when the page was opened on a loopback address and
    the server accepts connections from other machines (``listens_everywhere``).
    """
    if public_url:
        return JoinBase(url=public_url, source="setting")
    parts = urlsplit(opened_url)
    path = parts.path.rstrip("/")
    if page_path and path.endswith(page_path.rstrip("/")):
        path = path[: -len(page_path.rstrip("/"))]
    opened = f"{parts.scheme}://{parts.netloc}{path}" if parts.netloc else ""
    host = parts.hostname or ""
    if opened and not is_loopback(host):
        return JoinBase(url=opened, source="opened")
    if not listens_everywhere:
        return JoinBase(
            url=opened,
            source="loopback",
            problem=N_("this server only accepts connections from this computer"),
        )
    if network is None:
        return JoinBase(
            url=opened,
            source="loopback",
            problem=N_("this computer has no network address (is it on the venue's Wi-Fi?)"),
        )
    netloc = f"[{network}]" if ":" in network else network
    if parts.port is not None:
        netloc += f":{parts.port}"
    return JoinBase(url=f"{parts.scheme or 'http'}://{netloc}{path}", source="network")


def network_address() -> str | None:
    """This machine's IPv4 address on the network its default route leads to (the venue's
    Wi-Fi, for a laptop), or None when it has none. Connecting a UDP socket only picks a
    route: no packet is sent, and no server is asked."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            # A private address that no one needs to answer: only the routing table is read.
            probe.connect(("10.254.254.254", 9))
            found = probe.getsockname()[0]
        except OSError:
            return None
    try:
        address = ipaddress.ip_address(found)
    except ValueError:
        return None
    if address.is_loopback or address.is_unspecified or address.is_link_local:
        return None
    return found
