"""ui.tables: a table shows its numbers in the language of the run and returns what it showed (AppTest)."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.conftest import html_table_frame, shown_tables
from ui.document import PHONE_ROWS, TABLE
from ui.tables import html_table, phone_rows


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
    html = phone_rows(pd.DataFrame({"name": [hostile], "value": ["1"]}), {"name": "Name", "value": "V <i>"})
    assert "<img" not in html and "<i>" not in html and "\n" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; **b** http:\u2060//evil.example # heading" in html
    assert "V &lt;i&gt;: <b>1</b>" in html
