"""Survey: the phone survey of session participants, every percentage with its interval."""

import streamlit as st

import ui
from data_pipeline.presentation import charts
from data_pipeline.reference.published import published_figure
from data_pipeline.analysis.survey import ACTION_IDS, PROFILE_IDS, survey_counts, survey_design, survey_estimates

tr = ui.translate_now()
lang = ui.current_language()
ctx = ui.page_context()
st.title(tr("Survey of reintegration-session participants"))

design = survey_design()
estimates = ui.with_published_pct(survey_estimates())
ui.metric_cards([
    ui.Metric(tr("Respondents"), ui.format_number(design["sample"])),
    ui.Metric(tr("Population (participants)"), ui.format_number(design["population"])),
    ui.Metric(tr("Confidence level"), ui.format_pct(design["confidence"])),
    # Computed here, not printed in the factsheet: it says so, and it is not under the document's citation.
    ui.Metric(tr("Margin of error (computed)"),
              tr("± {value} points").format(value=ui.format_number(design["margin_of_error"], decimals=1)),
              note=tr("Computed by this dashboard from the three published figures beside it: the half-width of "
                      "the 95 % interval at 50 %, finite-population corrected. Each finding below has its own "
                      "interval.")),
], tr("Survey of reintegration-session participants"),
    tr("respondents, population and confidence level: {citation}").format(
        citation=published_figure("survey_respondents").citation),
    tr("A phone survey of the TAJIRRB programme's session participants. Its published percentages do "
       "not change with the sidebar filters. Computed by this dashboard, not published: the margin of "
       "error and each interval (Wilson score intervals with the finite-population correction; a "
       "sub-group's percentage, e.g. of those under great stress, uses the sub-group's size as its base)."))

profile = estimates[estimates["id"].isin(PROFILE_IDS)]
findings = estimates[~estimates["id"].isin(PROFILE_IDS)]
profile_tab, findings_tab, actions_tab = st.tabs([tr("Returnee profile"), tr("Changes after the sessions"),
                                                  tr("Actions after the sessions")])
labels = {"label": tr("Finding"), "published": tr("Published"), "ci_low": tr("CI low (computed)"),
          "ci_high": tr("CI high (computed)"), "margin_of_error": tr("± points (computed)"),
          "n": tr("Base (respondents)")}
formats = {"ci_low": "%.1f%%", "ci_high": "%.1f%%", "margin_of_error": "± %.1f"}
with profile_tab:
    ui.chart(charts.survey_ci_chart, profile, tr("Returnee profile (95% confidence intervals)"), lang=lang,
             key="survey-returnee-profile")
    ui.show_table(ui.translated(profile, "label"), labels, formats, wide=("label",),
                  source="; ".join(profile["citation"].drop_duplicates()))
    heading = tr("Time in Russia before the last return")
    st.markdown(f"**{heading}**")
    parts, counted, rest = ui.time_in_russia(design["sample"])
    ui.show_table(parts, {"label": tr("Time in Russia"), "respondents": tr("Respondents"),
                          "published_pct": tr("Published %"), "share_pct": tr("Share of the base (computed)"),
                          "base": tr("Base (respondents)"), "origin": tr("Origin")},
                  formats={"published_pct": "%.0f%%"}, wide=("label", "origin"),
                  source="; ".join(parts["citation"][parts["citation"] != ""].drop_duplicates()),
                  notes=(tr("The published counts add up to {counted} of the {sample} respondents; the other {rest} "
                            "are shown as not stated. The published percentages do not say their base.").format(
                      counted=ui.format_number(counted), sample=ui.format_number(design["sample"]),
                      rest=ui.format_number(rest)),))
with findings_tab:
    ui.chart(charts.survey_ci_chart, findings, tr("Changes in knowledge and perspective (95% CI)"),
             lang=lang, key="survey-changes")
    ui.show_table(ui.translated(findings, "label"), labels, formats, wide=("label",),
                  source="; ".join(findings["citation"].drop_duplicates()))
with actions_tab:
    # The published labels start "After the session: …"; the chart's title says it once.
    actions = survey_counts(ACTION_IDS)
    actions["label"] = ui.without_prefix(actions["label"])
    ui.chart(charts.counts_bars, actions.rename(columns={"respondents": "value"}),
             tr("After the session, respondents who…"), lang=lang, key="survey-actions")
    ui.show_table(actions, {"label": tr("Action"), "respondents": tr("Respondents"),
                            "share_pct": tr("Share of the {sample} respondents (computed)").format(
                                sample=ui.format_number(design["sample"]))}, wide=("label",),
                  source="; ".join(actions["citation"].drop_duplicates()),
                  notes=(tr("Respondents could name several actions, so the shares add up to more than 100%."),))
