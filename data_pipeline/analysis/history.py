"""The store's version history as people read it: who changed what, when, and what it did to the totals.

Each version is compared with its *parent* (the version that was active when it was made), so a
rollback or a withdrawal shows exactly what it changed on the dashboard.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pandas as pd

from data_pipeline.analysis.aggregate import programme_totals
from data_pipeline.analysis.demo import DEMO_VERSION_NOTE
from data_pipeline.presentation.i18n import DEFAULT_LANGUAGE, format_number, translator
from data_pipeline.reference.registry import indicator
from data_pipeline.store import ROLLBACK_NOTE, WITHDRAW_NOTE, Store, SubmissionInfo, VersionInfo

HISTORY_COLUMNS = ["version", "active", "created_at", "created_by", "data", "note", "files", "sha256", "rows",
                   "changes"]
CHANGE_COLUMNS = ["indicator", "label", "previous", "current", "change"]
SHORT_HASH = 12


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


def describe_change(change: pd.DataFrame, limit: int = 6, lang: str = DEFAULT_LANGUAGE) -> str:
    """``"Grants awarded +12; Jobs created −3"`` (the first ``limit`` indicators), or ``"no change"``, in ``lang``."""
    _ = translator(lang)
    if change.empty:
        return _("no change in the totals")
    parts = [f"{_(row.label)} {'+' if row.change > 0 else '−'}{format_number(abs(row.change), lang, 0)}"
             for row in change.head(limit).itertuples()]
    more = len(change) - limit
    return "; ".join(parts) + ("; " + _("… {count} more").format(count=more) if more > 0 else "")


# How each field of the notes the code writes (store, demo) looks, to recognise the notes; other notes are people's.
_NOTE_FIELDS = {"version": r"\d+", "submission": r"\d+", "file": r".*", "seed": r"\d+",
                "date": r"\d{4}-\d{2}-\d{2}"}


def _note_pattern(template: str) -> re.Pattern[str]:
    """``template``'s words as they are, each ``{field}`` as ``_NOTE_FIELDS[field]``."""
    return re.compile(re.sub(r"\\\{(\w+)\\\}", lambda m: f"(?P<{m[1]}>{_NOTE_FIELDS[m[1]]})", re.escape(template)))


_STORE_NOTES = [(_note_pattern(template), template)
                for template in (ROLLBACK_NOTE, WITHDRAW_NOTE, DEMO_VERSION_NOTE)]


def note_text(note: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A version's note in ``lang``: the store's own notes translated, anyone else's as they wrote it."""
    for pattern, template in _STORE_NOTES:
        if found := pattern.fullmatch(note or ""):
            return translator(lang)(template).format(**found.groupdict())
    return note


def short_hash(sha256: str) -> str:
    return sha256[:SHORT_HASH]


def files_label(submissions: Sequence[SubmissionInfo], lang: str = DEFAULT_LANGUAGE) -> str:
    _ = translator(lang)
    return "; ".join(f"{s.file_name} ({_(s.kind)})" for s in submissions) or _("(no files)")


def version_history(store_url: str, limit: int | None = None, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """The newest ``limit`` versions (all when ``None``), newest first, columns ``HISTORY_COLUMNS``, in ``lang``.

    ``changes`` compares each version's programme totals with its parent's.
    """
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

        rows = [_history_row(v, describe_change(totals_change(totals_of(v.parent_id), totals_of(v.id)), lang=lang),
                             lang) for v in shown]
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS)


def _history_row(version: VersionInfo, changes: str, lang: str) -> Mapping[str, object]:
    _ = translator(lang)
    return {
        "version": version.id,
        "active": _("active") if version.active else "",
        "created_at": f"{version.created_at:%Y-%m-%d %H:%M}",
        "created_by": version.created_by,
        "data": _("demo") if version.is_demo else _("real"),
        "note": note_text(version.note, lang),
        "files": files_label(version.submissions, lang),
        "sha256": "; ".join(short_hash(s.sha256) for s in version.submissions),
        "rows": version.row_count,
        "changes": changes,
    }
