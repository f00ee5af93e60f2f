"""Keyboard users reach every filter and download (issue 17), in Chromium at 1440×900.

Each page is walked with the Tab key alone, reading ``document.activeElement`` after every press, until
the focus has gone round (back to the document) or a cap of presses is spent (a trap). Every sidebar
filter, the page's own selects, tabs, radios and checkboxes, every download button (ours: CSV, XLSX,
PDF, templates; the data-frame toolbar's "Download as CSV") and every expander (a chart's "Chart
data" and the map's "Map data": a native ``<details>`` in the chart's HTML block, holding the chart's
SVG download, a link) must get the focus in that walk, with an accessible name, and show it (WCAG
2.4.7): an outline or a box shadow on the element or a near wrapper, there while it has the focus and
gone after, on something not transparent. Then, with the keyboard alone, a table is downloaded, the
Region filter and the Map's tab are changed, and a chart's SVG is downloaded from its closed
``<details>``.

What Streamlit (1.67) does with Tab, as these walks see it: "Skip to main content", the sidebar's
page links, the language radios (one stop), then each filter's help button ("Help for Region") and
the filter; the range slider is two stops (its thumbs); 19 presses in all before the main area,
itself a stop. A radio group or tab list is one stop (the arrow keys move inside it; a tab opens as
the focus reaches it). A data frame is its toolbar's four buttons, then the grid, where Tab moves the
cell cursor along the first row (one press per column) and then leaves; no trap. The map's iframe
(st_folium) holds Leaflet's 22 stops (the map, its 16 districts, zoom in/out, 3 attribution links),
walked through, not checked.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.test_pages_in_browser import PAGE_TIMEOUT_MS, wait_idle

pytestmark = pytest.mark.browser

# Every public page, and the views (tabs) that hold downloads the default view does not draw.
PAGES = {
    "Overview": "/",
    "Results framework": "/results",
    "Map": "/map",
    "Map, table": "/map?view=table",
    "Objectives & funding": "/funding",
    "District profile": "/district",
    "Survey": "/survey",
    "Data & sources": "/sources",
    "Data & sources, reconciliation": "/sources?view=reconciliation",
    "Data & sources, indicators": "/sources?view=indicators",
    "Data & sources, catalogue": "/sources?view=catalogue",
    "Upload data": "/upload",  # its templates are offered before sign-in
}
TABLE = {"Download CSV", "Download XLSX"}
# The download buttons this product draws on each page (Streamlit's toolbar ones are found as well).
OWN_DOWNLOADS = {"Overview": {"Briefing pack (PDF)"}, "Results framework": TABLE,
                 "Map, table": TABLE, "Objectives & funding": TABLE,
                 "District profile": {"District sheet (PDF)"} | TABLE, "Data & sources, reconciliation": TABLE,
                 "Data & sources, indicators": TABLE, "Data & sources, catalogue": TABLE,
                 "Upload data": {"Activities template", "Targets template", "Funding template"}}
# The data under each chart or map (its <details>): found on the page, so the walk checks they are reached.
OWN_EXPANDERS = {"Overview": {"Map data"}, "Map": {"Map data"}, "Objectives & funding": {"Chart data"},
                 "District profile": {"Chart data"}, "Survey": {"Chart data"}}
SIDEBAR_FILTERS = {"Language · Язык · Забон", "Region", "District", "Programme", "Years — start", "Years — end"}
MAX_PRESSES = 200

# The controls drawn on the page that the walk must reach, as [kind, where, name, n] (the n-th of that
# name), and helpers the other scripts use (``window.__kb``). A radio group or tab list is one control:
# any of its members counts. A name is the aria-label, the label's text or the text, without what is hidden from screen readers.
CONTROLS = """() => {
  const text = (node) => {
    if (node.nodeType === Node.TEXT_NODE) return node.textContent;
    if (node.nodeType !== Node.ELEMENT_NODE || node.getAttribute('aria-hidden') === 'true'
        || ['SCRIPT', 'STYLE'].includes(node.tagName)) return '';
    return [...node.childNodes].map(text).join(' ');
  };
  const clean = (value) => (value || '').trim().replace(/\\s+/g, ' ');
  const name = (element) => {
    const labelledBy = (element.getAttribute('aria-labelledby') || '').split(' ')
      .map(id => document.getElementById(id)).filter(Boolean).map(text).join(' ');
    return clean(element.getAttribute('aria-label')) || clean(labelledBy)
      || clean(element.labels && element.labels.length ? text(element.labels[0]) : '')
      || clean(text(element)) || clean(element.getAttribute('title'));
  };
  const groups = [
    ['filter', '[data-testid="stSelectbox"] input, [data-testid="stMultiSelect"] input'],
    ['filter', '[data-testid="stSlider"] input'],
    ['filter', '[role="radiogroup"]'],
    ['filter', '[role="tablist"]'],
    ['filter', '[data-testid="stCheckbox"] input'],
    ['download', '[data-testid="stDownloadButton"] button'],
    ['download', '[data-testid="stElementToolbar"] button[aria-label="Download as CSV"]'],
    ['expander', '[data-testid="stExpander"] summary'],
    ['expander', '[data-testid="stMarkdownContainer"] details > summary'],
  ];
  const controls = () => {
    const count = {};
    // Only what is drawn: not a closed tab's panel or expander, not a layout for another screen width.
    return groups.flatMap(([kind, selector]) => [...document.querySelectorAll(selector)]
      .filter(element => element.checkVisibility()).map(element => {
      const where = element.closest('[data-testid="stSidebar"]') ? 'sidebar' : 'page';
      const label = name(element) || `(unnamed ${element.tagName})`;
      const key = [kind, where, label].join('|');
      count[key] = (count[key] || 0) + 1;
      return {element, key: [kind, where, label, count[key]]};
    }));
  };
  window.__kb = {controls, name, previous: null};
  return controls().map(c => c.key);
}"""

# After a Tab: what has the focus (the number of the control it belongs to, or null, and its accessible
# name), and whether the focus showed on the previous stop, which has just lost it: an outline or a
# box shadow of that element or one of its three nearest wrappers that was there while it had the focus
# and is gone now, on a wrapper neither transparent nor too small to see (WCAG 2.4.7).
FOCUSED = """() => {
  const kb = window.__kb;
  const look = (node) => { const s = getComputedStyle(node);
    return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 ? s.outlineStyle + s.outlineWidth
            + s.outlineColor : '') + '|' + (s.boxShadow === 'none' ? '' : s.boxShadow); };
  const seen = (node) => {
    const box = node.getBoundingClientRect();
    if (box.width <= 2 || box.height <= 2) return false;
    let opacity = 1;
    for (let n = node; n && n.nodeType === 1; n = n.parentElement) {
      const style = getComputedStyle(n);
      if (style.visibility === 'hidden' || style.display === 'none') return false;
      opacity *= parseFloat(style.opacity);
    }
    return opacity > 0.5;
  };
  let previousShown = null;
  if (kb.previous) {
    previousShown = kb.previous.some(([node, focused]) => node.isConnected && focused !== look(node)
                                     && focused.replace('|', '') !== '');
  }
  const element = document.activeElement;
  if (!element || element === document.body) return {end: true, previousShown};
  const chain = [];
  for (let node = element, i = 0; i < 4 && node && node !== document.body; i++, node = node.parentElement) {
    if (seen(node)) chain.push([node, look(node)]);
  }
  kb.previous = chain;
  const control = kb.controls().find(c => c.element === element || c.element.contains(element));
  const testid = (element.closest('[data-testid]') || element).getAttribute('data-testid');
  return {end: false, previousShown, tag: element.tagName, control: control ? control.key : null,
          name: kb.name(element), testid};
}"""

# Frames are walked through, not checked: the map's holds Leaflet's own stops. The grid of a data frame
# draws its cell cursor in its canvas (a screenshot shows the focused cell framed in blue), no CSS to read.
UNCHECKED_FOCUS = ("IFRAME", "CANVAS")
GLIDE_CELL = re.compile(r"^glide-cell-")


def open_page(browser, url: str, downloads: set[str] = frozenset()):
    """A fresh context at 1440×900 on ``url``, once idle and showing the download buttons ``downloads``."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(url)
    wait_idle(page)
    for name in downloads:  # the frontend may draw the last elements just after the run ends
        try:
            page.get_by_test_id("stDownloadButton").get_by_role("button", name=name).first.wait_for(timeout=20_000)
        except PlaywrightTimeout:
            break  # the walk's test names what is missing

    # Streamlit fades some focus indicators in (the heading links): read their settled state.
    page.add_style_tag(content="*, *::before, *::after {transition: none !important; animation: none !important;}")
    return context, page


