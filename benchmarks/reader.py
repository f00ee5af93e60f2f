"""What a reader waits for (issue 21): *drawn* on arrival, *settled* after a change, beside *idle*.

- **idle**: Streamlit's script has finished (``stApp`` ``data-test-script-state="notRunning"``), what
  the earlier rounds measured. It misses what the browser does after the last message: the map's frame
  loading Leaflet and drawing its districts, a chart's layout.
- **drawn** (a visit): from navigation start until every chart and map of the first view is rendered
  (the script idle, so every chart's SVG, ``[role=img]``, is in the page; each streamlit-folium frame has
  its Leaflet container with its districts, ``path.leaflet-interactive``) and the main thread quiet: the
  time of the last DOM change (in any frame) or end of the last long task, once neither has happened for
  ``QUIET_MS``.
- **settled** (a change: the sidebar's Region filter, or an in-page widget): from the click until the
  last DOM change or long task it caused (``MutationObserver`` in every frame, ``PerformanceObserver``
  ``longtask``), measured the same way.
- **elements per rerun**: the ``delta`` ForwardMsgs of a run (each one element added or changed),
  decoded from the WebSocket frames the page received (``streamlit.proto``).

Each page is visited *cold* (a fresh browser context: no cache, no cookies) and then *warm* (the same
context, a new visit: the browser's cache full, a new Streamlit session), on each link of ``LINKS``
(Chromium's network emulation, ``benchmarks.first_visit.emulate``), beside the bare one-line page and the
one-chart reference page (the bare page plus one SVG bar chart of 16 bars that the filter redraws, as the
dashboard draws its charts) served in the same run. Visits go round the pages in turn (interleaved), so
the machine's load falls on all of them alike; each figure is the median of ``repeats``.
"""

from __future__ import annotations

import os
import re
import statistics
import time
from dataclasses import dataclass

from benchmarks.first_visit import LINKS, emulate

QUIET_MS = 500
"""No DOM change and no long task for this long: drawn, or settled."""
DEFAULT_LINKS = ("unthrottled", "1.6 Mbps / 150 ms")
"""The links of the default run; ``--full-matrix`` adds 400 kbps / 400 ms."""
DEFAULT_SLOW_PAGES = ("bare", "chart_page", "district")
REFERENCES = ("bare", "chart_page", "elements_page")
"""The pages visited on the emulated links in the default run (the budget's); every page with ``--full-matrix``."""


@dataclass(frozen=True)
class Widget:
    """An in-page widget of a page: its kind (``selectbox`` or ``radio``) and label (English), and the
    option to choose (its position in the list)."""

    kind: str
    label: str
    option: int = 1


READER_PAGES = {"overview": "/", "map": "/map", "trends": "/trends", "funding": "/funding", "district": "/district",
                "results": "/results", "survey": "/survey", "sources": "/sources"}
WIDGETS: dict[str, tuple[Widget, ...]] = {
    "map": (Widget("selectbox", "Indicator"), Widget("radio", "Show")),
    "trends": (Widget("radio", "Period"),),
    "district": (Widget("selectbox", "Indicator"),),
}
"""The in-page widgets whose change is measured (each changes only its own part of the page)."""

# The reference page: the bare page plus one SVG bar chart (16 bars, each with its <title>) that the filter
# redraws, put into the page as the dashboard puts its charts (st.markdown of the SVG).
SVG_CHART_PAGE = '''import streamlit as st
regions = st.sidebar.multiselect("Region", ["Khatlon", "GBAO"])
values = [(i + 1) * (len(regions) + 1) for i in range(16)]
bars = "".join(f'<g><title>District {i + 1}: {v}</title><rect x="120" y="{8 + 22 * i}" width="{v * 8}" height="16" '
               f'fill="#0072B2"/><text x="114" y="{20 + 22 * i}" text-anchor="end">District {i + 1}</text></g>'
               for i, v in enumerate(values))
st.markdown(f'<div><svg xmlns="http://www.w3.org/2000/svg" role="img" width="700" height="370" '
            f'aria-label="Value by district">{bars}</svg></div>', unsafe_allow_html=True)
'''

