"""Survey: the phone survey of session participants, every percentage with its interval."""

import streamlit as st

import ui
from data_pipeline import charts
from data_pipeline.published import published_figure
from data_pipeline.survey import ACTION_IDS, PROFILE_IDS, survey_counts, survey_design, survey_estimates

tr = ui.translate_now()
lang = ui.current_language()
ctx = ui.page_context()
st.title(tr("Survey of reintegration-session participants"))

design = survey_design()
estimates = survey_estimates()
estimates["published"] = [f"{tr(q) if q else ''} {ui.format_number(v, '%')}".strip()
                          for q, v in zip(estimates["qualifier"], estimates["value_pct"])]
# The margin of error is the longest value ("± 4,9 банди фоизӣ"): it gets the room the others leave.
sample, population, confidence, margin = st.columns([1, 1.4, 1, 1.8])
sample.metric(tr("Respondents"), ui.format_number(design["sample"]))
population.metric(tr("Population (participants)"), ui.format_number(design["population"]))
confidence.metric(tr("Confidence level"), ui.format_pct(design["confidence"]))
margin.metric(tr("Margin of error"),
              tr("± {value} points").format(value=ui.format_number(design["margin_of_error"], decimals=1)),
              help=tr("At 50 %, finite-population corrected; each finding below has its own interval."))
ui.citation(published_figure("survey_respondents").citation)
st.caption(tr("A phone survey of the TAJIRRB programme's session participants. Its published percentages do "
              "not change with the sidebar filters. Intervals are Wilson score intervals with the "
              "finite-population correction; a sub-group's percentage (e.g. of those under great stress) "
              "uses the sub-group's size."))

profile = estimates[estimates["id"].isin(PROFILE_IDS)]
findings = estimates[~estimates["id"].isin(PROFILE_IDS)]
profile_tab, findings_tab, actions_tab = st.tabs([tr("Returnee profile"), tr("Changes after the sessions"),
                                                  tr("Actions after the sessions")])
labels = {"label": tr("Finding"), "published": tr("Published"), "ci_low": tr("CI low"), "ci_high": tr("CI high"),
          "margin_of_error": tr("± points"), "n": tr("Base")}
formats = {"ci_low": "%.1f%%", "ci_high": "%.1f%%", "margin_of_error": "± %.1f"}
with profile_tab:
    ui.chart(charts.survey_ci_chart, profile, tr("Returnee profile (95% confidence intervals)"), lang=lang,
             key="survey-returnee-profile")
    ui.show_table(ui.translated(profile, "label"), labels, formats, wide=("label",))
    ui.citation("; ".join(profile["citation"].drop_duplicates()))
with findings_tab:
    ui.chart(charts.survey_ci_chart, findings, tr("Changes in knowledge and perspective (95% CI)"),
             lang=lang, key="survey-changes")
    ui.show_table(ui.translated(findings, "label"), labels, formats, wide=("label",))
    ui.citation("; ".join(findings["citation"].drop_duplicates()))
with actions_tab:
    # The published labels start "After the session: …"; the chart's title says it once.
    actions = survey_counts(ACTION_IDS)
    actions["label"] = [tr(label).split(": ", 1)[-1] for label in actions["label"]]
    ui.chart(charts.counts_bars, actions.rename(columns={"respondents": "value"}),
             tr("After the session, respondents who…"), lang=lang, key="survey-actions")
    ui.show_table(actions, {"label": tr("Action"), "respondents": tr("Respondents"),
                            "share_pct": tr("Share of sample")}, wide=("label",))
    ui.citation("; ".join(actions["citation"].drop_duplicates()))
    st.caption(tr("Respondents could name several actions, so the shares add up to more than 100%."))
