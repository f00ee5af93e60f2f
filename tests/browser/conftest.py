"""A real dashboard server (demo data in a temporary store) and Debian's Chromium, for the browser tests.

The server is started once per session as the README starts it (``streamlit run app.py``) on a free port and
stopped at the end; each test gets a fresh browser context (no cookies, no cache), which is
what a donor opening a shared link has. Screenshots go to ``artifacts/screenshots/<run>/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest

from benchmarks.browser import SERVE, streamlit_server
from data_pipeline.analysis.demo import load_demo
from tests.conftest import launched_chromium

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def dashboard_store(tmp_path_factory) -> str:
    """URL of the store the test server reads: a temporary SQLite file with the demo loaded."""
    store = f"sqlite:///{tmp_path_factory.mktemp('store') / 'store.db'}"
    load_demo(store)
    return store


@contextmanager
def running_dashboard(workdir: Path, store: str, geo_dir: Path, *extra_args: str) -> Iterator[str]:
    """The dashboard as the README serves it (``streamlit run app.py``: the ASGI application) on a
    free port with ``store`` and ``geo_dir``; yields its base URL once healthy and stops the server
    (and its children) afterwards."""
    env = {"DASHBOARD_STORE_URL": store, "DASHBOARD_GEO_DIR": str(geo_dir)}
    with streamlit_server(SERVE, env, workdir / "streamlit.log",
                          "--client.showErrorDetails", "full", *extra_args) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def dashboard_url(tmp_path_factory, geo_dir, dashboard_store) -> Iterator[str]:
    """Base URL of a dashboard server on the demo data."""
    with running_dashboard(tmp_path_factory.mktemp("dashboard"), dashboard_store, geo_dir) as base_url:
        yield base_url


@pytest.fixture(scope="package")
def browser():
    """Debian's Chromium, closed when the browser tests end (``launched_chromium``: later tests that run an
    event loop of their own, tests/deploy, would find Playwright's still running)."""
    with launched_chromium() as chromium:
        yield chromium


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """The folder this test run writes its screenshots to."""
    folder = ROOT / "artifacts" / "screenshots" / datetime.now().strftime("%Y%m%d-%H%M%S")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def fresh_dashboard_url(tmp_path, geo_dir, dashboard_store) -> Iterator[str]:
    """Base URL of a dashboard server started for this test alone: no browser session has opened it yet."""
    with running_dashboard(tmp_path, dashboard_store, geo_dir) as base_url:
        yield base_url
