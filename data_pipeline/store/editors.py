"""Who may change the data: editor accounts, password hashes, session expiry and the sign-in lockout.

Browsing the dashboard needs no sign-in. Uploading, publishing, rolling back and withdrawing do,
and the deployment chooses how editors sign in, in Streamlit's secrets (``.streamlit/secrets.toml``;
``.streamlit/secrets.example.toml`` documents both modes):

* **OIDC** (``st.login``) when the secrets have an ``[auth]`` section: the identity provider
  signs people in; those whose e-mail is in ``[editing] editor_emails`` are editors.
* **Local accounts** otherwise: ``[editors.<username>] password_hash = "scrypt$…"``, a salted
  scrypt hash made by ``python -m data_pipeline hash-password``; a plain-text password is refused.
* **Nobody** when neither is configured: the dashboard is read-only.

This module is plain Python (no Streamlit): the pages pass it the secrets as a mapping.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets as _random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from data_pipeline.store import Store

MODE_OIDC = "oidc"
MODE_LOCAL = "local"
MODE_NONE = "none"

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1
"""scrypt cost (16 MB of memory, ~50 ms per hash): OWASP's minimum for scrypt is N=2^17 with r=8 for
fast servers; 2^14 keeps a sign-in quick on a small shared server. Stored hashes carry their own
parameters, so raising these later does not invalidate existing hashes."""
SALT_BYTES = 16
HASH_BYTES = 32
MIN_PASSWORD_CHARS = 10
DEFAULT_SESSION_MINUTES = 60
DEFAULT_MAX_FAILED_SIGN_INS = 5
DEFAULT_LOCKOUT_SECONDS = 30
_MAX_N = 2 ** 20  # bounds the memory a (mis)configured hash can make one check use (1 GB at r=8)


class AccessConfigError(ValueError):
    """The editor configuration in the secrets is wrong; the message says what and how to fix it."""


# --- password hashes ---------------------------------------------------------------------------

def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """A salted scrypt hash of ``password``: ``"scrypt$n$r$p$<salt base64>$<hash base64>"``."""
    if not isinstance(password, str) or not password:
        raise ValueError("The password is empty; give a password of at least "
                         f"{MIN_PASSWORD_CHARS} characters.")
    salt = _random.token_bytes(SALT_BYTES)
    digest = _scrypt(password, salt, n, r, p, HASH_BYTES)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(digest)}"


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    # OpenSSL refuses more than 32 MB unless maxmem allows it; scrypt needs 128·r·N·p bytes.
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=length,
                          maxmem=128 * r * (n + p + 2) + 1024 * 1024)


def parse_password_hash(stored: str) -> tuple[int, int, int, bytes, bytes]:
    """``(n, r, p, salt, hash)`` of a stored hash; ``AccessConfigError`` saying what is wrong otherwise."""
    parts = str(stored).strip().split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        raise AccessConfigError(
            "The password hash is not of the form scrypt$n$r$p$salt$hash (a plain-text password is never "
            "accepted). Make one with `python -m data_pipeline hash-password`.")
    try:
        n, r, p = (int(x) for x in parts[1:4])
        salt, digest = base64.b64decode(parts[4], validate=True), base64.b64decode(parts[5], validate=True)
    except ValueError:
        raise AccessConfigError("The password hash has a non-numeric cost or invalid base64; make a new one "
                                "with `python -m data_pipeline hash-password`.") from None
    if n < 2 or n & (n - 1) or n > _MAX_N or not 1 <= r <= 32 or not 1 <= p <= 16 or not salt or not digest:
        raise AccessConfigError(f"The password hash has unusable scrypt parameters (n={n}, r={r}, p={p}); "
                                f"n must be a power of two up to {_MAX_N}. Make a new one with "
                                f"`python -m data_pipeline hash-password`.")
    return n, r, p, salt, digest


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches the stored hash (constant-time); ``False`` for a malformed hash."""
    try:
        n, r, p, salt, expected = parse_password_hash(stored)
    except AccessConfigError:
        return False
    actual = _scrypt(password if isinstance(password, str) else "", salt, n, r, p, len(expected))
    return hmac.compare_digest(actual, expected)


