"""ui.tables: a table shows its numbers in the language of the run and returns what it showed (AppTest)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest


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


@pytest.mark.parametrize("lang, cells", [("en", None), ("ru", ["1 234", "–", "87,3 %", "5,0 %"])])
def test_show_table_formats_numbers_for_the_language_and_returns_the_data(lang, cells):
    at = AppTest.from_function(_table_script, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.text[0].value == "district,value,achievement_pct float64"  # the data, not the text shown
    shown = at.dataframe[0].value
    if cells is None:  # English: numbers stay numbers, Streamlit formats them
        assert shown["value"].tolist()[0] == 1234.0
    else:
        assert [str(v).replace("\u00a0", " ").replace("\u202f", " ") for v in
                [*shown["value"], *shown["achievement_pct"]]] == cells
    assert len(at.get("download_button")) == 2  # CSV and XLSX of exactly the table shown
