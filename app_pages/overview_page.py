"""Overview: headline results against targets, funding coverage, a small map, recent changes."""

import streamlit as st

import ui
from data_pipeline import charts
from data_pipeline.dataset import headline_figures, indicator_table
from data_pipeline.funding import funding_summary
from data_pipeline.registry import indicators_for

ctx = ui.page_context()
st.title("Overview")
ui.show_filters_summary(ctx.filters)

headline = headline_figures(ctx.data)
funding = funding_summary(ctx.data.funding, ctx.data.activities)
plan_row = funding[funding["level"] == "plan"]

st.subheader("Results against targets")
cards = list(headline.itertuples())
columns = st.columns(4)
for position, row in enumerate(cards):
    note = None
    if row.differs:
        note = (f"Published total: {(row.published_qualifier + ' ') if row.published_qualifier else ''}"
                f"{ui.format_number(row.published_value)} — {row.published_citation}")
    elif row.published_citation:
        note = f"Equals the published total — {row.published_citation}"
    with columns[position % 4]:
        ui.progress_card(row.label, row.value, row.unit, row.target, row.achievement_pct, note)
if not plan_row.empty and (ctx.filters.programme in (None, "CRP2020")):
    plan = plan_row.iloc[0]
    with columns[len(cards) % 4]:
        ui.progress_card("Funding coverage, CRP 2020", plan["received"], "USD", plan["required"],
                         plan["coverage_pct"], f"Funding required: {plan['required_source']}",
                         target_word="required")

if headline["achievement_pct"].notna().any():
    st.plotly_chart(charts.progress_bars(headline), width="stretch")

left, right = st.columns([3, 2])
with left:
    st.subheader("Where the work happened")
    mappable = [i for i in indicators_for(ctx.filters.programme, headline=True, mappable=True)]
    table = indicator_table(ctx.data)
    shown = next((i for i in mappable if i.id in set(table["indicator"])), None)
    if shown is None:
        ui.no_data_message(ctx.data)
    else:
        values = table[table["indicator"] == shown.id][["district_code", "value", "target", "source"]]
        st.caption(f"{shown.label} per district. Open the Map page for other indicators; "
                   "click a district for its profile.")
        ui.district_map(values, key="overview_map", value_label=shown.label, unit=shown.unit,
                        selected=ui.districts_in_view(ctx.filters), height=380, zoom=6)
with right:
    st.subheader("Changes since the previous version")
    changes = ui.cached_changes(ctx.store_url, ctx.data, ui.version_id(ctx), ctx.filters)
    if ctx.data.previous_version is None:
        st.caption("This is the first version of the data: nothing to compare with.")
    elif changes.empty:
        st.caption(f"No programme total changed since version {ctx.data.previous_version.id}.")
    else:
        st.caption(f"Programme totals of version {ctx.data.version.id} against version "
                   f"{ctx.data.previous_version.id}.")
        ui.show_table(changes, {"label": "Indicator", "previous": "Previous", "current": "Current",
                                "change": "Change"})
