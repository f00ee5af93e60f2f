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

import numpy as np
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

    Records are compared by one int64 key each (``_RecordKeys``); a file given as ``RecordParts`` is read a
    part at a time, and only when there is something to compare it with: one file published into a store
    without activities costs nothing here.
    """
    active = store.active_version()
    files = check_files(active, submissions)
    kept = [s for s in publish_base(active, any(s.is_demo for s in submissions)) if s.id not in set(replacing)]
    new = [s for s in submissions if s.kind == KIND_ACTIVITIES and same_content(kept, s) is None]
    if not new:
        return PublishPlan(files, pd.DataFrame(columns=REPEATED_COLUMNS), 0)
    keys = _RecordKeys()
    earlier = _Earlier()
    kept_ids = [s.id for s in kept if s.kind == KIND_ACTIVITIES]
    if kept_ids:
        records = store.activities(active.id)
        records = records[records["submission_id"].isin(kept_ids)]
        names = {s.id: s.file_name for s in kept}
        earlier.add(keys.pack(records), records["submission_id"].map(names).to_numpy(dtype=object))
    found, count = [], 0
    for position, item in enumerate(new):
        last = position == len(new) - 1
        if last and not len(earlier.keys):
            break  # nothing to compare with, and no file after it
        item_keys = []
        for chunk in _chunks(item):
            packed = keys.pack(chunk)
            hits, owners = earlier.find(packed)
            count += len(hits)
            if len(hits):
                found.append(_examples(chunk, hits, owners, item.file_name))
            if not last:
                item_keys.append(np.unique(packed))
        if not last:
            packed = np.unique(np.concatenate(item_keys)) if item_keys else np.zeros(0, dtype=np.int64)
            earlier.add(packed, np.full(len(packed), item.file_name, dtype=object))
    if not found:
        return PublishPlan(files, pd.DataFrame(columns=REPEATED_COLUMNS), count)
    repeated = pd.concat(found, ignore_index=True)
    return PublishPlan(files, repeated.head(EXAMPLES)[REPEATED_COLUMNS].reset_index(drop=True), count)


def _chunks(item: SubmissionInput):
    """The file's records: its frame, or its parts one at a time."""
    if item.parts is not None:
        yield from item.parts.frames()
    else:
        yield item.frame


def _examples(chunk: pd.DataFrame, hits: np.ndarray, owners: np.ndarray, file_name: str) -> pd.DataFrame:
    """The first ``EXAMPLES`` repeated records of ``chunk`` (rows ``hits``), by row."""
    rows = chunk["source_row"].to_numpy()[hits]
    order = np.argsort(rows, kind="stable")[:EXAMPLES]
    picked = chunk.iloc[hits[order]]
    out = _keys(picked).assign(file=file_name, row=rows[order], value=picked["value"].to_numpy(),
                               repeats=owners[order])
    return out[REPEATED_COLUMNS]


class _Earlier:
    """The keys of the records already held (sorted, distinct) and the file that holds each first."""

    def __init__(self):
        self.keys = np.zeros(0, dtype=np.int64)
        self.owners = np.zeros(0, dtype=object)

    def add(self, keys: np.ndarray, owners: np.ndarray) -> None:
        """More records' keys; a key held already keeps its first file."""
        keys = np.concatenate([self.keys, keys])
        owners = np.concatenate([self.owners, owners])
        self.keys, first = np.unique(keys, return_index=True)  # the first of equal keys: the earliest
        self.owners = owners[first]

    def find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions of ``keys`` held already, and the file that holds each."""
        if not len(self.keys):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object)
        at = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        hits = np.flatnonzero(self.keys[at] == keys)
        return hits, self.owners[at[hits]]


_KEY_BITS = {"district_code": 9, "indicator": 9, "sex": 7, "age_group": 7, "disability": 7}
"""Bits of each text field in a record key; the day takes the other 24 (2²³ days either side of 1970)."""


class _RecordKeys:
    """``RECORD_KEY`` of every record as one int64: the day and a number per distinct text (missing is "")."""

    def __init__(self):
        self._numbers = {column: {"": 0} for column in _KEY_BITS}

    def pack(self, frame: pd.DataFrame) -> np.ndarray:
        days = pd.to_datetime(frame["date"]).to_numpy().astype("datetime64[D]").astype(np.int64)
        key = days + (1 << 23)
        for column, bits in _KEY_BITS.items():
            series = frame[column]
            if isinstance(series.dtype, pd.CategoricalDtype):
                codes, uniques = series.cat.codes.to_numpy(), list(series.cat.categories)
            else:
                codes, uniques = pd.factorize(series, use_na_sentinel=True)
            numbers = self._numbers[column]
            lookup = np.array([numbers.setdefault(value if isinstance(value, str) else str(value), len(numbers))
                               for value in uniques] + [0], dtype=np.int64)  # code -1 (missing): ""
            if len(numbers) > 1 << bits:
                raise ValueError(f"more than {1 << bits} distinct values of {column} to compare")
            key = (key << bits) | lookup[codes]
        return key


def _keys(frame: pd.DataFrame) -> pd.DataFrame:
    """The record key of every row, comparable across files: the day, codes, and breakdowns as text."""
    keys = pd.DataFrame({"date": pd.to_datetime(frame["date"]).dt.normalize().to_numpy()})
    for column in RECORD_KEY[1:]:
        keys[column] = frame[column].astype(object).where(frame[column].notna(), "").to_numpy()
    return keys
