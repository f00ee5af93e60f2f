"""Map: one indicator across the 16 districts, as a value or as % of target."""

import streamlit as st

import ui
from data_pipeline import charts
from data_pipeline.dataset import indicator_table
from data_pipeline.registry import indicator, indicators_for

ctx = ui.page_context()
st.title("Map")
ui.show_filters_summary(ctx.filters)

choices = [i.id for i in indicators_for(ctx.filters.programme, mappable=True)]
left, right = st.columns([3, 2])
indicator_id = left.selectbox("Indicator", choices, format_func=lambda i: indicator(i).label, key="indicator",
                              bind="query-params")
mode = right.radio("Show", ["value", "pct"], format_func={"value": "Value", "pct": "Percent of target"}.get,
                   key="mode", bind="query-params", horizontal=True)
chosen = indicator(indicator_id)
if chosen.description:
    st.caption(chosen.description)

table = indicator_table(ctx.data)
rows = table[table["indicator"] == indicator_id]
values = rows[["district_code", "value", "target", "source"]]
ui.district_map(values, key="district_map", value_label=chosen.label, unit=chosen.unit, mode=mode,
                selected=ui.districts_in_view(ctx.filters))
st.caption("Grey with a dashed outline: no records for this indicator (not the same as zero). "
           "When the filters narrow the districts, those in view have a heavy outline and the others "
           "show no data.")

if rows.empty:
    ui.no_data_message(ctx.data)
else:
    st.plotly_chart(charts.district_bars(rows, chosen.label, chosen.unit),
                    width="stretch")
    shown = ui.show_table(rows, {"district": "District", "region": "Region", "value": "Value",
                                 "target": "Target", "achievement_pct": "% of target", "source": "Source"},
                         wide=("district",))
    ui.downloads(shown, f"{indicator_id}-by-district", key="map_table")