def walk(page) -> tuple[list[tuple], list[dict], bool]:
    """Tab through the page from the top: the controls to reach, every stop, and whether the focus
    came round to the document (False: the cap was spent, a trap)."""
    before = page.evaluate(CONTROLS)
    stops = []
    for _ in range(MAX_PRESSES):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
        if stops:
            stops[-1]["shown"] = stop["previousShown"]
        if stop["end"]:
            break
        stops.append(stop)
    after = page.evaluate(CONTROLS)  # what the page drew meanwhile (a late table) must be reached too
    controls = sorted({tuple(key) for key in before + after})
    return controls, stops, bool(stops) and stop["end"]


@pytest.fixture(scope="module")
def walks(browser, dashboard_url) -> dict[str, tuple[list[tuple], list[dict], bool]]:
    """Each page walked once (one browser context per page); the tests below read the walks."""
    done = {}
    for title, path in PAGES.items():
        context, page = open_page(browser, dashboard_url + path, OWN_DOWNLOADS.get(title, set()))
        done[title] = walk(page)
        context.close()
    return done


@pytest.mark.parametrize("title", list(PAGES))
def test_tab_reaches_every_filter_and_download_with_a_name(walks, title):
    controls, stops, came_round = walks[title]
    # A trap (in the map's frame, a grid, a dialog) keeps the focus: it never comes back round.
    assert came_round, (f"{title}: the focus did not come back to the document within {MAX_PRESSES} presses; "
                        f"last stops: {[(s['tag'], s['name'], s['testid']) for s in stops[-5:]]}")
    if title.startswith(("Overview", "Map")) and "table" not in title:  # the map's frame: Tab goes in and out
        assert any(stop["tag"] == "IFRAME" for stop in stops), f"{title}: the map's frame never had the focus"
    names = {name for _, where, name, _ in controls if where == "sidebar"}
    assert SIDEBAR_FILTERS <= names, f"{title}: sidebar filters not found on the page: {SIDEBAR_FILTERS - names}"
    downloads = {name for kind, _, name, _ in controls if kind == "download"}
    assert OWN_DOWNLOADS.get(title, set()) <= downloads, (
        f"{title}: download buttons not found on the page: {OWN_DOWNLOADS[title] - downloads}")
    expanders = {name for kind, _, name, _ in controls if kind == "expander"}
    assert OWN_EXPANDERS.get(title, set()) <= expanders, (
        f"{title}: a chart's or map's data not found on the page: {OWN_EXPANDERS[title] - expanders}")
    reached = {tuple(stop["control"]) for stop in stops if stop["control"] is not None}
    missed = [f"{kind} {name!r} ({where}, #{n})" for kind, where, name, n in controls
              if (kind, where, name, n) not in reached]
    assert not missed, f"{title}: never focused by Tab: {missed}"
    unnamed = [f"{stop['tag']} in {stop['testid']}" for stop in stops
               if stop["control"] is not None and not stop["name"]]
    assert not unnamed, f"{title}: focused without an accessible name: {unnamed}"


