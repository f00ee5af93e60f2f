"""ui.urls: every address of the app's own is built under ``server.baseUrlPath``."""

from __future__ import annotations

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from ui.urls import APP_URLS, AppUrls


@pytest.mark.parametrize("base, root", [("", ""), ("/", ""), ("dash", "/dash"), ("/dash/", "/dash"), ("a/b", "/a/b")])
def test_pages_and_static_files_are_under_the_base_path(base, root):
    urls = AppUrls(base)
    assert urls.root == root
    assert urls.path("/sources") == urls.path("sources") == f"{root}/sources"
    assert urls.leaflet == f"{root}/app/static/leaflet/"
    assert urls.map_shapes("shapes-0123456789abcdef.js") == f"{root}/app/static/maps/shapes-0123456789abcdef.js"


@pytest.fixture
def base_url_path():
    """Sets ``server.baseUrlPath`` as ``--server.baseUrlPath`` would, and puts it back."""
    before = config.get_option("server.baseUrlPath")
    yield lambda value: config.set_option("server.baseUrlPath", value)
    config.set_option("server.baseUrlPath", before)


def test_the_running_servers_base_path_is_read_at_every_call(base_url_path):
    assert APP_URLS.leaflet == "/app/static/leaflet/"
    base_url_path("dash")
    assert APP_URLS.leaflet == "/dash/app/static/leaflet/"


def _link_script():
    import streamlit as st

    from ui.state import SOURCES_PAGE_URL, URLS

    st.session_state.setdefault("lang", "en")
    st.markdown(URLS.link(SOURCES_PAGE_URL, anchor="doc-x", view="documents"))


def test_links_to_pages_carry_the_base_path(base_url_path):
    base_url_path("dash")
    at = AppTest.from_function(_link_script, default_timeout=60).run()
    assert not at.exception
    assert [m.value for m in at.markdown] == ["/dash/sources?view=documents#doc-x"]
