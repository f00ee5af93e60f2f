"""Editor sign-in for the pages that change data (Upload data, Data versions); not a page itself.

The rules live in ``data_pipeline.store.editors``; this module draws the sign-in form (local accounts) or
the identity-provider button (``st.login``), keeps the signed-in editor in the session, and
checks again, right before every change, that the editor is still signed in and not expired.
"""

from __future__ import annotations

import time

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

import ui
from data_pipeline.store.editors import (
    MODE_NONE, MODE_OIDC, AccessConfigError, AccessSettings, Editor, access_settings, attempt_sign_in,
    oidc_editor, session_expired,
)
from data_pipeline.store import Store, StoreError
from web_security import EDITOR_UPLOADS

_EDITOR_KEY = "_editor"
_OIDC_FIRST_SEEN_KEY = "_editor_oidc_first_seen"
_NOTICE_KEY = "_editor_notice"


def _secrets() -> dict:
    """The deployment's secrets as a dict; empty when there is no secrets file."""
    try:
        return st.secrets.to_dict()
    except FileNotFoundError:
        return {}
    except Exception as error:  # a broken secrets.toml: say so instead of failing the page
        if type(error).__name__ == "StreamlitSecretNotFoundError":
            return {}
        raise AccessConfigError(f"The secrets file cannot be read ({type(error).__name__}); check its TOML "
                                f"syntax.") from None


def access() -> AccessSettings | None:
    """This deployment's sign-in settings; ``None`` (with the reason on screen) when they are unusable."""
    try:
        return access_settings(_secrets())
    except AccessConfigError as error:
        st.error(ui.tr("Editing is switched off: the editor settings in the secrets are wrong. {error}")
                 .format(error=error), icon=":material/lock:")
        return None


def current_editor(settings: AccessSettings | None) -> tuple[Editor | None, str]:
    """The signed-in, unexpired editor of this session, or ``None`` and why (``not_configured``,
    ``signed_out``, ``expired``, ``not_editor``, ``no_email``). Only while there is one may this session
    send files to the server (``web_security.EDITOR_UPLOADS``, read by the upload guard in app.py)."""
    editor, reason = _signed_in_editor(settings)
    session_id = _session_id()
    if editor is None:
        EDITOR_UPLOADS.revoke(session_id)
    else:
        EDITOR_UPLOADS.allow(session_id, until=editor.signed_in_at + settings.session_minutes * 60)
    return editor, reason


def _session_id() -> str:
    context = get_script_run_ctx()
    return context.session_id if context is not None else ""


def _signed_in_editor(settings: AccessSettings | None) -> tuple[Editor | None, str]:
    if settings is None or settings.mode == MODE_NONE:
        return None, "not_configured"
    now = time.time()
    if settings.mode == MODE_OIDC:
        user = st.user.to_dict()
        if user.get("is_logged_in") and _OIDC_FIRST_SEEN_KEY not in st.session_state:
            st.session_state[_OIDC_FIRST_SEEN_KEY] = now
        editor, reason = oidc_editor(settings, user, now, st.session_state.get(_OIDC_FIRST_SEEN_KEY))
        if editor is None:
            return None, reason
    else:
        editor = st.session_state.get(_EDITOR_KEY)
        if editor is None:
            return None, "signed_out"
    if session_expired(editor, settings, now):
        st.session_state.pop(_EDITOR_KEY, None)
        return None, "expired"
    return editor, ""


def refusal(reason: str, settings: AccessSettings | None, action: str) -> str:
    """Why this session may not ``action`` (e.g. "publish"), and what to do about it."""
    minutes = settings.session_minutes if settings else 0
    email = str(st.user.to_dict().get("email") or "") if settings and settings.mode == MODE_OIDC else ""
    return {
        "not_configured": ui.tr("Editing is not set up on this server, so nobody can {action}. The administrator "
                                "adds editor accounts to .streamlit/secrets.toml (see "
                                ".streamlit/secrets.example.toml)."),
        "signed_out": ui.tr("Only signed-in editors can {action}. Sign in above; browsing needs no sign-in."),
        "expired": ui.tr("Your editor sign-in is older than {minutes} minutes and has expired, so you cannot "
                         "{action} now. Sign in again. Nothing was changed."),
        "not_editor": ui.tr("{email} is not on this dashboard's list of editors, so it cannot {action}. Ask the "
                            "administrator to add it. Nothing was changed."),
        "no_email": ui.tr("Your identity provider did not give an e-mail address, so the dashboard cannot tell "
                          "whether you are an editor. Nothing was changed."),
    }.get(reason, reason).format(action=action, minutes=minutes, email=ui.plain(email))


