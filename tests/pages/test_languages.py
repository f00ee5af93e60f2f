"""Every page in every interface language (``?lang=en|ru|tg``): it runs, and what it shows is
translated: titles, labels, captions, district names in the language's own script."""

from __future__ import annotations


import pytest
from babel.messages.pofile import read_po
from streamlit.testing.v1 import AppTest

from data_pipeline.presentation.i18n import LANGUAGES, catalog_path, translator
from data_pipeline.reference.published import DOC_CRP, DOCUMENTS
from geo.gazetteer import PROGRAMME_DISTRICTS
from tests.pages.conftest import (shown_cards, shown_tables, PAGES, as_shown, headline_cards_text, small_print, svg_charts,
                                  url_params)
from tests.pages.test_pages import TITLES

TRANSLATED = [lang for lang in LANGUAGES if lang != "en"]


def _english_strings(lang: str) -> set[str]:
    """English msgids whose translation into ``lang`` reads differently (seeing one means it was missed)."""
    with catalog_path(lang).open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    return {m.id for m in catalog if m.id and m.string and m.string != m.id and len(m.id) > 3}


def _shown_texts(at: AppTest) -> list[str]:
    """The text of what a page shows: headings, captions, markdown, notices and widget labels."""
    texts = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "error", "success"):
        texts += [str(e.value) for e in getattr(at, kind)]
    for kind in ("metric", "selectbox", "multiselect", "radio", "slider", "toggle", "tabs", "button"):
        texts += [str(e.label) for e in getattr(at, kind)]
    return texts


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_runs_in_every_language(open_page, page, lang):
    at = open_page(page, lang=lang)

    _ = translator(lang)
    assert [t.value for t in at.main.title] == [_(TITLES[page])]
    assert [w.label for w in at.sidebar.multiselect] == [_("Region"), _("District")]
    assert [w.label for w in at.sidebar.selectbox] == [_("Programme")]
    assert at.sidebar.radio[0].value == lang


@pytest.mark.parametrize("lang", TRANSLATED)
@pytest.mark.parametrize("page", list(PAGES))
def test_no_english_interface_text_is_left(open_page, page, lang):
    at = open_page(page, lang=lang)

    english = _english_strings(lang)
    left = [text for text in _shown_texts(at) if text in english]
    assert not left, f"untranslated on the {page} page in {lang}: {left}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_district_names_are_in_the_languages_own_script(open_page, lang):
    shughnon = next(d for d in PROGRAMME_DISTRICTS if d.code == "GB04")
    # Links made before the URL kept English names named the district in the page's language.
    at = open_page("district", lang=lang, profile=shughnon.names[lang])

    names = [d.names[lang] for d in PROGRAMME_DISTRICTS]
    assert at.sidebar.multiselect[1].options == names
    assert at.main.selectbox[0].options == names
    assert [h.value for h in at.main.header] == [shughnon.names[lang]]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_data_quality_notes_are_translated_and_see_the_differing_sums(open_page, lang):
    # GBAO alone falls short of the programme totals: the note must say so in every language
    # (it once compared the translated status with the English one and said every sum agreed).
    _ = translator(lang)
    at = open_page("sources", lang=lang, region="GBAO", view="quality")
    notes = [as_shown(m.value) for m in at.markdown if m.value.startswith("- ")]
    differ = _("{count} district sum(s) differ from the published total: {names}.").split("{count}")[0]
    assert any(note.startswith(f"- {differ}") for note in notes), notes
    assert not any(_("Every district sum agrees with its published total.") in note for note in notes)
    assert any(_("Border guards trained") in note for note in notes)


def test_numbers_follow_the_language(open_page):
    at = open_page("funding", lang="ru")

    assert shown_cards(at)[translator("ru")("Funding required")] == "1\u00a0075\u00a0000\u00a0USD"
    table = shown_tables(open_page("funding", lang="ru", view="beneficiaries"))[0]
    assert "target_beneficiaries" in table.attrs["numeric"], "numbers are right-aligned"
    assert table.attrs["text"]["target_beneficiaries"][0] == "10\u00a0350"


