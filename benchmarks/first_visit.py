"""First visits on slow links: what a field office on a mobile link in GBAO waits for and downloads.

Each visit is a fresh Chromium context (cold cache, no cookies) whose network Chromium emulates
(``Network.emulateNetworkConditions``: throughput and round-trip latency). For every page of the
dashboard and for the bare one-line Streamlit page, served as Streamlit serves it by default
(``streamlit run``, no compression), it records the bytes on the wire (HTTP bodies as sent,
compressed or not, their headers, and the WebSocket frames received), the number of HTTP
requests, the seconds from navigation to the app being idle after its first run, and to the page
being drawn (idle, no long task or response for half a second, and no request still in flight:
the charts and the map are drawn after the script's last message, the plotly chunk may still be
arriving).
"""

from __future__ import annotations

import time

LINKS: dict[str, tuple[float, float] | None] = {
    "unthrottled": None,
    "1.6 Mbps / 150 ms": (1.6e6, 150),
    "400 kbps / 400 ms": (400e3, 400),
}
"""Links by label: (bits per second down and up, round-trip latency in ms), or None for no emulation."""


def emulate(context, page, link: tuple[float, float] | None) -> None:
    """Make ``page`` of ``context`` see ``link`` (Chromium's DevTools network emulation)."""
    if link is None:
        return
    bits_per_second, latency_ms = link
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": latency_ms,
        "downloadThroughput": bits_per_second / 8, "uploadThroughput": bits_per_second / 8})


def first_visit(browser, url: str, link: tuple[float, float] | None) -> dict:
    """One cold visit of ``url`` over ``link``: bytes on the wire, HTTP requests, seconds to idle and drawn."""
    from benchmarks.browser import DRAWN_QUIET_MS, TIMEOUT_MS, _Visit

    visit = _Visit(browser, url, link)
    try:
        started = time.perf_counter()
        idle_s = visit.open()
        visit.wait_until_drawn()
        drawn_at = time.perf_counter() - DRAWN_QUIET_MS / 1000
        deadline = time.perf_counter() + TIMEOUT_MS / 1000
        while visit.started_requests > len(visit.finished) + visit.failed_requests and time.perf_counter() < deadline:
            visit.page.wait_for_timeout(100)  # a chunk still arriving: the page is not drawn until it is
        last_response = max((at for at, _request in visit.finished), default=started)
        drawn_s = max(drawn_at, last_response) - started
        http = 0
        for _at, request in visit.finished:
            sizes = request.sizes()
            http += max(sizes["responseBodySize"], 0) + max(sizes["responseHeadersSize"], 0)
        websocket = sum(len(f.encode() if isinstance(f, str) else f) for f in visit.ws_frames)
        requests = len(visit.finished)
    finally:
        visit.close()
    return {"bytes": http + websocket, "http_bytes": http, "ws_bytes": websocket, "requests": requests,
            "idle_s": idle_s, "drawn_s": drawn_s}


def measure_first_visits(browser, urls: dict[str, str], links: dict[str, tuple[float, float] | None] = LINKS,
                         log=print) -> dict[str, dict[str, dict]]:
    """``first_visit`` of each URL (label → URL) on each link: ``{label: {link: figures}}``."""
    out: dict[str, dict[str, dict]] = {}
    for label, url in urls.items():
        out[label] = {}
        for link_label, link in links.items():
            figures = first_visit(browser, url, link)
            out[label][link_label] = figures
            log(f"  first visit {label:<9} {link_label:<18} {figures['bytes'] / 1e6:5.2f} MB "
                f"{figures['requests']:3d} requests, idle {figures['idle_s']:5.1f} s, drawn {figures['drawn_s']:5.1f} s")
    return out


def first_visit_table(visits: dict[str, dict[str, dict]], bare: str = "bare", accessibility: dict | None = None
                      ) -> list[str]:
    """Markdown lines: per page the MB, requests and seconds to idle (drawn) on each link, and the ratios
    to the bare page's; with ``accessibility`` (``benchmarks.accessibility.measure``), a last column of
    Lighthouse's accessibility score in each language."""
    links = list(next(iter(visits.values())))
    scores = accessibility if accessibility and "pages" in accessibility else None
    head = "| page | MB (× bare) | requests | " + " | ".join(f"idle / drawn s, {link} (× bare idle)" for link in links)
    if scores:
        head += " | Lighthouse accessibility " + " / ".join(next(iter(scores["pages"].values())))
    lines = [head + " |", "|" + " --- |" * (3 + len(links) + bool(scores))]
    base = visits.get(bare)
    for label, by_link in visits.items():
        first = by_link[links[0]]
        ratio = f" ({first['bytes'] / base[links[0]]['bytes']:.2f}×)" if base and label != bare else ""
        cells = []
        for link in links:
            figures = by_link[link]
            times = f"{figures['idle_s']:.1f} / {figures['drawn_s']:.1f}"
            if base and label != bare:
                times += f" ({figures['idle_s'] / base[link]['idle_s']:.2f}×)"
            cells.append(times)
        if scores:
            from benchmarks.accessibility import scores_cell

            by_lang = scores["pages"].get(label) or ({"bare": scores["bare"]} if label == bare else {})
            cells.append(scores_cell(by_lang) if by_lang else "–")
        lines.append(f"| {label} | {first['bytes'] / 1e6:.2f}{ratio} | {first['requests']} | " + " | ".join(cells) + " |")
    return lines


def measure(store_url: str, geo_dir, workdir, pages: dict[str, str] | None = None, log=print) -> dict[str, dict[str, dict]]:
    """First visits of the bare page (``streamlit run``, Streamlit's defaults) and of every dashboard page
    (served as the README serves it) on ``store_url``, each server visited once before (warm imports)."""
    from playwright.sync_api import sync_playwright

    from benchmarks.browser import BARE_PAGE, CHROMIUM, CHROMIUM_ARGS, PAGES, SERVE, streamlit_server

    pages = pages or PAGES
    bare_script = workdir / "bare_page.py"
    bare_script.write_text(BARE_PAGE)
    visits: dict[str, dict[str, dict]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            with streamlit_server(bare_script, {}, workdir / "bare-first-visit.log") as base:
                first_visit(browser, base + "/", None)  # warm
                visits.update(measure_first_visits(browser, {"bare": base + "/"}, log=log))
            env = {"DASHBOARD_STORE_URL": store_url, "DASHBOARD_GEO_DIR": str(geo_dir)}
            with streamlit_server(SERVE, env, workdir / "dashboard-first-visit.log") as base:
                for path in pages.values():
                    first_visit(browser, base + path, None)  # warm
                visits.update(measure_first_visits(browser, {name: base + path for name, path in pages.items()},
                                                   log=log))
        finally:
            browser.close()
    return visits
