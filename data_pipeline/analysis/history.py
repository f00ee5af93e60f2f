"""The store's version history as facts: each version, and what it did to the programme totals.

Each version is compared with its *parent* (the version that was active when it was made), so a
rollback or a withdrawal shows exactly what it changed on the dashboard. The words (in a language)
are made by ``data_pipeline.presentation.versions``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from data_pipeline.analysis.aggregate import programme_totals
from data_pipeline.reference.registry import indicator
from data_pipeline.store import Store, VersionInfo

CHANGE_COLUMNS = ["indicator", "label", "previous", "current", "change"]
SHORT_HASH = 12


@dataclass(frozen=True)
class VersionChange:
    """A version and the change in programme totals from its parent's (``CHANGE_COLUMNS``, only the
    indicators whose total differs; ``label``: the registry's English label)."""

    version: VersionInfo
    change: pd.DataFrame


def totals(activities: pd.DataFrame) -> pd.Series:
    """Programme total per indicator id (whole period, all districts) of activity records or cells."""
    table = programme_totals(activities)
    return table.set_index("indicator")["value"] if not table.empty else pd.Series(dtype=float)


def version_totals(store: Store, version_id: int) -> pd.Series:
    """Programme total per indicator of one version (read from its monthly cells)."""
    return totals(store.activity_cells(version_id))


def totals_change(previous: pd.Series, current: pd.Series) -> pd.DataFrame:
    """The indicators whose total differs, with both totals: ``indicator, label, previous, current, change``."""
    both = pd.concat([previous.rename("previous"), current.rename("current")], axis=1).fillna(0.0)
    both["change"] = both["current"] - both["previous"]
    both = both[both["change"] != 0].reset_index(names="indicator")
    both["label"] = both["indicator"].map(lambda i: indicator(i).label)
    return both[CHANGE_COLUMNS].reset_index(drop=True)


def short_hash(sha256: str) -> str:
    """The start of a SHA-256 (``SHORT_HASH`` characters), enough to tell files apart."""
    return sha256[:SHORT_HASH]


def version_history(store_url: str, limit: int | None = None) -> list[VersionChange]:
    """The newest ``limit`` versions (all when ``None``), newest first, each with its change in the totals."""
    with Store(store_url) as store:
        versions = store.versions()
        shown = versions if limit is None else versions[:limit]
        known: dict[int, pd.Series] = {}

        def totals_of(version_id: int | None) -> pd.Series:
            if version_id is None:
                return pd.Series(dtype=float)
            if version_id not in known:
                known[version_id] = version_totals(store, version_id)
            return known[version_id]

        return [VersionChange(v, totals_change(totals_of(v.parent_id), totals_of(v.id))) for v in shown]
