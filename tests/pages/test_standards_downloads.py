"""Data & sources → Indicator table: the IATI download and the feed's links (issue 19)."""

from __future__ import annotations


def test_indicator_view_offers_the_iati_file_and_says_demo_and_defaults(open_page):
    at = open_page("sources", view="indicators")
    assert "Standards: IATI and the data feed" in [s.value for s in at.subheader]
    captions = " ".join(c.value for c in at.caption)
    assert "marked DEMO" in captions and "TAJIRRB.iati_identifier" in captions
    assert "/feed/indicators.csv" in captions
    buttons = [b for b in at.get("download_button") if "IATI" in str(b.proto.label)]
    assert len(buttons) == 1


def test_a_broken_iati_config_is_a_message_not_a_traceback(open_page, tmp_path, monkeypatch):
    config = tmp_path / "iati.toml"
    config.write_text('[TAJIRRB]\nstatus = "9"\n', encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_IATI_CONFIG", str(config))
    at = open_page("sources", view="indicators")
    assert any("status" in e.value for e in at.error)


def test_the_section_is_translated(open_page):
    at = open_page("sources", view="indicators", lang="ru")
    assert "Standards: IATI and the data feed" not in [s.value for s in at.subheader]
