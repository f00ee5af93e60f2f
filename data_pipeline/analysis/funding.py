"""Funding per plan, objective and component: required against received, and beneficiaries."""

from __future__ import annotations

from datetime import date

import pandas as pd

from data_pipeline.analysis.aggregate import programme_totals
from data_pipeline.analysis.dataset import Filters
from data_pipeline.reference.messages import mark as _
from data_pipeline.reference.published import published_figure
from data_pipeline.reference.registry import FUNDING_LINES, FUNDING_OBJECTIVES, PROGRAMME_PERIODS
from geo.gazetteer import PROGRAMME_DISTRICTS

COLUMNS = ["plan", "objective", "component", "level", "required", "received", "coverage_pct", "gap",
           "target_beneficiaries", "beneficiaries_reached", "cost_per_beneficiary_planned",
           "cost_per_beneficiary", "required_source"]


def _received(funding: pd.DataFrame, plan: str, objective: str, component: str | None) -> float:
    if funding.empty:
        return float("nan")
    rows = funding[(funding["plan"] == plan) & (funding["objective"] == objective)]
    if component is not None:
        rows = rows[rows["component"] == component]
    return float(rows["received"].sum()) if not rows.empty else float("nan")


def scope_difference(filters: Filters, plan: str) -> str | None:
    """Why the funding of ``plan`` and the beneficiaries reached under ``filters`` cover different
    scopes (an English msgid), or None when they cover the same one.

    Funding is recorded per plan, objective and component, for the plan's whole period: divided by
    the people reached in some districts or years, it would give a cost per person of nothing real.
    """
    if len(filters.district_codes()) < len(PROGRAMME_DISTRICTS):
        return _("Cost per person reached is not shown under a district or region filter: funding is recorded "
                 "per objective for all districts, while the people reached are those of the districts in view.")
    first, last = PROGRAMME_PERIODS.get(plan, (None, None))
    if first is not None and ((filters.date_from and filters.date_from > date(first, 1, 1))
                              or (filters.date_to and filters.date_to < date(last, 12, 31))):
        return _("Cost per person reached is not shown under this year filter: funding is recorded for the "
                 "plan's whole period, while the people reached are those of the years in view.")
    return None


def funding_summary(funding: pd.DataFrame, activities: pd.DataFrame, filters: Filters = Filters()) -> pd.DataFrame:
    """Component, objective and plan rows with required (published), received (recorded),
    coverage %, gap, target beneficiaries (published), beneficiaries reached (recorded, under
    ``filters``) and cost per beneficiary, planned (required ÷ targeted) and actual (received ÷
    reached) where both exist and cover the same scope (``scope_difference``)."""
    reached = programme_totals(activities).set_index("indicator")["value"]
    rows = []
    for line in FUNDING_LINES + FUNDING_OBJECTIVES:
        figure = published_figure(line.required_published_id)
        target = (published_figure(line.beneficiaries_published_id).value
                  if line.beneficiaries_published_id else float("nan"))
        done = (float(reached[line.beneficiaries_indicator])
                if line.beneficiaries_indicator in reached.index else float("nan"))
        rows.append({"plan": line.plan, "objective": line.objective, "component": line.component,
                     "level": "component" if line.component else "objective",
                     "required": figure.value, "received": _received(funding, line.plan, line.objective, line.component),
                     "target_beneficiaries": target, "beneficiaries_reached": done,
                     "required_source": figure.citation})
    plan_figure = published_figure("crp2020_funding_required")
    plan_target = published_figure("crp2020_target_beneficiaries")
    rows.append({"plan": FUNDING_LINES[0].plan, "objective": None, "component": None, "level": "plan",
                 "required": plan_figure.value,
                 "received": float(funding["received"].sum()) if not funding.empty else float("nan"),
                 "target_beneficiaries": plan_target.value, "beneficiaries_reached": float("nan"),
                 "required_source": plan_figure.citation})
    out = pd.DataFrame(rows)
    out["coverage_pct"] = out["received"] / out["required"] * 100
    out["gap"] = out["required"] - out["received"]
    out["cost_per_beneficiary_planned"] = out["required"] / out["target_beneficiaries"]
    out["cost_per_beneficiary"] = (out["received"] / out["beneficiaries_reached"]).where(
        out["beneficiaries_reached"] > 0)  # nobody reached: no cost per person, not infinity
    different = out["plan"].map(lambda plan: scope_difference(filters, plan) is not None).astype(bool)
    out.loc[different, "cost_per_beneficiary"] = float("nan")
    return out[COLUMNS]
