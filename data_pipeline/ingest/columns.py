"""Column recognition: which canonical field each input column holds, and what kind of table it is.

``read_table`` reads one file, recognises its columns (canonical names, Russian synonyms or
an HXL hashtag row under the header), its layout (long, or wide with one column per
indicator) and its kind (activities, targets, funding), checks every value and returns a
``ReadResult``: the canonical frame when the file is clean, otherwise every problem found,
each located as a spreadsheet shows it. It never writes anything and never raises on bad
input.

HXL hashtags (attributes in any order and case; unknown attributes are ignored):

================  =====================================================================
field             hashtags
================  =====================================================================
date              ``#date`` (``#date+period`` is a target period)
district          ``#adm2+name`` or ``#adm2``
district_pcode    ``#adm2+code``: an OCHA P-code (3507209); a project code there reads too (older exports)
district_code     ``#adm2+code+project``: a project code (KT01)
indicator         ``#indicator+code`` (also ``+id``, or ``#indicator`` alone)
value             ``#value``, ``#indicator+value``, ``#indicator+num``, ``#reached``
sex               ``#sex``, ``#gender``
age_group         ``#age`` (any attributes, e.g. ``#age+group``)
disability        ``#disabled``, ``#disability``, ``#meta+disabled``
notes             ``#meta+notes`` (also ``+note``, ``+comment``), ``#description``
period            ``#date+period``, ``#period``
target            ``#targeted``, ``#value+target``
plan              ``#activity+appeal``, ``#activity+plan``
objective         ``#sector+objective``, ``#activity+objective``
component         ``#sector+component``, ``#activity+component``, ``#subsector``
donor             ``#org+donor``, ``#org+funder``
required          ``#value+funding+required``
received          ``#value+funding+received``, ``#value+funding+total``
currency          ``#currency``, ``#value+currency``
================  =====================================================================

In a wide activities table each indicator column's header is the registry id; with an HXL
row, its hashtag may be ``#value`` or carry the id as an attribute (``#value+grants_awarded``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np

from data_pipeline.ingest.grid import Column, Grid
from data_pipeline.ingest.problems import ProblemLog, Text
from data_pipeline.ingest.problems import message as _  # problem texts: msgids and values, worded when shown
from data_pipeline.ingest.names import match_indicator
from data_pipeline.ingest.validate import is_blank
from data_pipeline.reference.hxl import HXL_TAGS as HXL_EXPORT_TAGS
from data_pipeline.reference.schemas import KIND_ACTIVITIES, KIND_FUNDING, KIND_TARGETS

HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "date": ("date", "activity date", "report date", "дата", "дата мероприятия", "сана"),
    "district": ("district", "district name", "rayon", "raion", "nohiya", "район", "название района",
                 "ноҳия", "нохия"),
    "district_code": ("district code", "district_code", "code", "adm2 code", "код района", "код"),
    "district_pcode": ("district pcode", "district p-code", "pcode", "p-code", "adm2 pcode", "admin2pcode",
                       "admin2 pcode", "adm2_pcode"),
    "indicator": ("indicator", "indicator id", "indicator code", "показатель", "индикатор",
                  "код показателя", "нишондиҳанда"),
    "value": ("value", "count", "number", "значение", "количество", "кол-во", "число", "миқдор"),
    "sex": ("sex", "gender", "пол", "ҷинс", "джинс"),
    "age_group": ("age group", "age", "age range", "возраст", "возрастная группа", "синну сол"),
    "disability": ("disability", "disabled", "with disability", "инвалидность", "с инвалидностью",
                   "маъюбӣ"),
    "notes": ("notes", "note", "comment", "comments", "remarks", "примечание", "примечания",
              "комментарий", "комментарии", "эзоҳ"),
    "period": ("period", "year", "период", "год"),
    "target": ("target", "target value", "целевое значение", "целевой показатель", "цель по показателю"),
    "plan": ("plan", "appeal", "план", "план реагирования"),
    "objective": ("objective", "цель", "задача"),
    "component": ("component", "компонент"),
    "donor": ("donor", "funder", "донор"),
    "required": ("required", "funding required", "requirement", "требуется", "требуемое финансирование",
                 "потребность"),
    "received": ("received", "funding received", "funded", "получено", "полученное финансирование"),
    "currency": ("currency", "валюта"),
}
"""Header words per field, compared case-, space- and punctuation-insensitively."""

# (tag, attributes that must all be present, field) — the first matching rule wins.
HXL_TAGS: tuple[tuple[str, frozenset[str], str | None], ...] = tuple(
    (tag, frozenset(attrs), name) for tag, attrs, name in (
        ("value", ("funding", "required"), "required"),
        ("value", ("funding", "received"), "received"),
        ("value", ("funding", "total"), "received"),
        ("value", ("target",), "target"),
        ("value", ("currency",), "currency"),
        ("value", (), "value"),
        ("indicator", ("value",), "value"),
        ("indicator", ("num",), "value"),
        ("indicator", ("name",), None),  # an exported label column, not the indicator id
        ("indicator", (), "indicator"),
        ("reached", (), "value"),
        ("adm2", ("code", "project"), "district_code"),
        ("adm2", ("code",), "district_pcode"),
        ("adm2", (), "district"),
        ("date", ("as_of",), None),  # a feed file's as-of date, not a record's date
        ("date", ("period",), "period"),
        ("date", (), "date"),
        ("period", (), "period"),
        ("sex", (), "sex"),
        ("gender", (), "sex"),
        ("age", (), "age_group"),
        ("disabled", (), "disability"),
        ("disability", (), "disability"),
        ("meta", ("disabled",), "disability"),
        ("meta", ("disability",), "disability"),
        ("meta", ("notes",), "notes"),
        ("meta", ("note",), "notes"),
        ("meta", ("comment",), "notes"),
        ("meta", ("comments",), "notes"),
        ("description", (), "notes"),
        ("targeted", (), "target"),
        ("activity", ("appeal",), "plan"),
        ("activity", ("plan",), "plan"),
        ("activity", ("objective",), "objective"),
        ("sector", ("objective",), "objective"),
        ("activity", ("component",), "component"),
        ("sector", ("component",), "component"),
        ("subsector", (), "component"),
        ("org", ("donor",), "donor"),
        ("org", ("funder",), "donor"),
        ("currency", (), "currency"),
    )
)

REQUIRED_FIELDS = {
    KIND_ACTIVITIES: ("date", "district", "indicator", "value"),
    KIND_TARGETS: ("indicator", "target"),
    KIND_FUNDING: ("plan", "objective", "received"),
}
OPTIONAL_FIELDS = {
    KIND_ACTIVITIES: ("district_code", "district_pcode", "sex", "age_group", "disability", "notes"),
    KIND_TARGETS: ("district", "district_code", "district_pcode", "period"),
    KIND_FUNDING: ("component", "donor", "required", "currency"),
}


def _header_key(word: object) -> str:
    text = unicodedata.normalize("NFKC", str(word)).lower().replace("\ufeff", "")
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", text)
    text = re.sub(r"[\s_\-./:*]+", " ", text)
    return text.strip()


_HEADER_INDEX = {_header_key(w): name for name, words in HEADER_SYNONYMS.items() for w in words}
_HXL_TAG = re.compile(r"^#\s*([a-z][a-z0-9_]*)((?:\s*\+\s*[a-z][a-z0-9_]*)*)\s*$", re.IGNORECASE)


def parse_hxl(tag: str) -> tuple[str, frozenset[str]] | None:
    """``(hashtag, attributes)`` of an HXL tag such as ``#adm2 +Name``, lower-cased; None if not one."""
    m = _HXL_TAG.match(str(tag).strip())
    if not m:
        return None
    attrs = frozenset(a.strip().lower() for a in m.group(2).split("+") if a.strip())
    return m.group(1).lower(), attrs


