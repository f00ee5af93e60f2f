"""Editor sign-in: password hashes, settings read from secrets, OIDC allow-list, expiry, throttling, CLI."""

from __future__ import annotations

import io
import re

import pytest

from data_pipeline import cli
from data_pipeline.auth import (
    MODE_LOCAL, MODE_NONE, MODE_OIDC, AccessConfigError, Editor, SignInThrottle, access_settings, check_credentials,
    hash_password, oidc_editor, session_expired, verify_password,
)

FAST = dict(n=2 ** 10)  # cheap hashes for the tests; the parameters travel inside the string
HASH_FORMAT = re.compile(r"^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$")


def test_hash_is_self_describing_salted_and_verifies():
    first, second = hash_password("correct horse", **FAST), hash_password("correct horse", **FAST)
    assert HASH_FORMAT.match(first)
    assert first != second, "each hash has its own random salt"
    assert verify_password("correct horse", first) and verify_password("correct horse", second)
    assert not verify_password("correct horsE", first)
    assert not verify_password("", first)


@pytest.mark.parametrize("stored", ["correct horse", "", "scrypt$1024$8$1$AAAA", "scrypt$x$8$1$AAAA$AAAA",
                                    "scrypt$1000$8$1$AAAA$AAAA", "bcrypt$1024$8$1$AAAA$AAAA",
                                    "scrypt$1024$8$1$not base64!$AAAA"])
def test_malformed_or_plain_text_hash_never_verifies(stored):
    assert verify_password("correct horse", stored) is False


def test_empty_password_cannot_be_hashed():
    with pytest.raises(ValueError, match="empty"):
        hash_password("")


def local_secrets(**editing) -> dict:
    return {"editors": {"Aziz": {"password_hash": hash_password("kulob-office-1", **FAST), "display_name": "Aziz K."}},
            "editing": editing}


def test_local_accounts_sign_in_case_insensitively_by_name_only_with_the_password():
    settings = access_settings(local_secrets())
    assert settings.mode == MODE_LOCAL and settings.session_minutes == 60
    editor = check_credentials(settings, " aziz ", "kulob-office-1", now=100.0)
    assert editor == Editor("Aziz", "Aziz K.", 100.0, "password")
    assert check_credentials(settings, "aziz", "kulob-office-2", now=100.0) is None
    assert check_credentials(settings, "nobody", "kulob-office-1", now=100.0) is None


@pytest.mark.parametrize("secrets, message", [
    ({"editors": {"a": {"password": "plain"}}}, "plain-text password"),
    ({"editors": {"a": {}}}, "no password_hash"),
    ({"editors": {"a": {"password_hash": "sha1:abc"}}}, r"scrypt\$n\$r\$p\$salt\$hash"),
    ({"editors": {"a": "secret"}}, "must be a table"),
    ({"editing": {"session_minutes": 0}}, "session_minutes = 0"),
    ({"editing": {"session_minutes": "60"}}, "session_minutes = '60'"),
    ({"auth": {"client_id": "x"}, "editing": {"editor_emails": "a@iom.int"}}, "list of e-mail addresses"),
    ({"auth": {"client_id": "x"}, "editing": {"oidc_provider": "google"}}, r"no \[auth.google\]"),
])
def test_unusable_configuration_is_refused_with_the_fix(secrets, message):
    with pytest.raises(AccessConfigError, match=message):
        access_settings(secrets)


def test_no_configuration_means_nobody_can_edit():
    settings = access_settings({})
    assert settings.mode == MODE_NONE
    assert check_credentials(settings, "anyone", "anything", now=0.0) is None


