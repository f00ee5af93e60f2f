"""A real dashboard server (demo data in a temporary store) and Debian's Chromium, for the browser tests.

The server is started once per session with ``streamlit run dashboard.py`` on a free port and
stopped at the end; each test gets a fresh browser context (no cookies, no cache), which is
what a donor opening a shared link has. Screenshots go to ``artifacts/screenshots/<run>/``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest

from data_pipeline.demo import load_demo

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SERVER_START_TIMEOUT = 90


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_health(base_url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not become healthy in {SERVER_START_TIMEOUT}s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def dashboard_store(tmp_path_factory) -> str:
    """URL of the store the test server reads: a temporary SQLite file with the demo loaded."""
    store = f"sqlite:///{tmp_path_factory.mktemp('store') / 'store.db'}"
    load_demo(store)
    return store


@contextmanager
def running_dashboard(workdir: Path, store: str, geo_dir: Path, *extra_args: str) -> Iterator[str]:
    """``streamlit run dashboard.py`` on a free port with ``store`` and ``geo_dir``; yields its base
    URL once healthy and stops the server (and its children) afterwards."""
    port = _free_port()
    env = {**os.environ, "DASHBOARD_STORE_URL": store, "DASHBOARD_GEO_DIR": str(geo_dir),
           "PYTHONPATH": str(ROOT)}
    log = workdir / "streamlit.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--client.showErrorDetails", "full", "--server.fileWatcherType", "none", *extra_args],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_health(base_url, process, log)
        yield base_url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def dashboard_url(tmp_path_factory, geo_dir, dashboard_store) -> Iterator[str]:
    """Base URL of a dashboard server (``streamlit run dashboard.py``) on the demo data."""
    with running_dashboard(tmp_path_factory.mktemp("dashboard"), dashboard_store, geo_dir) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (Playwright's own browser download does not work here)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (`apt-get install chromium`); "
                    "scripts/test.sh does this.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """The folder this test run writes its screenshots to."""
    folder = ROOT / "artifacts" / "screenshots" / datetime.now().strftime("%Y%m%d-%H%M%S")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
