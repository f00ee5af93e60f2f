"""Overview: headline results against targets, funding coverage, a small map, recent changes."""

import streamlit as st

import ui
from data_pipeline.analysis.dataset import changes_since_previous, headline_figures
from data_pipeline.reference.registry import indicators_for

tr = ui.translate_now()
ctx = ui.page_context()
st.title(tr("Overview"))
ui.show_filters_summary(ctx.filters)
mappable = [i for i in indicators_for(ctx.filters.programme, headline=True, mappable=True)]
table = ui.indicator_rows(ctx.data)
shown = next((i for i in mappable if i.id in set(table["indicator"])), None)
ui.briefing_button(ctx.data, indicator_id=shown.id if shown is not None else None)  # the PDF maps what the page maps

headline = ui.view_table(ctx.data, "headline", lambda: headline_figures(ctx.data))
funding = ui.funding_rows(ctx.data)
ui.headline_cards(ui.overview_cards(ctx, headline, funding), tr("Results against targets"))

# One below the other: beside the map, the changes table lost its last columns at 1440 px (four in two fifths).
st.header(tr("Where the work happened"))
if shown is None:
    ui.no_data_message(ctx)
else:
    values = table[table["indicator"] == shown.id]
    st.caption(tr("{indicator} per district. Open the Map page for other indicators; "
                  "click a district for its profile.").format(indicator=tr(shown.label)))
    ui.district_map(values, key="overview_map", value_label=tr(shown.label), unit=tr(shown.unit),
                    selected=ui.districts_in_view(ctx.filters), height=380, zoom=6,
                    origin=ctx.data.origin)
st.header(tr("Changes since the previous version"))
changes = ui.view_table(ctx.data, "changes", lambda: changes_since_previous(ctx.store_url, ctx.data))
if ctx.data.previous_version is None:
    st.caption(tr("This is the first version of the data: nothing to compare with."))
elif changes.empty:
    st.caption(tr("No programme total changed since version {version}.").format(
        version=ctx.data.previous_version.id))
else:
    st.caption(tr("Programme totals of version {current} against version {previous}.").format(
        current=ctx.data.version.id, previous=ctx.data.previous_version.id))
    ui.show_table(ui.translated(changes, "label"), ui.changes_labels(ctx.data))
