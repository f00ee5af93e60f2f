"""ui.language: words, numbers and names in the language of the run (AppTest: ``?lang=`` sets it)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import ui


def _script():
    import streamlit as st

    import ui

    st.session_state["lang"] = st.query_params.get("lang", "xx")
    st.text(ui.current_language())
    st.text(ui.format_number(1075000, "USD"))
    st.text(ui.format_pct(87.4))
    st.text(ui.marked("137", "generated"))
    st.text(ui.district_name("GB02"))  # Vanj
    st.text(" | ".join(ui.without_prefix(["After the session: looked for work"])))


@pytest.mark.parametrize("lang, expected", [
    ("en", ["en", "1,075,000 USD", "87%", "137 (demo)", "Vanj", "looked for work"]),
    ("ru", ["ru", "1 075 000 USD", "87 %", None, "Ванч", None]),
    ("xx", ["en", "1,075,000 USD", "87%", "137 (demo)", "Vanj", "looked for work"]),  # unknown: English
])
def test_words_and_numbers_follow_the_language_of_the_run(lang, expected):
    at = AppTest.from_function(_script, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = [t.value.replace("\u00a0", " ").replace("\u202f", " ") for t in at.text]
    for value, wanted in zip(shown, expected):
        if wanted is not None:
            assert value == wanted
    if lang == "ru":
        assert shown[3] != "137 (demo)" and shown[3].startswith("137")  # the demo mark, in Russian


def test_a_district_caption_names_region_other_scripts_and_code():
    assert ui.district_caption("GB02") == (  # outside a run: English
        "Gorno-Badakhshan Autonomous Region · Ванч · Ванҷ · project code GB02")
