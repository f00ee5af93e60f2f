"""District profile: one district's indicators against targets, over time, beside the others."""

from dataclasses import replace

import streamlit as st

import ui
from data_pipeline import charts
from data_pipeline.aggregate import PERIODS
from data_pipeline.compare import district_comparison
from data_pipeline.dataset import indicator_table
from data_pipeline.registry import indicator
from data_pipeline.schemas import DISAGGREGATIONS
from geo.gazetteer import district

ctx = ui.page_context()
st.title("District profile")
choice, _ = st.columns([1, 2])
with choice:
    code = ui.profile_district_choice(ctx)
place = district(code)
st.header(place.name_en)
st.caption(f"{ui.region_label(place.region)} · {place.name_ru} · {place.name_tg} · project code {place.code}"
           + (f" · formerly {', '.join(place.former_names[:2])}" if place.former_names else ""))

# Every district under the same programme and years, for the comparisons.
peers = ui.cached_filtered(ctx.store_url, ui.version_id(ctx), replace(ctx.filters, regions=(), districts=()))
table = indicator_table(peers)
mine = table[table["district_code"] == code]
if mine.empty:
    st.info(f"No activity records for {place.name_en} under the current programme and year filters.",
            icon=":material/filter_alt_off:")
    st.stop()

summary = district_comparison(table, code)
st.subheader("Each indicator against its target")
shown = ui.show_table(summary, {"indicator_label": "Indicator", "value": "Value", "target": "Target",
                                "achievement_pct": "% of target", "median": "Median of districts",
                                "rank": "Rank", "unit": "Unit"},
                      formats={"median": "%,.1f"}, wide=("indicator_label",))
ui.citation("; ".join(summary["source"].drop_duplicates()))
ui.downloads(shown, f"district-{code}", key="profile_table")

st.subheader("Over time and beside the other districts")
left, right = st.columns([3, 1])
chosen_id = left.selectbox("Indicator", list(summary["indicator"]), format_func=lambda i: indicator(i).label,
                           key="profile_indicator")
period = right.selectbox("Period", [p for p in PERIODS if p != "whole"], key="profile_period")
chosen = indicator(chosen_id)
district_only = ui.cached_filtered(ctx.store_url, ui.version_id(ctx),
                                   replace(ctx.filters, regions=(), districts=(code,)))
over_time = indicator_table(district_only, period)
history = over_time[over_time["indicator"] == chosen_id]
time_column, compare_column = st.columns(2)
with time_column:
    st.plotly_chart(charts.timeline(history, f"{chosen.label} in {place.name_en} per {period}", chosen.unit),
                    width="stretch")
with compare_column:
    st.plotly_chart(charts.district_bars(table[table["indicator"] == chosen_id], chosen.label, chosen.unit,
                                         highlight=(code,)), width="stretch")

st.subheader("Who took part")
tabs = st.tabs([name.replace("_", " ").capitalize() for name in DISAGGREGATIONS])
for tab, by in zip(tabs, DISAGGREGATIONS):
    with tab:
        breakdown = indicator_table(district_only, by=by)
        stated = breakdown.groupby("indicator")[by].transform(lambda s: (s != "not stated").any())
        breakdown = breakdown[stated]
        if breakdown.empty:
            st.caption(f"The records of {place.name_en} do not break down by {by.replace('_', ' ')}.")
            continue
        st.plotly_chart(charts.breakdown_bars(breakdown, by, f"By {by.replace('_', ' ')}"),
                        width="stretch")
