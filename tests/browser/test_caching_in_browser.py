"""Deep links ask the server nothing in vain, and a return visit does not download the map's library again
(issue 21), in Chromium.

A deep link (``/map``, ``/district``) used to ask ``/map/_stcore/health`` and ``/map/_stcore/host-config``
first (404) before the root; Streamlit's page now names the app's root (``web_static.AppRootHint``). Leaflet
and streamlit-folium's component came with no validator (Leaflet's ``Last-Modified`` was the server's start)
and were downloaded again on every visit; they now carry content ETags and long-lived caching.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.test_pages_in_browser import assert_map, wait_idle

pytestmark = pytest.mark.browser

LIBRARY = ("/app/static/leaflet/", "/app/static/maps/", "/component/streamlit_folium.st_folium/")


class Network:
    """What Chromium's network layer saw in one page: per request its URL, status, whether it came
    from the browser's cache, and the bytes it took on the wire (headers and body)."""

    def __init__(self, context, page) -> None:
        self.requests: dict[str, dict] = {}
        session = context.new_cdp_session(page)
        session.on("Network.requestWillBeSent", lambda e: self.requests.setdefault(
            e["requestId"], {"url": e["request"]["url"], "status": None, "cached": False, "bytes": 0}))
        session.on("Network.responseReceived", lambda e: self.requests.get(e["requestId"], {}).update(
            status=e["response"]["status"], headers={k.lower(): v for k, v in e["response"]["headers"].items()},
            cached=bool(e["response"].get("fromDiskCache") or e["response"].get("fromMemoryCache"))))
        session.on("Network.requestServedFromCache", lambda e: self.requests.get(e["requestId"], {}).update(
            cached=True))
        session.on("Network.loadingFinished", lambda e: self.requests.get(e["requestId"], {}).update(
            bytes=e["encodedDataLength"]))
        session.send("Network.enable")
        self.session = session

    def library(self) -> list[dict]:
        return [r for r in self.requests.values() if urlsplit(r["url"]).path.startswith(LIBRARY)]

    def clear(self) -> None:
        self.requests.clear()


@pytest.mark.parametrize("path", ["/map?lang=ru", "/district?profile=Vanj"])
def test_a_deep_link_asks_only_the_apps_root(browser, dashboard_url, path):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    statuses, sockets = [], []
    page.on("response", lambda response: statuses.append((response.status, response.url)))
    page.on("requestfailed", lambda request: statuses.append((0, request.url)))
    page.on("websocket", lambda socket: sockets.append(socket.url))
    page.goto(dashboard_url + path)
    wait_idle(page)
    page_path = urlsplit(dashboard_url + path).path
    assert [s for s in statuses if s[0] >= 400 or s[0] == 0] == [], "no request failed, no 404 probe"
    assert not [url for _, url in statuses if urlsplit(url).path.startswith(page_path + "/")], \
        "nothing asked under the page's path"
    assert [urlsplit(url).path for url in sockets] == ["/_stcore/stream"]
    if page_path == "/map":
        assert_map(page)
    # The app's root is the server's root: a link to another page is not nested under this one.
    page.get_by_test_id("stSidebarNav").get_by_role("link").first.click()
    wait_idle(page)
    assert urlsplit(page.url).path == "/"
    context.close()


def test_the_maps_library_is_cached_with_validators_and_not_downloaded_again(browser, dashboard_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    network = Network(context, page)
    page.goto(dashboard_url + "/map")
    wait_idle(page)
    assert_map(page)
    first = network.library()
    paths = {urlsplit(r["url"]).path for r in first}
    assert {"/app/static/leaflet/leaflet.js", "/app/static/leaflet/leaflet.css"} <= paths, paths
    assert any(p.startswith("/app/static/maps/shapes-") for p in paths), "the outlines come as a file, cached"
    assert any(p.startswith("/component/streamlit_folium.st_folium/static/js/main.") for p in paths), paths
    for request in first:
        headers, path = request["headers"], urlsplit(request["url"]).path
        assert headers.get("etag"), (path, headers)
        assert "last-modified" not in headers, "no validator that changes with the server's start"
        if path.endswith("index.html"):
            assert headers["cache-control"] == "no-cache", path  # revalidated: 304 while unchanged
        elif "/leaflet/" in path:
            assert headers["cache-control"] == "public, max-age=604800", path
        else:
            assert headers["cache-control"] == "public, immutable, max-age=31536000", path
        assert headers.get("content-encoding") == "br", path
    downloaded = sum(r["bytes"] for r in first)
    assert downloaded > 50_000, downloaded

    # A return visit (a new page in the same browser, as a reader coming back): from the cache or 304.
    network.clear()
    page.goto(dashboard_url + "/map")
    wait_idle(page)
    assert_map(page)
    again = network.library()
    assert again, "the map was drawn again"
    for request in again:  # from the cache (0 bytes on the wire) or revalidated (304: headers only)
        if request["url"].split("?")[0].endswith("/index.html"):
            continue  # the component's page, revalidated (Chromium reports a frame's 304 as 200)
        assert request["cached"] or request["status"] == 304 or request["bytes"] == 0, request
    assert sum(r["bytes"] for r in again if not r["cached"]) < 3_000, again
    context.close()
