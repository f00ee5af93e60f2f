"""A version's note as facts, never as sentences: what made the version, in fields that code can read.

Stored in ``versions.note`` as a JSON object: ``{"kind": "rollback", "version": 3}``,
``{"kind": "withdraw", "submission": 5, "file": "x.csv"}``, ``{"kind": "demo", "seed": 2020,
"date": "2026-12-03"}``, and a person's own note as ``{"kind": "text", "text": "…"}`` (JSON too, so
that no typed note can pass for one the code made); no note is ``""``. Notes stored before (plain
text: a person's words, or an English sentence the code wrote) read as ``text`` notes. The words are
made when a note is shown (``data_pipeline.presentation.versions``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields

NOTE_TEXT, NOTE_ROLLBACK, NOTE_WITHDRAW, NOTE_DEMO = "text", "rollback", "withdraw", "demo"
NOTE_KINDS = (NOTE_TEXT, NOTE_ROLLBACK, NOTE_WITHDRAW, NOTE_DEMO)


@dataclass(frozen=True)
class VersionNote:
    """The facts of a version's note; false when the version has none. Fields other than ``kind`` are
    those of its kind: ``text`` (text), ``version`` (rollback: whose data came back), ``submission`` and
    ``file`` (withdraw: the submission left out and its file's name), ``seed`` and ``date`` (demo)."""

    kind: str = ""
    text: str = ""
    version: int | None = None
    submission: int | None = None
    file: str = ""
    seed: int | None = None
    date: str = ""

    def __bool__(self) -> bool:
        return bool(self.kind) and not (self.kind == NOTE_TEXT and not self.text)

    @classmethod
    def written(cls, text: str) -> VersionNote:
        """A person's note (no note when ``text`` is empty)."""
        return cls(NOTE_TEXT, text=text) if text else cls()

    @classmethod
    def rollback(cls, version: int) -> VersionNote:
        return cls(NOTE_ROLLBACK, version=int(version))

    @classmethod
    def withdraw(cls, submission: int, file: str) -> VersionNote:
        return cls(NOTE_WITHDRAW, submission=int(submission), file=file)

    @classmethod
    def demo(cls, seed: int, date: str) -> VersionNote:
        return cls(NOTE_DEMO, seed=int(seed), date=date)

    def stored(self) -> str:
        """The note as the ``versions.note`` column keeps it: a JSON object of its fields, or ``""``."""
        if not self:
            return ""
        facts = {name: value for name, value in asdict(self).items() if value not in ("", None)}
        return json.dumps(facts, ensure_ascii=False)

    @classmethod
    def from_stored(cls, stored: str | None) -> VersionNote:
        """The note of a ``versions.note`` value; text that is not a note's JSON is a ``text`` note."""
        if not stored:
            return cls()
        if stored.startswith("{"):
            try:
                facts = json.loads(stored)
            except ValueError:
                facts = None
            names = {field.name for field in fields(cls)}
            if isinstance(facts, dict) and facts.get("kind") in NOTE_KINDS and set(facts) <= names:
                return cls(**facts)
        return cls.written(stored)
