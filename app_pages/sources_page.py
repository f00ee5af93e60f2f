"""Data & sources: provenance, the published catalogue, reconciliation, data quality, downloads."""

import streamlit as st

import ui
from data_pipeline.aggregate import PERIODS
from data_pipeline.dataset import indicator_table
from data_pipeline.published import published_table
from data_pipeline.quality import quality_findings
from data_pipeline.reconcile import reconcile

ctx = ui.page_context()
st.title("Data & sources")
ui.show_filters_summary(ctx.filters)

st.subheader("Where the figures come from")
st.markdown(
    "- **Published figures** (programme totals, funding required, target beneficiaries, survey results) "
    "come from the programme documents; each is shown with its document and section.\n"
    "- **District figures, funding received and targets** come from the active data version: "
    + ("the **demo generator** (generated records that add up to the published totals)."
       if ctx.full.is_demo else "the **uploaded files** listed below.")
)
version = ctx.full.version
if version is not None:
    st.caption(f"Version {version.id}, made {version.created_at:%Y-%m-%d %H:%M} UTC by {version.created_by}"
               + (f" — {version.note}" if version.note else ""))
    ui.show_table(ui.submissions_table(version),
                  {"kind": "Kind", "file_name": "File", "sha256": "SHA-256", "uploaded_by": "Uploaded by",
                   "uploaded_at": "Uploaded at (UTC)", "row_count": "Rows", "origin": "Origin"})

st.subheader("District sums against published totals")
reconciliation = reconcile(ctx.data.activities)
reconciliation["citation"] = reconciliation["document"] + ", section “" + reconciliation["section"] + "”"
if ctx.filters != type(ctx.filters)():
    st.caption("The filters narrow the district sums, so they are expected to fall short of the "
               "programme totals here.")
shown = ui.show_table(reconciliation, {"label": "Indicator", "district_sum": "Sum of districts",
                                       "qualifier": "Published as", "published_value": "Published total",
                                       "difference": "Difference", "status": "Status", "citation": "Source"},
                      wide=("label", "citation"))
ui.downloads(shown, "reconciliation", key="reconciliation")

st.subheader("Data-quality notes")
findings = quality_findings(ctx.data.activities, ctx.filters.district_codes(), reconciliation)
for finding in findings["finding"]:
    st.markdown(f"- {finding}")

st.subheader("Indicator table")
period = st.selectbox("Period", PERIODS, key="sources_period", help="Sum per district and period.")
table = indicator_table(ctx.data, period)
shown = ui.show_table(table, {"district": "District", "region": "Region", "indicator_label": "Indicator",
                              "period": "Period", "value": "Value", "target": "Target",
                              "achievement_pct": "% of target", "unit": "Unit", "source": "Source"},
                      height=360)
ui.downloads(shown, f"indicators-{period}", key="indicator_table")

st.subheader("Published-figures catalogue")
include_context = st.toggle("Include context documents (other IOM work, not programme totals)", value=False,
                            key="sources_context")
catalogue = published_table(include_context=include_context)
catalogue["printed"] = [f"{q} {ui.format_number(v, u)}".strip()
                        for q, v, u in zip(catalogue["qualifier"], catalogue["value"], catalogue["unit"])]
ui.show_table(catalogue, {"label": "Figure", "printed": "As published", "period": "Period",
                          "programme": "Programme", "document_title": "Document", "document": "File",
                          "section": "Section"}, height=360)
ui.downloads(catalogue.drop(columns="printed"), "published-figures", key="catalogue")