@pytest.mark.parametrize("lang, section", [("ru", "раздел «"), ("tg", "фасли «")])
def test_citations_name_the_section_in_the_language(open_page, lang, section):
    funding = open_page("funding", lang=lang, programme="CRP2020")
    captions = [c for c in small_print(funding) if DOCUMENTS[DOC_CRP].short_title in c]
    assert captions and all(section in c and "section" not in c for c in captions), captions
    overview = headline_cards_text(open_page("overview", lang=lang))
    assert section in overview and ", section “" not in overview


def test_the_language_switch_changes_the_page_and_keeps_the_filters(open_page):
    at = open_page("overview", region="GBAO", district=["Vanj"], programme="TAJIRRB")
    assert at.main.title[0].value == "Overview"

    at.sidebar.radio[0].set_value("tg").run()

    assert at.main.title[0].value == "Шарҳи умумӣ"
    assert at.sidebar.multiselect[0].label == "Вилоят"
    assert (at.sidebar.multiselect[0].value, at.sidebar.multiselect[1].value) == (["GBAO"], ["Vanj"])
    assert at.sidebar.selectbox[0].value == "TAJIRRB"


def test_an_unknown_language_in_the_link_falls_back_to_english(open_page):
    at = open_page("map", lang="fr")

    assert at.main.title[0].value == "Map"
    assert at.sidebar.radio[0].value == "en"


LINKS = [  # (query of a link, the filters it must open) — the same link in every language
    ({"region": "GBAO"}, {"regions": ["GBAO"]}),
    ({"district": ["Vanj", "Panj"]}, {"districts": ["Vanj", "Panj"]}),
    ({"region": "Khatlon", "programme": "TAJIRRB", "years": ["2018", "2019"]},
     {"regions": ["Khatlon"], "programme": "TAJIRRB", "years": (2018, 2019)}),
]


@pytest.mark.parametrize("lang", ["en", *TRANSLATED])
@pytest.mark.parametrize("query, opens", LINKS)
def test_a_link_opens_the_same_view_in_every_language_and_stays_in_the_url(open_page, lang, query, opens):
    at = open_page("overview", lang=lang, **query)
    regions, districts = at.sidebar.multiselect[0], at.sidebar.multiselect[1]
    assert regions.value == opens.get("regions", [])
    assert districts.value == opens.get("districts", [])
    assert at.sidebar.selectbox[0].value == opens.get("programme", "all")
    assert tuple(at.sidebar.slider[0].value) == opens.get("years", tuple(at.sidebar.slider[0].value))
    expected = {key: value if isinstance(value, list) else [value] for key, value in query.items()}
    if lang != "en":
        expected["lang"] = [lang]
    assert url_params(at) == expected


@pytest.mark.parametrize("lang", TRANSLATED)
def test_choices_made_in_another_language_go_into_the_url_as_english_names_and_codes(open_page, lang):
    at = open_page("map", lang=lang)
    at.sidebar.multiselect[0].set_value(["GBAO"]).run()
    at.sidebar.multiselect[1].set_value(["Vanj"]).run()
    at.selectbox(key="indicator").set_value("grants_awarded").run()
    at.radio(key="mode").set_value("pct").run()
    assert url_params(at) == {"lang": [lang], "region": ["GBAO"], "district": ["Vanj"], "indicator": ["grants_awarded"],
                        "mode": ["pct"]}


@pytest.mark.parametrize("lang", TRANSLATED)
def test_a_map_link_with_the_labels_a_page_once_wrote_still_opens_its_view(open_page, lang):
    _ = translator(lang)
    at = open_page("map", lang=lang, indicator=_("Grants awarded"), mode=_("Percent of target"))
    assert at.selectbox(key="indicator").value == "grants_awarded" and at.radio(key="mode").value == "pct"
    assert url_params(at)["indicator"] == ["grants_awarded"] and url_params(at)["mode"] == ["pct"]


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("view", ["map", "ranking", "table"])
def test_a_map_view_link_opens_that_tab_alone_in_every_language(open_page, lang, view):
    at = open_page("map", lang=lang, view=view)
    drawn = {"map": bool(at.get("component_instance")), "ranking": bool(svg_charts(at)),
             "table": bool(shown_tables(at)) and not svg_charts(at)}  # the ranking's data is a table too
    assert drawn == {name: name == view for name in drawn}
    assert url_params(at).get("view", ["map"]) == [view]  # the default view leaves the URL
