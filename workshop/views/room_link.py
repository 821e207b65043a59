"""The join link the room sees, and the warning when no phone could open it."""

from __future__ import annotations

import html
import os

import streamlit as st

from workshop.engine.address import (
    JoinBase,
    is_loopback,
    join_base,
    network_address,
    normalise_public_url,
)
from workshop.i18n.screen import _

SETTING = "BEDROCK_PUBLIC_URL"
"""The environment variable with the address phones use; ``public_url`` in secrets.toml
does the same."""


def _configured() -> str | None:
    from_env = os.environ.get(SETTING)
    if from_env:
        return from_env
    try:
        value = st.secrets.get("public_url")
    except Exception:  # no secrets file at all: the deployment set no address
        return None
    return str(value) if value else None


def setting_problem() -> str:
    """What is wrong with the operator's public address setting, or "" when it is fine
    or not set."""
    raw = _configured()
    if not raw:
        return ""
    try:
        normalise_public_url(raw)
    except ValueError as problem:
        return _(
            "The public address setting ({setting} or public_url) is not used: {problem}."
        ).format(setting=SETTING, problem=_(str(problem)))
    return ""


@st.cache_data(ttl=60, show_spinner=False)
def _network() -> str | None:
    """This machine's network address, looked up at most once a minute (it changes when
    the laptop moves to another Wi-Fi)."""
    return network_address()


def base(page_path: str) -> JoinBase:
    """Where the join link points for a page at ``page_path`` (``/screen``)."""
    raw = _configured()
    try:
        public = normalise_public_url(raw) if raw else None
    except ValueError:
        public = None
    listen = str(st.get_option("server.address") or "")
    everywhere = listen in {"", "0.0.0.0", "::"}
    network = None
    if public is None:
        if everywhere:
            network = _network()
        elif not is_loopback(listen):
            network, everywhere = listen, True  # the one address the server listens on
    return join_base(
        opened_url=st.context.url or "",
        public_url=public,
        network=network,
        listens_everywhere=everywhere,
        page_path=page_path,
    )


def join_url(link: JoinBase, code: str) -> str:
    """The short link participants type or scan."""
    return f"{link.url}/?code={code}"


def how_to_fix(link: JoinBase) -> str:
    """One plain sentence for the facilitator on making the link reachable."""
    if link.problem.startswith("this server only"):
        fix = _(
            "Start Bedrock with `{command}` so phones on the same Wi-Fi can connect; or set "
            "{setting} to the address phones use (see “Running it in a room” in the README)."
        )
    else:
        fix = _(
            "Connect this computer to the venue's Wi-Fi and reload the projector screen; or set "
            "{setting} to the address phones use (see “Running it in a room” in the README)."
        )
    return fix.format(command="streamlit run app.py --server.address 0.0.0.0", setting=SETTING)


def console_note(link: JoinBase, code: str) -> None:
    """On the console: a warning when the wall's link is loopback, a note when Bedrock put
    this computer's network address there instead, a warning for a broken setting."""
    problem = setting_problem()
    if problem:
        st.warning(problem, icon=":material/link_off:")
    if not link.reachable:
        st.warning(
            _(
                "Phones can't open the link on the wall ({link}): it only opens on this "
                "computer, because {problem}. {fix}"
            ).format(link=join_url(link, code), problem=_(link.problem), fix=how_to_fix(link)),
            icon=":material/link_off:",
        )
    elif link.source == "network":
        st.caption(
            _(
                "Phones join at {link}: this computer's address on its network, so phones "
                "must be on the same Wi-Fi. If they can't open it, see “Running it in a room” "
                "in the README."
            ).format(link=join_url(link, code))
        )


def wall_warning(link: JoinBase) -> None:
    """On the projector, under an unreachable link: big enough to notice from the console."""
    if not link.reachable:
        said = _("Phones can't open this link: {problem}. See the facilitator console.")
        st.html(
            '<div class="bedrock-link-warning">'
            f"{html.escape(said.format(problem=_(link.problem)))}</div>"
        )
