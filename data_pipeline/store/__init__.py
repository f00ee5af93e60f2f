"""The versioned data store (layer 2): uploaded submissions, versions as sets of submissions, one active version.

A *submission* is one uploaded file's canonical rows (activities, targets or funding) plus its
provenance (file name, SHA-256, who, when). A *version* is a set of submissions; publishing makes a
new version holding the previous active version's submissions plus the new ones and activates it in
the same transaction, so records are never copied and a failure (or a killed process) leaves the
previous version active and intact. History is append-only: a rollback or a withdrawal makes a new
version too. Demo data and real data never share a version.

Each version also keeps its activities summed per *monthly cell* (district, indicator, month, sex,
age group, disability → sum of value, number of records), computed once when the version is made:
``Store.activity_cells`` reads them, so a dashboard over millions of records reads one blob of
some hundred thousand cells.

Activity records, which can run to millions of rows, are kept as blobs per submission
(``activity_blobs``: one Arrow IPC file, zstd, per ``versions.BLOB_PART_ROWS`` rows), written in the publish
transaction: one SQL row per record cost most of an ingest (benchmarks/PROFILE.md). Targets and funding,
a few hundred rows, are SQL rows. Activities stored before schema 3 stay readable as SQL rows.

Works on SQLite (default, ``data_pipeline.settings.store_url()``) and PostgreSQL
(``postgresql+psycopg://…``) through SQLAlchemy Core. Tables read back with the dtypes the pandera
schemas coerce to: ``date`` datetime64[ns] (kept to the day), numbers float64/int64, text in pandas'
``str`` dtype where a missing value is NaN (stored as NULL).

Modules: ``versions`` (the ``Store`` class: the versions API), ``model`` (what it takes and gives),
``database`` (engine, transactions, batched row I/O), ``tables`` (the SQL schema), ``schema`` and
``migrations/`` (the layout's Alembic revisions), ``encoding`` (frames
to database values and Arrow blobs), ``cells`` (monthly cells), ``lockout`` (sign-in failure counts),
``notes`` (a version's note as facts), ``errors``, ``checkpoints`` (named points of a write, a test seam),
and ``editors`` (editor accounts and sign-in rules).

May import: ``data_pipeline.settings``, ``data_pipeline.reference`` and ``geo`` (layers 0–1) only; never
``data_pipeline.ingest``, ``analysis`` or ``presentation``.
"""

from data_pipeline.store.errors import StoreError, StoreUnavailable, store_location, without_password
from data_pipeline.store.model import (PublishResult, SubmissionInfo, SubmissionInput, VersionInfo, publish_base,
                                       same_content)
from data_pipeline.store.encoding import empty_frame
from data_pipeline.store.schema import HEAD_REVISION, LEGACY_SCHEMA_VERSION
from data_pipeline.store.tables import CELL_COLUMNS, CELL_KEYS
from data_pipeline.store.notes import NOTE_DEMO, NOTE_KINDS, NOTE_ROLLBACK, NOTE_TEXT, NOTE_WITHDRAW, VersionNote
from data_pipeline.store.versions import Store

__all__ = ["CELL_COLUMNS", "CELL_KEYS", "HEAD_REVISION", "LEGACY_SCHEMA_VERSION", "NOTE_DEMO", "NOTE_KINDS", "NOTE_ROLLBACK", "NOTE_TEXT", "NOTE_WITHDRAW",
           "PublishResult", "Store", "StoreError", "StoreUnavailable", "SubmissionInfo",
           "SubmissionInput", "VersionInfo", "VersionNote", "empty_frame", "publish_base", "same_content",
           "store_location", "without_password"]
