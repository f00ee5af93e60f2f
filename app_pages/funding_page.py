"""Objectives & funding: required vs received, coverage, gap, beneficiaries and cost per beneficiary."""

import streamlit as st

import ui
from data_pipeline import charts
from data_pipeline.funding import funding_summary
from data_pipeline.registry import PROGRAMMES

ctx = ui.page_context()
st.title("Objectives & funding")
ui.show_filters_summary(ctx.filters)

summary = funding_summary(ctx.data.funding, ctx.data.activities)
plans = sorted(set(summary["plan"]))
if ctx.filters.programme and ctx.filters.programme not in plans:
    st.info(f"Funding is recorded for {', '.join(PROGRAMMES[p] for p in plans)} only; the programme filter "
            f"({ctx.filters.programme}) leaves no funding lines. Choose “All programmes” to see them.",
            icon=":material/filter_alt_off:")
    st.stop()

st.caption("Funding is recorded per plan, objective and component, not per district: the district, region "
           "and year filters do not change it. Beneficiaries reached follow the filters. Funding required and "
           "target beneficiaries are the published figures; funding received is the recorded data.")

for plan in plans:
    rows = summary[summary["plan"] == plan]
    total = rows[rows["level"] == "plan"].iloc[0]
    st.subheader(PROGRAMMES.get(plan, plan))
    required, received, coverage, gap = st.columns(4)
    required.metric("Funding required", ui.format_number(total["required"], "USD"))
    received.metric("Funding received", ui.format_number(total["received"], "USD"))
    coverage.metric("Coverage", ui.format_pct(total["coverage_pct"]))
    gap.metric("Funding gap", ui.format_number(total["gap"], "USD"))
    ui.citation(total["required_source"])

    components = rows[rows["level"] == "component"]
    st.plotly_chart(charts.funding_bars(components), width="stretch")

    objectives = rows[rows["level"] == "objective"]
    money = {"required": "Required (USD)", "received": "Received (USD)", "coverage_pct": "Coverage",
             "gap": "Gap (USD)"}
    st.markdown("**Per objective**")
    shown = ui.show_table(objectives, {"objective": "Objective", **money})
    ui.downloads(shown, f"funding-objectives-{plan}", key=f"objectives_{plan}")
    ui.citation("; ".join(objectives["required_source"].drop_duplicates()))

    st.markdown("**Per component**")
    shown = ui.show_table(components, {"component": "Component", **money, "objective": "Objective"})
    ui.downloads(shown, f"funding-components-{plan}", key=f"components_{plan}")
    ui.citation("; ".join(components["required_source"].drop_duplicates()))

    st.markdown("**Beneficiaries and cost per beneficiary**")
    shown = ui.show_table(
        objectives,
        {"objective": "Objective", "target_beneficiaries": "Targeted", "beneficiaries_reached": "Reached",
         "cost_per_beneficiary_planned": "Planned USD per person",
         "cost_per_beneficiary": "USD per person reached"},
        formats={"cost_per_beneficiary_planned": "%,.2f", "cost_per_beneficiary": "%,.2f"},
    )
    ui.downloads(shown, f"beneficiaries-{plan}", key=f"beneficiaries_{plan}")
    notes = ["Planned cost = funding required ÷ beneficiaries targeted (both published); cost per person "
             "reached = funding received ÷ beneficiaries reached, where both are recorded."]
    if objectives["beneficiaries_reached"].isna().all():
        notes.append("This data version records no beneficiaries reached, so there is no cost per person "
                     "reached yet.")
    st.caption(" ".join(notes))
