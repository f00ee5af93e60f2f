"""Dashboard benchmarks in Debian's Chromium (Playwright), beside a bare Streamlit page.

For each page: the time from navigation to the app being idle, i.e. Streamlit's own
``data-test-script-state="notRunning"`` on the ``stApp`` element after a run; and the time
for a sidebar filter change to settle the same way, begun once the page has finished drawing
(a reader changes a filter on a page they have seen; a click made while the browser still
draws the first run's charts waits for them, which is the page's load, not the filter).
The bare page is one line (a sidebar multiselect like the dashboard's Region filter), served
by a second server started in the same run, so both see the same machine load; so is a
reference page with one plotly chart, what one chart adds to a filter change. Every visit
uses a fresh browser context (no cache, no cookies), as a donor opening a shared link does;
each server is visited once before measuring, so its imports and caches are warm. Also the
map page's payload: the WebSocket bytes carrying the map (its HTML and GeoJSON, inside the
st_folium component's arguments) apart from the fixed library files fetched over HTTP
(Leaflet, the component).
"""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVE = ROOT / "app.py"
"""How the README serves the dashboard: ``streamlit run app.py``, the ASGI application (``st.App``) with its
libraries imported before the server starts and the server's security middleware."""
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PAGES = {"overview": "/", "map": "/map", "funding": "/funding", "district": "/district", "survey": "/survey",
         "sources": "/sources"}
BARE_PAGE = 'import streamlit as st; st.sidebar.multiselect("Region", ["Khatlon", "GBAO"])\n'
# A reference for the filter change: the bare page plus one plotly bar chart that the filter redraws.
CHART_PAGE = """import plotly.express as px
import streamlit as st
regions = st.sidebar.multiselect("Region", ["Khatlon", "GBAO"])
st.plotly_chart(px.bar(x=[(i + 1) * (len(regions) + 1) for i in range(16)],
                       y=[f"District {i + 1}" for i in range(16)], orientation="h"))
"""
TIMEOUT_MS = 180_000
SERVER_START_TIMEOUT = 120
SERVER_PIDS: dict[str, int] = {}
"""The process id of each server ``streamlit_server`` runs, by base URL (to read its memory)."""

# Records every change of the app's script state with a timestamp (performance.now()).
_WATCH_STATE = """() => {
  window.__states = [];
  const app = document.querySelector('[data-testid="stApp"]');
  const note = () => window.__states.push([app.getAttribute('data-test-script-state'), performance.now()]);
  note();
  new MutationObserver(note).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""
# Times (performance.now()) of the WebSocket messages the page receives from the server, and the
# end of the last long task (≥ 50 ms of the browser's main thread: drawing charts, running scripts)
# or HTTP response (a chart library fetched when the first chart appears). It runs in every frame
# (Playwright adds it to iframes too): the map's frame (streamlit-folium, same origin) reports its DOM
# changes and long tasks to the top frame. ``__lastChange`` and ``__lastLongTask`` are epoch
# milliseconds (``performance.timeOrigin + performance.now()``: the same clock in every frame) of the
# last DOM mutation in any frame and of the end of the last long task (benchmarks.reader: drawn, settled).
_RECORD_MESSAGES = """(() => {
  const now = () => performance.timeOrigin + performance.now();
  let top = window;
  try { if (window.top !== window && window.top.document) top = window.top; } catch (e) { top = window; }
  if (top === window) { window.__lastChange = 0; window.__lastLongTask = 0; window.__changes = 0; }
  const changed = () => { top.__lastChange = Math.max(top.__lastChange || 0, now()); top.__changes = (top.__changes || 0) + 1; };
  const watch = () => new MutationObserver(changed).observe(document, {subtree: true, childList: true,
                                                                       attributes: true, characterData: true});
  if (document.documentElement) watch(); else document.addEventListener('DOMContentLoaded', watch);
  new PerformanceObserver((list) => {
    for (const task of list.getEntries()) {
      top.__lastLongTask = Math.max(top.__lastLongTask || 0, performance.timeOrigin + task.startTime + task.duration);
    }
  }).observe({type: 'longtask', buffered: true});
  if (top !== window) return;
  window.__messages = [];
  window.__busyUntil = 0;
  new PerformanceObserver((list) => {
    for (const task of list.getEntries()) {
      window.__busyUntil = Math.max(window.__busyUntil, task.startTime + task.duration);
    }
  }).observe({type: 'longtask', buffered: true});
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__busyUntil = Math.max(window.__busyUntil, entry.responseEnd);
  }).observe({type: 'resource', buffered: true});
  const Native = window.WebSocket;
  window.WebSocket = function (...args) {
    const socket = new Native(...args);
    socket.addEventListener('message', () => window.__messages.push(performance.now()));
    return socket;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
})();"""
# When the rerun that began after ``since`` ended (ms), or null while it goes on. A run seen as
# "running" ends when the state turns "notRunning"; a run too short for the frontend to show
# "running" (the bare page's) ends with its last message, once no message has come for QUIET ms.
_SETTLED_AT = """([since, quiet]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return null;
  const states = window.__states.filter(([s, t]) => t >= since);
  const started = states.findIndex(([s]) => s !== 'notRunning');
  if (started >= 0) {
    const ended = states.slice(started).find(([s]) => s === 'notRunning');
    return ended ? ended[1] : null;
  }
  const messages = window.__messages.filter((t) => t >= since);
  if (!messages.length || performance.now() - messages[messages.length - 1] < quiet) return null;
  return messages[messages.length - 1];
}"""
QUIET_MS = 400
# Drawn: idle, and for DRAWN_QUIET_MS neither a long task nor an HTTP response (the charts and
# the map are drawn after the script's last message, and a click waits until they are).
_DRAWN = """(quiet) => {
  const app = document.querySelector('[data-testid="stApp"]');
  return app !== null && app.getAttribute('data-test-script-state') === 'notRunning'
    && performance.now() - window.__busyUntil > quiet;
}"""
DRAWN_QUIET_MS = 500
_IDLE_AFTER_A_RUN = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return app !== null && app.getAttribute('data-test-script-state') === 'notRunning';
}"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_health(base_url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not become healthy in {SERVER_START_TIMEOUT}s:\n{log.read_text()[-3000:]}")


def _base_path(args: tuple[str, ...]) -> str:
    """The ``--server.baseUrlPath`` among Streamlit's ``args`` as a URL path prefix (``/dash``), or ``""``."""
    value = ""
    for index, arg in enumerate(args):
        if arg == "--server.baseUrlPath" and index + 1 < len(args):
            value = args[index + 1]
        elif arg.startswith("--server.baseUrlPath="):
            value = arg.partition("=")[2]
    return f"/{value.strip('/')}" if value.strip("/") else ""


