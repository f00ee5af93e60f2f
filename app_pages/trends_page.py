"""Reach and trends: each indicator's running total per period against its target, programme-wide and
per region, and who was reached (sex, age group, disability) for the filters in view, beside the
shares the documents publish."""

import streamlit as st

import ui
from data_pipeline.analysis.reach import PROGRAMME, breakdown, cumulative_series, not_stated, regions_in_view
from data_pipeline.presentation import charts
from data_pipeline.reference.published import published_figure
from data_pipeline.reference.registry import indicator
from data_pipeline.reference.schemas import DISAGGREGATIONS

tr = ui.translate_now()
lang = ui.current_language()
ctx = ui.page_context()
origin = ctx.data.origin
st.title(tr("Reach and trends"))
ui.show_filters_summary(ctx.filters)
if ui.no_data_message(ctx):
    st.stop()

# A fragment: choosing the indicator or the period reruns this part alone, not the frame or the "Who was
# reached" part below (benchmarks/PROFILE.md, round 8). The URL still follows both widgets (ui.url_widget
# writes ?indicator= and ?period= in the fragment's run too).
@st.fragment
def running_totals() -> None:
    left, right = st.columns([3, 2])
    indicator_id = ui.mappable_indicator_choice(left.selectbox, ctx.filters.programme)
    period_words = {"year": tr("per year"), "quarter": tr("per quarter"), "month": tr("per month")}
    period = ui.url_widget(ui.PERIOD, right.radio, tr("Period"), format_func=lambda p: tr(p), horizontal=True)
    chosen = indicator(indicator_id)
    label, unit = tr(chosen.label), tr(chosen.unit)

    st.header(tr("Since when: the running total against the target"))

    def series_rows(by_region: bool):
        """The series in view with its series named in the current language (cached per view)."""
        rows = ui.view_table(ctx.data, f"reach series {indicator_id} {period} {by_region}",
                             lambda: cumulative_series(ctx.data, indicator_id, period, by_region))
        return rows.assign(series=[tr("All districts in view") if s == PROGRAMME else tr(s)
                                   for s in rows["series"]])

    programme = series_rows(False)
    if programme.empty:
        st.info(tr("No records of {indicator} match the filters.").format(indicator=label),
                icon=":material/filter_alt_off:")
    else:
        regions = regions_in_view(ctx.data)
        columns = st.columns(2) if len(regions) > 1 else [st.container()]
        with columns[0]:
            ui.chart(charts.cumulative_lines, programme,
                     tr("{indicator}: running total {per_period}").format(indicator=label,
                                                                          per_period=period_words[period]),
                     unit, lang=lang, origin=origin, key="trends-programme")
        if len(regions) > 1:
            with columns[1]:
                ui.chart(charts.cumulative_lines, series_rows(True),
                         tr("{indicator} by region: running total {per_period}").format(
                             indicator=label, per_period=period_words[period]),
                         unit, lang=lang, origin=origin, key="trends-regions")
        st.caption(tr("Dashed: the target of the years in view, as the Overview and the Map compare with (the "
                      "programme's target, or the sum of the targets of those years). Where no target is recorded "
                      "for the view, no dashed line is drawn."))


running_totals()

st.header(tr("Who was reached"))
categories = {"sex": tr("Sex"), "age_group": tr("Age group"), "disability": tr("Disability")}
by, tab = ui.view_tabs({category: categories.get(category, category) for category in DISAGGREGATIONS}, ui.BY)
category_word = categories.get(by, by).lower()
with tab:
    shares = ui.view_table(ctx.data, f"reach breakdown {by}", lambda: breakdown(ctx.data, by))
    missing = ui.view_table(ctx.data, f"reach not stated {by}", lambda: not_stated(ctx.data, by))
    stating = missing[missing["records_not_stated"] < missing["records"]]["indicator"].tolist()
    silent = missing[missing["records_not_stated"] == missing["records"]]["indicator"].tolist()
    generated, published = st.columns([3, 2])
    rows = shares[shares["indicator"].isin(stating)].assign(
        indicator_label=lambda f: [indicator(i).label for i in f["indicator"]])
    with generated:
        st.subheader(ui.marked(tr("In the records in view"), origin))
        if stating:
            ui.chart(charts.breakdown_bars, rows.rename(columns={"category": by}), by,
                     tr("Who was reached, by {category}").format(category=category_word),
                     lang=lang, origin=origin, shares=True, key=f"trends-breakdown-{by}")
        else:
            st.info(tr("No records in view state their {category}.").format(category=category_word),
                    icon=":material/info:")
    with published:  # one element: heading, figures and their sources
        heading = tr("Published")
        blocks = [f"### {heading}", ui.small_print(
            tr("As the documents print them, for the whole programme: they do not change with the filters."))]
        if by == "sex":
            women, trained = (published_figure("tajirrb_border_guards_trained_women"),
                              published_figure("tajirrb_border_guards_trained"))
            blocks += [tr("**{women} of {trained}** border guards trained were women ({share}, computed).").format(
                women=ui.as_published(women.value, women.qualifier),
                trained=ui.as_published(trained.value, trained.qualifier),
                share=ui.format_pct(women.value / trained.value * 100, 1)), ui.citation_html(women.citation)]
            figure = published_figure("survey_women")
            blocks += [tr("**{share}** of session participants surveyed were women.").format(
                share=ui.format_pct(figure.value, 1)), ui.citation_html(figure.citation)]
        elif by == "disability":
            figure = published_figure("survey_disability")
            blocks += [tr("**{share}** of session participants surveyed were persons with disability.").format(
                share=ui.format_pct(figure.value, 1)), ui.citation_html(figure.citation)]
        else:
            blocks.append(tr("The source documents publish no breakdown by age group."))
        st.markdown("\n\n".join(blocks), unsafe_allow_html=True)

# Under both columns, full width: the not-stated share in words (one Markdown element, a paragraph each),
# the split as a table, what never states it.
with tab:
    complete, notes = [], []
    for row in missing[missing["indicator"].isin(stating)].itertuples():
        if row.records_not_stated:
            notes.append(tr("{indicator}: {count} of {records} records ({pct} of the records, {value_pct} of the "
                            "value) state no {category}: counted as “not stated”.").format(
                indicator=tr(indicator(row.indicator).label),
                count=ui.marked(ui.format_number(row.records_not_stated), origin),
                records=ui.marked(ui.format_number(row.records), origin),
                pct=ui.format_pct(row.records_not_stated_pct, 1), value_pct=ui.format_pct(row.value_not_stated_pct, 1),
                category=category_word))
        else:
            complete.append(tr(indicator(row.indicator).label))
    if complete:
        notes.append(tr("{indicator}: every record states its {category}.").format(
            indicator=", ".join(complete), category=category_word))
    if silent:
        notes.append(tr("Not stated at all (no record states its {category}): {indicators}.").format(
            category=category_word, indicators=", ".join(tr(indicator(i).label) for i in silent)))
    if notes:
        st.markdown("\n\n".join(notes))
    if stating:
        table = rows.assign(indicator_label=[tr(label) for label in rows["indicator_label"]],
                            category=[tr(str(c)) for c in rows["category"]])
        shown = ui.show_table(table, {"indicator_label": tr("Indicator"), "category": categories[by],
                                      **ui.marked_columns({"value": tr("Value"),
                                                           "share_pct": tr("Share of the value")}, origin)},
                              wide=("indicator_label",))
        ui.downloads(shown, f"reached-by-{by}", key=f"trends_breakdown_{by}")
