"""ui.state: the URL's parameters, each declared once (pure calls), and ``url_widget`` in a small
Streamlit script (AppTest): read from the URL, drawn, written back."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from ui import state
from ui.state import DISTRICT, LANGUAGE, MODE, PERIOD, PROFILE, PROGRAMME, REGION, URLS, VIEW, YEARS, UrlParam


def test_every_parameter_is_declared_once_under_its_key():
    assert set(URLS.params) == {"lang", "region", "district", "programme", "years", "profile", "indicator", "mode",
                                "view", "by", "period"}
    assert [p.key for p in URLS.frame] == ["lang", "region", "district", "programme", "years"]


def test_a_link_value_in_any_language_or_as_a_code_is_taken_and_others_are_dropped():
    options = REGION.options()
    assert options == ["Khatlon", "GBAO"]
    assert REGION.from_texts(["GBAO"], options, []) == ["GBAO"]
    assert REGION.from_texts(["ГБАО", "ВМКБ", "<script>"], options, []) == ["GBAO"]  # Russian, Tajik: once
    assert REGION.from_texts([], options, []) == []
    assert LANGUAGE.from_texts(["Русский"], LANGUAGE.options(), "en") == "ru"
    assert LANGUAGE.from_texts(["xx"], LANGUAGE.options(), "en") == "en"
    assert DISTRICT.from_texts(["Ванҷ", "Vanj", "Nowhere"], DISTRICT.options(), []) == ["Vanj"]
    assert MODE.from_texts(["Процент от цели"], MODE.options(), "value") == "pct"
    assert MODE.from_texts(["🙂"], MODE.options(), MODE.fallback(MODE.options())) == "value"
    assert PERIOD.from_texts(["квартал"], PERIOD.options(), "year") == "quarter"  # ?period= in Russian
    assert PERIOD.from_texts(["week"], PERIOD.options(), PERIOD.fallback(PERIOD.options())) == "year"


def test_the_default_is_stated_once_and_never_written_into_the_url():
    assert PROGRAMME.fallback(PROGRAMME.options()) == "all"
    assert PROGRAMME.texts("all", "all") == [] and PROGRAMME.texts("TAJIRRB", "all") == ["TAJIRRB"]
    assert LANGUAGE.fallback(LANGUAGE.options()) == "en"
    assert REGION.fallback(REGION.options()) == [] and REGION.texts([], []) == []
    assert VIEW.fallback(["map", "table"]) == "map" and VIEW.fallback(["map"], "table") == "table"
    # A profile link always names its district, even the one shown without a choice.
    assert PROFILE.texts("Vanj", "Vanj") == ["Vanj"]


def test_a_span_of_years_takes_half_a_link_and_drops_years_the_data_has_not():
    options = list(range(2016, 2021))
    default = YEARS.fallback(options)
    assert default == (2016, 2020)
    assert YEARS.from_texts(["2019"], options, default) == (2019, 2019)
    assert YEARS.from_texts(["2020", "abc", "2017"], options, default) == (2017, 2020)
    assert YEARS.from_texts(["1900", "3000"], options, default) == default
    assert YEARS.revalidated((2017, 2019), options, default) == (2017, 2019)
    assert YEARS.revalidated((2012, 2019), options, default) == (2019, 2019)
    assert YEARS.texts((2016, 2020), default) == [] and YEARS.texts((2017, 2018), default) == ["2017", "2018"]


def test_a_held_value_no_longer_allowed_falls_back_and_a_held_label_is_parsed():
    assert DISTRICT.revalidated(["Vanj", "Panj"], ["Vanj"], []) == ["Vanj"]
    assert PROFILE.revalidated("Nowhere", PROFILE.options(), "Vanj") == "Vanj"
    assert PROFILE.revalidated("Ванҷ", PROFILE.options(), "Dusti") == "Vanj"


def test_a_declared_function_gives_the_allowed_values_and_a_run_may_narrow_them():
    param = UrlParam("x", lambda: ["a", "b", "c"])
    assert param.options() == ["a", "b", "c"]
    assert param.options(["b"]) == ["b"]
    assert param.fallback(param.options()) == "a"


def _link_script():
    import streamlit as st

    from ui.state import SOURCES_PAGE_URL, URLS

    st.session_state.setdefault("lang", "en")
    st.markdown(URLS.link(SOURCES_PAGE_URL, anchor="doc-x", view="documents"))
    st.session_state["lang"] = "ru"
    st.markdown(URLS.link("/map", indicator="jobs_created", mode="value", region=["GBAO"]))


def test_links_to_other_pages_are_built_from_the_declarations_in_the_current_language():
    at = AppTest.from_function(_link_script, default_timeout=60).run()
    assert not at.exception
    assert [m.value for m in at.markdown] == ["/sources?view=documents#doc-x",
                                              "/map?lang=ru&indicator=jobs_created&region=GBAO"]


def _widget_script():
    import streamlit as st

    from ui.state import LANGUAGE, MODE, REGION, read_url, url_widget

    read_url(LANGUAGE)
    url_widget(REGION, st.multiselect, "Region")
    url_widget(MODE, st.radio, "Show")


def test_url_widget_reads_the_link_draws_the_widget_and_writes_it_back():
    at = AppTest.from_function(_widget_script, default_timeout=60)
    at.query_params["region"] = ["GBAO", "bogus"]
    at.query_params["mode"] = "pct"
    at.query_params["lang"] = "ru"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.multiselect[0].value == ["GBAO"] and at.radio[0].value == "pct"
    assert at.session_state["lang"] == "ru"
    assert at.query_params["region"] == "GBAO" and at.query_params["mode"] == "pct"  # "bogus" is cleaned

    at.radio[0].set_value("value").run()  # the default: gone from the URL
    assert "mode" not in at.query_params and at.query_params["region"] == "GBAO"


def test_the_module_has_no_paired_calls_left():
    """The old API (``from_url`` before a widget, ``keep_in_url`` after it) is gone."""
    assert not hasattr(state, "from_url") and not hasattr(state, "keep_in_url")


def _switch_script():
    import streamlit as st

    from ui.state import URLS

    st.text(repr(URLS.switch_query(profile="Vanj")))


def test_going_to_the_profile_keeps_the_language_and_filters_but_not_the_page_s_own_parameters():
    at = AppTest.from_function(_switch_script, default_timeout=60)
    at.query_params["lang"] = "ru"
    at.query_params["region"] = ["GBAO", "Khatlon"]
    at.query_params["view"] = "table"
    at.query_params["indicator"] = "jobs_created"
    at.run()
    assert at.text[0].value == repr({"lang": ["ru"], "region": ["GBAO", "Khatlon"], "profile": ["Vanj"]})
