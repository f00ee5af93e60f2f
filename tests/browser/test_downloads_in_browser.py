"""What only a browser shows of the downloads: the briefing pack built on click for the
filters in the URL, every chart saved as PNG from its toolbar, tables with an HXL row."""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError
from pypdf import PdfReader

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
    assert_network_clean(visit, dashboard_url)
    visit.page.context.close()


def test_a_chart_downloads_as_png_from_its_toolbar(browser, dashboard_url):
    visit = _open(browser, f"{dashboard_url}/survey")
    chart = visit.page.locator('[data-testid="stPlotlyChart"]').first
    camera = chart.locator('[data-title^="Download plot"]')
    camera.wait_for(state="attached", timeout=PAGE_TIMEOUT_MS)  # plotly draws after the script ends
    for attempt in range(3):  # plotly renders the image asynchronously; a busy machine can drop a click
        try:
            chart.wait_for(state="visible", timeout=20_000)  # plotly may still be (re)drawing it
            chart.hover(force=True, timeout=20_000)
            with visit.page.expect_download(timeout=30_000) as download:
                camera.click(force=True)  # the toolbar fades in on hover; the button is there all along
            break
        except PlaywrightError:  # a timeout, or the chart hidden for a moment while plotly redraws it
            if attempt == 2:
                raise
    assert download.value.suggested_filename == "survey-returnee-profile.png"
    with open(download.value.path(), "rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
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


def test_a_server_drawn_chart_downloads_as_svg_with_its_data_beside_it(browser, dashboard_url):
    visit = _open(browser, f"{dashboard_url}/district?profile=Vanj")
    page = visit.page
    page.get_by_text("Chart data").first.click()
    table = page.locator('[data-testid="stTable"]').first
    table.wait_for(timeout=PAGE_TIMEOUT_MS)
    assert "2019" in table.inner_text(), "the chart's periods are in its table"
    with page.expect_download(timeout=PAGE_TIMEOUT_MS) as download:
        page.get_by_role("button", name="Download chart (SVG)").first.click()
    assert download.value.suggested_filename == "district-over-time.svg"
    with open(download.value.path(), encoding="utf-8") as handle:
        drawing = handle.read()
    assert drawing.startswith("<svg") and 'role="img"' in drawing and "Vanj" in drawing
    page.context.close()
