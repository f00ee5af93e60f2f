"""The catalogue of figures the source documents publish, each with its exact value and citation.

A published figure never changes value: it is shown as printed (``qualifier`` keeps words
such as "more than" or "over"), and it always carries the seed file name and the section
heading it comes from. Figures of seeds 003 and 004 are *context*: other IOM work in
Tajikistan and Central Asia, never added to programme totals.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from data_pipeline.reference.messages import mark as _
from data_pipeline.reference.registry import PROGRAMME_CRP2020, PROGRAMME_TAJIRRB

DOC_CRP = "000_9bf707c98be86d38.txt"
DOC_TAJIRRB_BROCHURE = "001_339d8f87402ce516.txt"
DOC_TAJIRRB_RPS = "002_3ef7cea35d3201fd.txt"
DOC_NEWSLETTER_2011 = "003_be37ad5b0b71d83f.txt"
DOC_REGIONAL_2021 = "004_63f1493cdb1c4e41.txt"


@dataclass(frozen=True)
class Document:
    """A source document: cited by its ``short_title``, listed with everything else on the Data &
    sources page's Sources tab (``anchor`` is its place there)."""

    file: str
    title: str
    short_title: str
    publisher: str
    date: str
    covers: str
    """What the document covers (a catalog msgid: translated where shown)."""

    @property
    def anchor(self) -> str:
        """``doc-001``: the id of the document's entry in the sources list, from its seed number."""
        return f"doc-{self.file.split('_', 1)[0]}"


DOCUMENTS: dict[str, Document] = {d.file: d for d in (
    Document(DOC_CRP, "Tajikistan Crisis Response Plan 2020", "Tajikistan Crisis Response Plan 2020", "IOM",
             "2020", _("IOM's funding required and target beneficiaries in Tajikistan for 2020, per objective and "
                       "component.")),
    Document(DOC_TAJIRRB_BROCHURE,
             "Tajik-Afghan Integration, Resilience and Reform Building Programme (results brochure)",
             "TAJIRRB results brochure", "IOM Tajikistan, financed by the UK Government", "2016–2020 (undated)",
             _("The programme's results in the 16 border districts: border guards trained, grants, jobs, vocational "
               "trainings, reintegration sessions and Migration Services.")),
    Document(DOC_TAJIRRB_RPS,
             "Tajik-Afghan Integration, Resilience and Reform Building Programme (reintegration sessions)",
             "TAJIRRB reintegration sessions factsheet", "IOM Tajikistan, financed by the UK Government",
             "2016–2020 (undated)",
             _("The reintegration planning sessions for returned migrants with re-entry bans, and the phone survey "
               "of their participants (365 respondents of 4,000).")),
    Document(DOC_NEWSLETTER_2011, "IOM Tajikistan Newsletter - June 2011", "IOM Tajikistan Newsletter, June 2011",
             "IOM Tajikistan", "June 2011",
             _("IOM Tajikistan's work in the first half of 2011: context, never added to programme totals.")),
    Document(DOC_REGIONAL_2021, "IOM Central Asia Regional Response Report, Issue 1, 01/02/2021",
             "IOM Central Asia Regional Response Report 2021", "IOM", "1 February 2021",
             _("IOM's assistance to migrants across Central Asia in 2020–2021: context, never added to programme "
               "totals.")),
)}
DOCUMENT_TITLES = {file: document.title for file, document in DOCUMENTS.items()}
PROGRAMME_CONTEXT = "context"
CITATION = _("{document}, section “{section}”")
"""A figure's citation: the document's short title and the section heading, both as published; the
catalog translates the words between them (``data_pipeline.presentation.citations``)."""
ONE_IN_N = "1 in N"
"""The unit of a frequency published as "every N-th": the value is N."""


@dataclass(frozen=True)
class PublishedFigure:
    """One figure as a source document prints it."""

    id: str
    label: str
    value: float
    unit: str
    programme: str
    document: str
    section: str
    period: str = ""
    qualifier: str = ""
    """Words printed with the value: "more than", "over", "nearly", "upwards of"."""
    indicator: str = ""
    """Registry indicator whose programme total this figure states, if any."""
    sample_size: int | None = None
    """For survey percentages: the number of respondents the percentage is of."""

    @property
    def context(self) -> bool:
        return self.programme == PROGRAMME_CONTEXT

    @property
    def citation(self) -> str:
        """``Tajikistan Crisis Response Plan 2020, section “Funding Required”``: in English, as tables and
        exports carry it (``data_pipeline.presentation.citations`` words it in another language)."""
        return CITATION.format(document=DOCUMENTS[self.document].short_title, section=self.section)