@contextmanager
def streamlit_server(script: Path, env: dict[str, str], log: Path, *extra_args: str) -> Iterator[str]:
    """``streamlit run script`` (``SERVE``: the dashboard as the README serves it) on a free port with
    ``env`` added and ``extra_args`` (Streamlit options) appended; yields its base URL once healthy
    (with the ``--server.baseUrlPath`` of ``extra_args``: ``http://127.0.0.1:<port>/dash``) and stops it
    (and its children) afterwards. The browser tests start their dashboard with this too."""
    port = _free_port()
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", *extra_args],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **env}, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True)
    base = f"http://127.0.0.1:{port}{_base_path(extra_args)}"
    SERVER_PIDS[base] = process.pid
    try:
        _wait_for_health(base, process, log)
        yield base
    finally:
        SERVER_PIDS.pop(base, None)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


class _Visit:
    """One fresh browser context on one URL, counting what it receives."""

    def __init__(self, browser, url: str, link: tuple[float, float] | None = None):
        """``link``: (bits per second, round-trip ms) for Chromium to emulate (benchmarks.first_visit)."""
        from benchmarks.first_visit import emulate

        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.context.add_init_script(_RECORD_MESSAGES)
        self.page = self.context.new_page()
        emulate(self.context, self.page, link)
        self.http_bytes: dict[str, int] = {}
        self.ws_frames: list[bytes | str] = []
        self.finished: list = []  # (perf_counter, request) of each completed request, for their sizes on the wire
        self.started_requests = 0
        self.failed_requests = 0
        self.page.on("request", lambda _request: setattr(self, "started_requests", self.started_requests + 1))
        self.page.on("requestfailed", lambda _request: setattr(self, "failed_requests", self.failed_requests + 1))
        self.page.on("requestfinished", lambda request: self.finished.append((time.perf_counter(), request)))
        self.page.on("response", self._on_response)
        self.page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: self.ws_frames.append(frame)))
        self.url = url

    def _on_response(self, response) -> None:
        try:
            size = len(response.body())
        except Exception:  # redirects and aborted requests have no body
            size = 0
        self.http_bytes[response.url] = size

    def open(self) -> float:
        """Navigate; seconds until the app is idle after its first run."""
        start = time.perf_counter()
        self.page.goto(self.url, wait_until="commit", timeout=TIMEOUT_MS)
        self.page.wait_for_selector('[data-testid="stApp"]', timeout=TIMEOUT_MS)
        self.page.wait_for_function(
            "() => { const a = document.querySelector('[data-testid=\"stApp\"]');"
            " return a && a.getAttribute('data-test-script-state') !== 'initial'; }", timeout=TIMEOUT_MS)
        self.page.wait_for_function(_IDLE_AFTER_A_RUN, timeout=TIMEOUT_MS)
        return time.perf_counter() - start

    def wait_until_drawn(self) -> None:
        """Wait (untimed) until the page has finished drawing what its first run sent, as it has
        by the time a reader changes a filter. (Playwright's "networkidle" never comes for the
        dashboard's pages, so the page's own long tasks and responses are watched instead.)"""
        self.page.wait_for_function(_DRAWN, arg=DRAWN_QUIET_MS, timeout=TIMEOUT_MS, polling=100)

    def change_region(self) -> float:
        """Choose "GBAO" in the sidebar's Region filter; seconds until the app is idle again."""
        sidebar = self.page.locator('[data-testid="stSidebar"]')
        box = sidebar.locator('[data-testid="stMultiSelect"]').first
        box.locator("input").first.click()
        option = self.page.get_by_role("option", name="GBAO", exact=True)
        option.wait_for(timeout=TIMEOUT_MS)
        self.page.evaluate(_WATCH_STATE)
        since = self.page.evaluate("() => performance.now()")
        option.click()
        settled = self.page.wait_for_function(_SETTLED_AT, arg=[since, QUIET_MS], timeout=TIMEOUT_MS,
                                              polling=50)
        return (settled.json_value() - since) / 1000

    def close(self) -> None:
        self.context.close()


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def measure_app(browser, base: str, paths: dict[str, str], repeats: int) -> dict[str, dict]:
    """Per page: median seconds to idle on navigation and after a filter change (warm server)."""
    for path in paths.values():  # warm the server: imports, caches, boundaries
        visit = _Visit(browser, base + path)
        visit.open()
        visit.close()
    out: dict[str, dict] = {}
    for name, path in paths.items():
        loads, filters = [], []
        for _ in range(repeats):
            visit = _Visit(browser, base + path)
            try:
                loads.append(visit.open())
                visit.wait_until_drawn()
                filters.append(visit.change_region())
            finally:
                visit.close()
        out[name] = {"load_s": _median(loads), "filter_s": _median(filters), "loads": loads, "filters": filters}
    return out


