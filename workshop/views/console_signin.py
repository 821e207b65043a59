"""Signing in to the console: a new workshop's plan, or reopening one with its passcode."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from workshop.content.planning import build_plan
from workshop.engine.errors import (
    AccessDenied,
    BedrockError,
    TooManyAttempts,
    WorkshopEnded,
    WorkshopNotFound,
)
from workshop.i18n import N_plural
from workshop.i18n.formats import number
from workshop.i18n.screen import _, language, ngettext, said
from workshop.views.client import client_address
from workshop.views.common import DEFAULT_SUPPORT, content, store


def organiser_passcode() -> str | None:
    """The deployment's passcode for creating workshops, if it sets one."""
    from_env = os.environ.get("BEDROCK_ORGANISER_PASSCODE")
    if from_env:
        return from_env
    try:
        return st.secrets.get("organiser_passcode")
    except Exception:  # no secrets file at all: the deployment set no passcode
        return None


SCROLL_TO_TOP = """<script>
for (const el of document.querySelectorAll('[data-testid="stMain"],[data-testid="stAppViewContainer"]'))
  el.scrollTo(0, 0);
window.scrollTo(0, 0);
</script>"""


def _signed_in(code: str, key: str) -> None:
    st.session_state.fac_code = code
    st.session_state.fac_key = key
    st.session_state.fac_scroll_top = True
    st.rerun()


def reopen() -> None:
    with st.form("fac_reopen"):
        code = st.text_input(_("Workshop code"), max_chars=6, key="fac_reopen_code")
        passcode = st.text_input(_("Workshop passcode"), type="password", key="fac_reopen_pass")
        if st.form_submit_button(_("Open the console"), type="primary", key="fac_reopen_go"):
            code = code.strip().upper()
            try:
                key = store().open_console(code=code, passcode=passcode, client=client_address())
                _signed_in(code, key)
            except TooManyAttempts as wait:
                st.error(
                    _wait(
                        wait,
                        N_plural(
                            "Too many tries from your network. Please wait {count} second and "
                            "try again, or open the console with your recovery key below.",
                            "Too many tries from your network. Please wait {count} seconds and "
                            "try again, or open the console with your recovery key below.",
                        ),
                    )
                )
            except (AccessDenied, WorkshopNotFound):
                st.error(_("That code and passcode don't match an open workshop."))
            except WorkshopEnded:
                st.error(_("That workshop has ended and its data was deleted."))
            except BedrockError as problem:  # storage down, read-only or full
                st.error(said(problem))
    recover = st.expander(_("Lost the passcode, or asked to wait? Use the recovery key"))
    with recover, st.form("fac_recover"):
        typed = st.text_input(
            _("Recovery key"),
            type="password",
            max_chars=60,
            key="fac_recovery_key",
            help=_("Shown once when the workshop was created, like {example}").format(
                example="ABC123-XXXXXX-…"
            ),
        )
        if st.form_submit_button(_("Open with the recovery key"), key="fac_recover_go"):
            try:
                _signed_in(*store().open_with_recovery_key(recovery_key=typed))
            except AccessDenied:
                st.error(_("That recovery key doesn't open an open workshop."))
            except BedrockError as problem:  # storage down, read-only or full
                st.error(said(problem))


def _wait(wait: TooManyAttempts, message: tuple[str, str]) -> str:
    """A "please wait" message (``N_plural``) for ``wait``'s seconds, in the screen's
    language."""
    seconds = round(wait.retry_after)
    return ngettext(*message, seconds).format(count=number(seconds, language()))


def recovery_notice() -> None:
    """Right after creating a workshop: its recovery key, shown this once, until put away."""
    recovery = st.session_state.get("fac_recovery")
    if not recovery:
        return
    with st.container(border=True, key="fac_recovery_box"):
        st.markdown(
            _(
                "**Your recovery key.** Print it or save it now: it is shown only this once. "
                "It opens this console without the passcode, whatever anyone else tries; keep "
                "it as safe as the passcode."
            )
        )
        st.code(recovery, language=None)
        if st.button(_("I have saved it"), key="fac_recovery_done"):
            st.session_state.pop("fac_recovery", None)
            st.rerun()


