"""What publishing some checked files would do to the active version, before anything is stored: the
publish rules in one place, used by the CLI's ``ingest`` and the Upload page before ``Store.publish``.

``check_files`` says, per file, what the active version already holds of it: the same content (not
stored again, not counted twice: ``Store.publish`` applies the same rule, ``store.same_content``) or
a file of the same name with other content (a corrected file, or another office's: both are counted
unless the earlier one is replaced). ``plan_publish`` adds the activity records that repeat records
already in the active version (same date, district, indicator and breakdown) or in another of the
files, which a file under a new name would otherwise add a second time without a word. The editor
decides: the CLI refuses unless ``--allow-repeated`` is given and warns of a same-named file, the
Upload page asks for an explicit confirmation and whether to replace the earlier file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from data_pipeline.reference.schemas import KIND_ACTIVITIES
from data_pipeline.store import (Store, SubmissionInfo, SubmissionInput, VersionInfo, publish_base,
                                 same_content)

RECORD_KEY = ["date", "district_code", "indicator", "sex", "age_group", "disability"]
"""What makes two activity records the same record: date, district, indicator and breakdown."""
REPEATED_COLUMNS = ["file", "row", *RECORD_KEY, "value", "repeats"]
EXAMPLES = 20
"""How many repeated records a plan lists one by one (the count covers them all)."""


@dataclass(frozen=True)
class FileCheck:
    """What the active version already holds of one file to publish."""

    file_name: str
    sha256: str
    duplicate: SubmissionInfo | None
    """The active version's submission with the same content: the file is not stored again."""
    same_name: tuple[SubmissionInfo, ...]
    """Active submissions of the same name and other content (oldest first): both are counted unless replaced."""


def check_files(active: VersionInfo | None, submissions: Sequence[SubmissionInput]) -> tuple[FileCheck, ...]:
    """Each file's ``FileCheck`` against the ``active`` version (none when it holds the other kind of data)."""
    held = publish_base(active, any(s.is_demo for s in submissions))
    return tuple(FileCheck(item.file_name, item.sha256, same_content(held, item),
                           tuple(s for s in held if s.file_name == item.file_name and s.sha256 != item.sha256))
                 for item in submissions)


@dataclass(frozen=True)
class PublishPlan:
    """What the active version holds of the files (``files``, one ``FileCheck`` each, in order) and the
    repeated activity records among them.

    ``repeated``: the first ``EXAMPLES`` of them, columns ``REPEATED_COLUMNS`` (``repeats``: the
    name of the file that holds the record already, in the active version or among these files;
    a missing breakdown is ``""``); ``repeated_count``: all of them.
    """

    files: tuple[FileCheck, ...]
    repeated: pd.DataFrame
    repeated_count: int


def plan_publish(store: Store, submissions: Sequence[SubmissionInput], replacing: Sequence[int] = ()) -> PublishPlan:
    """The plan for publishing ``submissions`` over the store's active version, without ``replacing``.

    Files already in the active version (same content) and demo data are left out of the repeated records,
    as ``Store.publish`` leaves them out; so is the active version when it is demo (real data starts from empty).
    """
    active = store.active_version()
    files = check_files(active, submissions)
    kept = [s for s in publish_base(active, any(s.is_demo for s in submissions)) if s.id not in set(replacing)]
    new = [s for s in submissions if s.kind == KIND_ACTIVITIES and same_content(kept, s) is None]
    if not new:
        return PublishPlan(files, pd.DataFrame(columns=REPEATED_COLUMNS), 0)
    earlier = pd.DataFrame(columns=RECORD_KEY + ["repeats"])
    kept_ids = [s.id for s in kept if s.kind == KIND_ACTIVITIES]
    if kept_ids:
        records = store.activities(active.id)
        records = records[records["submission_id"].isin(kept_ids)]
        names = {s.id: s.file_name for s in kept}
        earlier = _keys(records).assign(repeats=records["submission_id"].map(names).to_numpy())
    found, count = [], 0
    for item in new:
        keys = _keys(item.frame).assign(file=item.file_name, row=item.frame["source_row"].to_numpy(),
                                        value=item.frame["value"].to_numpy())
        matched = keys.merge(earlier.drop_duplicates(RECORD_KEY), on=RECORD_KEY, how="inner")
        count += len(matched)
        found.append(matched.sort_values("row").head(EXAMPLES))
        earlier = pd.concat([earlier, keys[RECORD_KEY].assign(repeats=item.file_name)], ignore_index=True)
    return PublishPlan(files, pd.concat(found, ignore_index=True).head(EXAMPLES)[REPEATED_COLUMNS], count)


def _keys(frame: pd.DataFrame) -> pd.DataFrame:
    """The record key of every row, comparable across files: the day, codes, and breakdowns as text."""
    keys = pd.DataFrame({"date": pd.to_datetime(frame["date"]).dt.normalize().to_numpy()})
    for column in RECORD_KEY[1:]:
        keys[column] = frame[column].astype(object).where(frame[column].notna(), "").to_numpy()
    return keys
