"""A first visit in Chromium gets Streamlit's JavaScript and CSS compressed (brotli), from the copies
``web_static`` made at start-up, with their immutable caching kept."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_a_first_visit_gets_every_bundle_compressed(browser, dashboard_url):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    bundles = []
    own = f"{dashboard_url}/static/"  # Streamlit's frontend; components (the map's iframe) are issue 21's
    page.on("response", lambda response: bundles.append(response)
            if response.url.startswith(own) and response.url.split("?")[0].endswith((".js", ".css")) else None)
    page.goto(dashboard_url)
    page.get_by_test_id("stSidebar").wait_for(timeout=60_000)
    page.wait_for_load_state("networkidle")
    assert len(bundles) >= 3, [r.url for r in bundles]
    for response in bundles:
        headers = response.all_headers()
        assert headers.get("content-encoding") == "br", (response.url, headers)
        assert headers["cache-control"] == "public, immutable, max-age=31536000", response.url
        assert headers["x-content-type-options"] == "nosniff", "the security headers wrap compressed answers too"
    sizes = [r.request.sizes() for r in bundles]
    wire = sum(s["responseBodySize"] for s in sizes)
    assert wire > 0
    context.close()
