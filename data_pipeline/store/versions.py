"""The versions API: ``Store`` publishes files as new versions, rolls back, withdraws, and reads a version's
records and monthly cells.

A *version* is a set of submissions; publishing makes a new version holding the previous active
version's submissions plus the new ones and activates it in the same transaction, so records are
never copied and a failure (or a killed process) leaves the previous version active and intact.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data_pipeline.reference.schemas import KIND_ACTIVITIES, KIND_FUNDING, KIND_TARGETS, KINDS
from data_pipeline.store import checkpoints
from data_pipeline.store.cells import CELL_SOURCE_FIELDS, no_cells, summed_cells, table_cells
from data_pipeline.store.encoding import (arrow_table, blob_chunks, blob_table, cells_frame, coerce_frame,
                                          empty_frame, frame_from_chunks, ipc_blob, read_kinds)
from data_pipeline.store.errors import StoreError, without_password
from data_pipeline.store.lockout import SignInLockout
from data_pipeline.store.model import (PublishResult, SubmissionInfo, SubmissionInput, VersionInfo, publish_base,
                                       same_content)
from data_pipeline.store.notes import VersionNote
from data_pipeline.store.parts import RecordParts
from data_pipeline.store.tables import (FIELDS, activity_blobs_table, active_version_table, record_tables,
                                        submission_cells_table, submissions_table, version_cells_table,
                                        version_submissions_table, versions_table)

BLOB_PART_ROWS = 1_000_000
"""Activity rows per blob: bounds the memory of one write (≈ 7 MB of zstd Arrow IPC per part)."""



class Store(SignInLockout):
    """The versioned store at a SQLAlchemy URL (``Store(url)``; see ``Database``); creates its tables when
    they are missing."""

    # -- reading versions ------------------------------------------------------------------------

    @staticmethod
    def _active_id(conn: Connection, *, lock: bool = False) -> int | None:
        query = sa.select(active_version_table.c.version_id).where(active_version_table.c.id == 1)
        if lock:  # PostgreSQL: serialises writers; SQLite's BEGIN IMMEDIATE already did
            query = query.with_for_update()
        return conn.execute(query).scalar()

    @staticmethod
    def _submission_infos(conn: Connection, version_ids: Sequence[int] | None) -> dict[int, list[SubmissionInfo]]:
        s, vs = submissions_table, version_submissions_table
        query = (sa.select(vs.c.version_id, s).join(s, s.c.id == vs.c.submission_id)
                 .order_by(vs.c.version_id, s.c.id))
        if version_ids is not None:
            query = query.where(vs.c.version_id.in_(version_ids))
        by_version: dict[int, list[SubmissionInfo]] = {}
        for row in conn.execute(query).mappings():
            by_version.setdefault(row["version_id"], []).append(_submission_info(row))
        return by_version

    def _version_infos(self, conn: Connection, version_ids: Sequence[int] | None) -> list[VersionInfo]:
        v = versions_table
        query = sa.select(v).order_by(v.c.id.desc())
        if version_ids is not None:
            query = query.where(v.c.id.in_(version_ids))
        active_id = self._active_id(conn)
        submissions = self._submission_infos(conn, version_ids)
        return [
            VersionInfo(id=row["id"], created_at=row["created_at"], created_by=row["created_by"],
                        is_demo=bool(row["is_demo"]), note=VersionNote.from_stored(row["note"]),
                        parent_id=row["parent_id"],
                        active=row["id"] == active_id, submissions=tuple(submissions.get(row["id"], ())))
            for row in conn.execute(query).mappings()
        ]

    def _version_in(self, conn: Connection, version_id: int) -> VersionInfo:
        found = self._version_infos(conn, [version_id])
        if not found:
            recent = conn.execute(sa.select(versions_table.c.id).order_by(versions_table.c.id.desc())
                                  .limit(10)).scalars().all()
            known = (f"recent versions: {', '.join(f'v{i}' for i in recent)}" if recent
                     else "the store has no versions yet (publish a file first)")
            raise StoreError(f"No version {version_id!r} in the store at {without_password(self.url)}; {known}.")
        return found[0]

    def _version_or_active(self, conn: Connection, version_id: int | None) -> VersionInfo | None:
        """Version ``version_id``, or the active one (``None`` if there is none) when ``version_id`` is None."""
        if version_id is not None:
            return self._version_in(conn, version_id)
        active_id = self._active_id(conn)
        return None if active_id is None else self._version_in(conn, active_id)

    def active_version(self) -> VersionInfo | None:
        """The version the dashboard shows, or ``None`` before the first publish."""
        with self._errors("read the active version"), self._read() as conn:
            return self._version_or_active(conn, None)

    def versions(self) -> list[VersionInfo]:
        """Every version, newest first."""
        with self._errors("list the versions"), self._read() as conn:
            return self._version_infos(conn, None)

    def version(self, version_id: int) -> VersionInfo:
        """Version ``version_id``; ``StoreError`` listing recent ids when there is none."""
        with self._errors(f"read version {version_id}"), self._read() as conn:
            return self._version_in(conn, version_id)

    # -- writing versions ------------------------------------------------------------------------

    def _new_version(self, conn: Connection, submission_ids: Sequence[int], *, created_by: str, is_demo: bool,
                     note: VersionNote, parent_id: int | None) -> VersionInfo:
        """Insert a version holding ``submission_ids`` and make it the active one (same transaction)."""
        version_id = conn.execute(versions_table.insert().values(
            created_at=datetime.now(UTC), created_by=created_by, is_demo=is_demo, note=note.stored(),
            parent_id=parent_id)).inserted_primary_key[0]
        if submission_ids:
            conn.execute(version_submissions_table.insert(),
                         [{"version_id": version_id, "submission_id": i} for i in sorted(set(submission_ids))])
        conn.execute(active_version_table.update().where(active_version_table.c.id == 1)
                     .values(version_id=version_id))
        version = self._version_in(conn, version_id)
        self._fill_version_cells(conn, version)
        return version

    # -- monthly cells ---------------------------------------------------------------------------

    def _make_submission_cells(self, conn: Connection, submission_ids: Sequence[int]) -> None:
        """Make (and keep) the cells of those of ``submission_ids`` that have none: submissions stored
        before the cell blobs existed (schema 1 and 2), summed from their records."""
        cells = submission_cells_table
        found = set(conn.execute(sa.select(cells.c.submission_id)
                                 .where(cells.c.submission_id.in_(submission_ids))).scalars())
        for submission_id in submission_ids:
            if submission_id not in found:
                records = self._read_records(conn, KIND_ACTIVITIES, [submission_id])
                self._insert_cells(conn, cells, submission_id, table_cells(arrow_table(CELL_SOURCE_FIELDS, records)))

    @staticmethod
    def _insert_cells(conn: Connection, table: sa.Table, owner_id: int, cells: pa.Table) -> None:
        owner = table.primary_key.columns.values()[0].name
        conn.execute(table.insert().values({owner: owner_id, "row_count": cells.num_rows, "data": ipc_blob(cells)}))

    def _fill_version_cells(self, conn: Connection, version: VersionInfo) -> None:
        """The version's cells: its activities submissions' cells, summed (same transaction)."""
        ids = _activity_submission_ids(version)
        if not ids:
            return
        self._make_submission_cells(conn, ids)
        cells = submission_cells_table
        if len(ids) == 1:  # one submission's cells are already the version's: copied inside the database
            copy = (sa.select(sa.literal(version.id), cells.c.row_count, cells.c.data)
                    .where(cells.c.submission_id == ids[0]))
            conn.execute(version_cells_table.insert().from_select(["version_id", "row_count", "data"], copy))
            return
        blobs = conn.execute(sa.select(cells.c.data).where(cells.c.submission_id.in_(ids))
                             .order_by(cells.c.submission_id)).scalars()
        self._insert_cells(conn, version_cells_table, version.id, summed_cells([blob_table(data) for data in blobs]))

    @staticmethod
    def _version_cells_blob(conn: Connection, version_id: int) -> bytes | None:
        """The version's cells blob, ``None`` when it has none (yet)."""
        cells = version_cells_table
        return conn.execute(sa.select(cells.c.data).where(cells.c.version_id == version_id)).scalar()

    def activity_cells(self, version_id: int | None = None) -> pd.DataFrame:
        """A version's activities summed per monthly cell (the active version when ``None``).

        Columns ``CELL_COLUMNS``: the activity columns with ``date`` the first day of the month,
        ``value`` the cell's sum, ``notes`` empty and ``source_row`` 0, plus ``records``, the number
        of records summed, and ``first_date``/``last_date``, the earliest and latest record's date.
        Every sum by district, indicator, month, quarter, year or the whole period, and by sex, age
        group or disability, equals the same sum over the raw records. Versions made before the
        cell blobs existed get theirs computed (and kept) on first read.
        """
        with self._errors("read the activity cells"):
            with self._read() as conn:
                version = self._version_or_active(conn, version_id)
                data = None if version is None else self._version_cells_blob(conn, version.id)
            if data is None and version is not None and _activity_submission_ids(version):
                with self._write() as conn:
                    data = self._version_cells_blob(conn, version.id)  # another process may have made them
                    if data is None:
                        self._fill_version_cells(conn, version)
                        data = self._version_cells_blob(conn, version.id)
        return cells_frame(no_cells() if data is None else blob_table(data))

    def publish(self, submissions: Sequence[SubmissionInput], *, created_by: str, note: str | VersionNote = "",
                replacing: Sequence[int] = ()) -> PublishResult:
        """Store the files and activate a new version: the active version's submissions plus these.

        A file already in the active version (same SHA-256 and kind) is not stored again and is
        listed in ``duplicates``; when every file is a duplicate no version is made. Demo data
        published over real data (or real over demo) starts a version from empty. All files of
        one call must share ``is_demo``. ``note``: a person's words, or the facts of a note the code
        makes. ``replacing``: ids of active submissions the files replace, left out of the new version
        in the same transaction (a withdraw and a publish in one step).
        """
        submissions = list(submissions)
        if not submissions:
            raise StoreError("Nothing to publish: give at least one file.")
        for item in submissions:
            if item.kind not in KINDS:
                raise StoreError(f"{item.file_name!r} has kind {item.kind!r}; kinds are {', '.join(KINDS)}.")
            if not item.sha256:
                raise StoreError(f"{item.file_name!r} has no SHA-256; compute it from the file's bytes.")
        demo_flags = {bool(item.is_demo) for item in submissions}
        if len(demo_flags) > 1:
            demo = ", ".join(i.file_name for i in submissions if i.is_demo)
            real = ", ".join(i.file_name for i in submissions if not i.is_demo)
            raise StoreError(f"Demo files ({demo}) and real files ({real}) cannot be published together: "
                             "demo and real data never share a version. Publish them separately.")
        is_demo = demo_flags.pop()
        frames = [coerce_frame(item) for item in submissions]
        note = VersionNote.written(note) if isinstance(note, str) else note

        with self._errors("publish"), self._write() as conn:
            active_id = self._active_id(conn, lock=True)
            base = list(publish_base(None if active_id is None else self._version_in(conn, active_id), is_demo))
            unknown = set(replacing) - {s.id for s in base}
            if unknown:
                raise StoreError(f"Submission(s) {', '.join(map(str, sorted(unknown)))} to replace are not in the "
                                 f"active version v{active_id} (it may have changed meanwhile); reload and try again.")
            base = [s for s in base if s.id not in set(replacing)]
            added: list[SubmissionInfo] = []
            duplicates: list[str] = []
            for item, frame in zip(submissions, frames):
                if same_content(base + added, item) is not None:
                    duplicates.append(item.file_name)
                    continue
                added.append(self._insert_submission(conn, item, frame))
            if not added and not replacing:
                return PublishResult(version=None, added=(), duplicates=tuple(duplicates))
            version = self._new_version(conn, [s.id for s in base + added], created_by=created_by,
                                        is_demo=is_demo, note=note, parent_id=active_id)
            return PublishResult(version=version, added=tuple(added), duplicates=tuple(duplicates))

    def _insert_submission(self, conn: Connection, item: SubmissionInput, frame: pd.DataFrame) -> SubmissionInfo:
        uploaded_at = datetime.now(UTC)
        values = dict(file_name=item.file_name, sha256=item.sha256, kind=item.kind, is_demo=bool(item.is_demo),
                      uploaded_by=item.uploaded_by, uploaded_at=uploaded_at, row_count=item.row_count)
        submission_id = conn.execute(submissions_table.insert().values(**values)).inserted_primary_key[0]
        if item.parts is not None:
            self._insert_parts(conn, item.parts, submission_id)
        else:
            self._insert_rows(conn, item.kind, frame, submission_id)
        return SubmissionInfo(id=submission_id, **values)

    def _insert_rows(self, conn: Connection, kind: str, frame: pd.DataFrame, submission_id: int) -> None:
        if kind != KIND_ACTIVITIES:
            self._insert_frame(conn, record_tables[kind], FIELDS[kind], frame, "submission_id", submission_id,
                               progress=True)
            return
        table = arrow_table(FIELDS[kind], frame)
        chunks = [table.slice(start, BLOB_PART_ROWS) for start in range(0, len(frame), BLOB_PART_ROWS)]
        # The parts are compressed in a second thread while this one sums the cells (both let go of the GIL).
        with ThreadPoolExecutor(max_workers=1) as pool:
            blobs = pool.map(ipc_blob, chunks)
            cells = table_cells(table)
            for part, (chunk, data) in enumerate(zip(chunks, blobs)):
                conn.execute(activity_blobs_table.insert().values(
                    submission_id=submission_id, part=part, row_count=chunk.num_rows, data=data))
                checkpoints.reached("rows written")
        self._insert_cells(conn, submission_cells_table, submission_id, cells)

    def _insert_parts(self, conn: Connection, parts: RecordParts, submission_id: int) -> None:
        """An activities file's records and cells as ``RecordParts`` made them, a part at a time."""
        for part, (rows, data) in enumerate(parts.parts()):
            conn.execute(activity_blobs_table.insert().values(
                submission_id=submission_id, part=part, row_count=rows, data=data))
            checkpoints.reached("rows written")
        self._insert_cells(conn, submission_cells_table, submission_id, parts.cells())

    def rollback(self, version_id: int, *, created_by: str) -> VersionInfo:
        """Make a new active version with the submissions of version ``version_id`` (history stays)."""
        with self._errors(f"roll back to version {version_id}"), self._write() as conn:
            active_id = self._active_id(conn, lock=True)
            target = self._version_in(conn, version_id)
            if version_id == active_id:
                raise StoreError(f"Version v{version_id} is already the active version; nothing to roll back.")
            return self._new_version(conn, [s.id for s in target.submissions], created_by=created_by,
                                     is_demo=target.is_demo, note=VersionNote.rollback(version_id),
                                     parent_id=active_id)

    def withdraw(self, submission_id: int, *, created_by: str) -> VersionInfo:
        """Make a new active version without submission ``submission_id`` (its rows stay in history)."""
        with self._errors(f"withdraw submission {submission_id}"), self._write() as conn:
            active_id = self._active_id(conn, lock=True)
            if active_id is None:
                raise StoreError("Nothing to withdraw: the store has no active version yet.")
            active = self._version_in(conn, active_id)
            kept = [s for s in active.submissions if s.id != submission_id]
            if len(kept) == len(active.submissions):
                listed = "; ".join(f"{s.id} ({s.file_name})" for s in active.submissions) or "none"
                raise StoreError(f"Submission {submission_id!r} is not in the active version v{active_id}; "
                                 f"its submissions are: {listed}.")
            withdrawn = next(s for s in active.submissions if s.id == submission_id)
            return self._new_version(conn, [s.id for s in kept], created_by=created_by, is_demo=active.is_demo,
                                     note=VersionNote.withdraw(submission_id, withdrawn.file_name),
                                     parent_id=active_id)

    # -- reading rows ----------------------------------------------------------------------------

    def _records(self, kind: str, version_id: int | None) -> pd.DataFrame:
        with self._errors(f"read {kind}"), self._read() as conn:
            if version_id is None:
                version_id = self._active_id(conn)
                if version_id is None:
                    return empty_frame(kind)
            elif conn.execute(sa.select(versions_table.c.id).where(versions_table.c.id == version_id)).first() \
                    is None:
                self._version_in(conn, version_id)  # raises, listing the recent versions
            vs = version_submissions_table
            ids = conn.execute(sa.select(vs.c.submission_id).where(vs.c.version_id == int(version_id))
                               .order_by(vs.c.submission_id)).scalars().all()
            return self._read_records(conn, kind, ids)

    def _read_records(self, conn: Connection, kind: str, submission_ids: Sequence[int]) -> pd.DataFrame:
        """The records of ``submission_ids`` (``kind``'s columns and ``submission_id``), by submission."""
        if not submission_ids:
            return empty_frame(kind)
        table = record_tables[kind]
        query = (sa.select(*(table.c[f.name] for f in FIELDS[kind]), table.c.submission_id)
                 .where(table.c.submission_id.in_(submission_ids))
                 .order_by(table.c.submission_id, table.c.id))
        chunks = self._fetch_chunks(conn, query, read_kinds(kind))
        has_rows, has_blobs = bool(chunks[0]), False
        if kind == KIND_ACTIVITIES:
            blobs = activity_blobs_table
            parts = conn.execute(sa.select(blobs.c.submission_id, blobs.c.row_count, blobs.c.data)
                                 .where(blobs.c.submission_id.in_(submission_ids))
                                 .order_by(blobs.c.submission_id, blobs.c.part))
            for submission_id, rows, data in parts:
                has_blobs = True
                for column, chunk in zip(chunks, blob_chunks(FIELDS[kind], data)):
                    column.append(chunk)
                chunks[-1].append(np.full(rows, submission_id, dtype=np.int64))
        if not chunks[0]:
            return empty_frame(kind)
        frame = frame_from_chunks(kind, chunks)
        if has_rows and has_blobs:  # a version with rows stored before schema 3 and blobs after
            frame = frame.sort_values("submission_id", kind="stable", ignore_index=True)
        return frame

    def activities(self, version_id: int | None = None) -> pd.DataFrame:
        """Activity rows of a version (the active one when ``None``): ``ACTIVITY_COLUMNS + submission_id``."""
        return self._records(KIND_ACTIVITIES, version_id)

    def targets(self, version_id: int | None = None) -> pd.DataFrame:
        """Target rows of a version (the active one when ``None``): ``TARGET_COLUMNS + submission_id``."""
        return self._records(KIND_TARGETS, version_id)

    def funding(self, version_id: int | None = None) -> pd.DataFrame:
        """Funding rows of a version (the active one when ``None``): ``FUNDING_COLUMNS + submission_id``."""
        return self._records(KIND_FUNDING, version_id)


def _submission_info(row) -> SubmissionInfo:
    return SubmissionInfo(id=row["id"], file_name=row["file_name"], sha256=row["sha256"], kind=row["kind"],
                          is_demo=bool(row["is_demo"]), uploaded_by=row["uploaded_by"],
                          uploaded_at=row["uploaded_at"], row_count=row["row_count"])


def _activity_submission_ids(version: VersionInfo) -> list[int]:
    """Ids of the version's activities submissions that have records, in order."""
    return sorted(s.id for s in version.submissions if s.kind == KIND_ACTIVITIES and s.row_count)