def test_oidc_mode_allows_only_listed_emails_and_takes_the_sign_in_time_from_the_token():
    settings = access_settings({"auth": {"client_id": "x", "server_metadata_url": "https://id.example/.well-known"},
                                "editing": {"editor_emails": ["Editor@IOM.int"], "session_minutes": 30},
                                "editors": {"ignored": {"password_hash": "whatever"}}})
    assert settings.mode == MODE_OIDC and settings.session_minutes == 30
    user = {"is_logged_in": True, "email": "editor@iom.int", "name": "Editor", "iat": 1000}
    editor, reason = oidc_editor(settings, user, now=2000.0)
    assert (editor.who, editor.signed_in_at, editor.method, reason) == ("editor@iom.int", 1000.0, "oidc", "")
    assert oidc_editor(settings, {**user, "email": "viewer@iom.int"}, now=0.0) == (None, "not_editor")
    assert oidc_editor(settings, {"is_logged_in": False}, now=0.0) == (None, "signed_out")
    assert oidc_editor(settings, {"is_logged_in": True}, now=0.0) == (None, "no_email")
    without_iat = {k: v for k, v in user.items() if k != "iat"}
    assert oidc_editor(settings, without_iat, now=50.0, first_seen=40.0)[0].signed_in_at == 40.0


@pytest.mark.parametrize("minutes_ago, expired", [(0, False), (59.9, False), (60.1, True), (600, True)])
def test_session_expires_after_the_configured_minutes(minutes_ago, expired):
    settings = access_settings(local_secrets())
    editor = Editor("a", "", signed_in_at=10_000.0, method="password")
    assert session_expired(editor, settings, now=10_000.0 + minutes_ago * 60) is expired


def test_throttle_locks_a_key_after_repeated_failures_for_a_while():
    throttle = SignInThrottle(max_failures=3, lockout_seconds=30)
    for second in range(3):
        assert throttle.wait_seconds("aziz", now=float(second)) == 0
        throttle.record_failure("aziz", now=float(second))
    assert throttle.wait_seconds("aziz", now=12.0) == pytest.approx(20.0)
    assert throttle.wait_seconds("other", now=12.0) == 0
    assert throttle.wait_seconds("aziz", now=33.0) == 0
    throttle.record_failure("aziz", now=33.0)  # still failing after the lockout: locked again
    assert throttle.wait_seconds("aziz", now=34.0) == pytest.approx(29.0)
    throttle.record_success("aziz")
    assert throttle.wait_seconds("aziz", now=34.0) == 0


def test_cli_hash_password_reads_a_piped_password(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert cli.main(["hash-password", "--editor", "aziz"]) == cli.EXIT_OK
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "[editors.aziz]"
    stored = out[1].removeprefix('password_hash = "').removesuffix('"')
    assert verify_password("a long enough password", stored)
    assert "a long enough password" not in "\n".join(out)


def test_cli_hash_password_refuses_a_short_password(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert cli.main(["hash-password"]) == cli.EXIT_BAD_INPUT
    captured = capsys.readouterr()
    assert captured.out == "" and "at least 10" in captured.err


def test_secrets_example_documents_both_modes():
    import tomllib
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / ".streamlit" / "secrets.example.toml").read_text()
    example = tomllib.loads(text)
    with pytest.raises(AccessConfigError, match="editors.kulob_office"):  # placeholders are not usable hashes
        access_settings(example)
    real_hash = hash_password("kulob-office-1", **FAST)
    local = tomllib.loads(text.replace("scrypt$16384$8$1$REPLACE-WITH-THE-SALT$REPLACE-WITH-THE-HASH", real_hash))
    assert access_settings(local).mode == MODE_LOCAL
    assert set(access_settings(local).accounts) == {"kulob_office", "khorugh_office"}
    lines = text.splitlines()
    start = lines.index("# [auth]")
    end = lines.index("#", start)  # the commented-out [auth] section ends at the first empty comment line
    auth_section = "\n".join(line.removeprefix("# ") for line in lines[start:end])
    oidc = tomllib.loads(text.replace("scrypt$16384$8$1$REPLACE-WITH-THE-SALT$REPLACE-WITH-THE-HASH", real_hash)
                         + "\n" + auth_section)
    settings = access_settings(oidc)
    assert settings.mode == MODE_OIDC and "data.officer@example.org" in settings.editor_emails
