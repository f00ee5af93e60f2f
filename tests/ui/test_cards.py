"""ui.cards: the headline cards' HTML block, called outside a Streamlit run (English, the default language)."""

from __future__ import annotations

import math

import ui


def test_cards_html_escapes_text_and_shows_progress_capped_at_the_bar():
    cards = [
        ui.Card('Grants <script>alert("x")</script>', 176.0, "grants", 200.0, 88.0,
                note="Source “A & B”\n\n**not bold**"),
        ui.Card("Jobs created", 150.0, "jobs", 100.0, 150.0),
        ui.Card("Community meetings", 12.0, "meetings", math.nan, math.nan),
        ui.Card("Funding coverage", 578_000.0, "USD", 1_075_000.0, 53.77, required=True),
    ]
    block = ui.cards_html(cards, "Results <against> targets")

    assert "<script>" not in block and "&lt;script&gt;" in block
    assert 'aria-label="Results &lt;against&gt; targets"' in block
    assert "Source “A &amp; B” **not bold**" in block and "\n" not in block  # one HTML block, no Markdown
    assert block.count('role="group"') == 4
    assert "88% of target 200" in block
    assert "150% of target 100" in block and 'aria-valuenow="100"' in block  # over target: a full bar
    assert "No target recorded" in block  # no target: no bar
    assert block.count('role="progressbar"') == 3
    assert "578,000 USD" in block and "54% of required 1,075,000 USD" in block


def test_cards_html_keeps_numbers_on_one_line():
    """Russian and Tajik numbers are grouped with non-breaking spaces: "1 075 000 USD" must not wrap."""
    number = "1\u00a0075\u00a0000\u00a0USD"
    block = ui.cards_html([ui.Card("Funding", 578_000.0, "USD", 1_075_000.0, 53.77, note=f"required {number}")], "x")
    assert f"required {number}" in block


def _citations_script():
    import streamlit as st

    import ui
    from data_pipeline.presentation.citations import citation
    from data_pipeline.reference.published import published_table

    st.session_state["lang"] = st.query_params.get("lang", "en")
    catalogue = published_table().head(2)
    st.text(ui.cited_html(citation("000_9bf707c98be86d38.txt", "Funding Required")))
    st.text(ui.with_citation(catalogue)["citation"].iloc[0])
    st.text(" | ".join(ui.printed(catalogue)["printed"]))


def test_a_citation_links_to_its_document_in_the_sources_tab_in_the_current_language():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_citations_script, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    link, cited, printed = (t.value for t in at.text)
    assert '<a href="/sources?view=documents#doc-000" target="_self">' in link
    assert cited == "Tajikistan Crisis Response Plan 2020, section “Funding Required”" and cited in link
    assert printed == "1,075,000 USD | 10,350 persons"

    at = AppTest.from_function(_citations_script, default_timeout=60)
    at.query_params["lang"] = "ru"
    at.run()
    link, cited, printed = (t.value for t in at.text)
    assert 'href="/sources?lang=ru&amp;view=documents#doc-000"' in link
    assert "раздел" in cited and "1 075 000" in printed.replace("\u00a0", " ")