def hxl_field(tag: str) -> str | None:
    """The canonical field an HXL hashtag names, or None."""
    parsed = parse_hxl(tag)
    if parsed is None:
        return None
    name, attrs = parsed
    for rule_tag, rule_attrs, target in HXL_TAGS:
        if name == rule_tag and rule_attrs <= attrs:
            return target
    return None


def header_field(word: object) -> str | None:
    """The canonical field a header word names (``Район`` → ``district``), or None."""
    return _HEADER_INDEX.get(_header_key(word))


@dataclass
class Fields:
    """Which input column holds each canonical field, and the wide indicator columns."""

    positions: dict[str, int]
    wide: dict[str, int]


def map_columns(grid: Grid, log: ProblemLog, notes: list[str]) -> Fields:
    positions: dict[str, int] = {}
    wide: dict[str, int] = {}
    claimed: dict[str, list[int]] = {}
    ignored: list[str] = []
    for index, word in enumerate(grid.header):
        tag = grid.hxl[index] if grid.hxl else ""
        indicator_id = match_indicator(word) if not is_blank(word) else None
        parsed = parse_hxl(tag) if tag else None
        if parsed:
            # Sorted: the attributes are a set, and the same file must give the same columns every run.
            attribute_ids = [i for i in map(match_indicator, sorted(parsed[1])) if i]
            if attribute_ids:
                indicator_id = attribute_ids[0]
            elif hxl_field(tag) not in (None, "value"):
                indicator_id = None
        if indicator_id:
            claimed.setdefault(f"indicator column {indicator_id}", []).append(index)
            wide.setdefault(indicator_id, index)
            continue
        if grid.hxl:
            name = hxl_field(tag) if tag else None
            if name is None and not is_blank(word):
                name = header_field(word) if not tag else None
        else:
            name = header_field(word) if not is_blank(word) else None
        if name is None:
            if not is_blank(word) or tag or _has_data(grid.columns[index]):
                ignored.append(describe(grid, index))
            continue
        claimed.setdefault(name, []).append(index)
        positions.setdefault(name, index)
    for name, indices in claimed.items():
        if len(indices) > 1:
            described = " and ".join(describe(grid, i) for i in indices)
            log.add(1, header_label(grid, indices[1]), None,
                    _("Duplicate column: {columns} both give {name}. Keep one of them (rename or delete the other).",
                      columns=described, name=name))
    if ignored:
        notes.append(f"Columns not used: {', '.join(ignored)}.")
    if wide and ("value" in positions or "indicator" in positions):
        for indicator_id in list(wide):
            notes.append(f"Column {describe(grid, wide[indicator_id])} is named like an indicator but the "
                         f"table is in long layout (it has indicator/value columns): it is not used.")
        wide.clear()
    return Fields(positions, wide)


