"""Opening the store: a server that never answers is given up on within the store timeout, and no
message, URL or driver error ever shows the store's password."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from hypothesis import assume, given
from hypothesis import strategies as st

from data_pipeline.store import Store, StoreError, StoreUnavailable, store_location, without_password
from tests.conftest import SECRET

# Passwords of printable characters, spaces and quotes included (SQLAlchemy percent-encodes them in a URL).
passwords = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=3, max_size=24)
_WHAT_IS_SHOWN_BESIDES = ("postgresql+psycopg://iom:***@db.example.org:5432/dashboard could not connect with : timeout "
                          "connection failed (dsn: host=db.example.org password=*** dbname=dashboard)")


@given(password=passwords)
def test_no_rendering_of_a_store_url_shows_its_password(password):
    url = sa.URL.create("postgresql+psycopg", username="iom", password=password, host="db.example.org",
                        port=5432, database="dashboard")
    as_text = url.render_as_string(hide_password=False)
    assume(password not in _WHAT_IS_SHOWN_BESIDES)  # e.g. "iom", the user name, would be shown rightly
    for shown in (without_password(url), without_password(as_text), without_password(as_text, as_text),
                  without_password(f"could not connect with {as_text}: timeout", url),
                  without_password(f"connection failed (dsn: host=db.example.org password={password} dbname=dashboard)",
                                   url),
                  store_location(as_text)):
        assert password not in shown, shown


@pytest.mark.parametrize("text, expected", [
    ("postgresql+psycopg://iom:pa55word@h:5432/db", "postgresql+psycopg://iom:***@h:5432/db"),
    ("postgresql://h/db?user=iom&password=pa55word&sslmode=require",
     "postgresql://h/db?user=iom&password=***&sslmode=require"),
    ("host=h password='pa ss\\'word' dbname=db", "host=h password=*** dbname=db"),
    ("sqlite:////srv/dashboard/data.db", "sqlite:////srv/dashboard/data.db"),
    ("postgresql+psycopg://iom@h:5432/db", "postgresql+psycopg://iom@h:5432/db"),
])
def test_passwords_are_masked_and_nothing_else(text, expected):
    assert without_password(text) == expected


@pytest.mark.parametrize("url, location", [
    ("postgresql+psycopg://iom:pw@db.example.org/dashboard", "db.example.org:5432"),
    ("postgresql+psycopg://iom:pw@10.0.0.7:6543/dashboard", "10.0.0.7:6543"),
    ("sqlite:////srv/dashboard/data.db", "/srv/dashboard/data.db"),
])
def test_store_location_names_host_and_port_or_the_file(url, location):
    assert store_location(url) == location


def test_a_silent_server_is_given_up_on_within_the_timeout(secret_store_url, silent_server):
    started = time.monotonic()
    with pytest.raises(StoreUnavailable) as raised:
        Store(secret_store_url, timeout=2)
    elapsed = time.monotonic() - started
    message = str(raised.value)
    assert 1.5 < elapsed < 6, f"gave up after {elapsed:.1f} s with a 2 s timeout"
    assert "{}:{}".format(*silent_server) in message and "2 s" in message and "DASHBOARD_STORE_TIMEOUT" in message
    assert SECRET not in message and "iom_dashboard:***@" in message


def test_the_timeout_setting_is_read_and_a_connect_timeout_in_the_url_wins(secret_store_url, monkeypatch):
    monkeypatch.setenv("DASHBOARD_STORE_TIMEOUT", "3")
    started = time.monotonic()
    with pytest.raises(StoreUnavailable, match="given 3 s"):
        Store(secret_store_url)
    assert 2.5 < time.monotonic() - started < 7
    started = time.monotonic()
    with pytest.raises(StoreUnavailable):
        Store(secret_store_url + "?connect_timeout=2", timeout=30)
    assert time.monotonic() - started < 6


@pytest.mark.parametrize("value", ["0", "1", "-5", "2.5", "five", " "])
def test_a_wrong_timeout_is_told_before_connecting(store_url, monkeypatch, value):
    monkeypatch.setenv("DASHBOARD_STORE_TIMEOUT", value)
    with pytest.raises(StoreError, match=r"DASHBOARD_STORE_TIMEOUT or --store-timeout.*at least 2"):
        Store(store_url)


def test_a_driver_message_quoting_the_connection_string_is_masked(store_url, monkeypatch):
    store = Store(store_url)
    leaked = Exception(f"could not connect: invalid dsn 'host=h user=iom password={SECRET}'")

    def fail(*_args, **_kwargs):
        raise sa.exc.OperationalError("SELECT 1", {}, leaked)

    monkeypatch.setattr(sa.engine.Engine, "connect", fail)
    with pytest.raises(StoreUnavailable) as raised:
        store.versions()
    assert SECRET not in str(raised.value) and "password=***" in str(raised.value)
    store.dispose()
