"""Border Districts Dashboard: the entry point (`streamlit run dashboard.py`).

Sets up the page, the navigation, the sidebar filters every page honours (bound to the URL,
so every view is a link) and the data banner, then runs the chosen page. On a fresh machine
the store is empty: the demo data is loaded into it on the first run.
"""

from __future__ import annotations

import streamlit as st

import ui
from ui.document import document_setup
from ui.reconnect import rerun_on_reconnect
from data_pipeline.settings import store_url
from data_pipeline.store import StoreError

ui.language_from_url()  # before the first translated text

# No page icons: the current page's icon becomes the favicon, and a Material icon favicon is
# fetched from fonts.gstatic.com (no internet here); emoji need a font servers often lack.
st.set_page_config(page_title=ui.tr("Border Districts Dashboard"), layout="wide")
document_setup(ui.current_language())  # <html lang>, for screen readers; caption contrast
rerun_on_reconnect()  # a reader moved to another replica (or a restarted server) sees the page run again

# The page files live in app_pages/, not pages/: with a pages/ folder beside this file, the
# first session of a freshly started server runs Streamlit's legacy pages/ discovery, and a
# deep link (e.g. /map) shows "Page not found" (DESIGN.md §6). url_path is the clean URL.
# Overview is the default page, so its link is the root (/?district=…).
tr = ui.tr
PAGES = [
    st.Page("app_pages/overview_page.py", title=tr("Overview"), default=True),
    st.Page("app_pages/results_page.py", title=tr("Results framework"), url_path="results"),
    st.Page("app_pages/map_page.py", title=tr("Map"), url_path="map"),
    st.Page("app_pages/trends_page.py", title=tr("Reach and trends"), url_path="trends"),
    st.Page("app_pages/funding_page.py", title=tr("Objectives & funding"),
            url_path="funding"),
    st.Page(ui.PROFILE_PAGE, title=tr("District profile"), url_path="district"),
    st.Page("app_pages/survey_page.py", title=tr("Survey"), url_path="survey"),
    st.Page("app_pages/sources_page.py", title=tr("Data & sources"), url_path="sources"),
    # Editors' pages: anyone may open them; changing data needs sign-in (app_pages/editor_access.py).
    st.Page("app_pages/upload_page.py", title=tr("Upload data"), url_path="upload"),
    st.Page("app_pages/versions_page.py", title=tr("Data versions"), url_path="versions"),
]
navigation = st.navigation(PAGES)

url = store_url()
try:
    version_id = ui.active_version_or_demo(url)
    full = ui.cached_dataset(url, version_id)
except StoreError as error:  # say what is wrong with the store (never its password) instead of a traceback
    ui.store_error(url, error)
    st.stop()

ui.sidebar_heading()
ui.language_choice()
filters = ui.sidebar_filters(full)
ui.set_page_context(ui.PageContext(store_url=url, full=full,
                                   data=ui.cached_filtered(url, version_id, filters), filters=filters))
ui.data_banner(full)
navigation.run()
