"""The overview and the map in English, Russian and Tajik in Chromium: titles, sidebar, legend
and tooltips in the chosen language, district names in its own script, and a screenshot of
each (``artifacts/screenshots/<run>/<page>-<lang>.png``) to look at for cut-off text."""

from __future__ import annotations

import pytest

from data_pipeline.i18n import LANGUAGES, translator
from geo.gazetteer import PROGRAMME_DISTRICTS
from tests.browser.test_pages_in_browser import MAP_FEATURES, PAGE_TIMEOUT_MS, heading, map_frame, screenshot, wait_idle

pytestmark = pytest.mark.browser


def _open(browser, url: str):
    """A fresh context at ``url``; also returns the list its failed requests go to."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    failures: list[str] = []
    page.on("requestfailed", lambda request: failures.append(f"{request.url} ({request.failure})"))
    page.goto(url)
    wait_idle(page)
    return page, failures


def _check_frame(page, lang: str) -> None:
    _ = translator(lang)
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_text(_("Filters"), exact=True).is_visible()
    assert sidebar.get_by_text(LANGUAGES[lang], exact=True).is_visible()
    banner = _("**Demo data.** District figures are generated for demonstration; programme totals are from the "
               "published reports.").split("** ", 1)[1]
    assert page.get_by_text(banner).is_visible()
    assert page.locator('[data-testid="stException"]').count() == 0


def _check_map(page, lang: str) -> str:
    """Wait for the 16 districts, hover one and return its tooltip's text."""
    polygons = map_frame(page).locator("path.leaflet-interactive")
    polygons.nth(MAP_FEATURES - 1).wait_for(timeout=PAGE_TIMEOUT_MS)
    assert polygons.count() == MAP_FEATURES
    polygons.first.hover(force=True)
    tooltip = map_frame(page).locator(".leaflet-tooltip").first
    tooltip.wait_for(timeout=PAGE_TIMEOUT_MS)
    return tooltip.inner_text()


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_overview_in_each_language(browser, dashboard_url, screenshot_dir, lang):
    page, failures = _open(browser, f"{dashboard_url}/?lang={lang}")
    _ = translator(lang)
    assert heading(page, "h1") == _("Overview")
    _check_frame(page, lang)
    assert page.get_by_text(_("Results against targets"), exact=True).is_visible()
    assert page.get_by_text(_("Reintegration planning sessions"), exact=True).first.is_visible()
    tooltip = _check_map(page, lang)
    assert any(d.name(lang) in tooltip for d in PROGRAMME_DISTRICTS), tooltip
    screenshot(page, screenshot_dir, f"overview-{lang}")
    assert all("/_stcore/" in f for f in failures), failures  # the frontend's base-path probe only


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_map_in_each_language(browser, dashboard_url, screenshot_dir, lang):
    page, failures = _open(browser, f"{dashboard_url}/map?lang={lang}")
    _ = translator(lang)
    assert heading(page, "h1") == _("Map")
    _check_frame(page, lang)
    legend = page.locator(f'[aria-label="{_("Map legend")}"]').inner_text()
    assert _("No data") in legend and _("Khorugh (city, a point)") in legend
    tooltip = _check_map(page, lang)
    assert any(d.name(lang) in tooltip for d in PROGRAMME_DISTRICTS), tooltip
    assert _("Source: {source}").split(":")[0] in tooltip
    screenshot(page, screenshot_dir, f"map-{lang}")
    assert all("/_stcore/" in f for f in failures), failures  # the frontend's base-path probe only
