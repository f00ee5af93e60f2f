"""What is wrong with an input file, as structured facts: the ``Problem`` and its ``Text``.

A problem's text is not words yet: it is a message template id (the English msgid, which
``pybabel extract -k _`` finds) and the values that fill it. Words in a language are made
where the problem is shown, by ``data_pipeline.presentation.problems``. ``str()`` of a
``Text`` is the English, for logs, tests and exceptions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

MAX_PROBLEMS_PER_COLUMN = 1_000
"""Problems listed one by one per column; the rest are summed up in one "… and N more" line."""
VALUE_PREVIEW_CHARS = 80
"""How much of a long value a problem message repeats."""


@dataclass(frozen=True)
class Text:
    """A message as a fact: ``msgid`` (an English template such as ``"Unknown district {value!r}."``)
    and the ``params`` that fill it. A value that is itself a ``Text`` (a column's name, "in the
    header") is a message of its own, translated with the one it fills."""

    msgid: str
    params: Mapping[str, object] = field(default_factory=dict, hash=False)

    def __str__(self) -> str:
        """The English text: the msgid filled with the values (a ``Text`` value in English too)."""
        if not self.params:
            return self.msgid
        return self.msgid.format(**{k: str(v) if isinstance(v, Text) else v for k, v in self.params.items()})


def message(msgid: str, **params: object) -> Text:
    """The no-op marker of ingest (``gettext_noop`` with values): ``msgid`` and ``params`` as a ``Text``,
    nothing translated. Imported as ``_`` so that ``pybabel extract -k _`` puts ``msgid`` in the catalog."""
    return Text(msgid, params)


_ = message


def as_text(text: Text | str) -> Text:
    """``text`` as a ``Text`` (a plain string is a msgid without values)."""
    return text if isinstance(text, Text) else Text(text)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located as a spreadsheet shows it.

    ``row`` is the row number a spreadsheet shows (header = row 1; an HXL hashtag row is
    row 2); ``None`` for a problem with the file or a whole column. ``text`` says what is
    wrong and ``allowed_text`` what would be right (empty: nothing to say), as ``Text`` facts;
    ``suggestions`` are values the cell may have meant.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    text: Text
    allowed_text: Text = Text("")
    suggestions: tuple[str, ...] = ()

    def __post_init__(self) -> None:  # plain strings are accepted and kept as msgids
        object.__setattr__(self, "text", as_text(self.text))
        object.__setattr__(self, "allowed_text", as_text(self.allowed_text))

    @property
    def message(self) -> str:
        """What is wrong, in English (logs and tests; shown text comes from presentation.problems)."""
        return str(self.text)

    @property
    def allowed(self) -> str:
        """What would be right, in English (empty: nothing to say)."""
        return str(self.allowed_text)

    @property
    def template(self) -> str:
        """The message's msgid."""
        return self.text.msgid

    @property
    def params(self) -> dict[str, object]:
        """The values the message's template is filled with."""
        return dict(self.text.params)


def preview(value: object) -> str | None:
    """A value as a problem shows it: text, cut to ``VALUE_PREVIEW_CHARS``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value)
    if len(text) > VALUE_PREVIEW_CHARS:
        return text[:VALUE_PREVIEW_CHARS] + f"… ({len(text)} characters)"
    return text


@dataclass
class ProblemLog:
    """Collects problems for one file, listing at most ``per_column`` per column."""

    file: str
    per_column: int = MAX_PROBLEMS_PER_COLUMN
    problems: list[Problem] = field(default_factory=list)
    _counts: dict[str | None, int] = field(default_factory=dict)
    _hidden: dict[str | None, int] = field(default_factory=dict)
    _cells: set[tuple[int, str]] = field(default_factory=set)

    def add(self, row: int | None, column: str | None, value: object, text: Text | str,
            allowed: Text | str = "", suggestions: Sequence[str] = ()) -> None:
        """Record a problem; a cell that already has one gets no second (its first cause is the one to fix)."""
        if row is not None and column is not None:
            if (row, column) in self._cells:
                return
            self._cells.add((row, column))
        count = self._counts.get(column, 0)
        self._counts[column] = count + 1
        if column is not None and count >= self.per_column:
            self._hidden[column] = self._hidden.get(column, 0) + 1
            return
        self.problems.append(Problem(self.file, row, column, preview(value), as_text(text), as_text(allowed),
                                     tuple(suggestions)))

    def hide(self, column: str, count: int) -> None:
        """Count ``count`` more problems in ``column`` without listing them (past the cap)."""
        if count > 0:
            self._counts[column] = self._counts.get(column, 0) + count
            self._hidden[column] = self._hidden.get(column, 0) + count

    def finish(self) -> list[Problem]:
        """The problems, with one "… and N more" line per column that overflowed, sorted by row."""
        out = sorted(self.problems, key=lambda p: (p.row is not None, p.row or 0))
        for column, hidden in self._hidden.items():
            out.append(Problem(self.file, None, column, None,
                               _("… and {hidden} more problems in column {column!r} not listed "
                                 "(only the first {limit} per column are shown).",
                                 hidden=hidden, column=column, limit=self.per_column)))
        return out
