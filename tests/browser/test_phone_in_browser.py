"""A phone (390×844) in Chromium: the District profile's tables as lists with the value and target in
view, its charts within the screen, nothing wider than the screen; a wide screen keeps the grid."""

from __future__ import annotations

import pytest

from ui.document import PHONE_ROWS, TABLE

pytestmark = pytest.mark.browser

PAGE_TIMEOUT_MS = 60_000


def _open(browser, url: str, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=width < 640,
                                  has_touch=width < 640)
    page = context.new_page()
    page.goto(url)
    page.locator('svg[role="img"]').nth(1).wait_for(timeout=PAGE_TIMEOUT_MS)  # the page has drawn its charts
    page.wait_for_function("() => document.querySelector('[data-testid=\"stApp\"]')"
                           ".getAttribute('data-test-script-state') === 'notRunning'", timeout=PAGE_TIMEOUT_MS)
    return page


@pytest.mark.parametrize("lang, value, target", [("en", "Value (demo)", "Target (demo)"),
                                                 ("ru", "Значение (демо)", "Цель (демо)"),
                                                 ("tg", "Қимат (намоишӣ)", "Ҳадаф (намоишӣ)")])
def test_on_a_phone_each_indicator_shows_its_value_and_target(browser, dashboard_url, lang, value, target):
    page = _open(browser, f"{dashboard_url}/district?profile=Vanj&lang={lang}", 390, 844)
    rows = page.locator(f".{PHONE_ROWS}").first
    assert rows.is_visible()
    page.locator(f".{TABLE}").first.wait_for(state="hidden", timeout=PAGE_TIMEOUT_MS)  # the table gives way to the list
    first = rows.locator('[role="listitem"]').first
    box = first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    text = first.inner_text()
    assert f"{value}:" in text and f"{target}:" in text, text
    for chart in page.locator('svg[role="img"]').all():
        chart_box = chart.bounding_box()
        assert chart_box["x"] >= 0 and chart_box["x"] + chart_box["width"] <= 390, chart_box
    width = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px screen"
    page.context.close()


def test_a_wide_screen_keeps_the_table(browser, dashboard_url):
    page = _open(browser, f"{dashboard_url}/district?profile=Vanj", 1440, 900)
    table = page.locator(f".{TABLE} table").first
    table.wait_for(state="visible", timeout=PAGE_TIMEOUT_MS)
    page.locator(f".{PHONE_ROWS}").first.wait_for(state="hidden", timeout=PAGE_TIMEOUT_MS)
    headings = table.locator('thead th[scope="col"]')
    assert headings.first.inner_text() == "Indicator" and table.locator('tbody th[scope="row"]').count() >= 5
    # Numbers right-aligned; the row's name stays in view when the table scrolls sideways.
    assert table.locator("tbody td.bd-table-num").first.evaluate("c => getComputedStyle(c).textAlign") == "right"
    assert table.locator('tbody th[scope="row"]').first.evaluate("c => getComputedStyle(c).position") == "sticky"
    page.context.close()
