"""The overview and the map in English, Russian and Tajik in Chromium: titles, sidebar, legend
and tooltips in the chosen language, district names in its own script, and a screenshot of
each (``artifacts/screenshots/<run>/<page>-<lang>.png``) to look at for cut-off text."""

from __future__ import annotations

import pytest

from data_pipeline.presentation.i18n import LANGUAGES, translator
from data_pipeline.presentation.i18n import demo_mark
from geo.gazetteer import PROGRAMME_DISTRICTS
from tests.browser.test_pages_in_browser import (
    PAGE_TIMEOUT_MS,
    Visit,
    _open,
    assert_map,
    assert_network_clean,
    heading,
    map_frame,
    screenshot,
)

pytestmark = pytest.mark.browser


def _open_in(browser, dashboard_url: str, path: str, lang: str, title: str) -> Visit:
    """A fresh context at ``path`` in ``lang``; checks the page's title and the frame."""
    visit = _open(browser, f"{dashboard_url}{path}?lang={lang}")
    assert heading(visit.page, "h1") == translator(lang)(title)
    _check_frame(visit.page, lang)
    return visit


def _check_frame(page, lang: str) -> None:
    _ = translator(lang)
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_text(_("Filters"), exact=True).is_visible()
    assert sidebar.get_by_text(LANGUAGES[lang], exact=True).is_visible()
    banner = _("**Demo data.** The district records and their totals, the targets and the funding received are "
               "generated for demonstration, and marked “{mark}” wherever shown. Published, with their source beside "
               "them: the programme totals the documents print, funding required, target beneficiaries and the survey "
               "results.").format(mark=demo_mark(lang)).split("** ", 1)[1]
    assert page.get_by_text(banner).is_visible()
    assert page.locator('[data-testid="stException"]').count() == 0


def _check_map(page, lang: str) -> str:
    """Wait for the 16 districts, hover one and return its tooltip's text, which must name a
    programme district in ``lang``."""
    assert_map(page)
    map_frame(page).locator("path.leaflet-interactive").first.hover(force=True)
    tooltip = map_frame(page).locator(".leaflet-tooltip").first
    tooltip.wait_for(timeout=PAGE_TIMEOUT_MS)
    text = tooltip.inner_text()
    assert any(d.names[lang] in text for d in PROGRAMME_DISTRICTS), text
    return text


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_overview_in_each_language(browser, dashboard_url, screenshot_dir, lang):
    visit = _open_in(browser, dashboard_url, "/", lang, "Overview")
    _ = translator(lang)
    assert visit.page.get_by_text(_("Results against targets"), exact=True).is_visible()
    assert visit.page.get_by_text(_("Reintegration planning sessions"), exact=True).first.is_visible()
    _check_map(visit.page, lang)
    screenshot(visit.page, screenshot_dir, f"overview-{lang}")
    assert_network_clean(visit, dashboard_url)


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_map_in_each_language(browser, dashboard_url, screenshot_dir, lang):
    visit = _open_in(browser, dashboard_url, "/map", lang, "Map")
    _ = translator(lang)
    legend = visit.page.locator(f'[aria-label="{_("Map legend")}"]').inner_text()
    assert _("No data") in legend and _("Khorugh (city, a point)") in legend
    assert _("Source: {source}").split(":")[0] in _check_map(visit.page, lang)
    screenshot(visit.page, screenshot_dir, f"map-{lang}")
    assert_network_clean(visit, dashboard_url)
