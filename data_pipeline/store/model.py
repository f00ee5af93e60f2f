"""What the store takes and gives: a file's rows to publish, stored submissions, versions, a publish's outcome."""

from __future__ import annotations

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