@pytest.mark.parametrize("title", list(PAGES))
def test_the_focus_shows_at_every_stop(walks, title):
    _, stops, _ = walks[title]
    hidden = sorted({f"{stop['tag']} {stop['name'][:40]!r} in {stop['testid']}" for stop in stops
                     if not stop.get("shown") and stop["tag"] not in UNCHECKED_FOCUS
                     and not GLIDE_CELL.match(stop["testid"] or "")})
    assert not hidden, f"{title}: focused with no visible outline or shadow (WCAG 2.4.7): {hidden}"


def tab_to(page, predicate: str, what: str) -> None:
    """Press Tab until ``predicate`` (JS, on the focused element ``e``) holds."""
    for _ in range(MAX_PRESSES):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const e = document.activeElement; return !!({predicate}); }}"):
            return
    raise AssertionError(f"Tab never reached {what}")


def test_a_table_downloads_from_the_keyboard(browser, dashboard_url):
    context, page = open_page(browser, f"{dashboard_url}/funding")
    tab_to(page, "e.closest('[data-testid=\"stDownloadButton\"]') && e.innerText.includes('Download CSV')",
           "the Download CSV button")
    with page.expect_download(timeout=PAGE_TIMEOUT_MS) as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == "funding-objectives-CRP2020.csv"
    with open(download.value.path(), encoding="utf-8-sig") as handle:
        assert handle.readline().count(",") >= 2
    context.close()


