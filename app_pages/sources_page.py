"""Data & sources: provenance, the published catalogue, reconciliation, data quality, downloads."""

import streamlit as st

import ui
from data_pipeline.analysis.aggregate import PERIODS
from data_pipeline.analysis.dataset import Filters
from data_pipeline.presentation.exports import with_place_codes
from data_pipeline.presentation.versions import note_text
from data_pipeline.reference.published import DOCUMENTS, published_table
from data_pipeline.analysis.quality import quality_findings
from data_pipeline.presentation.tables import quality_table
from data_pipeline.analysis.reconcile import reconcile

tr = ui.translate_now()
ctx = ui.page_context()
st.title(tr("Data & sources"))
ui.show_filters_summary(ctx.filters)

# One section at a time, as tabs (a link opens one: ?view=quality).
VIEWS = {"provenance": tr("Provenance"), "documents": tr("Sources"), "reconciliation": tr("Reconciliation"),
         "quality": tr("Data quality"), "indicators": tr("Indicator table"), "catalogue": tr("Published figures")}
view, tab = ui.view_tabs(VIEWS)


def reconciled():
    """The filtered district sums against the published totals (the quality notes read them too)."""
    return ui.view_table(ctx.data, "reconciliation", lambda: reconcile(ctx.data.activities))


with tab:
    if view == "provenance":
        st.markdown(
            "- " + tr("**Published figures** (programme totals, funding required, target beneficiaries, survey "
                      "results) come from the programme documents; each is shown with its document and section.")
            + "\n- " + (tr("**District figures, funding received and targets** come from the active data version: "
                           "the **demo generator** (generated records that add up to the published totals).")
                        if ctx.full.is_demo else
                        tr("**District figures, funding received and targets** come from the active data version: "
                           "the **uploaded files** listed below."))
        )
        version = ctx.full.version
        if version is not None:
            st.caption(tr("Version {version}, made {time} UTC by {author}").format(
                version=version.id, time=f"{version.created_at:%Y-%m-%d %H:%M}", author=ui.plain(version.created_by))
                       + (f" — {ui.plain(note_text(version.note, ui.current_language()))}" if version.note else ""))
            ui.show_table(ui.submissions_table(version),
                          {"kind": tr("Kind"), "file_name": tr("File"), "sha256": "SHA-256",
                           "uploaded_by": tr("Uploaded by"), "uploaded_at": tr("Uploaded at (UTC)"),
                           "row_count": tr("Rows"), "origin": tr("Origin")})
    elif view == ui.SOURCES_VIEW:
        # Every citation on the dashboard links here (ui.document_link): one entry per document, with its anchor.
        st.caption(tr("The documents the published figures come from. Citations name a document by its short "
                      "title; titles and section headings are given as the documents print them."))
        cited_figures = published_table()["document"].value_counts()
        for document in DOCUMENTS.values():
            st.header(document.title, anchor=document.anchor)
            st.caption(ui.plain(tr("Cited as: {title}").format(title=document.short_title)))
            st.caption(ui.plain(tr(document.covers)))
            st.caption(ui.plain(" · ".join([
                tr("Publisher: {publisher}").format(publisher=document.publisher),
                tr("Date: {date}").format(date=document.date),
                tr("File: {file}").format(file=document.file),
                tr("{count} figures in the catalogue").format(count=int(cited_figures.get(document.file, 0)))])))
    elif view == "reconciliation":
        reconciliation = ui.with_citation(ui.translated(reconciled(), "label", "qualifier", "status"))
        if ctx.filters != Filters():
            st.caption(tr("The filters narrow the district sums, so they are expected to fall short of the "
                          "programme totals here."))
        shown = ui.show_table(reconciliation, {"label": tr("Indicator"),
                                               "district_sum": ui.marked(tr("Sum of districts"), ctx.data.origin),
                                               "qualifier": tr("Published as"),
                                               "published_value": tr("Published total"),
                                               "difference": ui.marked(tr("Difference"), ctx.data.origin),
                                               "status": tr("Status"),
                                               "citation": tr("Source")},
                              wide=("label", "citation"))
        ui.downloads(shown.assign(source=ctx.data.source_label(tr)), "reconciliation", key="reconciliation")
    elif view == "quality":
        findings = ui.view_table(ctx.data, "quality", lambda: quality_table(quality_findings(
            ctx.data.activities, ctx.filters.district_codes(), reconciled()), ui.current_language()))
        # The findings count and sum the version's records: generated ones carry the demo mark.
        for finding in findings["finding"]:
            st.markdown(f"- {ui.plain(ui.marked(finding, ctx.data.origin))}")
    elif view == "indicators":
        period = st.selectbox(tr("Period"), PERIODS, format_func=lambda p: tr(p), key="sources_period",
                              help=tr("Sum per district and period."))
        table = ui.indicator_rows(ctx.data, period)
        shown = ui.show_table(table, {"district": tr("District"), "indicator_label": tr("Indicator"),
                                      **ui.marked_columns({"value": tr("Value"), "target": tr("Target"),
                                                           "achievement_pct": tr("% of target")}, ctx.data.origin),
                                      "period": tr("Period"), "unit": tr("Unit"), "region": tr("Region"),
                                      "source": tr("Source")},
                              height=360)
        ui.downloads(with_place_codes(shown, table), f"indicators-{period}", key="indicator_table")
        ui.iati_button(ctx.full)
    else:
        include_context = st.toggle(tr("Include context documents (other IOM work, not programme totals)"),
                                    value=False, key="sources_context")
        catalogue = ui.printed(published_table(include_context=include_context))
        # Document titles and sections stay as published (English): they are what the citation points to.
        ui.show_table(ui.translated(catalogue, "label"),
                      {"label": tr("Figure"), "printed": tr("As published"), "period": tr("Period"),
                       "programme": tr("Programme"), "document_title": tr("Document"), "document": tr("File"),
                       "section": tr("Section")}, height=360)
        ui.downloads(catalogue.drop(columns="printed"), "published-figures", key="catalogue")
