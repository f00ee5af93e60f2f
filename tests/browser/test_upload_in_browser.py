"""An editor signs in, uploads a file with problems (sees the report), then a clean file, publishes it,
and the overview and the map show the new figures: a real server with its own store and secrets file.
"""

from __future__ import annotations

import re
import urllib.request

import pytest

from data_pipeline.store.editors import hash_password
from data_pipeline.analysis.demo import load_demo
from tests.browser.conftest import running_dashboard
from tests.browser.test_pages_in_browser import (
    PAGE_TIMEOUT_MS,
    assert_map,
    heading,
    screenshot,
    wait_for_path,
    wait_idle,
)

pytestmark = pytest.mark.browser

PASSWORD = "kulob-office-1"
INVALID_CSV = (b"date,district,indicator,value,sex\n"
               b"2020-06-01,Panjj,grants_awarded,7,female\n"
               b"2020-06-02,Vanj,jobs,x,f\n"
               b"2031-01-05,Shughnon,grants_awarded,-3,\n")
VALID_CSV = (b"date,district,indicator,value\n"
             b"2020-06-01,Panj,grants_awarded,7\n"
             b"2020-06-03,Panj,grants_awarded,4\n"
             b"2020-06-02,Vanj,jobs_created,5\n")


@pytest.fixture(scope="module")
def editor_server(tmp_path_factory, geo_dir):
    """A dashboard server on a private demo store, with one local editor in a secrets file of its own."""
    workdir = tmp_path_factory.mktemp("upload-server")
    store = f"sqlite:///{workdir / 'store.db'}"
    load_demo(store)
    secrets = workdir / "secrets.toml"
    secrets.write_text(f'[editors.aziz]\npassword_hash = "{hash_password(PASSWORD, n=2 ** 12)}"\n'
                       f'display_name = "Kulob field office"\n')
    with running_dashboard(workdir, store, geo_dir, "--secrets.files", str(secrets)) as base_url:
        yield base_url


def choose_file(page, name: str, content: bytes) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content}])
    wait_idle(page)


def uploaded_bytes_held(base_url: str) -> str:
    """What Streamlit's upload store holds, from its metrics route ("" when it holds no file)."""
    with urllib.request.urlopen(f"{base_url}/_stcore/metrics", timeout=10) as response:
        return "\n".join(line for line in response.read().decode().splitlines() if "UploadedFileManager" in line)


def remove_uploaded_file(page, name: str) -> None:
    """Press the file chip's remove (x) button."""
    page.locator('[data-testid="stFileChipDeleteBtn"] button').and_(page.get_by_label(f"Remove {name}")).click()
    page.locator('[data-testid="stFileChip"]').first.wait_for(state="detached", timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)


