"""The dashboard when its store cannot be read: a clear message naming where the store is, within the
store timeout, never the password, and on every page the same way."""

from __future__ import annotations

import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.conftest import SECRET
from tests.pages.conftest import shown_tables, DASHBOARD


def everything_shown(at: AppTest) -> str:
    """Every element the run sent to the browser, serialised (text, code, labels, help)."""
    shown = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            shown.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(shown)


def test_a_silent_database_server_is_told_in_seconds_without_its_password(secret_store_url, silent_server,
                                                                       geo_dir, monkeypatch):
    monkeypatch.setenv("DASHBOARD_STORE_URL", secret_store_url)
    monkeypatch.setenv("DASHBOARD_STORE_TIMEOUT", "2")
    monkeypatch.setenv("DASHBOARD_GEO_DIR", str(geo_dir))
    started = time.monotonic()
    at = AppTest.from_file(str(DASHBOARD), default_timeout=60).run()
    elapsed = time.monotonic() - started
    assert not at.exception
    where = "{}:{}".format(*silent_server)
    assert [e.value for e in at.error if "does not answer" in e.value and where in e.value], [e.value for e in at.error]
    assert any(where in c.value and "iom_dashboard:***@" in c.value for c in at.code), "the details name the store"
    assert not any("Loading the demo data" in s.proto.text for s in at.get("spinner"))
    shown = everything_shown(at)
    assert shown and SECRET not in shown
    assert elapsed < 2 + 8, f"the message took {elapsed:.1f} s with a 2 s timeout"


def test_the_versions_page_explains_a_store_that_goes_away_while_the_frame_shows_cached_data(store):
    at = AppTest.from_file(str(DASHBOARD), default_timeout=60).run()
    at.switch_page("app_pages/versions_page.py").run()
    assert not at.exception and shown_tables(at), "the history shows while the store is there"
    path = Path(store.removeprefix("sqlite:///"))
    for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    path.write_bytes(b"this is no longer a database " * 200)  # the store's file is damaged under the app
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("could not be read" in e.value and path.name in e.value for e in at.error), [e.value for e in at.error]
    assert not shown_tables(at)