def _f(id, label, value, unit, programme, document, section, **kw) -> PublishedFigure:
    return PublishedFigure(id, label, value, unit, programme, document, section, **kw)


_CRP = dict(programme=PROGRAMME_CRP2020, document=DOC_CRP, period="2020")
_BRO = dict(programme=PROGRAMME_TAJIRRB, document=DOC_TAJIRRB_BROCHURE, period="2016–2020")
_RPS = dict(programme=PROGRAMME_TAJIRRB, document=DOC_TAJIRRB_RPS, period="2016–2020")
_SURVEY = dict(_RPS, sample_size=365)
_NEWS = dict(programme=PROGRAMME_CONTEXT, document=DOC_NEWSLETTER_2011, period="2011")
_REG = dict(programme=PROGRAMME_CONTEXT, document=DOC_REGIONAL_2021, period="2021")
_S_OUT1 = "Stronger Border - Outcome 1"
_S_OUT2 = "Increased employment and income - Outcome 2"
_S_OUT3 = "Reduced grievances and better integration - Outcome 3"
_S_PROFILE = "Situation overview - returned migrants' profile"
_S_CHANGE = "Returned migrants changes in perspective"
_S_KNOW = "Change in knowledge and planning"

PUBLISHED_FIGURES: tuple[PublishedFigure, ...] = (
    # --- Crisis Response Plan 2020 -------------------------------------------------------
    _f("crp2020_funding_required", "Funding required, whole plan", 1_075_000, "USD",
       section="Funding Required", **_CRP),
    _f("crp2020_target_beneficiaries", "Target beneficiaries, whole plan", 10_350, "persons",
       section="Target Beneficiaries", **_CRP),
    _f("crp2020_obj1_funding_required", "Funding required: Driving solutions to displacement", 950_000, "USD",
       section="Objective: Driving solutions to displacement", **_CRP),
    _f("crp2020_obj1_target_beneficiaries", "Target beneficiaries: Driving solutions to displacement", 10_350,
       "persons", section="Objective: Driving solutions to displacement", **_CRP),
    _f("crp2020_mhpss_funding_required",
       "Funding required: Mental health and psychosocial support in transition and recovery", 150_000, "USD",
       section="Mental health and psychosocial support in transition and recovery", **_CRP),
    _f("crp2020_community_funding_required", "Funding required: Community stabilization", 700_000, "USD",
       section="Community stabilization", **_CRP),
    _f("crp2020_health_funding_required", "Funding required: Health system strengthening", 100_000, "USD",
       section="Health system strengthening", **_CRP),
    _f("crp2020_obj2_funding_required", "Funding required: Strengthen preparedness and reduce disaster risk",
       125_000, "USD", section="Objective: Strengthen preparedness and reduce disaster risk", **_CRP),
    _f("crp2020_obj2_target_beneficiaries",
       "Target beneficiaries: Strengthen preparedness and reduce disaster risk", 150, "persons",
       section="Objective: Strengthen preparedness and reduce disaster risk", **_CRP),
    _f("crp2020_preparedness_funding_required", "Funding required: Emergency preparedness", 125_000, "USD",
       section="Emergency preparedness", **_CRP),
    _f("crp2020_international_staff", "International staff and affiliated work force", 3, "persons",
       section="Operational presence", **_CRP),
    _f("crp2020_national_staff", "National staff and affiliated work force", 37, "persons",
       section="Operational presence", **_CRP),
    _f("crp2020_field_offices", "IOM field offices", 2, "offices", section="Operational presence", **_CRP),
    # --- TAJIRRB results brochure ---------------------------------------------------------
    _f("tajirrb_districts", "Districts located along the Afghan border", 16, "districts",
       section="16 districts located along the Afghan border", **_BRO),
    _f("tajirrb_migrant_entries_russia", "Entries of Tajik labour migrants recorded by Russia", 1_000_000,
       "entries", section="Beneficiary profile", qualifier="over", **_BRO),
    _f("tajirrb_banned_reentry", "Migrants banned from re-entering Russia", 250_000, "persons",
       section="Beneficiary profile", qualifier="over", **_BRO),
    _f("tajirrb_stress_one_in", "Migrants experiencing intense stress: every N-th migrant", 3, ONE_IN_N,
       section="Beneficiary profile", qualifier="every third", **_BRO),
    _f("tajirrb_health_one_in", "Migrants with serious health problems: every N-th migrant", 4, ONE_IN_N,
       section="Beneficiary profile", qualifier="every fourth", **_BRO),
    _f("tajirrb_border_guards_trained", "Border guards trained", 115, "persons", section=_S_OUT1,
       indicator="border_guards_trained", **_BRO),
    _f("tajirrb_border_guards_trained_women", "Border guards trained: women", 94, "persons",
       section=_S_OUT1, **_BRO),
    _f("tajirrb_border_service_improved", "Afghans crossing the border who experienced improved border service",
       90, "%", section=_S_OUT1, **_BRO),
    _f("tajirrb_grants_awarded", "Grants distributed", 176, "grants", section=_S_OUT2,
       indicator="grants_awarded", **_BRO),
    _f("tajirrb_jobs_created", "Jobs created", 300, "jobs", section=_S_OUT2, indicator="jobs_created", **_BRO),
    # Printed as "more than 2400 vocational trainings": trainings, not persons (the registry counts trainees).
    _f("tajirrb_vocational_trainings", "Vocational trainings", 2400, "trainings", section=_S_OUT2,
       qualifier="more than", indicator="vocational_trainees", **_BRO),
    _f("tajirrb_grantees_successful", "Grantees who opened successful businesses", 75, "%", section=_S_OUT2,
       **_BRO),
    _f("tajirrb_more_hope", "Session participants with more hope for the future", 80, "%", section=_S_OUT3,
       **_BRO),
    _f("tajirrb_relationships_improved_brochure", "Improved relationships with family or community", 69, "%",
       section=_S_OUT3, **_BRO),
    _f("tajirrb_rps_participants", "Participants in the reintegration planning sessions", 6005, "persons",
       section="Results in numbers", indicator="rps_participants", **_BRO),
    _f("tajirrb_ms_staff_trained", "Migration Services staff trained", 32, "persons",
       section="Results in numbers", indicator="ms_staff_trained", **_BRO),
    _f("tajirrb_ms_national_specialists", "of whom national specialists", 8, "persons",
       section="Results in numbers", **_BRO),
    _f("tajirrb_reentry_ban_checks", "Migrants who checked their re-entry bans", 8607, "checks",
       section="Results in numbers", indicator="reentry_ban_checks", **{**_BRO, "period": "April 2019–March 2020"}),
    _f("tajirrb_mahallah_subcommittees", "Mahallah sub-committees on migration facilitated", 8, "committees",
       section="Results in numbers", indicator="mahallah_subcommittees", **_BRO),
    # --- TAJIRRB reintegration planning sessions factsheet --------------------------------
    _f("tajirrb_rps_participants_factsheet", "Returned migrants with re-entry bans in the sessions", 6005,
       "persons", section="Who?", **_RPS),
    _f("tajirrb_rps_sessions", "Reintegration planning sessions", 566, "sessions", section="How?",
       indicator="rps_sessions", **_RPS),
    _f("tajirrb_rps_max_session_size", "Participants per session, at most", 15, "persons", section="How?",
       qualifier="up to", **_RPS),
    _f("tajirrb_rps_districts", "Districts of the sessions", 16, "districts", section="Where?", **_RPS),
    _f("survey_women", "Women among participants", 4.7, "%", section=_S_PROFILE, **_SURVEY),
    _f("survey_disability", "Persons with disability among participants", 1.4, "%", section=_S_PROFILE, **_SURVEY),
    _f("survey_disability_unregistered", "Persons with disability without a disability registration", 50, "%",
       section=_S_PROFILE, qualifier="nearly", **_SURVEY),
    _f("survey_court_deportation", "Received a court decision deporting them from the Russian Federation", 25,
       "%", section=_S_PROFILE, **_SURVEY),
    _f("survey_ban_duration", "Average re-entry ban duration", 4.5, "years", section=_S_PROFILE, **_RPS),
    _f("survey_russia_1_12_months", "Time in Russia before last return: 1–12 months", 65, "respondents",
       section=_S_PROFILE, **_RPS),
    _f("survey_russia_1_12_months_pct", "Time in Russia before last return: 1–12 months", 18, "%",
       section=_S_PROFILE, **_SURVEY),
    _f("survey_russia_1_3_years", "Time in Russia before last return: 1–3 years", 103, "respondents",
       section=_S_PROFILE, **_RPS),
    _f("survey_russia_1_3_years_pct", "Time in Russia before last return: 1–3 years", 29, "%",
       section=_S_PROFILE, **_SURVEY),
    _f("survey_russia_3_years_plus", "Time in Russia before last return: 3 years or more", 166, "respondents",
       section=_S_PROFILE, **_RPS),
    _f("survey_russia_3_years_plus_pct", "Time in Russia before last return: 3 years or more", 47, "%",
       section=_S_PROFILE, **_SURVEY),
    _f("survey_russia_seasonal", "Time in Russia before last return: seasonal", 7, "respondents",
       section=_S_PROFILE, **_RPS),
    _f("survey_russia_seasonal_pct", "Time in Russia before last return: seasonal", 2, "%",
       section=_S_PROFILE, **_SURVEY),
    _f("survey_health_problems", "Have migration-related health problems", 26, "%", section=_S_PROFILE,
       **_SURVEY),
    _f("survey_great_stress", "Experience great stress and emotion", 35, "%", section=_S_PROFILE, **_SURVEY),
    _f("survey_want_professional", "Of those under great stress: would like to talk to a professional", 78, "%",
       section=_S_PROFILE, **_SURVEY),
    _f("survey_better_relationships", "Better relationships with family or community", 69, "%",
       section=_S_CHANGE, **_SURVEY),
    _f("survey_more_confident", "More confident about their options for the future", 79, "%",
       section=_S_CHANGE, **_SURVEY),
    _f("survey_concrete_plans", "Have concrete ideas and plans for the near future", 71, "%",
       section=_S_CHANGE, **_SURVEY),
    _f("survey_confidence_level", "Survey confidence level", 95, "%",
       section="All calculations are based on a phone survey", **_RPS),
    _f("survey_respondents", "Survey respondents", 365, "respondents",
       section="All calculations are based on a phone survey", **_RPS),
    _f("survey_population", "Survey population (session participants)", 4000, "persons",
       section="All calculations are based on a phone survey", **_RPS),
    _f("survey_know_job_agencies", "Know agencies to contact when looking for a job", 66, "%",
       section=_S_KNOW, **_SURVEY),
    _f("survey_health_contacts", "Have contacts in mind for health-related questions", 60, "%",
       section=_S_KNOW, **_SURVEY),
    _f("survey_legal_knowledge", "Know more about legal issues and re-entry bans", 59, "%",
       section=_S_KNOW, **_SURVEY),
    _f("survey_took_action", "Took a concrete action following the session", 91, "%", section=_S_KNOW,
       **_SURVEY),
    _f("survey_action_challenge_ban", "After the session: challenged their re-entry ban", 207, "respondents",
       section="After the session, did you:", **_RPS),
    _f("survey_action_loan_training", "After the session: sought a business loan or vocational training", 146,
       "respondents", section="After the session, did you:", **_RPS),
    _f("survey_action_job_contacts", "After the session: reached out to job-related contacts", 93,
       "respondents", section="After the session, did you:", **_RPS),
    _f("survey_action_migration_services", "After the session: visited the Migration Services", 93,
       "respondents", section="After the session, did you:", **_RPS),
    _f("survey_action_medical", "After the session: visited medical centres", 58, "respondents",
       section="After the session, did you:", **_RPS),
    _f("survey_action_other", "After the session: other", 85, "respondents",
       section="After the session, did you:", **_RPS),
    # --- Context: IOM Tajikistan newsletter, June 2011 -------------------------------------
    _f("ctx2011_migrants_abroad", "Tajiks who have migrated abroad", 1_000_000, "persons",
       section="Foreword from the Chief of Mission", qualifier="upwards of", **_NEWS),
    _f("ctx2011_population", "Total population of Tajikistan (estimate)", 7_000_000, "persons",
       section="Foreword from the Chief of Mission", qualifier="around", **_NEWS),
    _f("ctx2011_remittances_gdp_low", "Remittances as share of GDP (low end)", 30, "%",
       section="Foreword from the Chief of Mission", **_NEWS),
    _f("ctx2011_remittances_gdp_high", "Remittances as share of GDP (high end)", 40, "%",
       section="Foreword from the Chief of Mission", **_NEWS),
    _f("ctx2011_women_legal_assistance", "Women who received legal assistance (Kulob)", 450, "persons",
       section="Legal Assistance to the Wives and Families of Labour Migrants", qualifier="more than", **_NEWS),
    _f("ctx2011_families_reunified", "Families reunified through mediation", 4, "families",
       section="Legal Assistance to the Wives and Families of Labour Migrants", **_NEWS),
    _f("ctx2011_missing_migrants_found", "Missing migrants found", 6, "persons",
       section="Legal Assistance to the Wives and Families of Labour Migrants", **_NEWS),
    _f("ctx2011_afghan_officers_trained", "Afghan border police officers in the 6th joint training (Khorog)", 9,
       "persons", section="Joint Trainings for Tajik and Afghan Border Guards", **_NEWS),
    _f("ctx2011_tajik_officers_trained", "Tajik border officers in the 6th joint training (Khorog)", 6,
       "persons", section="Joint Trainings for Tajik and Afghan Border Guards", **_NEWS),
    _f("ctx2011_passengers_per_month", "Passengers on long-distance mass transport routes per month", 66_250,
       "persons", section="Roundtable on HIV/AIDS Prevention Along Transport Routes", qualifier="average",
       **_NEWS),
    _f("ctx2011_emm_officials", "Government officials trained in Essentials of Migration Management", 300,
       "persons", section="Training Tajik Officials in the Essentials of Migration Management",
       qualifier="more than", **_NEWS),
    _f("ctx2011_cotton_ngos", "Local NGOs monitoring child labour in the cotton harvest", 15, "NGOs",
       section="Monitoring Use of Child Labour in Tajikistan's Cotton Harvest", **_NEWS),
    _f("ctx2011_cotton_areas", "Cotton growing areas monitored", 25, "areas",
       section="Monitoring Use of Child Labour in Tajikistan's Cotton Harvest", **_NEWS),
    _f("ctx2011_mission_staff", "IOM Tajikistan staff (Dushanbe headquarters)", 40, "persons",
       section="The IOM Mission in Tajikistan", **_NEWS),
    # --- Context: IOM Central Asia regional response report, 2021 -------------------------
    _f("ctx2021_tajik_migrants_returned", "Tajik migrants assisted to return and reintegrate", 3, "persons",
       section="Direct assistance", **_REG),
    _f("ctx2021_uzbek_migrants_returned", "Uzbek migrants assisted to return and reintegrate", 19, "persons",
       section="Direct assistance", **_REG),
    _f("ctx2021_kyrgyz_migrants_returned", "Kyrgyz migrants assisted to return and reintegrate", 70, "persons",
       section="Direct assistance", **_REG),
    _f("ctx2021_kz_internal_migrants", "Internal vulnerable migrants given integration assistance (Kazakhstan)",
       50, "persons", section="Direct assistance", **_REG),
    _f("ctx2021_kg_officials_trained", "Local authorities and social workers trained (Kyrgyzstan)", 39,
       "persons", section="Direct assistance", **_REG),
    _f("ctx2021_kg_pilot_districts", "Pilot districts (Kyrgyzstan)", 6, "districts",
       section="Direct assistance", **_REG),
)

_BY_ID = {f.id: f for f in PUBLISHED_FIGURES}


def published_figure(figure_id: str) -> PublishedFigure:
    """The published figure ``figure_id``; ``KeyError`` naming the catalogue otherwise."""
    try:
        return _BY_ID[figure_id]
    except KeyError:
        raise KeyError(f"No published figure {figure_id!r}; see `python -m data_pipeline published`.") from None


def published_for_indicator(indicator_id: str) -> PublishedFigure | None:
    """The published programme total of a registry indicator, if the documents give one."""
    return next((f for f in PUBLISHED_FIGURES if f.indicator == indicator_id), None)


def published_table(include_context: bool = True) -> pd.DataFrame:
    """The catalogue as a table: ``id, label, value, qualifier, unit, period, programme, document,
    document_title, section, indicator, context``."""
    rows = []
    for figure in PUBLISHED_FIGURES:
        if figure.context and not include_context:
            continue
        row = asdict(figure)
        row["document_title"] = DOCUMENT_TITLES[figure.document]
        row["context"] = figure.context
        rows.append(row)
    columns = ["id", "label", "value", "qualifier", "unit", "period", "programme", "document",
               "document_title", "section", "indicator", "sample_size", "context"]
    return pd.DataFrame(rows)[columns]