# The element reference: the one-chart page plus 58 one-line captions, so its run sends as many elements
# (60) as the District profile's, with no data behind them: what the element count alone costs.
ELEMENTS_PAGE = SVG_CHART_PAGE + '''for i in range(58):
    st.caption(f"Line {i + 1} of text under the chart, region count {len(regions)}.")
'''

_MAPS_DRAWN = """(() => {
  for (const frame of document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]')) {
    let doc = null;
    try { doc = frame.contentDocument; } catch (e) { return false; }
    if (!doc || !doc.querySelector('.leaflet-container path.leaflet-interactive, .leaflet-container .leaflet-tile-loaded')) return false;
  }
  return true;
})()"""
# Drawn: idle, every map drawn, and quiet; returns the epoch ms of the last change or long task.
_DRAWN_AT = """(quiet) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return null;
  if (!MAPS_DRAWN) return null;
  const last = Math.max(window.__lastChange || 0, window.__lastLongTask || 0);
  const now = performance.timeOrigin + performance.now();
  return now - last >= quiet ? {last: last, origin: performance.timeOrigin} : null;
}"""
# Settled: after a change at ``since`` (epoch ms), the script idle again having answered (a message since),
# every map drawn, and quiet; returns the epoch ms of the last change or long task.
_SETTLED = """([since, quiet]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return null;
  if (!window.__messages.some((t) => performance.timeOrigin + t >= since)) return null;
  if (!MAPS_DRAWN) return null;
  const last = Math.max(window.__lastChange || 0, window.__lastLongTask || 0);
  if (last < since) return null;  // the click changes the page at once (its list closes): not yet seen
  const now = performance.timeOrigin + performance.now();
  return now - last >= quiet ? last : null;
}"""
_DRAWN_AT = _DRAWN_AT.replace("MAPS_DRAWN", _MAPS_DRAWN)
_SETTLED = _SETTLED.replace("MAPS_DRAWN", _MAPS_DRAWN)
_NOW = "() => performance.timeOrigin + performance.now()"


