"""The dashboard served under a base path (``--server.baseUrlPath dash``, as behind a proxy's prefix), in Chromium.

The map draws in a frame of its own, which asks for Leaflet and the shapes file by absolute URL
(``ui.urls``): under a prefix they must carry it, or the map stays blank. The data feed's routes stay at
the server's root (``st.App`` mounts them there), where the Data & sources page says they are.
"""

from __future__ import annotations

import urllib.request
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import running_dashboard
from tests.browser.test_pages_in_browser import _open, assert_map, assert_network_clean, screenshot

pytestmark = pytest.mark.browser


def test_the_map_draws_under_a_base_path_and_the_feed_stays_at_the_root(browser, tmp_path, geo_dir,
                                                                        dashboard_store, screenshot_dir):
    with running_dashboard(tmp_path, dashboard_store, geo_dir, "--server.baseUrlPath", "dash") as base_url:
        assert urlsplit(base_url).path == "/dash"
        visit = _open(browser, f"{base_url}/map")
        assert_map(visit.page)
        map_files = [urlsplit(url).path for url in visit.requests if "/static/leaflet/" in url or "/static/maps/" in url]
        assert map_files and all(path.startswith("/dash/app/static/") for path in map_files), map_files
        screenshot(visit.page, screenshot_dir, "map-under-base-path")
        assert_network_clean(visit, base_url)
        root = base_url.removesuffix("/dash")
        with urllib.request.urlopen(f"{root}/feed/indicators.csv", timeout=30) as response:
            assert response.status == 200 and response.headers["Content-Type"].startswith("text/csv")