def require_editor(settings: AccessSettings | None, action: str) -> Editor | None:
    """Check, right before a change, that an unexpired editor is signed in; otherwise show why not
    (the change must then not happen) and return ``None``."""
    editor, reason = current_editor(settings)
    if editor is None:
        st.error(refusal(reason, settings, action), icon=":material/block:")
    return editor


def sign_in_panel(settings: AccessSettings | None, action: str) -> Editor | None:
    """Who is signed in (with a sign-out button), or the way to sign in; returns the editor or ``None``."""
    notice = st.session_state.pop(_NOTICE_KEY, None)
    if notice:
        st.info(notice, icon=":material/logout:")
    editor, reason = current_editor(settings)
    if editor is not None:
        left, right = st.columns([4, 1])
        minutes_left = max(0, int((editor.signed_in_at + settings.session_minutes * 60 - time.time()) // 60))
        left.success(ui.tr("Signed in as editor **{who}** (sign-in valid for {minutes} more minutes).")
                     .format(who=ui.plain(editor.label), minutes=minutes_left), icon=":material/verified_user:")
        if right.button(ui.tr("Sign out"), key="editor_sign_out", icon=":material/logout:"):
            sign_out(settings)
        return editor
    if reason == "not_configured":
        if settings is not None:
            st.info(refusal(reason, settings, action), icon=":material/lock:")
        return None
    if reason in ("expired", "not_editor", "no_email"):
        st.warning(refusal(reason, settings, action), icon=":material/lock_clock:")
    if settings.mode == MODE_OIDC:
        if reason == "signed_out":
            st.info(refusal(reason, settings, action), icon=":material/lock:")
            if st.button(ui.tr("Sign in with your organisation account"), key="editor_login", type="primary",
                         icon=":material/login:"):
                if settings.oidc_provider:
                    st.login(settings.oidc_provider)
                else:
                    st.login()
        elif st.button(ui.tr("Sign out and sign in again"), key="editor_relogin", icon=":material/logout:"):
            sign_out(settings)
        return None
    if reason == "signed_out":
        st.info(refusal(reason, settings, action), icon=":material/lock:")
    _password_form(settings)
    return None


def _password_form(settings: AccessSettings) -> None:
    with st.form("editor_sign_in", clear_on_submit=False, border=True):
        st.markdown("**" + ui.tr("Editor sign-in") + "**")
        username = st.text_input(ui.tr("User name"), key="editor_username", autocomplete="username")
        password = st.text_input(ui.tr("Password"), type="password", key="editor_password",
                                 autocomplete="current-password")
        submitted = st.form_submit_button(ui.tr("Sign in"), type="primary", icon=":material/login:",
                                          key="editor_sign_in_submit")
    if submitted:
        _try_sign_in(settings, username, password)


def _try_sign_in(settings: AccessSettings, username: str, password: str) -> None:
    # The lockout's counts live in the store, where no client message (such as "clear cache") reaches them.
    try:
        with Store(ui.page_context().store_url) as store:
            editor, wait = attempt_sign_in(settings, store, username, password, st.context.ip_address, time.time())
    except StoreError as error:
        st.error(ui.tr("Signing in is not possible now: {error}").format(error=ui.plain(error)),
                 icon=":material/error:")
        return
    if wait > 0:
        st.error(ui.tr("Too many failed sign-ins: wait {seconds} seconds, then try again.")
                 .format(seconds=int(wait) + 1), icon=":material/timer:")
        return
    if editor is None:
        st.error(ui.tr("Wrong user name or password. You are not signed in; nothing was changed."),
                 icon=":material/block:")
        return
    st.session_state[_EDITOR_KEY] = editor
    st.session_state.pop("editor_password", None)
    st.rerun()


def sign_out(settings: AccessSettings | None) -> None:
    """End this session's editor sign-in (and the identity provider's session cookie, with OIDC)."""
    st.session_state.pop(_EDITOR_KEY, None)
    st.session_state.pop(_OIDC_FIRST_SEEN_KEY, None)
    EDITOR_UPLOADS.revoke(_session_id())
    st.session_state[_NOTICE_KEY] = ui.tr("You are signed out. Browsing goes on without sign-in.")
    if settings is not None and settings.mode == MODE_OIDC:
        st.logout()
    st.rerun()

