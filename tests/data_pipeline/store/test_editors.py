"""Editor sign-in: password hashes, settings read from secrets, OIDC allow-list, expiry, the lockout, CLI."""

from __future__ import annotations

import io
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
import streamlit as st

from data_pipeline.store import editors
from data_pipeline import cli
from data_pipeline.store.editors import (
    MODE_LOCAL, MODE_NONE, MODE_OIDC, AccessConfigError, Editor, access_settings, attempt_sign_in, check_credentials,
    hash_password, lockout_keys, oidc_editor, session_expired, verify_password,
)
from data_pipeline.store import Store

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


@pytest.fixture
def lockout_store(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'store.db'}") as store:
        yield store


@pytest.fixture
def password_checks(monkeypatch) -> list[str]:
    """Every password the sign-in checked (``verify_password`` calls), in order."""
    checked: list[str] = []
    lock = threading.Lock()

    def counting(password: str, stored: str) -> bool:
        with lock:
            checked.append(password)
        return verify_password(password, stored)

    monkeypatch.setattr(editors, "verify_password", counting)
    return checked


def test_five_wrong_passwords_lock_the_account_for_30_seconds_then_each_failure_locks_it_again(
        lockout_store, password_checks):
    settings = access_settings(local_secrets())
    assert (settings.max_failed_sign_ins, settings.lockout_seconds) == (5, 30)
    for second in range(5):
        assert attempt_sign_in(settings, lockout_store, "aziz", "wrong", "10.0.0.1", now=float(second)) == (None, 0)
    # Locked: even the right password is not checked (nor is the wrong one).
    assert attempt_sign_in(settings, lockout_store, "aziz", "kulob-office-1", "10.0.0.1", now=10.0) == \
        (None, pytest.approx(24.0))
    assert len(password_checks) == 5
    assert attempt_sign_in(settings, lockout_store, "aziz", "wrong", "10.0.0.1", now=35.0) == (None, 0)
    assert attempt_sign_in(settings, lockout_store, "aziz", "wrong", "10.0.0.1", now=36.0)[1] == pytest.approx(29.0)
    editor, wait = attempt_sign_in(settings, lockout_store, "Aziz", "kulob-office-1", "10.0.0.1", now=66.0)
    assert editor is not None and wait == 0
    assert attempt_sign_in(settings, lockout_store, "aziz", "wrong", "10.0.0.1", now=67.0) == (None, 0), \
        "a successful sign-in starts the count again"


def test_parallel_attempts_a_cache_clear_and_a_restart_get_exactly_five_checks(lockout_store, password_checks):
    settings = access_settings(local_secrets())
    start = threading.Barrier(15)

    def attempt(number: int) -> float:
        start.wait()
        return attempt_sign_in(settings, lockout_store, "aziz", f"guess-{number}", "10.0.0.1", now=1000.0)[1]

    with ThreadPoolExecutor(15) as pool:
        waits = list(pool.map(attempt, range(15)))
    assert len(password_checks) == 5 and sorted(waits) == [0] * 5 + [30.0] * 10
    # What a client's "clear cache" message triggers, then a fresh Store (a restart, another replica).
    st.cache_resource.clear()
    st.cache_data.clear()
    with Store(str(lockout_store.url)) as restarted, ThreadPoolExecutor(15) as pool:
        waits = list(pool.map(lambda n: attempt_sign_in(settings, restarted, "aziz", f"again-{n}", "10.0.0.2",
                                                        now=1001.0)[1], range(15)))
    assert len(password_checks) == 5 and all(wait == pytest.approx(29.0) for wait in waits)


def test_failures_are_counted_per_account_and_per_address(lockout_store, password_checks):
    settings = access_settings(local_secrets())
    for number in range(5):  # one address tries five different names
        attempt_sign_in(settings, lockout_store, f"name-{number}", "wrong", "10.0.0.1", now=100.0)
    assert attempt_sign_in(settings, lockout_store, "aziz", "kulob-office-1", "10.0.0.1", now=101.0)[1] > 0
    assert attempt_sign_in(settings, lockout_store, "aziz", "kulob-office-1", "10.0.0.2", now=101.0)[0] is not None
    for _ in range(5):  # five addresses try one name
        attempt_sign_in(settings, lockout_store, "nobody", "wrong", f"10.0.1.{_}", now=200.0)
    assert attempt_sign_in(settings, lockout_store, "Nobody ", "wrong", "10.0.2.1", now=201.0)[1] > 0
    # No address (a local connection) is one address of its own, not a free pass.
    for _ in range(5):
        attempt_sign_in(settings, lockout_store, f"local-{_}", "wrong", None, now=300.0)
    assert attempt_sign_in(settings, lockout_store, "aziz", "kulob-office-1", None, now=301.0)[1] > 0
    assert len(password_checks) == 5 + 1 + 5 + 5


def test_the_lockout_does_not_tell_whether_an_account_exists(lockout_store):
    settings = access_settings(local_secrets())
    for name in ("aziz", "nobody"):
        results = [attempt_sign_in(settings, lockout_store, name, "wrong", None if name == "aziz" else "10.0.0.9",
                                   now=float(second)) for second in range(7)]
        assert results == [(None, 0)] * 5 + [(None, pytest.approx(29.0)), (None, pytest.approx(28.0))]
    engine = sa.create_engine(lockout_store.url)
    with engine.connect() as conn:
        stored = {row[0] for row in conn.execute(sa.text("SELECT key FROM sign_in_failures"))}
    engine.dispose()
    assert stored == {*lockout_keys("aziz", None), *lockout_keys("nobody", "10.0.0.9")}
    assert all(re.fullmatch(r"[0-9a-f]{64}", key) for key in stored), "names and addresses are kept hashed"


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

    text = (Path(__file__).resolve().parents[3] / ".streamlit" / "secrets.example.toml").read_text()
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
