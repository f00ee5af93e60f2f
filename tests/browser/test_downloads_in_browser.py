"""What only a browser shows of the downloads: the briefing pack built on click for the
filters in the URL, a chart saved as SVG with its data table beside it (a link to a ``data:`` URL, which
Streamlit's Markdown keeps), tables with an HXL row."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from data_pipeline.presentation.i18n import translator

from tests.browser.test_pages_in_browser import (
    PAGE_TIMEOUT_MS,
    _open,
    assert_network_clean,
    wait_idle,
)

pytestmark = pytest.mark.browser


def test_briefing_pack_follows_the_filters_in_the_url(browser, dashboard_url):
    visit = _open(browser, f"{dashboard_url}/?region=GBAO")
    with visit.page.expect_download(timeout=PAGE_TIMEOUT_MS) as download:
        visit.page.get_by_role("button", name="Briefing pack (PDF)").click()
    pdf = PdfReader(download.value.path())
    text = pdf.pages[0].extract_text()
    assert "GBAO" in text and "DEMONSTRATION" in text.upper()
    assert "Dusti" not in text  # a Khatlon district: filtered out
    # The pack maps, and leads its key messages with, the indicator the Overview's map shows.
    caption = visit.page.get_by_text("per district. Open the Map page").first.inner_text()
    shown = caption.split(" per district.")[0]
    flat = " ".join(text.split())
    assert flat.split("Key messages", 1)[1].lstrip("• ").startswith(f"{shown}:"), (shown, flat)
    assert f"{shown} per programme district" in " ".join(pdf.pages[1].extract_text().split())
    assert_network_clean(visit, dashboard_url)
    visit.page.context.close()



@pytest.mark.parametrize("lang", ["ru", "tg"])
def test_briefing_pack_tells_the_results_story_in_the_language_on_screen(browser, dashboard_url, lang):
    """The pack built from a Russian or Tajik screen: outcome results, who was reached and since when for
    the districts in the filters (said in their headings), the donor acknowledged as the documents print it."""
    tr = translator(lang)
    visit = _open(browser, f"{dashboard_url}/?region=GBAO&lang={lang}")
    with visit.page.expect_download(timeout=PAGE_TIMEOUT_MS) as download:
        visit.page.get_by_role("button", name=tr("Briefing pack (PDF)")).click()
    first, second = (" ".join(page.extract_text().split()) for page in PdfReader(download.value.path()).pages)
    scope = tr("{count} districts in view").format(count=7)
    assert tr("Outcome results (published)") in first and tr("Key messages") in first
    assert f"— {scope}" in second and tr("Running total per quarter against the target") in second
    assert second.index(tr("Since when: {indicator} — {scope}").split(":")[0]) < second.index(tr("Acknowledgement"))
    assert "Financed by the UK Government" in second
    assert "Who was reached" not in second and "Running total" not in second  # no English left
    visit.page.context.close()

def test_table_download_with_an_hxl_row(browser, dashboard_url):
    visit = _open(browser, f"{dashboard_url}/map?region=GBAO&view=table")
    visit.page.get_by_text("HXL hashtags").first.click()
    wait_idle(visit.page)
    with visit.page.expect_download(timeout=PAGE_TIMEOUT_MS) as download:
        visit.page.get_by_role("button", name="Download CSV").first.click()
    with open(download.value.path(), encoding="utf-8-sig") as handle:
        lines = handle.read().splitlines()
    assert lines[1].startswith("#") and "#adm2" in lines[1]
    visit.page.context.close()


def test_a_chart_downloads_as_svg_with_its_data_beside_it(browser, dashboard_url):
    visit = _open(browser, f"{dashboard_url}/district?profile=Vanj")
    page = visit.page
    table = page.get_by_role("table", name="Vanj", exact=False).first  # named by the chart's summary
    assert not table.is_visible(), "the data is one click away, not in the way"
    page.get_by_text("Chart data").first.click()
    table.wait_for(timeout=PAGE_TIMEOUT_MS)
    assert "2019" in table.inner_text(), "the chart's periods are in its table"
    assert table.get_by_role("columnheader").first.inner_text() == "Period"
    with page.expect_download(timeout=PAGE_TIMEOUT_MS) as download:
        page.get_by_role("button", name="Download chart (SVG)").first.click()
    assert download.value.suggested_filename == "district-over-time.svg"
    with open(download.value.path(), encoding="utf-8") as handle:
        drawing = handle.read()
    assert drawing.startswith("<svg") and 'role="img"' in drawing and "Vanj" in drawing
    page.context.close()
