"""The briefing's words: its fixed texts, the language it is built in (``Words``), and the lines
every page shares (data version, filters, programmes). No reportlab here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from data_pipeline.analysis.dataset import Dataset, Filters
from data_pipeline.presentation.i18n import LANGUAGES, district_name, format_number, format_percent, marked, translator
from data_pipeline.reference.published import DOC_TAJIRRB_BROCHURE
from data_pipeline.reference.registry import PROGRAMME_TAJIRRB, PROGRAMMES
from geo.gazetteer import ALL_DISTRICTS, PROGRAMME_DISTRICTS, District, UnknownDistrictError, resolve_district
from geo.gazetteer import district as district_by_code

DEMO_WATERMARK = "DEMONSTRATION DATA"
DEMO_BANNER = ("DEMONSTRATION DATA: the district records and their totals, the targets and the funding received "
               "are generated and marked “demo”; the published figures (programme totals in the documents, "
               "funding required, survey results) are cited [n].")
SURVEY_HIGHLIGHTS = ("survey_more_confident", "survey_concrete_plans", "survey_better_relationships",
                     "survey_took_action", "survey_legal_knowledge", "survey_know_job_agencies")
"""Survey findings the brief shows (published percentages of the phone survey)."""
TITLE = "Border Districts: briefing"
ACKNOWLEDGEMENTS = ((PROGRAMME_TAJIRRB, "Financed by the UK Government", DOC_TAJIRRB_BROCHURE),)
"""(programme, the donor line as the document prints it under the programme's name, that document's file):
the results brochure and the reintegration factsheet both print "Financed by the UK Government"."""
ORGANISATION = "IOM Tajikistan"


class BriefingError(ValueError):
    """The briefing cannot be built from what was given; the message says why and how to fix it."""



@dataclass(frozen=True)
class Words:
    """The language a document is built in, passed to every piece that writes text: its catalog
    (``tr``), its numbers and percentages, district names, and the demo mark."""

    lang: str
    tr: Callable[[str], str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tr", translator(self.lang))

    def number(self, value: float | None) -> str:
        """``value`` as the dashboard shows it (``i18n.format_number``), in the document's language."""
        return format_number(None if value is None or pd.isna(value) else float(value), self.lang)

    def pct(self, value: float | None) -> str:
        return format_percent(None if value is None or pd.isna(value) else float(value), self.lang)

    def generated(self, text: str, dataset: Dataset) -> str:
        """A column heading (or title) over ``dataset``'s records, targets or funding received: marked
        ``(demo)`` when they are generated (``data_pipeline.reference.origin``)."""
        return marked(text, dataset.origin, self.lang)

    def label(self, entry) -> str:
        """An indicator's label and unit, translated: ``Jobs created (jobs)``."""
        return f"{self.tr(entry.label)} ({self.tr(entry.unit)})"

    def district(self, place: District) -> str:
        """A district's name in the document's language (gazetteer)."""
        return district_name(place, self.lang)


def _check_arguments(dataset: Dataset, lang: str) -> None:
    if lang not in LANGUAGES:
        raise BriefingError(f"Unknown language {lang!r}; use one of {', '.join(LANGUAGES)}.")
    if not isinstance(dataset, Dataset):
        raise TypeError(f"Expected a data_pipeline.analysis.dataset.Dataset, got {type(dataset).__name__}.")
    if dataset.version is None:
        raise BriefingError("The store has no active version, so there is nothing to brief on: load the demo "
                            "(`python -m data_pipeline demo`) or ingest a file first.")


def _resolve_programme_district(name: str) -> District:
    try:
        return district_by_code(resolve_district(name, programme_only=True))
    except UnknownDistrictError as error:
        raise BriefingError(str(error).replace("Use a district's", "Use a programme district's")) from None


def _version_line(dataset: Dataset, words: Words) -> str:
    tr = words.tr
    version = dataset.version
    assert version is not None
    kind = tr("demonstration data") if dataset.is_demo else tr("monitoring data")
    as_of = (tr("as of {date} (latest activity record)").format(date=dataset.as_of.isoformat()) if dataset.as_of
             else tr("no activity records in view"))
    return tr("Data version {version} ({kind}, published {date} by {author}) · {as_of}").format(
        version=version.id, kind=kind, date=f"{version.created_at:%Y-%m-%d}", author=version.created_by, as_of=as_of)


def _filters_line(filters: Filters, words: Words) -> str:
    tr = words.tr
    parts = []
    if filters.regions:
        parts.append(tr("regions: {names}").format(names=", ".join(tr(r) for r in filters.regions)))
    if filters.districts:
        ordered = [d for d in ALL_DISTRICTS if d.code in filters.districts]  # gazetteer order
        parts.append(tr("districts: {names}").format(names=", ".join(words.district(d) for d in ordered)))
    if filters.programme:
        parts.append(tr("programme: {name}").format(name=tr(PROGRAMMES.get(filters.programme, filters.programme))))
    if filters.date_from or filters.date_to:
        start = filters.date_from.isoformat() if filters.date_from else tr("the start")
        end = filters.date_to.isoformat() if filters.date_to else tr("the latest record")
        parts.append(tr("dates: {start} to {end}").format(start=start, end=end))
    if not parts:
        return tr("Filters: none (all {count} programme districts, all programmes, all dates)").format(
            count=len(PROGRAMME_DISTRICTS))
    return tr("Filters: {filters} ({shown} of {count} programme districts in view)").format(
        filters="; ".join(parts), shown=len(filters.district_codes()), count=len(PROGRAMME_DISTRICTS))


def _programme_line(filters: Filters, words: Words) -> str:
    tr = words.tr
    programmes = [filters.programme] if filters.programme else list(PROGRAMMES)
    return " · ".join(tr(PROGRAMMES[p]) for p in programmes if p in PROGRAMMES)


def _district_title(d: District) -> str:
    names = []
    for name in (d.name_en, d.name_ru, d.name_tg):
        if name not in names:
            names.append(name)
    return " / ".join(names)