def measure_map_payload(browser, base: str) -> dict:
    """Bytes the browser receives on the map page: the map's own data apart from library files. The map's data
    is its WebSocket messages (values, styles, tooltips) and, since round 9, the shapes file (its outlines,
    ``/app/static/maps/shapes-….js``, cached by the browser after the first visit): ``map_bytes`` is both."""
    visit = _Visit(browser, base + PAGES["map"])
    try:
        visit.open()
        visit.page.frame_locator('iframe[title="streamlit_folium.st_folium"]').first.locator(
            "path.leaflet-interactive").first.wait_for(timeout=TIMEOUT_MS)
        visit.page.wait_for_timeout(500)
        frames = [f.encode() if isinstance(f, str) else f for f in visit.ws_frames]
        map_frames = [f for f in frames if b"L.map(" in f or b"leaflet" in f.lower() and b"geojson" in f.lower()]
        library = {url: size for url, size in visit.http_bytes.items()
                   if "/app/static/leaflet/" in url or "streamlit_folium" in url}
        shapes = sum(size for url, size in visit.http_bytes.items() if "/app/static/maps/" in url)
    finally:
        visit.close()
    map_ws_bytes = sum(len(f) for f in map_frames)
    return {"map_ws_bytes": map_ws_bytes, "shapes_bytes": shapes, "map_bytes": map_ws_bytes + shapes,
            "map_ws_messages": len(map_frames),
            "all_ws_bytes": sum(len(f) for f in frames),
            "library_bytes": sum(library.values()), "library_files": len(library)}


def measure_dashboard(store_urls: dict[str, str], geo_dir: Path, workdir: Path, repeats: int = 3,
                      log=print) -> dict:
    """The dashboard on each store (label → URL) beside the bare page, and the map payload."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium).")
    bare_script, chart_script = workdir / "bare_page.py", workdir / "chart_page.py"
    results: dict = {"stores": {}}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for name, script, text in (("bare", bare_script, BARE_PAGE), ("chart_page", chart_script, CHART_PAGE)):
                script.write_text(text)
                with streamlit_server(script, {}, workdir / f"{name}.log") as base:
                    results[name] = measure_app(browser, base, {name: "/"}, repeats)[name]
                log(f"  {name}: load {results[name]['load_s']:.2f} s, filter {results[name]['filter_s']:.2f} s")
            for label, url in store_urls.items():
                env = {"DASHBOARD_STORE_URL": url, "DASHBOARD_GEO_DIR": str(geo_dir)}
                with streamlit_server(SERVE, env, workdir / f"dashboard-{label}.log") as base:
                    started = time.perf_counter()
                    first = _Visit(browser, base + "/")
                    first_load = first.open()  # the first visitor pays for loading the version
                    first.close()
                    pages = measure_app(browser, base, PAGES, repeats)
                    payload = measure_map_payload(browser, base)
                results["stores"][label] = {"first_visit_s": first_load, "pages": pages, "map_payload": payload,
                                            "wall_s": time.perf_counter() - started}
                for name, figures in pages.items():
                    log(f"  {label}: {name:<9} load {figures['load_s']:.2f} s, filter {figures['filter_s']:.2f} s")
                log(f"  {label}: map payload {payload['map_ws_bytes'] / 1024:.0f} KB "
                    f"(library files {payload['library_bytes'] / 1024:.0f} KB)")
        finally:
            browser.close()
    return results