def deltas(frames: list[bytes | str]) -> dict[str, int]:
    """How many ForwardMsgs of each kind ``frames`` (WebSocket frames from the server) hold, with
    ``elements``: the deltas (an element added or changed; a cached message counts by its kind too)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    kinds: dict[str, int] = {}
    for frame in frames:
        message = ForwardMsg()
        try:
            message.ParseFromString(frame if isinstance(frame, bytes) else frame.encode())
        except Exception:  # noqa: BLE001 - not a ForwardMsg (should not happen): counted apart
            kinds["unreadable"] = kinds.get("unreadable", 0) + 1
            continue
        kind = message.WhichOneof("type") or "none"
        kinds[kind] = kinds.get(kind, 0) + 1
    kinds["elements"] = kinds.get("delta", 0)
    return kinds


class ReaderVisit:
    """A browser context on one page, over one link: visits, changes, what each cost."""

    def __init__(self, browser, url: str, link: tuple[float, float] | None):
        from benchmarks.browser import _RECORD_MESSAGES

        self.browser, self.url, self.link = browser, url, link
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.context.add_init_script(_RECORD_MESSAGES)
        self.page = self.context.new_page()
        emulate(self.context, self.page, link)
        self.frames: list[bytes | str] = []
        self.finished: list = []
        self.page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: self.frames.append(frame)))
        self.started = self.failed = 0
        self.page.on("requestfinished", lambda request: self.finished.append(request))
        self.page.on("request", lambda _request: setattr(self, "started", self.started + 1))
        self.page.on("requestfailed", lambda _request: setattr(self, "failed", self.failed + 1))

    def visit(self, timeout_ms: int) -> dict:
        """Navigate (again); seconds to idle and to drawn, and the first run's elements."""
        from benchmarks.browser import _IDLE_AFTER_A_RUN

        mark, requests = len(self.frames), len(self.finished)
        self.page.goto(self.url, wait_until="commit", timeout=timeout_ms)
        self.page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
        self.page.wait_for_function(
            "() => { const a = document.querySelector('[data-testid=\"stApp\"]');"
            " return a && a.getAttribute('data-test-script-state') !== 'initial'; }", timeout=timeout_ms)
        self.page.wait_for_function(_IDLE_AFTER_A_RUN, timeout=timeout_ms)
        # Idle on the clock drawn is measured with: from navigation start (the page's time origin).
        idle_s = time.time() - self.page.evaluate("() => performance.timeOrigin") / 1000
        drawn = self.page.wait_for_function(_DRAWN_AT, arg=QUIET_MS, timeout=timeout_ms,
                                            polling=100).json_value()
        deadline = time.monotonic() + timeout_ms / 1000
        while self.started > len(self.finished) + self.failed and time.monotonic() < deadline:
            self.page.wait_for_timeout(100)  # untimed: the bytes of requests still arriving (fonts, images)
        http = 0
        for request in self.finished[requests:]:
            sizes = request.sizes()
            http += max(sizes["responseBodySize"], 0) + max(sizes["responseHeadersSize"], 0)
        websocket = sum(len(f.encode() if isinstance(f, str) else f) for f in self.frames[mark:])
        return {"idle_s": idle_s, "drawn_s": (drawn["last"] - drawn["origin"]) / 1000, "bytes": http + websocket,
                "requests": len(self.finished) - requests, **_counts(deltas(self.frames[mark:]))}

    def change(self, action, timeout_ms: int) -> dict:
        """``action(page)`` (a click that changes a widget); seconds until idle and until settled, and
        the rerun's elements."""
        from benchmarks.browser import _SETTLED_AT, _WATCH_STATE, QUIET_MS as IDLE_QUIET_MS

        prepare = action(self.page)
        self.page.evaluate(_WATCH_STATE)
        mark = len(self.frames)
        since_perf = self.page.evaluate("() => performance.now()")
        since = self.page.evaluate(_NOW)
        prepare()
        settled = self.page.wait_for_function(_SETTLED, arg=[since, QUIET_MS], timeout=timeout_ms,
                                              polling=50).json_value()
        idle = self.page.evaluate(_SETTLED_AT, [since_perf, IDLE_QUIET_MS])
        return {"idle_s": (idle - since_perf) / 1000 if idle is not None else float("nan"),
                "settled_s": (settled - since) / 1000, **_counts(deltas(self.frames[mark:]))}

    def close(self) -> None:
        self.context.close()


def _counts(kinds: dict[str, int]) -> dict:
    return {"elements": kinds["elements"], "messages": sum(v for k, v in kinds.items() if k != "elements")}


