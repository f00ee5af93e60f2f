"""A deep link is the first thing a freshly started server is asked for, in Chromium.

Streamlit runs its legacy ``pages/`` discovery for the first session of a new server when a ``pages/``
folder sits beside the entry point, and that first visitor's deep link then shows "Page not found"
(DESIGN.md §6). So the guard is behaviour, not a path: start a server of our own, open ``/map?lang=ru``
before anything else, and the Map page must render in Russian, without an error.
"""

from __future__ import annotations

import pytest

from data_pipeline.presentation.i18n import translator
from tests.browser.test_pages_in_browser import _open, assert_map, heading

pytestmark = pytest.mark.browser


def test_a_deep_link_is_the_first_visit_of_a_fresh_server(browser, fresh_dashboard_url):
    visit = _open(browser, f"{fresh_dashboard_url}/map?lang=ru")
    page = visit.page
    _ = translator("ru")
    assert heading(page, "h1") == _("Map")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("Page not found").count() == 0
    assert page.evaluate("() => location.pathname") == "/map"
    assert_map(page)
