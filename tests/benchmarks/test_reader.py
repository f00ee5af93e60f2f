"""benchmarks.reader: elements counted from the WebSocket's ForwardMsgs, the budgets and the table, and (in
Chromium) drawn and settled timed from the page's own DOM changes and long tasks.

Not timed tests: what must hold is that each figure means what its name says.
"""

from __future__ import annotations

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.conftest import launched_chromium
from benchmarks.reader import _DRAWN_AT, _SETTLED, BUDGETS, deltas, reader_budgets, reader_table


def _frame(kind: str) -> bytes:
    message = ForwardMsg()
    if kind == "delta":
        message.delta.new_element.markdown.body = "text"
    elif kind == "script_finished":
        message.script_finished = ForwardMsg.FINISHED_SUCCESSFULLY
    elif kind == "page_info_changed":
        message.page_info_changed.query_string = "region=GBAO"
    return message.SerializeToString()


def test_elements_are_the_delta_messages_of_a_run():
    frames = [_frame("page_info_changed"), *[_frame("delta")] * 7, _frame("script_finished")]
    counted = deltas(frames)
    assert counted["elements"] == 7 and counted["delta"] == 7
    assert counted["script_finished"] == 1 and counted["page_info_changed"] == 1
    assert deltas([])["elements"] == 0


def _figures(drawn: float, settled: float, widget: float, mb: float = 1.5) -> dict:
    visit = {"idle_s": drawn * 0.8, "drawn_s": drawn, "bytes": mb * 1e6, "requests": 100, "elements": 30, "messages": 36}
    change = {"idle_s": settled * 0.9, "settled_s": settled, "elements": 30, "messages": 36}
    return {"cold": visit, "warm": {**visit, "drawn_s": drawn / 2}, "filter": change,
            "widget: Indicator": {**change, "settled_s": widget, "elements": 12}}


def _reader(district: dict, slow_district: float) -> dict:
    bare = _figures(1.0, 0.2, 0.2, mb=2.85)
    del bare["widget: Indicator"]
    slow = lambda drawn: {"cold": {**bare["cold"], "drawn_s": drawn}, "warm": bare["warm"]}  # noqa: E731
    return {"runs": {"bare": {"unthrottled": bare, "1.6 Mbps / 150 ms": slow(10.0)},
                     "chart_page": {"unthrottled": _figures(1.1, 0.22, 0.22)},
                     "district": {"unthrottled": district, "1.6 Mbps / 150 ms": slow(slow_district)}},
            "meta": {"repeats": 3, "full": False, "links": ["unthrottled", "1.6 Mbps / 150 ms"], "wall_s": 600,
                     "load_1min": [2.0, 3.1, 5.0]}}


def test_the_budgets_compare_with_the_bare_page_of_the_same_run():
    passing = {b["budget"]: b for b in reader_budgets(_reader(_figures(1.4, 0.39, 0.29), slow_district=7.9))}
    assert len(passing) == len(BUDGETS)
    assert all(b["verdict"] == "PASS" for b in passing.values()), passing
    assert passing["District profile cold first visit ≤ 2 MB on the wire"]["measured"].startswith("1.50 MB")
    slow = passing["District profile drawn on 1.6 Mbps / 150 ms ≤ 0.8× the bare page's (cold)"]
    assert slow["measured"] == "7.9 s vs 10.0 s = 0.79×"
    failing = {b["budget"]: b for b in reader_budgets(_reader(_figures(4.0, 0.5, 0.31, mb=2.1), slow_district=8.1))}
    assert all(b["verdict"] == "FAIL" for b in failing.values()), failing
    assert "slowest district 0.50 s vs 0.20 s = 2.50× (reference 0.22 s = 1.10×)" in failing[
        "filter change settled ≤ 2× the bare page's (every page)"]["measured"]
    assert failing["in-page widget change settled ≤ 1.5× the bare page's filter change"]["measured"] == (
        "slowest district Indicator 0.31 s vs 0.20 s = 1.55×")


def test_the_table_shows_each_page_and_link_with_the_ratios_and_the_load():
    lines = reader_table(_reader(_figures(2.0, 0.4, 0.3), slow_district=8.0))
    text = "\n".join(lines)
    assert "| district | unthrottled | 1.50 | 1.60 / 2.00 (2.00×) | 1.60 / 1.00 (2.00×) |" in text
    assert "| district | 1.6 Mbps / 150 ms | 2.85 | 0.80 / 8.00 (0.80×) |" in text
    assert "| district | 30 | 0.36 / 0.40 (2.00×) | 30 | Indicator: 0.36 / 0.30 (1.50×) | Indicator: 12 |" in text
    assert "3.1 / 5.0" in text and "Medians of 3 visits" in text


# In Chromium: a page that imitates Streamlit's (the stApp element and its script state), changes its DOM
# on a schedule and blocks its main thread once; drawn and settled must be the time of the last of these.
SCRIPT_STATE_PAGE = """<!doctype html><html><body><div data-testid="stApp" data-test-script-state="running"></div>
<div id="out"></div><script>
const app = document.querySelector('[data-testid="stApp"]');
setTimeout(() => { document.getElementById('out').textContent = 'chart'; }, 100);
setTimeout(() => { app.setAttribute('data-test-script-state', 'notRunning'); }, 200);
setTimeout(() => { const end = performance.now() + 120; while (performance.now() < end) {} }, 400);
setTimeout(() => { document.getElementById('out').append(document.createElement('svg')); }, 700);
</script></body></html>"""


@pytest.fixture
def browser():
    with launched_chromium() as chromium:
        yield chromium


@pytest.mark.browser
def test_drawn_and_settled_are_the_last_dom_change_or_long_task(browser, tmp_path):
    from benchmarks.browser import _RECORD_MESSAGES

    page_file = tmp_path / "page.html"
    page_file.write_text(SCRIPT_STATE_PAGE)
    context = browser.new_context()
    context.add_init_script(_RECORD_MESSAGES)
    page = context.new_page()
    page.goto(page_file.as_uri())
    drawn = page.wait_for_function(_DRAWN_AT, arg=300, polling=50).json_value()
    drawn_ms = drawn["last"] - drawn["origin"]
    assert 690 <= drawn_ms < 1500, drawn_ms  # the last change at 700 ms (later on a busy machine), after the long task
    assert page.evaluate("() => window.__lastLongTask - performance.timeOrigin") >= 515

    # A change: the click changes the page at once, a "message" arrives (the rerun answered), the DOM
    # changes twice more, the last at +250 ms.
    since = page.evaluate("() => performance.timeOrigin + performance.now()")
    page.evaluate("""() => {
      document.getElementById('out').append('clicked');
      window.__messages.push(performance.now());
      setTimeout(() => document.getElementById('out').append('a'), 50);
      setTimeout(() => document.getElementById('out').append('b'), 250);
    }""")
    settled = page.wait_for_function(_SETTLED, arg=[since, 300], polling=50).json_value()
    assert 240 <= settled - since < 1000, settled - since  # the last change at +250 ms
    context.close()