def _has_data(column: Column) -> bool:
    return any(not is_blank(column.uniques[code]) for code in np.unique(column.codes).tolist())


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(index + 1)


def header_label(grid: Grid, index: int) -> str:
    word = grid.header[index] if index < len(grid.header) else ""
    if not is_blank(word):
        return str(word).strip()
    if grid.hxl and index < len(grid.hxl) and grid.hxl[index]:
        return grid.hxl[index]
    return f"column {_column_letter(index)}"


def describe(grid: Grid, index: int) -> str:
    label = header_label(grid, index)
    if grid.hxl and index < len(grid.hxl) and grid.hxl[index] and grid.hxl[index] != label:
        return f"{label!r} ({grid.hxl[index]})"
    return repr(label)


def detect_kind(fields: Fields) -> str | None:
    present = set(fields.positions)
    if present & {"received", "required"} and present & {"plan", "objective", "component"}:
        return KIND_FUNDING
    if "target" in present:
        return KIND_TARGETS
    if present & {"value", "indicator"} or fields.wide:
        return KIND_ACTIVITIES
    return None


# Tables the dashboard and the CLI write that are not monitoring records: (columns only they have,
# what the file is, what to upload instead). Read as monitoring data they would go wrong without a
# word: an indicator table (value, target, period) read as a *targets* table, for one.
_DOWNLOADED_TABLES = (
    (("achievement_pct", "indicator_label"),
     _("an indicator table (sums per district and period, with targets and % of target) as the dashboard's "
       "downloads and the export command write it, not activity records: its sums cannot be turned back into "
       "records"),
     _("upload the activity records it was computed from (the Activities template on the Upload page), or, for "
       "targets, a table with the columns indicator, district, period, target")),
    (("coverage_pct", "beneficiaries_reached", "cost_per_beneficiary", "cost_per_beneficiary_planned"),
     _("a funding summary (coverage, gap, beneficiaries or cost per person) as the Objectives & funding page "
       "downloads it, not funding records"),
     _("upload the funding records: plan, objective, component, received (the Funding template)")),
    (("district_sum",),
     _("the reconciliation of district sums against the published totals (Data & sources), not monitoring data"),
     _("upload the activity records of the field offices")),
    (("document_title",),
     _("the published-figures catalogue, not monitoring data: published figures come from the programme "
       "documents and are not uploaded"),
     _("upload the activity records of the field offices")),
    (("suggestions",),
     _("a validation report, not monitoring data"),
     _("fix the problems it lists in the original file and upload that file")),
    (("sha256",),
     _("the version history (Data versions), not monitoring data"),
     _("upload the activity records of the field offices")),
)


