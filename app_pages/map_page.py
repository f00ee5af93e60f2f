"""Map: one indicator across the 16 districts, as a value or as % of target: on the map, ranked, or as a table."""

import streamlit as st

import ui
from data_pipeline.presentation import charts
from data_pipeline.presentation.i18n import translator
from data_pipeline.reference.registry import indicator, indicators_for


def mode_labels(tr) -> dict[str, str]:
    """What the map shows, each with its label in ``tr``'s language."""
    return {"value": tr("Value"), "pct": tr("Percent of target")}


tr = ui.translate_now()
lang = ui.current_language()
ctx = ui.page_context()
st.title(tr("Map"))
ui.show_filters_summary(ctx.filters)

choices = [i.id for i in indicators_for(ctx.filters.programme, mappable=True)]
left, right = st.columns([3, 2])

modes = mode_labels(tr)
# ?indicator=jobs_created&mode=pct: ids, the same in every language. Links made when the URL held
# the labels on screen (?indicator=Jobs+created, or in Russian or Tajik) still open the same view.
ui.from_url("indicator", choices, parse=ui.any_language(lambda i, lang: translator(lang)(indicator(i).label), choices))
ui.from_url("mode", list(modes), parse=ui.any_language(lambda m, lang: mode_labels(translator(lang))[m], modes))
indicator_id = left.selectbox(tr("Indicator"), choices, format_func=lambda i: tr(indicator(i).label), key="indicator")
mode = right.radio(tr("Show"), list(modes), format_func=modes.get, key="mode", horizontal=True)
ui.keep_in_url("indicator", indicator_id, choices[0] if choices else None)
ui.keep_in_url("mode", mode, "value")
chosen = indicator(indicator_id)
label, unit = tr(chosen.label), tr(chosen.unit)
if chosen.description:
    st.caption(tr(chosen.description))

table = ui.indicator_rows(ctx.data)
rows = table[table["indicator"] == indicator_id]
# One view at a time, as tabs: the map, the districts ranked, the table with its downloads.
view, tab = ui.view_tabs({"map": tr("Map"), "ranking": tr("Ranking"), "table": tr("Table")})
with tab:
    if view == "map":
        ui.district_map(rows[["district_code", "value", "target", "source"]], key="district_map", value_label=label,
                        unit=unit, mode=mode, selected=ui.districts_in_view(ctx.filters), origin=ctx.data.origin)
        st.caption(tr("Grey with a dashed outline: no records for this indicator (not the same as zero). "
                      "When the filters narrow the districts, those in view have a heavy outline and the "
                      "others show no data."))
    if rows.empty:
        ui.no_data_message(ctx)
    elif view == "ranking":
        ui.chart(charts.district_bars, rows, label, unit, lang=lang, mode=mode, origin=ctx.data.origin, key="map-district-bars")
        unranked = rows["achievement_pct"].isna().sum() if mode == "pct" else 0
        if unranked:
            st.caption(tr("{count} of {total} districts have no target recorded for the period in view and are "
                          "not ranked.").format(count=unranked, total=len(rows)))
    elif view == "table":
        shown = ui.show_table(rows,
                              {"district": tr("District"), "region": tr("Region"),
                               **ui.marked_columns({"value": tr("Value"), "target": tr("Target"),
                                                    "achievement_pct": tr("% of target")}, ctx.data.origin),
                               "source": tr("Source")},
                              wide=("district",))
        ui.downloads(shown, f"{indicator_id}-by-district", key="map_table")
