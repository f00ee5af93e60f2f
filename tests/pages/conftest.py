"""AppTest fixtures: the dashboard run in-process on the demo data in a temporary store."""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data_pipeline.store import Store
from ui.document import CHART, TABLE

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "dashboard.py"
PAGES = {
    "overview": "app_pages/overview_page.py",
    "results": "app_pages/results_page.py",
    "map": "app_pages/map_page.py",
    "trends": "app_pages/trends_page.py",
    "funding": "app_pages/funding_page.py",
    "district": "app_pages/district_page.py",
    "survey": "app_pages/survey_page.py",
    "sources": "app_pages/sources_page.py",
}


@pytest.fixture(scope="session")
def demo_tables(demo_store) -> dict[str, pd.DataFrame]:
    """The demo store's activities, targets and funding, read directly (the expected figures)."""
    store = Store(demo_store)
    try:
        return {"activities": store.activities(), "targets": store.targets(), "funding": store.funding()}
    finally:
        store.dispose()


@pytest.fixture
def store(demo_store, tmp_path, geo_dir, monkeypatch) -> str:
    """A private copy of the demo store, which the dashboard under test reads (a test may publish into it)."""
    path = tmp_path / "store.db"
    shutil.copy(demo_store.removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DASHBOARD_STORE_URL", url)
    monkeypatch.setenv("DASHBOARD_GEO_DIR", str(geo_dir))
    return url


@pytest.fixture
def open_page(demo_store, geo_dir, monkeypatch) -> Callable[..., AppTest]:
    """``open_page("map", district=["Vanj"])``: run the dashboard with those URL query
    parameters, then switch to the page, as a deep link would."""
    monkeypatch.setenv("DASHBOARD_STORE_URL", demo_store)
    monkeypatch.setenv("DASHBOARD_GEO_DIR", str(geo_dir))

    def run(page: str = "overview", **query) -> AppTest:
        at = AppTest.from_file(str(DASHBOARD), default_timeout=60)
        for key, value in query.items():
            at.query_params[key] = value
        at.run()
        if page != "overview":
            at.switch_page(PAGES[page]).run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run


def as_shown(markdown: str) -> str:
    """What Markdown text shows once its backslash escapes (``ui.plain``) are resolved and its invisible
    word joiners removed (formatting such as ``**`` stays)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("\u2060", "")


def url_params(at: AppTest) -> dict[str, list[str]]:
    """The app's query parameters after a run, each as the list of its values."""
    return {key: value if isinstance(value, list) else [value] for key, value in at.query_params.items()}


def cards_block(at: AppTest) -> str:
    """The HTML of the Overview's block of headline cards."""
    blocks = [m.value for m in at.markdown if 'role="region"' in m.value]
    assert len(blocks) == 1, f"expected one block of headline cards, found {len(blocks)}"
    return blocks[0]


def headline_cards(at: AppTest) -> dict[str, str]:
    """The Overview's headline cards as ``{label: value as shown}``, read from their HTML block."""
    cards = {}
    for group in cards_block(at).split('role="group"')[1:]:
        label = re.search(r'aria-label="([^"]*)"', group)
        value = re.search(r"<div data-value[^>]*>(.*?)</div>", group)
        assert label and value, group
        cards[html.unescape(label[1])] = html.unescape(re.sub(r"<[^>]+>", "", value[1]))
    return cards


def shown_cards(at: AppTest) -> dict[str, str]:
    """Every card of every block of cards on the page (headline cards, rows of figures) as ``{label: value
    as shown}``, in page order."""
    cards = {}
    for block in (m.value for m in at.markdown if '<div role="region"' in str(m.value)):
        for group in block.split('role="group"')[1:]:
            label = re.search(r'aria-label="([^"]*)"', group)
            value = re.search(r"<div data-value[^>]*>(.*?)</div>", group)
            cards[html.unescape(label[1])] = html.unescape(re.sub(r"<[^>]+>", "", value[1]))
    return cards


def heading_levels(node) -> list[tuple[int, str]]:
    """(level, text as shown) of every heading under ``node`` in page order: Streamlit's heading elements and the
    Markdown headings (``### …`` lines) of a Markdown element that also holds a table or figures."""
    from streamlit.testing.v1.element_tree import Block, HeadingBase, Markdown

    if isinstance(node, HeadingBase):
        return [(int(node.proto.tag[1]), node.value)]
    if isinstance(node, Markdown):
        return [(len(hashes), as_shown(text)) for hashes, text in
                re.findall(r"^(#{1,6}) (.+)$", str(node.value), flags=re.MULTILINE)]
    if isinstance(node, Block):
        return [found for index in sorted(node.children) for found in heading_levels(node.children[index])]
    return []


def data_version_line(at: AppTest) -> str:
    """The frame's "Data version N · as of …" line: the demo banner's last paragraph, else a caption."""
    texts = [p for w in at.warning for p in str(w.value).split("\n\n")] + [c.value for c in at.caption]
    return next((t for t in texts if t.startswith("Data version")), "")


def small_print(at: AppTest) -> list[str]:
    """Every piece of small print on the page as plain text, in page order: captions (Markdown escapes resolved)
    and the small-print paragraphs inside HTML blocks (a table's or a row of figures' source and notes)."""
    texts = []
    for element in at.main:
        if element.type == "caption":
            texts.append(as_shown(element.value))
        elif element.type == "markdown":
            texts += [html.unescape(re.sub(r"<[^>]+>", "", p)) for p in re.findall(
                r'<p class="bd-small">(.*?)</p>', str(element.value))]
    return texts


def headline_cards_text(at: AppTest) -> str:
    """Everything the headline cards say, as plain text (tags removed)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", cards_block(at)))


SVG = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class ChartBlock:
    """A chart's (or the map's) one HTML block (``ui.tables.chart_html``), parsed: the SVG drawing (None for
    the map's), the summary in words, the data's ``<details>`` label, its table (column headings, then each
    row's cells, as shown)."""

    svg: ET.Element | None
    summary: str
    label: str
    headings: list[str]
    rows: list[list[str]]


def chart_blocks(at: AppTest) -> list[ChartBlock]:
    """Every chart block of the page, in order. The block is XHTML (every text escaped), so it parses as XML."""
    blocks = []
    for block in at.markdown:
        value = str(block.value)
        if not value.startswith(f'<div class="{CHART}">'):
            continue
        assert "\n" not in value, "one line: Markdown would format what follows a blank line"
        root = ET.fromstring(value)
        svg = root.find(f"div[@class='{CHART}-figure']/{SVG}svg")
        summary = root.find(f"p[@class='{CHART}-summary']")
        details = root.find(f"details[@class='{CHART}-data']")
        table = details.find(f"div[@class='{CHART}-table']/table") if details is not None else None
        blocks.append(ChartBlock(
            svg=svg, summary="".join(summary.itertext()),
            label="".join(details.find("summary").itertext()) if details is not None else "",
            headings=[] if table is None else ["".join(th.itertext()) for th in table.findall("thead/tr/th")],
            rows=[] if table is None else [["".join(c.itertext()) for c in tr] for tr in table.findall("tbody/tr")]))
    return blocks


def svg_charts(at: AppTest) -> list[ET.Element]:
    """The page's SVG charts (``charts.svg``, each in its chart block), parsed."""
    return [block.svg for block in chart_blocks(at) if block.svg is not None]


def svg_texts(chart: ET.Element) -> list[str]:
    """What an SVG chart says in text (titles of bars aside), in drawing order."""
    return [t.text or "" for t in chart.iter(f"{SVG}text")]


def shown_tables(at: AppTest) -> list[pd.DataFrame]:
    """Every table the page shows, in page order, under its data column names: a short table
    (``ui.tables.html_table``) read back from its HTML (numbers from ``data-value``, a missing number NaN,
    text as shown), a data grid's frame as it is. Each frame's ``attrs`` hold its ``labels`` (column →
    heading), ``text`` (every cell as shown, column by column), ``numeric`` (the columns shown as numbers, right-aligned)
    and ``pinned`` (the column that names the rows and stays in view)."""
    from streamlit.testing.v1.element_tree import Dataframe

    found: list[pd.DataFrame] = []

    def walk(node) -> None:
        if isinstance(node, Dataframe):
            found.append(_grid_frame(node))
        elif getattr(node, "type", None) == "markdown" and f'<div class="{TABLE}" ' in str(node.value):
            # a table may follow a lead (heading, figures) in its element: read from the table on
            markup = str(node.value)
            found.append(html_table_frame(markup[markup.index(f'<div class="{TABLE}" '):]))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found


def html_table_frame(markup: str) -> pd.DataFrame:
    """The frame an HTML table of ``ui.tables.html_table`` shows (see ``shown_tables``)."""
    import lxml.html

    table = lxml.html.fromstring(markup).find(".//table")
    headings = table.findall("./thead/tr/th")
    columns = [th.get("data-column") for th in headings]
    numeric = [f"{TABLE}-num" in (th.get("class") or "") for th in headings]
    rows, texts = [], []
    for tr in table.findall("./tbody/tr"):
        cells = tr.getchildren()
        texts.append([c.text_content() for c in cells])
        rows.append([float(c.get("data-value")) if c.get("data-value") is not None
                     else float("nan") if number else c.text_content() for c, number in zip(cells, numeric)])
    frame = pd.DataFrame(rows, columns=columns)
    first = table.find("./tbody/tr/th")
    frame.attrs = {"labels": {c: th.text_content() for c, th in zip(columns, headings)},
                   "text": {c: [row[i] for row in texts] for i, c in enumerate(columns)},
                   "numeric": [c for c, number in zip(columns, numeric) if number],
                   "pinned": columns[0] if first is not None and first.get("scope") == "row" else None}
    return frame


def _grid_frame(grid) -> pd.DataFrame:
    """A data grid's frame with the ``attrs`` of ``shown_tables`` read from its column settings."""
    import json

    config = json.loads(grid.proto.columns or "{}")
    frame = grid.value.copy()
    frame.attrs = {"labels": {name: c.get("label", name) for name, c in config.items()},
                   "text": frame.astype(object).where(frame.notna(), grid.proto.placeholder).astype(str).to_dict("list"),
                   "numeric": [name for name, c in config.items()
                               if c.get("type_config", {}).get("type") == "number" or c.get("alignment") == "right"],
                   "pinned": next((name for name, c in config.items() if c.get("pinned")), None)}
    return frame