def downloaded_table_problem(grid: Grid, log: ProblemLog) -> bool:
    """Report a table the dashboard or the CLI wrote (an indicator table, a funding summary…) by what
    it is and what to upload instead; ``True`` when the file is one."""
    words = {_header_key(w) for w in grid.header if not is_blank(w)}
    tags = {parse_hxl(t) for t in (grid.hxl or []) if t} - {None}
    for columns, what, instead in _DOWNLOADED_TABLES:
        if any(_header_key(c) in words or parse_hxl(HXL_EXPORT_TAGS.get(c, "")) in tags for c in columns):
            log.add(1, None, None, _("This file is {what}.", what=what), instead)
            return True
    return False


def missing_columns_problem(grid: Grid, log: ProblemLog, kind: str | None, missing: list[str]) -> None:
    found = ", ".join(describe(grid, i) for i in range(len(grid.header)) if not is_blank(grid.header[i])
                      or (grid.hxl and grid.hxl[i])) or "none"
    kinds = _("an activities table needs date, district, indicator, value (or one column per indicator id); "
              "a targets table needs indicator, target; a funding table needs plan, objective, received")
    if kind is None:
        log.add(1, None, None, _("Cannot tell what kind of table this is: its columns are not recognised. "
                                 "Found columns: {found}.", found=found), kinds)
        return
    values = dict(kind=Text(kind), missing=", ".join(missing), found=found)
    message = (_("Missing required columns for a {kind} table: {missing}. Found columns: {found}.", **values)
               if len(missing) > 1 else
               _("Missing required column for a {kind} table: {missing}. Found columns: {found}.", **values))
    log.add(1, None, None, message,
            _("required: {required}; optional: {optional}; names may be English or Russian, or HXL hashtags in "
              "the row under the header", required=", ".join(REQUIRED_FIELDS[kind]),
              optional=", ".join(OPTIONAL_FIELDS[kind])))


@dataclass(frozen=True)
class Layout:
    """What a file's header says, decided once per file: its kind and which column gives which field."""

    kind: str
    fields: Fields
    used: tuple[int, ...]
    """Positions of the columns read (fields and indicator columns)."""


DISTRICT_CODE_FIELDS = ("district_code", "district_pcode")
"""Columns that name a district by code: the project code (KT01) and the OCHA P-code (3507209). Each
resolves any spelling the gazetteer knows, so a file whose ``#adm2+code`` column holds project codes (as
the exports wrote before P-codes) reads as before."""


def read_layout(grid: Grid, log: ProblemLog, notes: list[str]) -> tuple[str, Layout | None]:
    """The file's kind and ``Layout`` from its header (and HXL row); ``None`` with the problems logged
    when the columns do not make a table of a known kind. ``grid``'s rows are only looked at to tell
    whether an unnamed column holds data (a note)."""
    if not grid.header or all(is_blank(w) for w in grid.header) and not grid.hxl:
        log.add(1, None, None, _("The first row is empty: the header must be the first row of the table."))
        return "", None
    if downloaded_table_problem(grid, log):
        return "", None
    fields = map_columns(grid, log, notes)
    kind = detect_kind(fields)
    present = set(fields.positions)
    if kind == KIND_TARGETS and "period" not in present and "date" in present:
        fields.positions["period"] = fields.positions.pop("date")
        present = set(fields.positions)
    if kind == KIND_ACTIVITIES or kind == KIND_TARGETS:
        if present & set(DISTRICT_CODE_FIELDS):
            present.add("district")
    needed = REQUIRED_FIELDS[kind] if kind else ()
    if kind == KIND_ACTIVITIES and fields.wide:
        needed = ("date", "district")
        notes.append(f"Wide layout: one column per indicator ({', '.join(fields.wide)}); an empty cell means "
                     f"no record.")
    missing = [f for f in needed if f not in present]
    if kind is None or missing:
        missing_columns_problem(grid, log, kind, missing)
        return kind or "", None
    if grid.hxl:
        notes.append("Columns recognised by the HXL hashtag row (row 2).")
    return kind, Layout(kind, fields, tuple(sorted(set(fields.positions.values()) | set(fields.wide.values()))))
