"""District profile: one district's indicators against targets, over time, beside the others."""

from dataclasses import replace

import streamlit as st

import ui
from data_pipeline.presentation import charts
from data_pipeline.presentation.exports import with_place_codes
from data_pipeline.analysis.aggregate import PERIODS
from data_pipeline.analysis.compare import district_comparison
from data_pipeline.presentation.tables import comparison_table
from data_pipeline.reference.registry import indicator
from data_pipeline.reference.schemas import DISAGGREGATIONS

tr = ui.translate_now()
lang = ui.current_language()
ctx = ui.page_context()
st.title(tr("District profile"))
code = ui.profile_district_choice(ctx)
name = ui.district_name(code)
st.header(name)
st.caption(ui.district_caption(code))

# Every district under the same programme and years, for the comparisons.
peers = ui.cached_filtered(ctx.store_url, ui.version_id(ctx), replace(ctx.filters, regions=(), districts=()))
table = ui.indicator_rows(peers)
mine = table[table["district_code"] == code]
if mine.empty:
    st.info(tr("No activity records for {district} under the current programme and year filters.").format(
        district=name), icon=":material/filter_alt_off:")
    st.stop()
ui.briefing_button(peers, code)

summary = ui.view_table(peers, f"comparison {code}", lambda: comparison_table(district_comparison(table, code), lang))
st.subheader(tr("Each indicator against its target"))
shown = ui.show_table(summary, {"indicator_label": tr("Indicator"),
                                **ui.marked_columns({"value": tr("Value"), "target": tr("Target"),
                                                     "achievement_pct": tr("% of target"),
                                                     "median": tr("Median of districts"), "rank": tr("Rank")},
                                                    peers.origin),
                                "unit": tr("Unit")},
                      formats={"median": "%,.1f"}, source="; ".join(summary["source"].drop_duplicates()))
ui.downloads(with_place_codes(shown.assign(source=peers.source_label(tr)), district_code=code), f"district-{code}",
             key="profile_table")

st.subheader(tr("Over time and beside the other districts"))
district_only = ui.cached_filtered(ctx.store_url, ui.version_id(ctx),
                                   replace(ctx.filters, regions=(), districts=(code,)))


# A fragment: choosing the indicator or the period reruns this part alone, not the frame, the table
# above or the breakdown below (benchmarks/PROFILE.md, round 8: 60 elements per change before, fewer now).
@st.fragment
def over_time_and_beside_others() -> None:
    left, right = st.columns([3, 1])  # stacked on a phone, where a row would squeeze the indicator's name
    chosen_id = left.selectbox(tr("Indicator"), list(summary["indicator"]),
                               format_func=lambda i: tr(indicator(i).label), key="profile_indicator")
    per_period = {"year": tr("per year"), "quarter": tr("per quarter"), "month": tr("per month")}
    period = right.selectbox(tr("Period"), [p for p in PERIODS if p != "whole"], format_func=lambda p: tr(p),
                             key="profile_period")
    chosen = indicator(chosen_id)
    label, unit = tr(chosen.label), tr(chosen.unit)
    over_time = ui.indicator_rows(district_only, period)
    history = over_time[over_time["indicator"] == chosen_id]
    time_column, compare_column = st.columns(2)
    with time_column:
        title = tr("{indicator} in {district} {per_period}").format(indicator=label, district=name,
                                                                     per_period=per_period[period])
        ui.chart(charts.timeline, history, title, unit, lang=lang, origin=peers.origin, key="district-over-time")
    with compare_column:
        ui.chart(charts.district_bars, table[table["indicator"] == chosen_id], label, unit,
                 highlight=(code,), lang=lang, origin=peers.origin, key="district-beside-others")


over_time_and_beside_others()

st.subheader(tr("Who took part"))
categories = {"sex": tr("Sex"), "age_group": tr("Age group"), "disability": tr("Disability")}
by, tab = ui.view_tabs({category: categories.get(category, category) for category in DISAGGREGATIONS}, ui.BY)
with tab:
    breakdown = ui.breakdown_rows(district_only, by)
    if breakdown.empty:
        st.caption(tr("The records of {district} do not break down by {category}.").format(
            district=name, category=categories.get(by, by).lower()))
    else:
        ui.chart(charts.breakdown_bars, breakdown, by, tr("By {category}").format(
            category=categories.get(by, by).lower()), lang=lang, origin=peers.origin, shares=True,
            key=f"district-breakdown-{by}")