def choose_region(page):
    """Open the sidebar's Region filter; returns the click that chooses GBAO."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first
    box.locator("input").first.click()
    option = page.get_by_role("option", name="GBAO", exact=True)
    option.wait_for()
    return option.click


def choose(widget: Widget):
    """An action for ``ReaderVisit.change``: open ``widget`` (in the page's main area) and return the
    click that chooses its option."""
    def action(page):
        page.keyboard.press("Escape")  # the Region filter's list stays open after a choice
        page.wait_for_timeout(300)
        main = page.locator('[data-testid="stMain"]')
        if widget.kind == "selectbox":
            box = page.get_by_role("combobox", name=re.compile(re.escape(widget.label))).first
            box.click()
            option = page.get_by_role("option").nth(widget.option)
            try:
                option.wait_for(timeout=2000)
            except Exception:  # noqa: BLE001 - the click only focused it (after Escape): open it by key
                box.press("ArrowDown")
                option.wait_for()
            return option.click
        group = main.locator('[data-testid="stRadio"]').filter(
            has=page.locator('[data-testid="stWidgetLabel"]', has_text=widget.label)).first
        return group.locator('[data-testid="stRadioOption"]').nth(widget.option).click
    return action


def median(values: list[float]) -> float:
    values = [v for v in values if v == v]
    return statistics.median(values) if values else float("nan")


def measure(store_url: str, geo_dir, workdir, repeats: int = 3, full: bool = False, log=print,
            pages: dict[str, str] | None = None) -> dict:
    """Every page (``READER_PAGES``) and the two reference pages, cold and warm, on ``DEFAULT_LINKS``
    (the slow link for ``DEFAULT_SLOW_PAGES`` only) or, with ``full``, every page on every link of
    ``LINKS``; changes (filter, in-page widgets) unthrottled (every link with ``full``). Returns
    ``{"runs": {page: {link: {"cold": {...}, "warm": {...}, "filter": {...}, "widgets": {...}}}}, "meta": ...}``
    with medians, and every visit's figures under ``"all"``."""
    from playwright.sync_api import sync_playwright

    from benchmarks.browser import BARE_PAGE, CHROMIUM, CHROMIUM_ARGS, SERVE, TIMEOUT_MS, streamlit_server

    pages = pages or READER_PAGES
    links = {label: LINKS[label] for label in (LINKS if full else DEFAULT_LINKS)}
    (workdir / "bare_page.py").write_text(BARE_PAGE)
    (workdir / "svg_chart_page.py").write_text(SVG_CHART_PAGE)
    (workdir / "elements_page.py").write_text(ELEMENTS_PAGE)
    runs: dict[str, dict[str, dict[str, list]]] = {}
    started = time.time()
    loads = [os.getloadavg()[0]]
    env = {"DASHBOARD_STORE_URL": store_url, "DASHBOARD_GEO_DIR": str(geo_dir)}
    with sync_playwright() as playwright, \
            streamlit_server(workdir / "bare_page.py", {}, workdir / "reader-bare.log") as bare, \
            streamlit_server(workdir / "svg_chart_page.py", {}, workdir / "reader-chart.log") as chart, \
            streamlit_server(workdir / "elements_page.py", {}, workdir / "reader-elements.log") as elements, \
            streamlit_server(SERVE, env, workdir / "reader-dashboard.log") as dashboard:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        urls = {"bare": bare + "/", "chart_page": chart + "/", "elements_page": elements + "/",
                **{name: dashboard + path for name, path in pages.items()}}
        try:
            for url in urls.values():  # warm each server: imports, caches, boundaries
                warm = ReaderVisit(browser, url, None)
                warm.visit(TIMEOUT_MS)
                warm.close()
            for round_ in range(repeats):
                for link_label, link in links.items():
                    for name, url in urls.items():
                        if link is not None and not full and name not in DEFAULT_SLOW_PAGES:
                            continue
                        figures = _one_page(browser, name, url, link, changes=link is None or full)
                        for kind, value in figures.items():
                            runs.setdefault(name, {}).setdefault(link_label, {}).setdefault(kind, []).append(value)
                        cold, warm = figures["cold"], figures["warm"]
                        log(f"  reader {round_ + 1}/{repeats} {name:<10} {link_label:<18} cold idle {cold['idle_s']:5.2f} "
                            f"drawn {cold['drawn_s']:5.2f} · warm idle {warm['idle_s']:5.2f} drawn {warm['drawn_s']:5.2f}"
                            + (f" · filter settled {figures['filter']['settled_s']:.2f} s "
                               f"({figures['filter']['elements']} elements)" if "filter" in figures else ""))
                        loads.append(os.getloadavg()[0])
        finally:
            browser.close()
    return {"runs": {name: {link: _medians(visits) for link, visits in by_link.items()} for name, by_link in runs.items()},
            "all": runs, "meta": {"repeats": repeats, "full": full, "links": list(links),
                                  "wall_s": round(time.time() - started, 1),
                                  "load_1min": [round(min(loads), 2), round(median(loads), 2), round(max(loads), 2)]}}


def _one_page(browser, name: str, url: str, link, changes: bool) -> dict:
    """A cold visit, a change of the filter and of each in-page widget (``changes``), then a warm visit."""
    from benchmarks.browser import TIMEOUT_MS

    visit = ReaderVisit(browser, url, link)
    try:
        out = {"cold": visit.visit(TIMEOUT_MS)}
        if changes:
            out["filter"] = visit.change(choose_region, TIMEOUT_MS)
            for widget in WIDGETS.get(name, ()):
                out[f"widget: {widget.label}"] = visit.change(choose(widget), TIMEOUT_MS)
        out["warm"] = visit.visit(TIMEOUT_MS)
    finally:
        visit.close()
    return out


def _medians(visits: dict[str, list[dict]]) -> dict[str, dict]:
    """Per kind (cold, warm, filter, widget: …) the median of each figure over the visits."""
    return {kind: {key: median([v[key] for v in values]) for key in values[0]} for kind, values in visits.items()}


BUDGETS = {"district_cold_mb": 2.0, "slow_drawn": 0.8, "warm_drawn": 1.5, "filter_settled": 2.0, "widget_settled": 1.5}
SLOW_LINK = "1.6 Mbps / 150 ms"


def _ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}×" if base and base == base and value == value else "–"


