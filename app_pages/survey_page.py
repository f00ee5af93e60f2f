"""Survey: the phone survey of session participants, every percentage with its interval."""

import streamlit as st

import ui
from data_pipeline import charts
from data_pipeline.published import published_figure
from data_pipeline.survey import ACTION_IDS, PROFILE_IDS, survey_counts, survey_design, survey_estimates

ctx = ui.page_context()
st.title("Survey of reintegration-session participants")

design = survey_design()
estimates = survey_estimates()
estimates["published"] = [f"{q} {ui.format_number(v, '%')}".strip()
                          for q, v in zip(estimates["qualifier"], estimates["value_pct"])]
sample, population, confidence, margin = st.columns(4)
sample.metric("Respondents", ui.format_number(design["sample"]))
population.metric("Population (participants)", ui.format_number(design["population"]))
confidence.metric("Confidence level", ui.format_pct(design["confidence"]))
margin.metric("Margin of error", f"± {design['margin_of_error']:.1f} points",
              help="At 50 %, finite-population corrected; each finding below has its own interval.")
ui.citation(published_figure("survey_respondents").citation)
st.caption("A phone survey of the TAJIRRB programme's session participants. Its published percentages do "
           "not change with the sidebar filters. Intervals are Wilson score intervals with the "
           "finite-population correction; a sub-group's percentage (e.g. of those under great stress) "
           "uses the sub-group's size.")

profile = estimates[estimates["id"].isin(PROFILE_IDS)]
findings = estimates[~estimates["id"].isin(PROFILE_IDS)]
profile_tab, findings_tab, actions_tab = st.tabs(["Returnee profile", "Changes after the sessions",
                                                  "Actions after the sessions"])
labels = {"label": "Finding", "published": "Published", "ci_low": "CI low", "ci_high": "CI high",
          "margin_of_error": "± points", "n": "Base"}
formats = {"ci_low": "%.1f%%", "ci_high": "%.1f%%", "margin_of_error": "± %.1f"}
with profile_tab:
    st.plotly_chart(charts.survey_ci_chart(profile, "Returnee profile (95% confidence intervals)"),
                    width="stretch")
    ui.show_table(profile, labels, formats, wide=("label",))
    ui.citation("; ".join(profile["citation"].drop_duplicates()))
with findings_tab:
    st.plotly_chart(charts.survey_ci_chart(findings, "Changes in knowledge and perspective (95% CI)"),
                    width="stretch")
    ui.show_table(findings, labels, formats, wide=("label",))
    ui.citation("; ".join(findings["citation"].drop_duplicates()))
with actions_tab:
    actions = survey_counts(ACTION_IDS)
    actions["label"] = actions["label"].str.removeprefix("After the session: ")
    st.plotly_chart(charts.counts_bars(actions.rename(columns={"respondents": "value"}),
                                       "After the session, respondents who…"), width="stretch")
    ui.show_table(actions, {"label": "Action", "respondents": "Respondents", "share_pct": "Share of sample"},
                  wide=("label",))
    ui.citation("; ".join(actions["citation"].drop_duplicates()))
    st.caption("Respondents could name several actions, so the shares add up to more than 100%.")
