"""What the store takes and gives: a file's rows to publish, stored submissions, versions, a publish's outcome."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from data_pipeline.store.notes import VersionNote


@dataclass(frozen=True)
class SubmissionInput:
    """One file's canonical rows to publish (``frame`` has the columns of ``schemas.COLUMNS[kind]``)."""

    file_name: str
    sha256: str
    kind: str
    frame: pd.DataFrame
    is_demo: bool
    uploaded_by: str = "cli"
    parts: "parts.RecordParts | None" = None  # noqa: F821 (not imported: parts imports this module)
    """An activities file's records made ready batch by batch (``parts.RecordParts``), stored instead of
    ``frame`` (then empty)."""

    @property
    def row_count(self) -> int:
        return self.parts.row_count if self.parts is not None else len(self.frame)


@dataclass(frozen=True)
class SubmissionInfo:
    """A stored submission: where its rows came from."""

    id: int
    file_name: str
    sha256: str
    kind: str
    is_demo: bool
    uploaded_by: str
    uploaded_at: datetime
    row_count: int


@dataclass(frozen=True)
class VersionInfo:
    """A version: the set of submissions the dashboard shows when it is active."""

    id: int
    created_at: datetime
    created_by: str
    is_demo: bool
    note: VersionNote
    parent_id: int | None
    """The version that was active when this one was made (``None`` for the first)."""
    active: bool
    submissions: tuple[SubmissionInfo, ...]

    @property
    def row_count(self) -> int:
        """Rows in all of the version's submissions."""
        return sum(s.row_count for s in self.submissions)

    @property
    def file_names(self) -> tuple[str, ...]:
        """File names of the version's submissions, oldest submission first."""
        return tuple(s.file_name for s in self.submissions)


@dataclass(frozen=True)
class PublishResult:
    """What a publish did: the new active version (``None`` when every file was already in the
    active version, so no version was made), the submissions added, and the duplicates' file names."""

    version: VersionInfo | None
    added: tuple[SubmissionInfo, ...]
    duplicates: tuple[str, ...]



def publish_base(active: VersionInfo | None, is_demo: bool) -> tuple[SubmissionInfo, ...]:
    """The submissions a publish of ``is_demo`` data builds on: the active version's, or none when there is
    none or it holds the other kind of data (demo and real data never share a version)."""
    return () if active is None or active.is_demo != bool(is_demo) else active.submissions


def same_content(held: Iterable[SubmissionInfo], item: SubmissionInput) -> SubmissionInfo | None:
    """The submission among ``held`` with ``item``'s content (same SHA-256 and kind): publishing ``item``
    would not store it again."""
    return next((s for s in held if (s.sha256, s.kind) == (item.sha256, item.kind)), None)