def reader_budgets(reader: dict) -> list[dict]:
    """The budgets of issue 21 on ``measure``'s figures: each name, measured, verdict."""
    from benchmarks.report import _verdict

    runs = reader["runs"]
    out = []
    bare, district = runs.get("bare", {}), runs.get("district", {})
    if "unthrottled" in district:
        mb = district["unthrottled"]["cold"]["bytes"] / 1e6
        out.append({"budget": f"District profile cold first visit ≤ {BUDGETS['district_cold_mb']:g} MB on the wire",
                    "measured": f"{mb:.2f} MB (bare page {bare['unthrottled']['cold']['bytes'] / 1e6:.2f} MB)",
                    "verdict": _verdict(mb <= BUDGETS["district_cold_mb"])})
    if SLOW_LINK in district and SLOW_LINK in bare:
        mine, base = district[SLOW_LINK]["cold"]["drawn_s"], bare[SLOW_LINK]["cold"]["drawn_s"]
        out.append({"budget": f"District profile drawn on {SLOW_LINK} ≤ {BUDGETS['slow_drawn']:g}× the bare page's (cold)",
                    "measured": f"{mine:.1f} s vs {base:.1f} s = {_ratio(mine, base)}",
                    "verdict": _verdict(mine <= BUDGETS["slow_drawn"] * base)})
    pages = {name: by_link["unthrottled"] for name, by_link in runs.items()
             if name not in REFERENCES and "unthrottled" in by_link}
    if pages and "unthrottled" in bare:
        base = bare["unthrottled"]
        chart = runs.get("chart_page", {}).get("unthrottled")
        worst = max(pages, key=lambda p: pages[p]["warm"]["drawn_s"])
        mine = pages[worst]["warm"]["drawn_s"]
        out.append({"budget": f"warm visit drawn ≤ {BUDGETS['warm_drawn']:g}× the bare page's (every page, unthrottled)",
                    "measured": f"slowest {worst} {mine:.2f} s vs {base['warm']['drawn_s']:.2f} s = "
                                f"{_ratio(mine, base['warm']['drawn_s'])}"
                                + (f" (reference {chart['warm']['drawn_s']:.2f} s)" if chart else ""),
                    "verdict": _verdict(mine <= BUDGETS["warm_drawn"] * base["warm"]["drawn_s"])})
        if "filter" in base:
            changed = {p: f for p, f in pages.items() if "filter" in f}
            worst = max(changed, key=lambda p: changed[p]["filter"]["settled_s"])
            mine, limit = changed[worst]["filter"]["settled_s"], base["filter"]["settled_s"]
            out.append({"budget": f"filter change settled ≤ {BUDGETS['filter_settled']:g}× the bare page's (every page)",
                        "measured": f"slowest {worst} {mine:.2f} s vs {limit:.2f} s = {_ratio(mine, limit)}"
                                    + (f" (reference {chart['filter']['settled_s']:.2f} s = "
                                       f"{_ratio(chart['filter']['settled_s'], limit)})" if chart and "filter" in chart else ""),
                        "verdict": _verdict(mine <= BUDGETS["filter_settled"] * limit)})
            widgets = [(p, kind, f[kind]["settled_s"]) for p, f in pages.items() for kind in f if kind.startswith("widget")]
            if widgets:
                page, kind, mine = max(widgets, key=lambda w: w[2])
                out.append({"budget": f"in-page widget change settled ≤ {BUDGETS['widget_settled']:g}× the bare page's "
                                      f"filter change",
                            "measured": f"slowest {page} {kind.removeprefix('widget: ')} {mine:.2f} s vs {limit:.2f} s = "
                                        f"{_ratio(mine, limit)}",
                            "verdict": _verdict(mine <= BUDGETS["widget_settled"] * limit)})
    return out


