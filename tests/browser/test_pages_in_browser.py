"""Every page opened by deep link, with filters in the URL, in a fresh Chromium context.

Each test checks the frame (sidebar with the filters, set from the URL), the page's own
figures (computed here from the store, not by the dashboard's code), for the maps the
district polygons inside the st_folium iframe, and the network: every request stays on the
dashboard's own host and none fails. A screenshot of each page goes to the run's folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

from data_pipeline.store import Store
from geo.gazetteer import PROGRAMME_DISTRICTS, REGION_GBAO, district

pytestmark = pytest.mark.browser

GBAO_CODES = {d.code for d in PROGRAMME_DISTRICTS if d.region == REGION_GBAO}
DISTRICT_NAMES = {d.name_en for d in PROGRAMME_DISTRICTS}
PAGE_TIMEOUT_MS = 60_000
# The programme districts drawn on the map: 15 polygons and Khorugh's point.
MAP_FEATURES = len(PROGRAMME_DISTRICTS)
# The script has finished and the frame's last filter (the years slider) is drawn.
IDLE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return app !== null && app.getAttribute('data-test-script-state') === 'notRunning'
    && document.querySelector('[data-testid="stStatusWidgetRunningIcon"]') === null
    && document.querySelector('[data-testid="stSidebar"] [data-testid="stSlider"]') !== null;
}"""


@pytest.fixture(scope="module")
def activities(dashboard_store) -> pd.DataFrame:
    """The demo activity records, read from the store the server uses."""
    store = Store(dashboard_store)
    try:
        return store.activities()
    finally:
        store.dispose()


@dataclass
class Visit:
    page: object
    requests: list[str]
    failures: list[str]


SVG_CHART = '[data-testid="stMarkdownContainer"] svg[role="img"]'
"""A chart drawn on the server as SVG (``charts.svg``)."""


def watch_failures(page, failures: list[str]) -> None:
    """Record in ``failures`` every request of ``page`` that fails or answers an HTTP error. Not
    net::ERR_ABORTED, a request the page itself dropped: the map's frame drawn again, or the next page
    opened, while its stylesheet was on its way (seen for leaflet.css)."""
    page.on("requestfailed", lambda request: request.failure == "net::ERR_ABORTED"
            or failures.append(f"{request.url} ({request.failure})"))
    page.on("response", lambda response: response.status >= 400 and failures.append(
        f"{response.url} (HTTP {response.status})"))


def _open(browser, url: str) -> Visit:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    visit = Visit(page, [], [])
    page.on("request", lambda request: visit.requests.append(request.url))
    watch_failures(page, visit.failures)
    page.goto(url)
    wait_idle(page)
    return visit


def wait_idle(page) -> None:
    """Wait until the app's script has finished and stays finished: a component mounting
    (st_folium) can start one more run right after the first one ends."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=PAGE_TIMEOUT_MS)
    for _ in range(20):
        page.wait_for_function(IDLE, timeout=PAGE_TIMEOUT_MS)
        page.wait_for_timeout(300)
        if page.evaluate(IDLE):
            return
    raise AssertionError("the app kept rerunning")


def assert_network_clean(visit: Visit, base: str) -> None:
    off_host = [u for u in visit.requests
                if urlsplit(u).hostname not in ("127.0.0.1", "localhost") and not u.startswith(("data:", "blob:"))]
    assert off_host == [], f"requests left the machine: {off_host}"
    # No exemption for /map/_stcore/health (404) any more: Streamlit's page names the app's root
    # (web_static.AppRootHint), so the frontend asks the root alone (tests/browser/test_caching_in_browser.py).
    assert visit.failures == [], f"failed requests: {visit.failures}"


def text_and_inputs(locator) -> str:
    """The text of an element and the values of its inputs (a selectbox shows its value in one)."""
    values = locator.locator("input").evaluate_all("inputs => inputs.map(i => i.value)")
    return locator.inner_text() + " " + " ".join(values)


def assert_frame(page, *filter_texts: str) -> None:
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.is_visible()
    assert sidebar.get_by_text("Filters", exact=True).is_visible()
    shown = text_and_inputs(sidebar)
    for text in filter_texts:
        assert text in shown, f"filter {text!r} not set from the URL; the sidebar shows {shown!r}"
    assert page.get_by_text("generated for demonstration, and marked “demo” wherever shown").is_visible()
    assert page.locator('[data-testid="stException"]').count() == 0


def wait_for_path(page, path: str) -> None:
    """Wait for the app to switch pages (history.pushState: no page load to wait for)."""
    page.wait_for_function("path => location.pathname.endsWith(path)", arg=path, timeout=PAGE_TIMEOUT_MS)


def heading(page, tag: str) -> str:
    """The first ``tag`` heading of the page's main area (the sidebar has its own title)."""
    return page.locator(f'[data-testid="stMain"] {tag}').first.inner_text()


