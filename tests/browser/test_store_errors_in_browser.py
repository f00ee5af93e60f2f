"""A visitor opening the dashboard while its database server is silent: told in seconds where the store
is, never its password (anywhere in the page, the details included)."""

from __future__ import annotations

import time

import pytest

from tests.browser.conftest import running_dashboard
from tests.conftest import SECRET

pytestmark = pytest.mark.browser


def test_a_silent_store_is_explained_without_its_password(browser, tmp_path, geo_dir, secret_store_url,
                                                          silent_server, monkeypatch, screenshot_dir):
    monkeypatch.setenv("DASHBOARD_STORE_TIMEOUT", "2")
    with running_dashboard(tmp_path, secret_store_url, geo_dir) as base_url:
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        page = context.new_page()
        started = time.monotonic()
        page.goto(f"{base_url}/versions")
        alert = page.get_by_text("does not answer")
        alert.wait_for(timeout=30_000)
        elapsed = time.monotonic() - started
        assert "{}:{}".format(*silent_server) in alert.inner_text()
        page.get_by_test_id("stExpander").get_by_text("Details", exact=True).click()
        page.get_by_text("iom_dashboard:***@").wait_for(timeout=10_000)
        page.wait_for_timeout(600)  # the expander opens with an animation
        page.screenshot(path=str(screenshot_dir / "store-unreachable.png"), full_page=True)
        assert SECRET not in page.content()
        assert page.get_by_text("Loading the demo data").count() == 0
        context.close()
    assert elapsed < 2 + 10, f"the message took {elapsed:.1f} s with a 2 s timeout"
