"""The results framework as donors read one: each outcome (or CRP objective) with its published
outcome-level figures, then its outputs (the registry's indicators of that outcome) against their targets.

Outcome figures are the documents' own: percentages from the programme's surveys and counts the
brochure prints under an outcome. They are never recomputed from records and do not follow the
filters. Outputs do: their value is the records' sum in view, their target the targets in view, and
each target says where it comes from (the targets files of the version, generated for a demo).

Joins are by id: outcome → published figure ids (``OUTCOME_FIGURES``), indicator → outcome
(``Indicator.outcome``), CRP objective → its published funding and beneficiary figures
(``registry.FUNDING_OBJECTIVES``). Returns codes, numbers and ids, never words in a language.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from data_pipeline.analysis.aggregate import programme_totals
from data_pipeline.analysis.dataset import Dataset, programme_targets_for_view
from data_pipeline.analysis.funding import funding_summary
from data_pipeline.reference.origin import PUBLISHED
from data_pipeline.reference.published import published_figure
from data_pipeline.reference.registry import (FUNDING_OBJECTIVES, INDICATORS, OUTCOME_1, OUTCOME_2, OUTCOME_3,
                                              PROGRAMMES)
from data_pipeline.reference.schemas import KIND_TARGETS

OUTCOME_FIGURES: dict[str, tuple[str, ...]] = {
    OUTCOME_1: ("tajirrb_border_service_improved", "tajirrb_border_guards_trained_women"),
    OUTCOME_2: ("tajirrb_grantees_successful",),
    OUTCOME_3: ("tajirrb_more_hope", "tajirrb_relationships_improved_brochure"),
}
"""The published outcome-level figures of each TAJIRRB outcome (ids in ``published.PUBLISHED_FIGURES``)."""
FIGURE_OF: dict[str, str] = {"tajirrb_border_guards_trained_women": "tajirrb_border_guards_trained"}
"""A published count that is part of another published count (94 women of 115 border guards trained)."""

OUTCOME_COLUMNS = ["programme", "outcome"]
FIGURE_COLUMNS = ["programme", "outcome", "figure_id", "label", "value", "qualifier", "unit", "is_percentage",
                  "of_value", "of_unit", "document", "section", "citation", "origin", "recorded", "recorded_origin"]
OUTPUT_COLUMNS = ["programme", "outcome", "indicator", "label", "unit", "value", "target", "achievement_pct",
                  "target_origin", "target_files", "target_version"]


@dataclass(frozen=True)
class ResultsFramework:
    """``outcomes``: each outcome or objective in order (``OUTCOME_COLUMNS``); ``figures``: its published
    figures (``FIGURE_COLUMNS``; ``origin`` is always published, ``recorded`` the data's counterpart where
    the data has one: funding received, beneficiaries reached); ``outputs``: its indicators with value,
    target, % of target and the target's source (``OUTPUT_COLUMNS``; ``target_origin`` is ``None`` where no
    target is recorded)."""

    outcomes: pd.DataFrame
    figures: pd.DataFrame
    outputs: pd.DataFrame


def results_framework(ds: Dataset) -> ResultsFramework:
    """The results framework of ``ds`` (filtered or not): every programme's outcomes, or only those of
    ``ds.filters.programme``."""
    programmes = [p for p in PROGRAMMES if ds.filters.programme in (None, p)]
    outcomes = [(i.programme, i.outcome) for i in INDICATORS if i.programme in programmes]
    outcomes = sorted(dict.fromkeys(outcomes), key=lambda po: programmes.index(po[0]))
    figures = _tajirrb_figures(outcomes) + _objective_figures(ds, outcomes)
    return ResultsFramework(pd.DataFrame(outcomes, columns=OUTCOME_COLUMNS),
                            pd.DataFrame(figures, columns=FIGURE_COLUMNS),
                            _outputs(ds, outcomes))


def _figure_row(programme: str, outcome: str, figure_id: str, recorded: float = float("nan"),
                recorded_origin: str | None = None) -> dict:
    figure = published_figure(figure_id)
    of = published_figure(FIGURE_OF[figure_id]) if figure_id in FIGURE_OF else None
    return {"programme": programme, "outcome": outcome, "figure_id": figure.id, "label": figure.label,
            "value": figure.value, "qualifier": figure.qualifier, "unit": figure.unit,
            "is_percentage": figure.unit == "%", "of_value": of.value if of else float("nan"),
            "of_unit": of.unit if of else "", "document": figure.document, "section": figure.section,
            "citation": figure.citation, "origin": PUBLISHED, "recorded": recorded,
            "recorded_origin": recorded_origin}


def _tajirrb_figures(outcomes: list[tuple[str, str]]) -> list[dict]:
    return [_figure_row(programme, outcome, figure_id)
            for programme, outcome in outcomes for figure_id in OUTCOME_FIGURES.get(outcome, ())]


def _objective_figures(ds: Dataset, outcomes: list[tuple[str, str]]) -> list[dict]:
    """Each CRP objective's published funding required and target beneficiaries, with the funding
    received and the beneficiaries reached beside them where the data records them."""
    wanted = set(outcomes)
    lines = [line for line in FUNDING_OBJECTIVES if (line.plan, line.objective) in wanted]
    if not lines:
        return []
    summary = funding_summary(ds.funding, ds.activities, ds.filters)
    summary = summary[summary["level"] == "objective"].set_index(["plan", "objective"])
    rows = []
    for line in lines:
        recorded = summary.loc[(line.plan, line.objective)]
        received = float(recorded["received"])
        rows.append(_figure_row(line.plan, line.objective, line.required_published_id, received,
                                ds.origin if received == received else None))
        if line.beneficiaries_published_id:
            reached = float(recorded["beneficiaries_reached"])
            rows.append(_figure_row(line.plan, line.objective, line.beneficiaries_published_id, reached,
                                    ds.origin if reached == reached else None))
    return rows


def _outputs(ds: Dataset, outcomes: list[tuple[str, str]]) -> pd.DataFrame:
    totals = programme_totals(ds.activities).set_index("indicator")["value"]
    targets = programme_targets_for_view(ds).groupby("indicator")["target"].sum()
    files = _target_files(ds)
    rows = []
    for programme, outcome in outcomes:
        for entry in (i for i in INDICATORS if (i.programme, i.outcome) == (programme, outcome)):
            value = float(totals[entry.id]) if entry.id in totals.index else float("nan")
            target = float(targets[entry.id]) if entry.id in targets.index else float("nan")
            has_target = target == target
            # Nothing recorded against a target is 0 % of it; no target, no percentage.
            pct = (0.0 if value != value else value) / target * 100 if has_target and target > 0 else float("nan")
            rows.append({"programme": programme, "outcome": outcome, "indicator": entry.id, "label": entry.label,
                         "unit": entry.unit, "value": value, "target": target, "achievement_pct": pct,
                         "target_origin": ds.origin if has_target else None,
                         "target_files": files.get(entry.id, "") if has_target else "",
                         "target_version": ds.version.id if has_target and ds.version else None})
    return pd.DataFrame(rows, columns=OUTPUT_COLUMNS).astype({"target_version": "Int64"})


def _target_files(ds: Dataset) -> dict[str, str]:
    """Per indicator, the names of the targets files (submissions) its target rows in view come from."""
    if ds.version is None or ds.targets.empty or "submission_id" not in ds.targets:
        return {}
    names = {s.id: s.file_name for s in ds.version.submissions if s.kind == KIND_TARGETS}
    return {indicator_id: ", ".join(sorted({names[i] for i in ids if i in names}))
            for indicator_id, ids in ds.targets.groupby("indicator")["submission_id"].unique().items()}
