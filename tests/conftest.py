"""Fixtures shared by every test package."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from data_pipeline.settings import geo_dir as configured_geo_dir


@pytest.fixture(scope="session")
def geo_dir() -> Path:
    """The boundary directory the suite reads (``DASHBOARD_GEO_DIR``, default ../shared/geo-data)."""
    path = configured_geo_dir()
    if not (path / "geoBoundaries-TJK-ADM2.geojson").exists():
        pytest.fail(f"Boundary files not found in {path}: set DASHBOARD_GEO_DIR to the geo-data directory.")
    return path


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    """A fresh SQLite store file in the test's own directory."""
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def silent_server() -> Iterator[tuple[str, int]]:
    """``(host, port)`` of a socket that completes TCP handshakes (it listens) and never says a word:
    it never accepts, so no PostgreSQL greeting or error comes back, as from a hung database server."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield listener.getsockname()


@pytest.fixture
def secret_store_url(silent_server) -> str:
    """A PostgreSQL URL with a password, at the silent server: what a visitor must never see."""
    host, port = silent_server
    return f"postgresql+psycopg://iom_dashboard:{SECRET}@{host}:{port}/dashboard"


SECRET = "Kx7-never-shown-Qz"
"""The password in ``secret_store_url``; tests search every output for it."""


POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
"""The local PostgreSQL server the suite uses (trust authentication); scripts/test.sh starts it."""


@contextmanager
def fresh_postgres_database(prefix: str, purpose: str) -> Iterator[str]:
    """The URL of a uniquely named database on ``POSTGRES_SERVER``, dropped afterwards; the test is skipped,
    saying why, when the server cannot be reached (``purpose`` says what it was needed for)."""
    import uuid

    import sqlalchemy as sa

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    maintenance = sa.create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with maintenance.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as error:
        maintenance.dispose()
        pytest.skip(f"PostgreSQL at {POSTGRES_SERVER} is unreachable ({str(error.orig).splitlines()[0]}); "
                    f"start it to {purpose}.")
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with maintenance.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        maintenance.dispose()


@contextmanager
def launched_chromium() -> Iterator:
    """Debian's Chromium driven by Playwright's sync API (Playwright's own browser download does not work
    here), closed afterwards. While it is open an event loop runs in the main thread: a fixture holding it
    should end with the tests that use it."""
    from playwright.sync_api import sync_playwright

    from benchmarks.browser import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (`apt-get install chromium`); "
                    "scripts/test.sh does this.")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@contextmanager
def demo_dashboard(workdir: Path, geo: Path) -> Iterator[tuple[str, int]]:
    """The dashboard served as the README serves it, on a demo store in ``workdir``: its base URL and pid."""
    from benchmarks.browser import SERVE, SERVER_PIDS, streamlit_server
    from data_pipeline.analysis.demo import load_demo

    store = f"sqlite:///{workdir / 'store.db'}"
    load_demo(store)
    env = {"DASHBOARD_STORE_URL": store, "DASHBOARD_GEO_DIR": str(geo)}
    with streamlit_server(SERVE, env, workdir / "streamlit.log") as base_url:
        yield base_url, SERVER_PIDS[base_url]


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory) -> str:
    """A SQLite store with the demo data loaded, made once per run (shared: the tests only read it)."""
    from data_pipeline.analysis.demo import load_demo

    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'store.db'}"
    load_demo(url)
    return url
