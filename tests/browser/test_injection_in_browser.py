"""Markdown injection in a real browser: a store whose active version has a hostile file name, note,
uploader and publisher, an editor with a hostile display name, and a workbook with hostile sheet
names. Overview, Data & sources, Upload data and Data versions must draw no link or image pointing
at the hostile address, and no request may leave the machine (an image would be fetched at once).
A chart's block of HTML (its summary, its data table) shows hostile labels and values as text too."""

from __future__ import annotations

import pytest

from data_pipeline.store.editors import hash_password
from data_pipeline.analysis.demo import load_demo
from tests.browser.conftest import running_dashboard
from tests.browser.test_pages_in_browser import (Visit, assert_network_clean, screenshot, wait_for_path, wait_idle,
                                                 watch_failures)
from tests.hostile_text import (CSV, EVIL, HOSTILE, HOSTILE_CSV_NAME, HOSTILE_SHEET, HOSTILE_XLSX_NAME,
                                hostile_xlsx, publish_hostile_version)

pytestmark = pytest.mark.browser

PASSWORD = "kulob-office-1"
HOSTILE_ELEMENTS = f'a[href*="{EVIL}"], img[src*="{EVIL}"], [src*="{EVIL}"], [href*="{EVIL}"], [srcset*="{EVIL}"]'


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory, geo_dir):
    workdir = tmp_path_factory.mktemp("hostile-server")
    store = f"sqlite:///{workdir / 'store.db'}"
    load_demo(store)
    publish_hostile_version(store)
    secrets = workdir / "secrets.toml"
    display_name = HOSTILE.replace("\\", "\\\\").replace('"', '\\"')
    secrets.write_text(f'[editors.aziz]\npassword_hash = "{hash_password(PASSWORD, n=2 ** 12)}"\n'
                       f'display_name = "{display_name}"\n')
    with running_dashboard(workdir, store, geo_dir, "--secrets.files", str(secrets)) as base_url:
        yield base_url


def assert_shown_as_text(page, *texts: str) -> None:
    """No element points at the hostile address, and ``texts`` are on the page as typed."""
    wait_idle(page)
    hostile = page.evaluate(f"() => [...document.querySelectorAll('{HOSTILE_ELEMENTS}')].map(e => e.outerHTML)")
    assert hostile == [], hostile
    shown = page.locator('[data-testid="stMain"]').inner_text().replace("\u2060", "")
    for text in texts:
        assert text in shown, f"{text!r} not on the page: {shown}"


def test_hostile_names_and_notes_are_shown_as_text_and_fetch_nothing(browser, hostile_server, screenshot_dir):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    visit = Visit(page, [], [])
    page.on("request", lambda request: visit.requests.append(request.url))
    watch_failures(page, visit.failures)

    page.goto(hostile_server)
    assert_shown_as_text(page, "Results against targets")
    page.goto(f"{hostile_server}/sources")
    assert_shown_as_text(page, f"by {HOSTILE} — {HOSTILE}")
    screenshot(page, screenshot_dir, "hostile-sources")

    page.goto(f"{hostile_server}/upload")
    wait_idle(page)
    page.get_by_label("User name").fill("aziz")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert_shown_as_text(page, f"Signed in as editor {HOSTILE} (aziz)")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(files=[
        {"name": HOSTILE_CSV_NAME, "mimeType": "text/csv", "buffer": CSV},
        {"name": HOSTILE_XLSX_NAME, "mimeType": "application/octet-stream", "buffer": hostile_xlsx()}])
    page.get_by_text("a valid activities table").first.wait_for()
    # (The browser sends a file name's quotes as %22.)
    assert_shown_as_text(page, f"is already in the active version (submission", f"uploaded by {HOSTILE}",
                         f"Read sheet '{HOSTILE_SHEET}'")
    screenshot(page, screenshot_dir, "hostile-upload")

    page.locator('[data-testid="stSidebarNav"]').get_by_text("Data versions", exact=True).click()
    wait_for_path(page, "/versions")
    assert_shown_as_text(page, "Withdraw one file")
    page.get_by_label("File in the active version").click()  # the options name the hostile files
    page.get_by_role("option").first.wait_for()
    assert_shown_as_text(page)
    assert EVIL in page.get_by_role("listbox").inner_text()
    screenshot(page, screenshot_dir, "hostile-versions")

    assert_network_clean(visit, hostile_server)
    context.close()


# A chart whose data (a district's label, a value, a heading, the summary) carries markup: one block of HTML
# (ui.tables.chart_html) that Streamlit's Markdown must draw as text.
HOSTILE_CHART = f"<img src=x onerror=alert(1)> **bold** {HOSTILE}"
CHART_SCRIPT = '''import pandas as pd
import streamlit as st

from data_pipeline.presentation import charts
from ui.document import document_setup
from ui.tables import chart, described

HOSTILE = {hostile!r}
document_setup("en")
rows = pd.DataFrame({{"district_code": ["GB02", "KT01"], "district": [HOSTILE, "Dusti"], "value": [22.0, 20.0],
                     "target": [20.0, None], "achievement_pct": [60.0, None], "source": ["demo", "demo"]}})
chart(charts.district_bars, rows, HOSTILE, "jobs", key="hostile")
described(charts.ChartText(HOSTILE, pd.DataFrame({{"label": [HOSTILE], "value": [HOSTILE]}}),
                           {{"label": HOSTILE, "value": "Value"}}), label="Map data")
'''


def test_a_charts_hostile_labels_and_values_show_as_text(browser, tmp_path):
    from benchmarks.browser import streamlit_server

    script = tmp_path / "hostile_chart.py"
    script.write_text(CHART_SCRIPT.format(hostile=HOSTILE_CHART))
    with streamlit_server(script, {}, tmp_path / "streamlit.log") as base_url:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        requests, dialogs = [], []
        page.on("request", lambda request: requests.append(request.url))
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(base_url)
        page.locator('svg[role="img"]').wait_for(timeout=60_000)
        page.wait_for_function("() => document.querySelector('[data-testid=\"stApp\"]')"
                               ".getAttribute('data-test-script-state') === 'notRunning'", timeout=60_000)
        for summary in page.locator("details > summary").all():
            summary.click()  # the tables are drawn: an image in them would load now
        page.get_by_role("button", name="Download chart (SVG)").wait_for()
        page.wait_for_timeout(500)
        main = page.locator('[data-testid="stMain"]')
        text = main.locator("[data-testid='stMarkdownContainer']")  # the chart's block (the button has its icon)
        assert text.locator("img, strong, em, h1, [data-testid='stIconMaterial']").count() == 0
        assert main.locator("a").count() == 0, "no link"
        cells = main.locator("table").first.locator("tbody tr").first.locator("th, td").all_inner_texts()
        assert [cell.replace("\u2060", "") for cell in cells][:2] == [HOSTILE_CHART, "22"], cells
        shown = main.inner_text().replace("\u2060", "")
        assert shown.count(HOSTILE_CHART) >= 6, shown  # summaries, the tables' headings and cells, as typed
        assert not dialogs and not [url for url in requests if EVIL in url or url.endswith("/x")]
        context.close()