def test_editor_uploads_sees_the_report_publishes_and_the_dashboard_shows_the_new_figures(
        browser, editor_server, screenshot_dir):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    requests, failures = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("requestfailed", lambda request: failures.append(f"{request.url} ({request.failure})"))
    page.goto(f"{editor_server}/upload")
    wait_idle(page)
    main = page.locator('[data-testid="stMain"]')
    assert heading(page, "h1") == "Upload data"
    assert "at most 20 MB and 200,000 rows per file" in main.inner_text()
    assert page.locator('[data-testid="stFileUploaderDropzoneInput"]').count() == 0, "no upload before sign-in"

    page.get_by_label("User name").fill("aziz")
    page.get_by_label("Password", exact=True).fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    wait_idle(page)
    assert main.get_by_text("Wrong user name or password").is_visible()
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    wait_idle(page)
    assert main.get_by_text("Kulob field office (aziz)").is_visible()

    choose_file(page, "kulob-june.csv", INVALID_CSV)
    assert main.get_by_text("problem(s) found").is_visible()
    assert uploaded_bytes_held(editor_server) == "", "the file's bytes are released once it is read"
    assert main.get_by_text("Validation report").is_visible()
    assert page.get_by_role("button", name="Publish as a new version").is_disabled()
    assert page.get_by_role("button", name="Download XLSX").is_visible()
    screenshot(page, screenshot_dir, "upload-validation-report")

    remove_uploaded_file(page, "kulob-june.csv")
    choose_file(page, "kulob-june.csv", VALID_CSV)
    assert main.get_by_text("a valid activities table, 3 records").is_visible()
    assert uploaded_bytes_held(editor_server) == ""
    screenshot(page, screenshot_dir, "upload-ready-to-publish")
    page.get_by_role("button", name="Publish as a new version").click()
    page.get_by_text("is now active (kulob-june.csv)").wait_for(timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)

    page.locator('[data-testid="stSidebarNav"]').get_by_text("Overview", exact=True).click()
    wait_for_path(page, "/")
    wait_idle(page)
    cards = main.locator('[role="region"] [role="group"]')  # the headline cards (ui.cards_html)
    cards.first.wait_for(timeout=PAGE_TIMEOUT_MS)
    card_text = {card.get_attribute("aria-label"): card.locator("[data-value]").inner_text().strip()
                 for card in cards.all()}
    assert card_text["Grants awarded"] == "11" and card_text["Jobs created"] == "5", card_text
    assert page.get_by_text("generated for demonstration").count() == 0, "demo banner gone after real data"
    screenshot(page, screenshot_dir, "overview-after-upload")

    page.goto(f"{editor_server}/map?indicator=Grants+awarded")
    wait_idle(page)
    assert_map(page)
    frame = page.frame(url=re.compile("streamlit_folium"))
    tooltips = frame.evaluate("""() => {
      const found = {};
      window.map.eachLayer(layer => {
        const properties = layer.feature && layer.feature.properties;
        if (properties && properties.code && properties.tooltip) found[properties.code] = properties.tooltip;
      });
      return found;
    }""")
    assert "Panj" in tooltips["KT05"] and "11" in tooltips["KT05"], tooltips.get("KT05")
    screenshot(page, screenshot_dir, "map-after-upload")
    page.get_by_role("tab", name="Ranking").click()
    chart = main.locator('svg[role="img"]').first
    chart.wait_for(timeout=PAGE_TIMEOUT_MS)
    bars = chart.text_content()
    assert "Panj" in bars and "11" in bars and "Vanj" not in bars, bars
    off_host = [u for u in requests if not u.startswith((editor_server, "data:", "blob:"))]
    assert off_host == [], off_host
    context.close()


@pytest.mark.parametrize("width, height", [(1440, 900), (390, 844)])
def test_records_repeated_under_another_file_name_are_listed_and_need_a_confirmation(
        browser, editor_server, screenshot_dir, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(f"{editor_server}/upload")
    wait_idle(page)
    main = page.locator('[data-testid="stMain"]')
    page.get_by_label("User name").fill("aziz")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    wait_idle(page)
    day = 1 if width > 1000 else 2  # each run its own record: the server's store is shared by the module
    first = f"date,district,indicator,value\n2019-03-0{day},Rushon,rps_sessions,4\n".encode()
    choose_file(page, f"rushon-{width}.csv", first)
    page.get_by_role("button", name="Publish as a new version").click()
    page.get_by_text(f"is now active (rushon-{width}.csv)").wait_for(timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)

    choose_file(page, f"rushon-{width}-again.csv", first + f"2019-04-0{day},Rushon,rps_sessions,2\n".encode())
    warning = main.get_by_text("1 record(s) repeat records already published")
    warning.wait_for(timeout=PAGE_TIMEOUT_MS)
    publish = page.get_by_role("button", name="Publish as a new version")
    assert publish.is_disabled()
    warning.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / f"upload-repeated-records-{width}.png"))  # this viewport, not 1400
    page.get_by_text("These are new records: add them although they repeat published ones").click()
    wait_idle(page)
    assert publish.is_enabled()
    context.close()