def reader_table(reader: dict) -> list[str]:
    """Markdown: per page and link, cold and warm idle / drawn (× the bare page's drawn), MB; then the
    changes (unthrottled): idle / settled (× the bare page's filter settled) and elements per run."""
    runs, links = reader["runs"], reader["meta"]["links"]
    names = [*[n for n in REFERENCES if n in runs], *[n for n in runs if n not in REFERENCES]]
    label = {"bare": "bare one-line page", "chart_page": "reference: bare + one SVG chart",
             "elements_page": "reference: one SVG chart + 58 captions (60 elements)"}
    lines = ["| page | link | cold: MB | cold: idle / drawn s (× bare drawn) | warm: idle / drawn s (× bare drawn) |",
             "| --- | --- | ---: | ---: | ---: |"]
    for link in links:
        base = runs.get("bare", {}).get(link)
        for name in names:
            figures = runs.get(name, {}).get(link)
            if not figures:
                continue
            cells = []
            for kind in ("cold", "warm"):
                f = figures[kind]
                ratio = f" ({_ratio(f['drawn_s'], base[kind]['drawn_s'])})" if base and name != "bare" else ""
                cells.append(f"{f['idle_s']:.2f} / {f['drawn_s']:.2f}{ratio}")
            lines.append(f"| {label.get(name, name)} | {link} | {figures['cold']['bytes'] / 1e6:.2f} | "
                         + " | ".join(cells) + " |")
    lines += ["", "Changes (unthrottled): seconds from the click to idle / settled (× the bare page's filter change "
                  "settled), and elements (delta messages) in the rerun; the first run's elements for comparison.", "",
              "| page | first run: elements | filter: idle / settled s | filter: elements | in-page widget: idle / settled s | widget: elements |",
              "| --- | ---: | ---: | ---: | --- | --- |"]
    base = runs.get("bare", {}).get("unthrottled", {}).get("filter", {}).get("settled_s", float("nan"))
    for name in names:
        figures = runs.get(name, {}).get("unthrottled")
        if not figures or "filter" not in figures:
            continue
        change = figures["filter"]
        widgets = [(k.removeprefix("widget: "), v) for k, v in figures.items() if k.startswith("widget")]
        widget_times = "<br>".join(f"{w}: {v['idle_s']:.2f} / {v['settled_s']:.2f} ({_ratio(v['settled_s'], base)})"
                                   for w, v in widgets) or "–"
        widget_elements = "<br>".join(f"{w}: {v['elements']:.0f}" for w, v in widgets) or "–"
        ratio = f" ({_ratio(change['settled_s'], base)})" if name != "bare" else ""
        lines.append(f"| {label.get(name, name)} | {figures['cold']['elements']:.0f} | {change['idle_s']:.2f} / "
                     f"{change['settled_s']:.2f}{ratio} | {change['elements']:.0f} | {widget_times} | {widget_elements} |")
    meta = reader["meta"]
    lines += ["", f"Medians of {meta['repeats']} visits per page and link, taken in turn; load average (1 min) "
                  f"min / median / max {' / '.join(str(x) for x in meta['load_1min'])} on this machine during the "
                  f"{meta['wall_s'] / 60:.0f} minutes of the run."]
    return lines