# A hash to check unknown user names against, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(b'0' * SALT_BYTES)}${_b64(b'0' * HASH_BYTES)}"


# --- configuration -----------------------------------------------------------------------------

@dataclass(frozen=True)
class EditorAccount:
    """A local editor account (``[editors.<username>]`` in the secrets)."""

    username: str
    password_hash: str
    display_name: str = ""


@dataclass(frozen=True)
class AccessSettings:
    """How editors sign in on this deployment, read from the secrets by ``access_settings``."""

    mode: str
    """``oidc``, ``local`` or ``none`` (nobody can edit)."""
    accounts: Mapping[str, EditorAccount] = field(default_factory=dict)
    """Local accounts by lower-case user name."""
    editor_emails: frozenset[str] = frozenset()
    """OIDC: the e-mail addresses (lower case) allowed to edit."""
    oidc_provider: str | None = None
    """OIDC: the ``[auth.<provider>]`` section to sign in with (``None``: the ``[auth]`` section itself)."""
    session_minutes: int = DEFAULT_SESSION_MINUTES
    max_failed_sign_ins: int = DEFAULT_MAX_FAILED_SIGN_INS
    lockout_seconds: int = DEFAULT_LOCKOUT_SECONDS


def _positive_int(section: Mapping, key: str, default: int) -> int:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise AccessConfigError(f"[editing] {key} = {value!r} is not a positive whole number; "
                                f"write e.g. {key} = {default}.")
    return value


def access_settings(secrets: Mapping) -> AccessSettings:
    """The editor configuration in ``secrets`` (Streamlit's ``st.secrets`` as a mapping).

    Raises ``AccessConfigError`` for a configuration that cannot be used safely (a plain-text
    password, a malformed hash, an OIDC setup without an editor allow-list).
    """
    editing = secrets.get("editing") or {}
    if not isinstance(editing, Mapping):
        raise AccessConfigError("[editing] must be a table of settings (session_minutes, editor_emails, …).")
    common = dict(session_minutes=_positive_int(editing, "session_minutes", DEFAULT_SESSION_MINUTES),
                  max_failed_sign_ins=_positive_int(editing, "max_failed_sign_ins", DEFAULT_MAX_FAILED_SIGN_INS),
                  lockout_seconds=_positive_int(editing, "lockout_seconds", DEFAULT_LOCKOUT_SECONDS))
    if secrets.get("auth"):
        emails = editing.get("editor_emails", [])
        if isinstance(emails, str) or not all(isinstance(e, str) for e in emails):
            raise AccessConfigError("[editing] editor_emails must be a list of e-mail addresses, e.g. "
                                    'editor_emails = ["name@iom.int"].')
        provider = editing.get("oidc_provider")
        if provider is not None and provider not in (secrets.get("auth") or {}):
            raise AccessConfigError(f"[editing] oidc_provider = {provider!r} but there is no [auth.{provider}] "
                                    f"section; name one of the [auth.…] sections or remove the setting.")
        return AccessSettings(MODE_OIDC, editor_emails=frozenset(e.strip().lower() for e in emails if e.strip()),
                              oidc_provider=provider, **common)
    editors = secrets.get("editors") or {}
    accounts: dict[str, EditorAccount] = {}
    for username, entry in editors.items():
        if not isinstance(entry, Mapping):
            raise AccessConfigError(f"[editors.{username}] must be a table with password_hash = \"scrypt$…\".")
        if "password" in entry:
            raise AccessConfigError(f"[editors.{username}] has a plain-text password; passwords are never kept "
                                    f"in plain text. Replace it with password_hash = \"…\" from "
                                    f"`python -m data_pipeline hash-password`.")
        stored = entry.get("password_hash")
        if not stored:
            raise AccessConfigError(f"[editors.{username}] has no password_hash; add one made by "
                                    f"`python -m data_pipeline hash-password`.")
        try:
            parse_password_hash(stored)
        except AccessConfigError as error:
            raise AccessConfigError(f"[editors.{username}]: {error}") from None
        accounts[str(username).strip().lower()] = EditorAccount(str(username), str(stored),
                                                               str(entry.get("display_name", "") or ""))
    return AccessSettings(MODE_LOCAL if accounts else MODE_NONE, accounts=accounts, **common)