def new_workshop() -> None:
    required = organiser_passcode()
    if required and not st.session_state.get("fac_organiser_ok"):
        _organiser_gate(required)
        return

    modules = content().modules
    st.markdown(_("**Stages** — untick to leave a stage out; change the order and the minutes."))
    table = pd.DataFrame(
        {
            "include": [True] * len(modules),
            "order": list(range(1, len(modules) + 1)),
            "stage": [m.title for m in modules],
            "minutes": [float(m.minutes) for m in modules],
            "id": [m.id for m in modules],
        }
    )
    edited = st.data_editor(
        table,
        key="fac_plan_table",
        hide_index=True,
        disabled=["stage", "id"],
        column_config={
            "id": None,
            # The columns keep their names (the plan is read by them); the headers a
            # person reads are in the screen's language.
            "include": st.column_config.CheckboxColumn(_("include")),
            "order": st.column_config.NumberColumn(_("order"), min_value=1, step=1, width="small"),
            "stage": st.column_config.TextColumn(_("stage")),
            "minutes": st.column_config.NumberColumn(
                _("minutes"), min_value=1, max_value=180, step=1
            ),
        },
        width="stretch",
    )
    chosen_rows = edited[edited["include"]].sort_values("order", kind="stable")
    total = float(chosen_rows["minutes"].sum())
    stages = ngettext("{count} stage", "{count} stages", len(chosen_rows)).format(
        count=number(len(chosen_rows), language())
    )
    in_all = ngettext("{count} minute in all", "{count} minutes in all", round(total)).format(
        count=number(round(total), language())
    )
    st.caption(f"{stages} · {in_all}")

    with st.form("fac_create"):
        title = st.text_input(
            _("Title participants see"),
            value=_("Emotional connection workshop"),
            key="fac_title",
        )
        min_reveal = st.number_input(
            _("Reveal answers once at least this many have answered"),
            min_value=2,
            max_value=50,
            value=3,
            help=_("Sensitive prompts keep their own higher threshold."),
            key="fac_min_reveal",
        )
        support = st.text_area(
            _("Support text on every participant screen (your own resources)"),
            value=_(DEFAULT_SUPPORT),
            max_chars=1500,
            key="fac_support",
        )
        passcode = st.text_input(
            _("Workshop passcode (to reopen this console)"),
            type="password",
            max_chars=200,
            key="fac_passcode",
        )
        again = st.text_input(
            _("Passcode again"), type="password", max_chars=200, key="fac_passcode2"
        )
        if st.form_submit_button(_("Create workshop"), type="primary", key="fac_create_go"):
            problem = _plan_problem(chosen_rows, passcode, again)
            if problem:
                st.error(problem)
                return
            plan = build_plan(
                content(), [(r.id, float(r.minutes)) for r in chosen_rows.itertuples()]
            )
            try:
                created = store().create_workshop(
                    title=title.strip() or _("Workshop"),
                    stages=plan,
                    passcode=passcode,
                    min_reveal=int(min_reveal),
                    support_text=support.strip(),
                    # A counsellor on the server's own machine (no address) is not limited:
                    # the limit is for strangers reaching the server over the network.
                    client=client_address(),
                )
            except TooManyAttempts as wait:
                st.error(
                    _wait(
                        wait,
                        N_plural(
                            "Many workshops were created from your network just now. Please wait "
                            "{count} second and try again; nothing you entered is lost.",
                            "Many workshops were created from your network just now. Please wait "
                            "{count} seconds and try again; nothing you entered is lost.",
                        ),
                    )
                )
                return
            except BedrockError as problem:  # storage down, read-only or full
                st.error(said(problem))
                return
            st.session_state.fac_recovery = created.recovery_key
            _signed_in(created.code, created.facilitator_key)


def _organiser_gate(required: str) -> None:
    """Ask for the deployment's organiser passcode; wrong ones make this client wait."""
    typed = st.text_input(_("Organiser passcode"), type="password", key="fac_org")
    if st.button(_("Continue"), key="fac_org_go"):
        try:
            store().check_organiser(typed=typed, required=required, client=client_address())
        except TooManyAttempts as wait:
            st.error(
                _wait(
                    wait,
                    N_plural(
                        "Too many tries. Please wait {count} second and try again.",
                        "Too many tries. Please wait {count} seconds and try again.",
                    ),
                )
            )
        except AccessDenied:
            st.error(_("That organiser passcode isn't right."))
        except BedrockError as problem:  # storage down
            st.error(said(problem))
        else:
            st.session_state.fac_organiser_ok = True
            st.rerun()


def open_to_anyone(url: str | None) -> bool:
    """Whether anyone who reaches this server can create workshops: no organiser passcode is
    set, and the app is not being opened on this machine (``url``: the address the browser
    shows)."""
    if organiser_passcode():
        return False
    host = (urlsplit(url or "").hostname or "localhost").lower()
    return not (host in ("localhost", "127.0.0.1", "::1") or host.endswith(".localhost"))


def _plan_problem(rows: pd.DataFrame, passcode: str, again: str) -> str | None:
    if rows.empty:
        return _("Choose at least one stage.")
    if len(passcode) < 8:
        return _("Choose a passcode of at least 8 characters.")
    if passcode != again:
        return _("The two passcodes differ.")

    return None
