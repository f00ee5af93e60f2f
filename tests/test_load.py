"""20 readers at once for two minutes on a running server (loopback): every run ends without an error, and
the server's memory growth is printed and bounded.

Each reader is a WebSocket session speaking Streamlit's protocol (``benchmarks.load``), opening every page
with changing filters in the query string, as shared links do, one run after another; the browser's
drawing is left out (it is the reader's machine's work, not the server's). Runs in CI (about 2.5 minutes);
``-m "not load"`` skips it locally.
"""

from __future__ import annotations

import threading

import pytest

from benchmarks.load import VIEWS, Session, load, server_rss_mb
from tests.conftest import demo_dashboard

pytestmark = pytest.mark.load

READERS = 20
SECONDS = 120
# Generous: 20 sessions' state and the figures cached for their filter combinations. Measured on a
# 2-core machine: +19 MB (390 MB warm, peak 412 MB; README, Security).
MAX_GROWTH_MB = 200


@pytest.fixture(scope="module")
def server(tmp_path_factory, geo_dir):
    with demo_dashboard(tmp_path_factory.mktemp("load"), geo_dir) as server:
        yield server


def test_twenty_readers_for_two_minutes_without_errors_and_bounded_memory(server):
    base_url, pid = server
    warm = Session(base_url)  # imports and caches warm, as on a server that has had visitors
    try:
        assert [error for view in VIEWS for error in warm.run(*view).errors] == []
    finally:
        warm.close()
    start_mb = server_rss_mb(pid)
    samples: list[float] = []
    done = threading.Event()

    def sample() -> None:
        while not done.wait(2):
            samples.append(server_rss_mb(pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        result = load(base_url, READERS, SECONDS)
    finally:
        done.set()
        sampler.join()
    end_mb = server_rss_mb(pid)
    peak_mb = max(samples + [end_mb])
    print(f"\n{result.summary()}\nserver memory: {start_mb:.0f} MB warm, peak {peak_mb:.0f} MB, "
          f"{end_mb:.0f} MB at the end ({end_mb - start_mb:+.0f} MB)")
    assert result.errors == [], result.errors[:10]
    assert result.runs >= READERS, "every reader finished at least one run"
    assert end_mb - start_mb < MAX_GROWTH_MB
    assert peak_mb - start_mb < MAX_GROWTH_MB
