"""Versions in words: a version's note, its files, its change in the totals, and the history table,
in a language (the CLI's ``versions`` and the Data versions page show them).

The store keeps notes as facts (``data_pipeline.store.notes``); this module is also the reader of the
English sentences older code stored as notes, which it recognises and translates like new ones.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from data_pipeline.analysis.history import VersionChange, short_hash
from data_pipeline.presentation.i18n import format_number, translator
from data_pipeline.reference.messages import DEFAULT_LANGUAGE, mark as _
from data_pipeline.store import NOTE_DEMO, NOTE_ROLLBACK, NOTE_TEXT, NOTE_WITHDRAW, SubmissionInfo, VersionNote

HISTORY_COLUMNS = ["version", "active", "created_at", "created_by", "data", "note", "files", "sha256", "rows",
                   "changes"]

# How each kind of note the code makes reads (these were also the sentences older code stored).
NOTE_TEMPLATES = {
    NOTE_ROLLBACK: _("rollback to v{version}"),
    NOTE_WITHDRAW: _("withdraw submission {submission} ({file})"),
    NOTE_DEMO: _("demo data (seed {seed}), generated {date}"),
}
_TEMPLATE_FIELDS = {NOTE_ROLLBACK: ("version",), NOTE_WITHDRAW: ("submission", "file"), NOTE_DEMO: ("seed", "date")}

# How each field looks in an older note, to recognise it; other notes are people's.
_LEGACY_FIELDS = {"version": r"\d+", "submission": r"\d+", "file": r".*", "seed": r"\d+",
                  "date": r"\d{4}-\d{2}-\d{2}"}


def _legacy_pattern(template: str) -> re.Pattern[str]:
    """``template``'s words as they are, each ``{field}`` as ``_LEGACY_FIELDS[field]``."""
    return re.compile(re.sub(r"\\\{(\w+)\\\}", lambda m: f"(?P<{m[1]}>{_LEGACY_FIELDS[m[1]]})",
                             re.escape(template)))


_LEGACY_NOTES = [(_legacy_pattern(template), template) for template in NOTE_TEMPLATES.values()]


def note_text(note: VersionNote, lang: str = DEFAULT_LANGUAGE) -> str:
    """A version's note in ``lang``: the code's notes in words, a person's as they wrote it (an English
    sentence stored by older code is recognised and translated too)."""
    if note.kind in NOTE_TEMPLATES:
        fields = {name: getattr(note, name) for name in _TEMPLATE_FIELDS[note.kind]}
        return translator(lang)(NOTE_TEMPLATES[note.kind]).format(**fields)
    text = note.text if note.kind == NOTE_TEXT else ""
    for pattern, template in _LEGACY_NOTES:
        if found := pattern.fullmatch(text):
            return translator(lang)(template).format(**found.groupdict())
    return text


def describe_change(change: pd.DataFrame, limit: int = 6, lang: str = DEFAULT_LANGUAGE) -> str:
    """``"Grants awarded +12; Jobs created −3"`` (the first ``limit`` indicators), or ``"no change"``, in ``lang``."""
    _ = translator(lang)
    if change.empty:
        return _("no change in the totals")
    parts = [f"{_(row.label)} {'+' if row.change > 0 else '−'}{format_number(abs(row.change), lang, 0)}"
             for row in change.head(limit).itertuples()]
    more = len(change) - limit
    return "; ".join(parts) + ("; " + _("… {count} more").format(count=more) if more > 0 else "")


def files_label(submissions: Sequence[SubmissionInfo], lang: str = DEFAULT_LANGUAGE) -> str:
    _ = translator(lang)
    return "; ".join(f"{s.file_name} ({_(s.kind)})" for s in submissions) or _("(no files)")


def history_table(history: Sequence[VersionChange], lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """The version history (``analysis.history.version_history``) as a table in ``lang``, columns
    ``HISTORY_COLUMNS``."""
    _ = translator(lang)
    rows = [{
        "version": entry.version.id,
        "active": _("active") if entry.version.active else "",
        "created_at": f"{entry.version.created_at:%Y-%m-%d %H:%M}",
        "created_by": entry.version.created_by,
        "data": _("demo") if entry.version.is_demo else _("real"),
        "note": note_text(entry.version.note, lang),
        "files": files_label(entry.version.submissions, lang),
        "sha256": "; ".join(short_hash(s.sha256) for s in entry.version.submissions),
        "rows": entry.version.row_count,
        "changes": describe_change(entry.change, lang=lang),
    } for entry in history]
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS)
