"""ui.tables: a table shows its numbers in the language of the run and returns what it showed (AppTest)."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data_pipeline.presentation.charts import ChartText
from data_pipeline.presentation.i18n import demo_mark, translator
from tests.pages.conftest import chart_blocks, html_table_frame, shown_tables
from ui.document import PHONE_ROWS, TABLE
from ui.tables import chart_html, html_table, phone_rows


def _table_script():
    import pandas as pd
    import streamlit as st

    import ui

    st.session_state["lang"] = st.query_params.get("lang", "en")
    frame = pd.DataFrame({"district": ["Vanj", "Panj"], "value": [1234.0, None], "achievement_pct": [87.25, 5.0],
                          "hidden": [1, 2]})
    shown = ui.show_table(frame, {"district": "District", "value": "Value", "achievement_pct": "%"})
    st.text(",".join(shown.columns) + f" {shown['value'].dtype}")
    ui.downloads(shown, "table", key="t")


@pytest.mark.parametrize("lang, cells", [("en", ["1,234", "–", "87.3%", "5.0%"]),
                                         ("ru", ["1 234", "–", "87,3 %", "5,0 %"])])
def test_show_table_formats_numbers_for_the_language_and_returns_the_data(lang, cells):
    at = AppTest.from_function(_table_script, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.text[0].value == "district,value,achievement_pct float64"  # the data, not the text shown
    assert not at.dataframe, "a short table is HTML, not a data grid"
    shown = shown_tables(at)[0]
    assert shown["value"].tolist()[0] == 1234.0 and shown["achievement_pct"].tolist() == [87.25, 5.0]
    text = shown.attrs["text"]
    assert [v.replace("\u00a0", " ").replace("\u202f", " ") for v in [*text["value"], *text["achievement_pct"]]] == cells
    assert shown.attrs["numeric"] == ["value", "achievement_pct"] and shown.attrs["pinned"] == "district"
    assert shown.attrs["labels"] == {"district": "District", "value": "Value", "achievement_pct": "%"}
    assert len(at.get("download_button")) == 2  # CSV and XLSX of exactly the table shown


def _long_table_script():
    import pandas as pd
    import streamlit as st

    import ui

    st.session_state["lang"] = st.query_params.get("lang", "en")
    ui.show_table(pd.DataFrame({"row": [f"r{i}" for i in range(21)], "value": range(21)}), {"row": "Row", "value": "V"})


def test_a_long_table_is_a_data_grid_with_its_first_column_pinned():
    at = AppTest.from_function(_long_table_script, default_timeout=60)
    at.run()
    assert not at.exception
    grid = shown_tables(at)[0]
    assert len(at.dataframe) == 1 and len(grid) == 21 and grid.attrs["pinned"] == "row"
    assert not [m for m in at.markdown if TABLE in m.value], "no HTML table beside the grid"


def test_an_html_table_shows_text_from_data_as_text():
    hostile = '<img src=x onerror=alert(1)> **b** http://evil.example\n\n# heading'
    frame = pd.DataFrame({"name": [hostile, "Vanj"], "value": [1.5, None], "note": ["`code`", "<script>x</script>"]})
    markup = html_table(frame, {"name": "Name <i>", "value": "V", "note": "Note"}, {}, "en")
    assert "<img" not in markup and "<i>" not in markup and "<script>" not in markup and "\n" not in markup
    assert "&lt;img src=x onerror=alert(1)&gt; **b** http:\u2060//evil.example # heading" in markup
    shown = html_table_frame(markup)
    assert shown["name"].tolist()[1] == "Vanj" and shown["note"].tolist() == ["`code`", "<script>x</script>"]
    assert shown["value"].tolist()[0] == 1.5 and pd.isna(shown["value"].tolist()[1])
    assert shown.attrs["text"]["value"] == ["2", "–"] and shown.attrs["labels"]["name"] == "Name <i>"
    assert '<td class="bd-table-num">–</td>' in markup, "a missing number stays right-aligned in its column"


@pytest.mark.parametrize("lang, line", [("en", "Value: <b>1,234</b> · %: <b>87.3%</b>"),
                                        ("ru", "Value: <b>1\u00a0234</b> · %: <b>87,3\u00a0%</b>")])
def test_a_short_table_comes_with_its_list_for_phones_in_the_language_of_the_run(lang, line):
    at = AppTest.from_function(_table_script, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    phone = [m.value for m in at.markdown if PHONE_ROWS in m.value]
    assert len(phone) == 1 and phone[0].count('role="listitem"') == 2
    assert f'<div class="{PHONE_ROWS}-name">Vanj</div><div>{line}</div>' in phone[0]
    assert "Value: <b>–</b>" in phone[0], "a missing number shows –"


def test_a_phone_list_shows_names_from_data_as_text():
    hostile = '<img src=x onerror=alert(1)> **b** http://evil.example\n\n# heading'
    html = phone_rows({"name": [hostile], "value": ["1"]}, {"name": "Name", "value": "V <i>"})
    assert "<img" not in html and "<i>" not in html and "\n" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; **b** http:\u2060//evil.example # heading" in html
    assert "V &lt;i&gt;: <b>1</b>" in html


def _chart_script():
    import pandas as pd
    import streamlit as st

    import ui
    from data_pipeline.presentation import charts

    st.session_state["lang"] = st.query_params.get("lang", "en")
    rows = pd.DataFrame({"district_code": ["GB02", "KT01"], "district": ["Vanj", "Dusti"], "value": [1234.0, 20.0],
                         "target": [2000.0, None], "achievement_pct": [61.7, None], "source": ["demo", "demo"]})
    ui.chart(charts.district_bars, rows, "Jobs created", "jobs", lang=ui.current_language(), origin="generated",
             key="jobs-by-district")


@pytest.mark.parametrize("lang, value, missing", [("en", "1,234", "–"), ("ru", "1\u00a0234", "–")])
def test_a_chart_is_one_element_with_its_summary_data_and_svg(lang, value, missing):
    at = AppTest.from_function(_chart_script, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.main.children) == 2, "the drawing, its summary and its table: one element; then its download"
    assert not (at.caption or at.get("expander") or at.table)
    [block] = chart_blocks(at)
    mark = f"({demo_mark(lang)})"
    assert block.svg is not None and block.svg.get("role") == "img" and mark in block.svg.get("aria-label")
    assert mark in block.summary and block.summary.startswith("Jobs created")  # the label as the page gave it
    assert block.label == translator(lang)("Chart data")
    assert block.headings[1:] == [f"{translator(lang)(h)} {mark}" for h in ("Value", "Target")]
    assert block.rows == [["Vanj", value, "2\u00a0000" if lang == "ru" else "2,000"], ["Dusti", "20", missing]]
    [download] = at.get("download_button")
    assert download.proto.label == translator(lang)("Download chart (SVG)")


HOSTILE_CELL = "<img src=x onerror=alert(1)> **bold** [a](http://evil.example) $x^2$ :red[x]\n\n# h"


def test_a_chart_table_shows_hostile_labels_and_values_as_text():
    """A label, heading, value or summary from data cannot become markup: every text is escaped, the block
    stays one line, and the table keeps its shape (tests/browser/test_injection_in_browser.py: as drawn)."""
    frame = pd.DataFrame({"label": [HOSTILE_CELL, "Panj"], "value": [HOSTILE_CELL, 5.0]})
    text = ChartText(summary=HOSTILE_CELL, table=frame, headings={"label": HOSTILE_CELL, "value": "V <i>"})
    block = chart_html(text, None, label="Chart data <b>")
    assert "\n" not in block and "<img" not in block and "<i>" not in block and "<b>" not in block
    escaped = "&lt;img src=x onerror=alert(1)&gt; **bold** [a](http:\u2060//evil.example) $x^2$ :red[x] # h"
    assert block.count(escaped) == 5, "the summary, the table's name, a heading, a row's name and a value: as text"
    root = ET.fromstring(block)  # still well-formed: nothing broke out of its element
    rows = root.findall(".//tbody/tr")
    assert [[c.tag for c in row] for row in rows] == [["th", "td"], ["th", "td"]]
    assert rows[1][1].text == "5" and root.find(".//details/summary").text == "Chart data <b>"
    assert root.find(".//table").get("aria-label").startswith("<img src=x onerror=alert(1)> **bold**")
