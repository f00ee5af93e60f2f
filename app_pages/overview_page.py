"""Overview: headline results against targets, funding coverage, a small map, recent changes."""

import streamlit as st

import ui
from data_pipeline.analysis.dataset import changes_since_previous, headline_figures
from data_pipeline.reference.origin import GENERATED, PUBLISHED, UPLOADED
from data_pipeline.reference.published import published_for_indicator
from data_pipeline.analysis.reconcile import STATUS_CONSISTENT, STATUS_DIFFERS
from data_pipeline.reference.registry import indicators_for

tr = ui.translate_now()
ctx = ui.page_context()
st.title(tr("Overview"))
ui.show_filters_summary(ctx.filters)
ui.briefing_button(ctx.data)

headline = ui.view_table(ctx.data, "headline", lambda: headline_figures(ctx.data))
funding = ui.funding_rows(ctx.data)
plan_row = funding[funding["level"] == "plan"]

cards = []
for row in headline.itertuples():
    note = None
    figure = published_for_indicator(row.indicator)
    # As the document words it; its unit where its word differs from the indicator's ("2,400 trainings").
    published = ui.as_published(row.published_value, row.published_qualifier,
                                figure.unit if figure is not None and figure.unit != row.unit else "")
    if row.published_status == STATUS_DIFFERS:
        note = tr("Published total: {value} — {source}").format(value=published,
                                                                source=row.published_citation)
    elif row.published_status == STATUS_CONSISTENT:
        note = tr("Consistent with the published “{value}” — {source}").format(
            value=published, source=row.published_citation)
    elif row.published_citation:
        note = tr("Equals the published total — {source}").format(source=row.published_citation)
    cards.append(ui.Card(tr(row.label), row.value, row.unit, row.target, row.achievement_pct, note,
                         origin=ctx.data.origin, target_origin=ctx.data.origin))
if not plan_row.empty and (ctx.filters.programme in (None, "CRP2020")):
    plan = plan_row.iloc[0]
    required_note = tr("Funding required: {source}").format(source=plan["required_source"])
    cards.append(ui.Card(tr("Funding coverage, CRP 2020"), plan["received"], "USD", plan["required"],
                         plan["coverage_pct"], required_note, required=True, origin=ctx.data.origin,
                         target_origin=PUBLISHED))
ui.headline_cards(cards, tr("Results against targets"))

# One below the other: beside the map, the changes table lost its last columns at 1440 px (four in two fifths).
st.subheader(tr("Where the work happened"))
mappable = [i for i in indicators_for(ctx.filters.programme, headline=True, mappable=True)]
table = ui.indicator_rows(ctx.data)
shown = next((i for i in mappable if i.id in set(table["indicator"])), None)
if shown is None:
    ui.no_data_message(ctx)
else:
    values = table[table["indicator"] == shown.id][["district_code", "value", "target", "source"]]
    st.caption(tr("{indicator} per district. Open the Map page for other indicators; "
                  "click a district for its profile.").format(indicator=tr(shown.label)))
    ui.district_map(values, key="overview_map", value_label=tr(shown.label), unit=tr(shown.unit),
                    selected=ui.districts_in_view(ctx.filters), height=380, zoom=6,
                    origin=ctx.data.origin)
st.subheader(tr("Changes since the previous version"))
changes = ui.view_table(ctx.data, "changes", lambda: changes_since_previous(ctx.store_url, ctx.data))
if ctx.data.previous_version is None:
    st.caption(tr("This is the first version of the data: nothing to compare with."))
elif changes.empty:
    st.caption(tr("No programme total changed since version {version}.").format(
        version=ctx.data.previous_version.id))
else:
    st.caption(tr("Programme totals of version {current} against version {previous}.").format(
        current=ctx.data.version.id, previous=ctx.data.previous_version.id))
    previous_origin = GENERATED if ctx.data.previous_version.is_demo else UPLOADED
    current_origin = ctx.data.origin
    change_origin = GENERATED if GENERATED in (previous_origin, current_origin) else current_origin
    ui.show_table(ui.translated(changes, "label"),
                  {"label": tr("Indicator"), "previous": ui.marked(tr("Previous"), previous_origin),
                   "current": ui.marked(tr("Current"), current_origin),
                   "change": ui.marked(tr("Change"), change_origin)})