def map_frame(page):
    return page.frame_locator('iframe[title="streamlit_folium.st_folium"]').first


def assert_map(page) -> None:
    polygons = map_frame(page).locator("path.leaflet-interactive")
    polygons.nth(MAP_FEATURES - 1).wait_for(timeout=PAGE_TIMEOUT_MS)
    assert polygons.count() == MAP_FEATURES


def screenshot(page, folder, name: str) -> None:
    """The whole page: the viewport grows to the main area's height (it scrolls inside)."""
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": max(1000, min(int(height), 8000))})
    wait_idle(page)
    page.screenshot(path=str(folder / f"{name}.png"))


def open_deep_link(browser, url: str, title: str, *filter_texts: str) -> Visit:
    """A fresh context at ``url``; checks the page's title and that the frame shows ``filter_texts``."""
    visit = _open(browser, url)
    assert heading(visit.page, "h1") == title
    assert_frame(visit.page, *filter_texts)
    return visit


def finish(visit: Visit, base: str, folder, name: str) -> None:
    """Screenshot the page as ``name`` and check that no request failed or left the machine."""
    screenshot(visit.page, folder, name)
    assert_network_clean(visit, base)


def _sum(activities: pd.DataFrame, indicator: str, codes=None, years=None) -> float:
    rows = activities[activities["indicator"] == indicator]
    if codes is not None:
        rows = rows[rows["district_code"].isin(codes)]
    if years is not None:
        rows = rows[rows["date"].dt.year.between(*years)]
    return float(rows["value"].sum())


def test_overview_deep_link(browser, dashboard_url, activities, screenshot_dir):
    visit = open_deep_link(browser, f"{dashboard_url}/?region=GBAO&programme=TAJIRRB", "Overview",
                           "GBAO", "TAJIRRB")
    page = visit.page
    participants = _sum(activities, "rps_participants", GBAO_CODES)
    assert page.get_by_text(f"{participants:,.0f} (demo)", exact=True).first.is_visible()
    assert_map(page)
    finish(visit, dashboard_url, screenshot_dir, "overview")


def test_map_deep_link(browser, dashboard_url, activities, screenshot_dir):
    visit = open_deep_link(
        browser, f"{dashboard_url}/map?district=Vanj&district=Dusti&indicator=Grants+awarded&mode=Percent+of+target",
        "Map", "Vanj", "Dusti")
    page = visit.page
    assert "Grants awarded" in text_and_inputs(page.locator('[data-testid="stMain"]'))
    assert_map(page)
    legend = page.locator('[aria-label="Map legend"]')
    assert "% of target" in legend.inner_text() and "No data" in legend.inner_text()
    finish(visit, dashboard_url, screenshot_dir, "map")


