"""Map: one indicator across the 16 districts, as a value or as % of target: on the map, ranked, or as a table."""

import streamlit as st

import ui
from data_pipeline.presentation import charts
from data_pipeline.presentation.exports import with_place_codes
from data_pipeline.reference.registry import indicator

tr = ui.translate_now()
lang = ui.current_language()
ctx = ui.page_context()
st.title(tr("Map"))
ui.show_filters_summary(ctx.filters)

# A fragment: choosing the indicator, what to show or the tab reruns this part alone, not the frame
# (sidebar filters, banner) above it (benchmarks/PROFILE.md, round 8). The URL still follows each widget
# (ui.url_widget writes ?indicator= and ?mode= in the fragment's run too).
@st.fragment
def indicator_view() -> None:
    left, right = st.columns([3, 2])
    # ?indicator=jobs_created&mode=pct (ui.state declares both): ids, the same in every language.
    indicator_id = ui.mappable_indicator_choice(left.selectbox, ctx.filters.programme)
    mode = ui.url_widget(ui.MODE, right.radio, tr("Show"), format_func=ui.mode_labels(tr).get, horizontal=True)
    chosen = indicator(indicator_id)
    label, unit = tr(chosen.label), tr(chosen.unit)
    # An empty element when the indicator has no description: the tabs and the map keep their places, so the
    # map's frame swaps its layer instead of booting Leaflet again (benchmarks/PROFILE.md, round 9).
    if chosen.description:
        st.caption(tr(chosen.description))
    else:
        st.empty()

    table = ui.indicator_rows(ctx.data)
    rows = table[table["indicator"] == indicator_id]
    # One view at a time, as tabs: the map, the districts ranked, the table with its downloads.
    view, tab = ui.view_tabs({"map": tr("Map"), "ranking": tr("Ranking"), "table": tr("Table")})
    with tab:
        if view == "map":
            ui.district_map(rows, key="district_map", value_label=label,
                            unit=unit, mode=mode, selected=ui.districts_in_view(ctx.filters), origin=ctx.data.origin)
            st.caption(tr("Grey with a dashed outline: no records for this indicator (not the same as zero). "
                          "When the filters narrow the districts, those in view have a heavy outline and the "
                          "others are faded (outside the filters)."))
        if rows.empty:
            ui.no_data_message(ctx)
        elif view == "ranking":
            ui.chart(charts.district_bars, rows, label, unit, lang=lang, mode=mode, origin=ctx.data.origin,
                     key="map-district-bars")
            unranked = rows["achievement_pct"].isna().sum() if mode == "pct" else 0
            if unranked:
                st.caption(tr("{count} of {total} districts have no target recorded for the period in view and are "
                              "not ranked.").format(count=unranked, total=len(rows)))
        elif view == "table":
            shown = ui.show_table(rows,
                                  {"district": tr("District"),
                                   **ui.marked_columns({"value": tr("Value"), "target": tr("Target"),
                                                        "achievement_pct": tr("% of target")}, ctx.data.origin),
                                   "region": tr("Region"), "source": tr("Source")})
            ui.downloads(with_place_codes(shown, rows), f"{indicator_id}-by-district", key="map_table")


indicator_view()