def test_a_filter_changes_from_the_keyboard(browser, dashboard_url):
    context, page = open_page(browser, f"{dashboard_url}/map")
    # The map reports to the app once drawn, which reruns the page: a rerun while the Region list is open
    # would close it (seen on a loaded machine). Start once the map has drawn and the app is idle again.
    page.frame_locator('iframe[title="streamlit_folium.st_folium"]').locator("path.leaflet-interactive").first.wait_for(
        state="attached", timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)
    page.evaluate(CONTROLS)  # for its naming helper
    tab_to(page, "e.getAttribute('role') === 'combobox' && e.closest('[data-testid=\"stSidebar\"]') "
                 "&& window.__kb.name(e) === 'Region'", "the Region filter")
    page.keyboard.type("GBAO")
    page.get_by_role("option", name="GBAO").wait_for(timeout=PAGE_TIMEOUT_MS)  # the list, narrowed to it
    page.keyboard.press("Enter")
    page.wait_for_function("() => new URL(location.href).searchParams.get('region') === 'GBAO'",
                           timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)
    assert parse_qs(urlsplit(page.url).query)["region"] == ["GBAO"]
    region = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").first
    assert "GBAO" in region.inner_text()
    # The tab list is one stop: the arrow keys move along it, and the table's downloads are there.
    tab_to(page, "e.getAttribute('role') === 'tab'", "the tab list")
    assert page.evaluate("() => document.activeElement.innerText.trim()") == "Map"
    wait_idle(page)  # a key pressed while the page still redraws after the filter's rerun can be lost
    for view in ("ranking", "table"):  # a tab opens as the focus moves to it (WAI-ARIA's automatic activation)
        # Known issue (issue 21's note): after the switch to the ranking the focus sometimes drops to the page
        # (seen on a loaded machine since the chart became one block); the tab list is then one Tab press away.
        open_tab = "e.getAttribute('role') === 'tab' && e.getAttribute('aria-selected') === 'true'"
        if not page.evaluate(f"() => {{ const e = document.activeElement; return !!({open_tab}); }}"):
            tab_to(page, open_tab, "the open tab")
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"() => new URL(location.href).searchParams.get('view') === '{view}'",
                               timeout=PAGE_TIMEOUT_MS)
        wait_idle(page)
    assert parse_qs(urlsplit(page.url).query)["region"] == ["GBAO"]
    # The frontend draws a horizontal container's buttons just after the run ends (ui.downloads).
    page.get_by_role("button", name="Download CSV").first.wait_for(timeout=PAGE_TIMEOUT_MS)
    context.close()


def test_a_chart_downloads_from_its_data_by_keyboard(browser, dashboard_url):
    context, page = open_page(browser, f"{dashboard_url}/survey")
    page.evaluate(CONTROLS)  # for its naming helper
    tab_to(page, "e.tagName === 'SUMMARY' && window.__kb.name(e) === 'Chart data'", "the chart's data")
    assert page.evaluate("() => !document.activeElement.parentElement.open")
    page.keyboard.press("Enter")  # opens it: its table is shown
    assert page.evaluate("() => document.activeElement.parentElement.open")
    tab_to(page, "e.tagName === 'BUTTON' && window.__kb.name(e) === 'Download chart (SVG)'",
           "the chart's SVG download")
    with page.expect_download(timeout=PAGE_TIMEOUT_MS) as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == "survey-returnee-profile.svg"  # the first tab's chart
    with open(download.value.path(), encoding="utf-8") as handle:
        assert "<svg" in handle.read(2000)
    context.close()


def test_every_district_on_the_map_is_a_named_stop_and_enter_opens_its_profile(browser, dashboard_url):
    context, page = open_page(browser, f"{dashboard_url}/map?lang=ru")
    page.locator('iframe[title="streamlit_folium.st_folium"]').wait_for(timeout=PAGE_TIMEOUT_MS)
    frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
    districts = frame.locator('path.leaflet-interactive[role="button"]')
    districts.nth(15).wait_for(state="attached", timeout=PAGE_TIMEOUT_MS)
    names = districts.evaluate_all("paths => paths.map(p => [p.getAttribute('tabindex'), p.getAttribute('aria-label')])")
    assert len(names) == 16 and all(tabindex == "0" for tabindex, _ in names)
    vanj = next(label for _, label in names if label.startswith("Ванч"))
    assert "(демо)" in vanj and "<" not in vanj, "the tooltip's words, marked, without its markup"
    vanj_path = frame.locator('path[aria-label^="Ванч"]')
    width = vanj_path.evaluate("p => getComputedStyle(p).strokeWidth")
    page.locator('iframe[title="streamlit_folium.st_folium"]').focus()
    for _ in range(40):  # Tab into the map to Vanj: the focus shows as a heavy outline
        page.keyboard.press("Tab")
        if vanj_path.evaluate("p => p === document.activeElement"):
            break
    assert vanj_path.evaluate("p => getComputedStyle(p).strokeWidth") == "4px" != width
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.pathname.endsWith('/district')", timeout=PAGE_TIMEOUT_MS)
    assert parse_qs(urlsplit(page.url).query)["profile"] == ["Vanj"]
    context.close()