def test_security_headers_on_every_response_and_the_map_frame_still_draws(browser, dashboard_url):
    """Anti-framing allows the dashboard's own origin only: the st_folium map is an iframe of this server."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    document = page.goto(f"{dashboard_url}/map")
    wait_idle(page)
    assert_map(page)
    component = next(r for r in responses if "streamlit_folium" in r.url and r.request.resource_type == "document")
    for response in (document, component):
        headers = response.all_headers()
        assert headers.get("x-frame-options") == "SAMEORIGIN", (response.url, headers)
        assert headers.get("content-security-policy") == "frame-ancestors 'self'", (response.url, headers)
        assert headers.get("x-content-type-options") == "nosniff", (response.url, headers)
        assert headers.get("referrer-policy") == "strict-origin-when-cross-origin", (response.url, headers)
    context.close()


def test_map_tabs_draw_one_view_and_keep_it_in_the_url(browser, dashboard_url):
    visit = _open(browser, f"{dashboard_url}/map?region=GBAO&lang=ru")
    page = visit.page
    assert_map(page)
    assert page.locator(SVG_CHART).count() == 0, "the ranking is drawn only in its tab"
    page.get_by_role("tab", name="Рейтинг").click()
    page.wait_for_function("() => location.search.includes('view=ranking')", timeout=PAGE_TIMEOUT_MS)
    page.locator(SVG_CHART).first.wait_for(timeout=PAGE_TIMEOUT_MS)
    assert page.locator('iframe[title="streamlit_folium.st_folium"]').count() == 0
    page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    page.wait_for_function("() => !location.search.includes('lang=')", timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)
    assert page.get_by_role("tab", selected=True).inner_text() == "Ranking", "the tab survives a language change"
    page.get_by_role("tab", name="Table").click()
    page.wait_for_function("() => location.search.includes('view=table')", timeout=PAGE_TIMEOUT_MS)
    page.get_by_role("button", name="Download CSV").first.wait_for(timeout=PAGE_TIMEOUT_MS)
    assert_network_clean(visit, dashboard_url)


def test_funding_deep_link(browser, dashboard_url, screenshot_dir):
    visit = open_deep_link(browser, f"{dashboard_url}/funding?programme=CRP2020", "Objectives & funding",
                           "CRP2020")
    page = visit.page
    assert page.get_by_text("1,075,000 USD", exact=True).is_visible()
    page.locator(SVG_CHART).first.wait_for(timeout=PAGE_TIMEOUT_MS)
    finish(visit, dashboard_url, screenshot_dir, "funding")


def test_district_profile_deep_link(browser, dashboard_url, screenshot_dir):
    visit = open_deep_link(browser, f"{dashboard_url}/district?profile=Vanj&years=2018&years=2019",
                           "District profile")
    page = visit.page
    assert heading(page, "h2") == "Vanj"
    assert page.locator('[data-testid="stSidebar"]').get_by_text("2018", exact=True).is_visible()
    charts = page.locator(SVG_CHART)
    charts.nth(2).wait_for(timeout=PAGE_TIMEOUT_MS)
    assert charts.count() == 3 and charts.first.get_attribute("aria-label").startswith("Border guards trained in Vanj")
    bar = charts.nth(1).locator("g > title").first  # a bar's tooltip: the browser shows it on hover
    assert bar.text_content().startswith("Shahrituz: ") and "(demo)" in bar.text_content()
    chunks = [url for url in visit.requests if "plotly" in url.lower()]
    assert chunks == [], f"the profile's first view needs no chart library, yet fetched {chunks}"
    finish(visit, dashboard_url, screenshot_dir, "district")


def test_survey_deep_link(browser, dashboard_url, screenshot_dir):
    visit = _open(browser, f"{dashboard_url}/survey?region=Khatlon")
    page = visit.page
    assert heading(page, "h1").startswith("Survey")
    assert_frame(page, "Khatlon")
    for figure in ("365", "4,000", "95%"):
        assert page.get_by_text(figure, exact=True).first.is_visible()
    page.locator(SVG_CHART).first.wait_for(timeout=PAGE_TIMEOUT_MS)
    finish(visit, dashboard_url, screenshot_dir, "survey")


def test_sources_deep_link(browser, dashboard_url, activities, screenshot_dir):
    visit = open_deep_link(browser, f"{dashboard_url}/sources?years=2019&years=2020&view=quality", "Data & sources")
    page = visit.page
    records = int(activities["date"].dt.year.between(2019, 2020).sum())
    assert page.get_by_text(f"{records:,} activity records", exact=False).is_visible()
    assert page.get_by_role("tab", selected=True).inner_text() == "Data quality"
    page.get_by_role("tab", name="Indicator table").click()
    page.wait_for_function("() => location.search.includes('view=indicators')", timeout=PAGE_TIMEOUT_MS)
    page.get_by_role("button", name="Download CSV").first.wait_for(timeout=PAGE_TIMEOUT_MS)
    finish(visit, dashboard_url, screenshot_dir, "sources")


def test_click_on_a_district_opens_its_profile(browser, dashboard_url, screenshot_dir):
    visit = _open(browser, f"{dashboard_url}/map?region=Khatlon")
    page = visit.page
    assert_map(page)
    target = district("KT07")  # Farkhor: its gazetteer centre lies inside its polygon
    # Where Leaflet draws that point, relative to the map's iframe.
    frame = page.frame(url=re.compile("streamlit_folium"))
    point = frame.evaluate("([lat, lon]) => window.map.latLngToContainerPoint([lat, lon])",
                           [target.lat, target.lon])
    box = page.locator('iframe[title="streamlit_folium.st_folium"]').first.bounding_box()
    # The map reaches below the fold: pressing on it used to scroll the page, and the click was lost.
    assert box["y"] + box["height"] > page.viewport_size["height"], box
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    tooltip = map_frame(page).locator(".leaflet-tooltip").first
    tooltip.wait_for(timeout=PAGE_TIMEOUT_MS)
    assert target.name_en in tooltip.inner_text()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    wait_for_path(page, "/district")
    wait_idle(page)
    assert heading(page, "h2") == target.name_en
    assert "region=Khatlon" in page.url, "the filters must survive the switch to the profile"
    screenshot(page, screenshot_dir, "district-after-click")
    # Back on the map, the earlier click must not send the user to the profile again.
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Map", exact=True).click()
    wait_for_path(page, "/map")
    wait_idle(page)
    assert_map(page)
    wait_idle(page)
    assert urlsplit(page.url).path.endswith("/map")
    assert_network_clean(visit, dashboard_url)


def test_back_and_forward_restore_the_filters_and_the_language(browser, dashboard_url):
    visit = _open(browser, f"{dashboard_url}/?region=GBAO")
    page = visit.page
    regions = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first
    regions.locator("input").first.click()
    page.get_by_role("option", name="Khatlon", exact=True).click()
    page.keyboard.press("Escape")
    page.wait_for_function("() => location.search.includes('Khatlon')", timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)
    page.get_by_text("Русский", exact=True).click()
    page.wait_for_function("() => location.search.includes('lang=ru')", timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)
    assert heading(page, "h1") == "Обзор"

    page.go_back()  # the language chosen last is undone first, then the region
    page.wait_for_function("() => !location.search.includes('lang=')", timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)
    assert heading(page, "h1") == "Overview"
    page.go_back()
    page.wait_for_function("() => !location.search.includes('Khatlon')", timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)
    assert "Khatlon" not in regions.inner_text() and "GBAO" in regions.inner_text()
    assert urlsplit(page.url).query == "region=GBAO", "the URL must stay where the history went"
    page.go_forward()
    page.wait_for_function("() => location.search.includes('Khatlon')", timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)
    assert "Khatlon" in regions.inner_text()
    assert_network_clean(visit, dashboard_url)


def test_back_across_a_language_switch_keeps_the_filters(browser, dashboard_url):
    # After a step back, the frontend sends the filters as the labels it showed (ГБАО): they once
    # failed to match the options and the region filter was dropped from the view and the URL.
    visit = _open(browser, f"{dashboard_url}/funding?region=GBAO&lang=ru")
    page = visit.page
    regions = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first
    page.get_by_text("English", exact=True).click()
    page.wait_for_function("() => !location.search.includes('lang=')", timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)
    assert "GBAO" in regions.inner_text()
    page.go_back()
    page.wait_for_function("() => location.search.includes('lang=ru')", timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)
    assert "ГБАО" in regions.inner_text()
    assert parse_qs(urlsplit(page.url).query) == {"region": ["GBAO"], "lang": ["ru"]}
    assert_network_clean(visit, dashboard_url)

