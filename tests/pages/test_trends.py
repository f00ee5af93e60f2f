"""Reach and trends (/trends): the running totals against the target, and who was reached, in en/ru/tg."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from data_pipeline.presentation.i18n import LANGUAGES, demo_mark, format_number, translator
from data_pipeline.reference.published import published_figure
from data_pipeline.reference.schemas import ACTIVITY_COLUMNS
from data_pipeline.store import Store, SubmissionInput
from tests.data_pipeline.frames import random_activities
from tests.pages.conftest import DASHBOARD, PAGES, as_shown, svg_charts, svg_texts, url_params

TITLE = {"en": "Reach and trends", "ru": "Охват и динамика", "tg": "Фарогирӣ ва тамоюлҳо"}


def page_text(at) -> str:
    return "\n".join(as_shown(m.value) for m in at.main.markdown) + "\n" + "\n".join(c.value for c in at.main.caption)


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_the_page_shows_both_charts_and_who_was_reached_in_each_language(open_page, demo_tables, lang):
    at = open_page("trends", lang=lang, indicator="jobs_created", period="quarter")
    _ = translator(lang)
    assert [t.value for t in at.main.title] == [TITLE[lang]]
    charts = svg_charts(at)
    titles = [c.get("aria-label") for c in charts]
    assert len(charts) >= 2, titles  # programme, regions (+ the breakdown)
    jobs = demo_tables["activities"].query("indicator == 'jobs_created'")["value"].sum()
    first = svg_texts(charts[0])
    assert format_number(jobs, lang) in first, first  # the running total's last point is the total in view
    assert all(demo_mark(lang) in t for t in titles), titles
    assert url_params(at).get("period") == ["quarter"]
    shown = page_text(at)
    women = published_figure("tajirrb_border_guards_trained_women")
    assert f"**{format_number(women.value, lang)} " in shown  # the published 94 of 115, beside the records
    assert _("Who was reached") in [h.value for h in at.main.header]


def test_the_period_follows_the_url_and_a_label_in_another_language(open_page):
    yearly = open_page("trends", indicator="jobs_created")
    assert "period" not in url_params(yearly)  # the default (year) stays out of the URL
    monthly = open_page("trends", indicator="jobs_created", period="месяц")
    assert url_params(monthly)["period"] == ["month"]
    points = [len(list(c.iter("{http://www.w3.org/2000/svg}circle"))) for c in svg_charts(yearly)[:1]]
    more = [len(list(c.iter("{http://www.w3.org/2000/svg}circle"))) for c in svg_charts(monthly)[:1]]
    assert more[0] > points[0]


def test_a_region_filter_draws_one_line_and_the_not_stated_share_is_said(open_page, demo_tables):
    at = open_page("trends", region="GBAO", indicator="rps_participants", by="sex")
    charts = svg_charts(at)
    assert len([c for c in charts if "region" in (c.get("aria-label") or "")]) == 0  # one region: no region chart
    shown = page_text(at)
    assert "Reintegration session participants: every record states its sex." in shown
    assert "Not stated at all (no record states its sex): Grants awarded" in shown
    assert "4.7%" in shown and "Source:" in shown


def test_the_disability_and_age_views(open_page):
    disability = page_text(open_page("trends", by="disability"))
    assert "1.4%" in disability and "persons with disability" in disability
    age = page_text(open_page("trends", by="age_group"))
    assert "publish no breakdown by age group" in age


def test_records_without_a_breakdown_are_counted_and_said(store, monkeypatch):
    """A second file whose records leave sex blank in part: the page says how many and how much."""
    extra = random_activities(60, seed=7)
    extra = extra[extra["indicator"] == "border_guards_trained"].reset_index(drop=True)
    with Store(store) as opened:
        opened.publish([SubmissionInput("extra.csv", "e" * 64, "activities", extra[ACTIVITY_COLUMNS], is_demo=True)],
                       created_by="test")
    monkeypatch.setenv("DASHBOARD_STORE_URL", store)
    at = AppTest.from_file(str(DASHBOARD), default_timeout=60)
    at.query_params["by"] = "sex"
    at.run()
    at.switch_page(PAGES["trends"]).run()
    assert not at.exception
    blank = extra["sex"].isna()
    demo = f" ({demo_mark('en')})"
    count = f"{format_number(int(blank.sum()), 'en')}{demo} of "
    assert blank.any() and count in page_text(at)
    assert "state no sex: counted as “not stated”." in page_text(at)
