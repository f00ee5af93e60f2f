"""Reach and trends in Chromium: a link with ?period=quarter opens the page with its running-total chart
drawn per quarter, and the parameter stays in the URL (also after the indicator changes)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from data_pipeline.presentation.i18n import format_number, format_percent, translator
from tests.browser.test_pages_in_browser import (PAGE_TIMEOUT_MS, SVG_CHART, finish, heading, open_deep_link,
                                                 wait_idle)

pytestmark = pytest.mark.browser


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_a_quarterly_link_opens_the_chart_and_keeps_the_period(browser, dashboard_url, screenshot_dir):
    visit = open_deep_link(browser, f"{dashboard_url}/trends?period=quarter&region=Khatlon", "Reach and trends",
                           "Khatlon")
    page = visit.page
    chart = page.locator(SVG_CHART).first
    chart.wait_for(timeout=PAGE_TIMEOUT_MS)
    assert "running total per quarter" in chart.get_attribute("aria-label")
    assert "(demo)" in chart.get_attribute("aria-label")
    periods = [t for t in chart.locator("text").all_text_contents() if re.fullmatch(r"\d{4}-Q\d", t or "")]
    assert periods, "the x axis names quarters"
    tip = chart.locator("g > title").last.text_content()
    assert re.search(r"\d{4}-Q\d: ", tip) and tip.endswith("(demo)")
    assert query(page)["period"] == ["quarter"]
    assert page.get_by_role("radio", name="quarter").is_checked()
    assert heading(page, "h2").startswith("Since when")
    assert page.get_by_text("Who was reached", exact=True).is_visible()
    # Another indicator: the page reruns, the period stays in the URL and on the chart.
    page.get_by_role("combobox", name=re.compile("Indicator")).click()
    page.get_by_role("option", name="Jobs created").click()
    page.wait_for_function("() => location.search.includes('indicator=jobs_created')", timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)
    assert query(page)["period"] == ["quarter"] and query(page)["region"] == ["Khatlon"]
    title = page.locator(SVG_CHART).first.get_attribute("aria-label")
    assert title.startswith("Jobs created: running total per quarter")
    finish(visit, dashboard_url, screenshot_dir, "trends")


@pytest.mark.parametrize("lang", ["en", "tg"])
def test_on_a_phone_the_charts_fit_the_screen(browser, dashboard_url, lang):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{dashboard_url}/trends?period=month&lang={lang}")
    wait_idle(page)
    charts = page.locator(SVG_CHART)
    charts.nth(2).wait_for(timeout=PAGE_TIMEOUT_MS)  # programme, regions, breakdown
    for n in range(charts.count()):
        box = charts.nth(n).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (n, box)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    context.close()


@pytest.mark.parametrize("lang", ["en", "ru", "tg"])
def test_who_was_reached_is_drawn_as_shares_beside_the_published_share(browser, dashboard_url, lang):
    """By disability: each indicator's bar is its 100 %, the shares written on it in the reader's language,
    and the documents' published share (1.4 % of session participants) beside it with its source."""
    tr = translator(lang)
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(f"{dashboard_url}/trends?by=disability&lang={lang}")
    wait_idle(page)
    title = tr("Who was reached, by {category}").format(category=tr("Disability").lower())
    chart = page.locator(f"{SVG_CHART}[aria-label^='{title}']")
    chart.wait_for(timeout=PAGE_TIMEOUT_MS)
    words = [t.strip() for t in chart.locator("text").all_text_contents()]
    assert format_percent(100, lang) in words, "the axis runs to 100 %"
    assert any(re.fullmatch(r"9\d\s?%", w.replace("\xa0", " ")) for w in words), words  # "no": 98.6 %
    assert page.locator("strong", has_text=format_number(1.4, lang, unit="%")).first.is_visible()  # published
    context.close()