# --- signing in and staying signed in -----------------------------------------------------------

@dataclass(frozen=True)
class Editor:
    """A signed-in editor: who (user name or e-mail, recorded as ``created_by``) and since when."""

    who: str
    display_name: str
    signed_in_at: float
    """Seconds since the epoch."""
    method: str
    """``password`` or ``oidc``."""

    @property
    def label(self) -> str:
        return f"{self.display_name} ({self.who})" if self.display_name and self.display_name != self.who \
            else self.who


def check_credentials(settings: AccessSettings, username: str, password: str, now: float) -> Editor | None:
    """The editor these credentials sign in, or ``None`` (unknown name and wrong password look alike)."""
    account = settings.accounts.get(str(username).strip().lower()) if settings.mode == MODE_LOCAL else None
    matches = verify_password(password, account.password_hash if account else _DUMMY_HASH)
    if account is None or not matches:
        return None
    return Editor(account.username, account.display_name, now, "password")


def oidc_editor(settings: AccessSettings, user: Mapping, now: float, first_seen: float | None = None
                ) -> tuple[Editor | None, str]:
    """The editor an OIDC user (``st.user`` as a mapping) is, and why not when ``None``.

    The reason is ``signed_out``, ``no_email`` or ``not_editor``. The sign-in time is the ID token's
    ``iat`` claim, else ``first_seen`` (when this session first saw the user), else ``now``.
    """
    if not user.get("is_logged_in"):
        return None, "signed_out"
    email = str(user.get("email") or "").strip().lower()
    if not email:
        return None, "no_email"
    if email not in settings.editor_emails:
        return None, "not_editor"
    issued = user.get("iat")
    signed_in_at = float(issued) if isinstance(issued, (int, float)) and not isinstance(issued, bool) else \
        (first_seen if first_seen is not None else now)
    return Editor(email, str(user.get("name") or ""), signed_in_at, "oidc"), ""


def session_expired(editor: Editor, settings: AccessSettings, now: float) -> bool:
    """Whether ``editor`` signed in more than ``settings.session_minutes`` ago."""
    return now - editor.signed_in_at > settings.session_minutes * 60


def lockout_keys(username: str, address: str | None) -> tuple[str, str]:
    """The keys failed sign-ins are counted under: the account name (as typed, whether or not it exists)
    and the client's address (``None``, unknown or local, is one shared address). Hashed, so the store
    never holds a typed name (sometimes a password typed in the wrong box) or an address."""
    return tuple(hashlib.sha256(text.encode("utf-8")).hexdigest()
                 for text in (f"user:{str(username).strip().lower()}", f"address:{address or 'unknown'}"))


def attempt_sign_in(settings: AccessSettings, store: Store, username: str, password: str,
                    address: str | None, now: float) -> tuple[Editor | None, float]:
    """Sign in with a password, under the lockout: ``(editor, 0)`` on success, ``(None, 0)`` for wrong
    credentials, ``(None, seconds to wait)`` when the account or the address is locked.

    The attempt is counted in the store *before* the password is checked (one transaction per
    attempt), so parallel attempts cannot slip past the limit; a success clears both counts.
    """
    keys = lockout_keys(username, address)
    wait = store.claim_sign_in_attempt(keys, now, max_failures=settings.max_failed_sign_ins,
                                       lockout_seconds=settings.lockout_seconds)
    if wait > 0:
        return None, wait
    editor = check_credentials(settings, username, password, now)
    if editor is not None:
        store.clear_sign_in_failures(keys)
    return editor, 0.0
