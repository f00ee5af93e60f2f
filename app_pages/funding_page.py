"""Objectives & funding: required vs received, coverage, gap, beneficiaries and cost per beneficiary."""

import streamlit as st

import ui
from data_pipeline.presentation import charts
from data_pipeline.analysis.funding import scope_difference
from data_pipeline.reference.origin import GENERATED
from data_pipeline.reference.registry import PROGRAMMES

tr = ui.translate_now()
lang = ui.current_language()
ctx = ui.page_context()
st.title(tr("Objectives & funding"))
ui.show_filters_summary(ctx.filters)

summary = ui.funding_rows(ctx.data)
plans = sorted(set(summary["plan"]))
if ctx.filters.programme and ctx.filters.programme not in plans:
    st.info(tr("Funding is recorded for {plans} only; the programme filter ({programme}) leaves no funding "
               "lines. Choose “All programmes” to see them.").format(
                plans=", ".join(tr(PROGRAMMES[p]) for p in plans), programme=ctx.filters.programme),
            icon=":material/filter_alt_off:")
    st.stop()

received_from = ctx.data.origin
st.caption(tr("Funding is recorded per plan, objective and component, not per district: the district, region "
              "and year filters do not change it. Beneficiaries reached follow the filters. Funding required and "
              "target beneficiaries are the published figures.") + " "
           + (tr("Funding received and beneficiaries reached are generated demo data, marked “{mark}”; coverage, "
                 "gap and cost per person are worked out from them and marked too.").format(mark=ui.demo_mark())
              if received_from == GENERATED else
              tr("Funding received and beneficiaries reached come from the uploaded files (Data & sources).")))

for plan in plans:
    rows = summary[summary["plan"] == plan]
    total = rows[rows["level"] == "plan"].iloc[0]
    st.header(tr(PROGRAMMES.get(plan, plan)))
    ui.metric_cards([
        ui.Metric(tr("Funding required"), ui.format_number(total["required"], "USD")),
        ui.Metric(tr("Funding received"), ui.format_number(total["received"], "USD"), received_from),
        ui.Metric(tr("Coverage"), ui.format_pct(total["coverage_pct"]), received_from),
        ui.Metric(tr("Funding gap"), ui.format_number(total["gap"], "USD"), received_from),
    ], tr(PROGRAMMES.get(plan, plan)), total["required_source"])
    # One chart per plan: the key names the plan (the loop would otherwise repeat a key).
    ui.chart(charts.funding_bars, rows[rows["level"] == "component"], lang=lang, received_origin=received_from,
             key=f"funding-by-component-{plan}")

# The tables, one kind at a time (?view=components): every plan's table of that kind.
# Columns of generated numbers (received, and what is worked out from it) carry the demo mark in their heading.
money = {"required": tr("Required (USD)"), "received": ui.marked(tr("Received (USD)"), received_from),
         "coverage_pct": ui.marked(tr("Coverage"), received_from), "gap": ui.marked(tr("Gap (USD)"), received_from)}
view, tab = ui.view_tabs({"objectives": tr("Per objective"), "components": tr("Per component"),
                          "beneficiaries": tr("Beneficiaries and cost per beneficiary")})
with tab:
    for plan in plans:
        rows = summary[summary["plan"] == plan]
        objectives = ui.translated(rows[rows["level"] == "objective"], "objective")
        if len(plans) > 1:
            st.markdown(f"**{tr(PROGRAMMES.get(plan, plan))}**")
        if view == "objectives":
            shown = ui.show_table(objectives, {"objective": tr("Objective"), **money},
                                  source="; ".join(objectives["required_source"].drop_duplicates()))
            ui.downloads(shown.assign(source=ui.funding_sources(objectives)), f"funding-objectives-{plan}",
                         key=f"objectives_{plan}")
        elif view == "components":
            components = ui.translated(rows[rows["level"] == "component"], "objective", "component")
            shown = ui.show_table(components, {"component": tr("Component"), **money, "objective": tr("Objective")},
                                  source="; ".join(components["required_source"].drop_duplicates()))
            ui.downloads(shown.assign(source=ui.funding_sources(components)), f"funding-components-{plan}",
                         key=f"components_{plan}")
        else:
            shown = ui.show_table(
                objectives,
                {"objective": tr("Objective"), "target_beneficiaries": tr("Targeted"),
                 "beneficiaries_reached": ui.marked(tr("Reached"), received_from),
                 "cost_per_beneficiary_planned": tr("Planned USD per person (computed)"),
                 "cost_per_beneficiary": ui.marked(tr("USD per person reached"), received_from)},
                formats={"cost_per_beneficiary_planned": "%,.2f", "cost_per_beneficiary": "%,.2f"},
            )
            ui.downloads(shown.assign(source=ui.funding_sources(objectives)), f"beneficiaries-{plan}",
                         key=f"beneficiaries_{plan}")
            notes = [tr("Planned cost = funding required ÷ beneficiaries targeted (both published); cost per "
                        "person reached = funding received ÷ beneficiaries reached, where both are recorded.")]
            different = scope_difference(ctx.filters, plan)
            if different:
                notes.append(tr(different))
            elif objectives["beneficiaries_reached"].isna().all():
                notes.append(tr("This data version records no beneficiaries reached, so there is no cost per "
                                "person reached yet."))
            st.caption(" ".join(notes))
