"""The Results framework page in Chromium (issue 18): it loads from a deep link in each language, shows an
outcome's published figure with its citation linked to the document, and the outputs against targets."""

from __future__ import annotations

import pytest

from data_pipeline.presentation.citations import citation
from data_pipeline.presentation.i18n import format_percent, translator
from data_pipeline.reference.published import DOCUMENTS, published_figure
from data_pipeline.reference.registry import OUTCOME_1
from tests.browser.test_pages_in_browser import PAGE_TIMEOUT_MS, _open, assert_network_clean, heading, screenshot
from ui.document import TABLE

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["en", "ru", "tg"])
def test_results_page_shows_an_outcome_figure_with_its_citation(browser, dashboard_url, screenshot_dir, lang):
    _ = translator(lang)
    visit = _open(browser, f"{dashboard_url}/results?lang={lang}&programme=TAJIRRB")
    page = visit.page
    assert heading(page, "h1") == _("Results framework")
    assert page.locator('[data-testid="stException"]').count() == 0
    figure = published_figure("tajirrb_border_service_improved")
    card = page.get_by_role("group", name=_(figure.label))
    card.wait_for(timeout=PAGE_TIMEOUT_MS)
    assert card.locator("[data-value]").inner_text() == format_percent(figure.value, lang)
    assert card.get_by_text(_("Published percentage, not recomputed from records")).is_visible()
    link = card.get_by_role("link", name=citation(figure.document, figure.section, lang))
    assert link.is_visible()
    assert link.get_attribute("href").endswith(f"#{DOCUMENTS[figure.document].anchor}")
    region = page.get_by_role("region", name=_(OUTCOME_1))
    assert region.is_visible()
    # the outputs: a table on a wide screen, with its downloads
    assert page.locator(f".{TABLE} table").count() == 3  # one per TAJIRRB outcome
    assert page.locator(f".{TABLE} table").first.is_visible()
    page.get_by_role("button", name=_("Download CSV")).first.wait_for(timeout=PAGE_TIMEOUT_MS)
    screenshot(page, screenshot_dir, f"results-{lang}")
    assert_network_clean(visit, dashboard_url)
    link.click()  # the citation opens the document's entry in the sources list
    page.wait_for_function("() => location.pathname.endsWith('/sources') && location.hash === '#doc-001'",
                           timeout=PAGE_TIMEOUT_MS)
    page.context.close()
