"""Builders per table kind: the canonical frame of activities, targets or funding from a ``Grid``.

Every value is checked (``validate``) per distinct value and the results are mapped back onto
the rows with numpy; a problem is logged per failing cell (capped per column).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

from data_pipeline.ingest.columns import DISTRICT_CODE_FIELDS, Layout, header_label, read_layout
from data_pipeline.ingest.grid import Column, Grid
from data_pipeline.ingest.problems import ProblemLog
from data_pipeline.ingest.problems import message as _  # problem texts: msgids and values, worded when shown
from data_pipeline.ingest.names import (
    check_currencies, check_disaggregation, check_districts, check_funding_lines, check_indicators,
)
from data_pipeline.ingest.validate import (
    CONTROL_CHARS_PATTERN, MAX_CELL_CHARS, Check, check_dates, check_numbers, check_periods, check_texts,
    fractional_message, is_blank, text_problem, whole_numbers_required,
)
from data_pipeline.reference.registry import INDICATOR_IDS, indicator
from data_pipeline.reference.schemas import COLUMNS, KIND_ACTIVITIES, KIND_FUNDING, KIND_TARGETS

def report_checks(log: ProblemLog, column: Column, checks: Sequence[Check], rows: np.ndarray,
            mask: np.ndarray | None = None) -> bool:
    """Log every row whose value failed its check (``mask``: only these rows); True if none did."""
    bad_unique = np.fromiter((not c.ok for c in checks), dtype=bool, count=len(checks))
    if not bad_unique.any():
        return True
    bad = bad_unique[column.codes]
    if mask is not None:
        bad &= mask
    indices = np.flatnonzero(bad)
    if not len(indices):
        return True
    for i in indices[:log.per_column].tolist():
        check = checks[column.codes[i]]
        log.add(int(rows[i]), column.label, column.uniques[column.codes[i]], check.message or "",
                check.allowed, check.suggestions)
    log.hide(column.label, len(indices) - min(len(indices), log.per_column))
    return False


def string_series(column: Column, results: Sequence, mask: np.ndarray | None = None) -> pd.Series:
    """A ``str`` Series of each row's result (None stays missing), built through a dictionary array."""
    codes = column.codes if mask is None else column.codes[mask]
    dictionary = pa.array([None if r is None else str(r) for r in results], type=pa.string())
    strings = pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), dictionary).cast(pa.large_string())
    return pd.Series(strings.to_pandas(types_mapper={pa.large_string(): pd.StringDtype("pyarrow", na_value=np.nan)}.get),
                     dtype="str")


def category_series(column: Column, results: Sequence, mask: np.ndarray | None = None) -> pd.Series:
    """A categorical Series of each row's result (None stays missing): the rows keep their codes
    and the distinct results, sorted, become the categories. An activity file of millions of rows
    holds few distinct texts, so no text is made per row (``string_series`` makes one per row)."""
    categories = sorted({r for r in results if r is not None})
    position = {value: i for i, value in enumerate(categories)}
    lookup = np.array([-1 if r is None else position[r] for r in results] + [-1],
                      dtype=np.min_scalar_type(-len(categories) - 1))  # pandas' own code width: no copy
    codes = lookup[column.codes if mask is None else column.codes[mask]]
    return categorical(codes, categories)


def categorical(codes: np.ndarray, categories: Sequence[str]) -> pd.Series:
    """A Series of ``categories`` picked by ``codes`` (-1: missing)."""
    dtype = pd.CategoricalDtype(pd.Index(list(categories), dtype="str"))
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype))


def build_frame(grid: Grid, log: ProblemLog, notes: list[str], today: dt.date) -> tuple[str, pd.DataFrame | None]:
    kind, layout = read_layout(grid, log, notes)
    if layout is None:
        return kind, None
    frame = build_rows(layout, grid, log, today)
    if grid.filled_rows == 0:
        log.add(None, None, None, NO_DATA_ROWS)
        return kind, None
    if frame is not None and not len(frame):
        log.add(None, None, None, NO_RECORDS)
        return kind, None
    return kind, frame


NO_DATA_ROWS = _("The file has a header but no data rows.")
NO_RECORDS = _("The table has no records: every indicator cell is empty.")


SLASH_ORDER_FROM_VALUES = "values"


def build_rows(layout: Layout, grid: Grid, log: ProblemLog, today: dt.date,
               slash_order: str = SLASH_ORDER_FROM_VALUES) -> pd.DataFrame | None:
    """The canonical frame of ``grid``'s rows (every value checked), ``None`` when there are problems (logged).

    A file read in batches calls it once per batch, with the batch's rows (their row numbers are the
    file's) and the same ``layout`` and ``log``: problems are logged as one read of the whole file logs
    them, and frames are made only while there are none. ``grid.filled_rows`` is set to the rows that are
    not entirely blank (``None`` is returned when every row is blank, and an empty frame when a wide
    table's batch holds no records); ``slash_order`` is how slash dates read: ``"dmy"``, ``"mdy"``, ``""``
    (neither: ambiguous) or, by default, as the batch's own values show.
    """
    fields, kind = layout.fields, layout.kind
    # Factorise every column once; drop rows where every cell is blank (Excel leaves such rows).
    factorised = {i: Column(header_label(grid, i), grid.columns[i].codes, grid.columns[i].uniques)
                  for i in layout.used}
    grid.columns = []  # the codes and unique values replace the text from here on
    blank_rows = np.ones(grid.row_count, dtype=bool)
    for column in factorised.values():
        blank_unique = np.fromiter((is_blank(u) for u in column.uniques), dtype=bool, count=len(column.uniques))
        if not blank_unique.any():  # a column never blank (dates, districts…): no row is blank
            blank_rows[:] = False
            break
        blank_rows &= blank_unique[column.codes]
    grid.filled_rows = int((~blank_rows).sum())
    if blank_rows.all():
        return None
    if blank_rows.any():
        keep = ~blank_rows
        for column in factorised.values():
            column.codes = column.codes[keep]
        rows = grid.rows[keep]
    else:
        rows = grid.rows
    columns = {name: factorised[i] for name, i in fields.positions.items()}
    _check_text_cells(log, factorised.values(), rows)
    wide = {i: factorised[p] for i, p in fields.wide.items()}
    if kind == KIND_ACTIVITIES:
        return _build_activities(columns, wide, rows, grid, log, today, slash_order)
    builder = {KIND_TARGETS: _build_targets, KIND_FUNDING: _build_funding}[kind]
    return builder(columns, wide, rows, grid, log, today)


def _check_text_cells(log: ProblemLog, columns: Iterable[Column], rows: np.ndarray) -> None:
    """Too-long cells and control characters, in every column used (identifiers and notes alike)."""
    pattern = re.compile(CONTROL_CHARS_PATTERN)
    for column in columns:
        checks = []
        any_bad = False
        for value in column.uniques:
            if isinstance(value, str) and (len(value) > MAX_CELL_CHARS or pattern.search(value)):
                checks.append(Check(None, text_problem(value)))
                any_bad = True
            else:
                checks.append(Check(True))
        if any_bad:
            report_checks(log, column, checks, rows)




def district_codes(columns: dict[str, Column], rows: np.ndarray, log: ProblemLog, *,
                    required: bool) -> tuple[Column, list] | None:
    """Resolve district names or codes; with several district columns, a code column wins (the project
    code's before the P-code's) and the others must name the same district."""
    present = [columns[name] for name in (*DISTRICT_CODE_FIELDS, "district") if name in columns]
    primary, others = present[0], present[1:]
    checks = check_districts(primary.uniques, required=required)
    ok = report_checks(log, primary, checks, rows)
    results = [c.result for c in checks]
    by_primary = np.array([r or "" for r in results], dtype=object)[primary.codes]
    for other in others:
        other_checks = check_districts(other.uniques, required=False)
        ok &= report_checks(log, other, other_checks, rows)
        by_other = np.array([c.result or "" for c in other_checks], dtype=object)[other.codes]
        disagree = np.flatnonzero((by_primary != by_other) & (by_primary != "") & (by_other != ""))
        for i in disagree[:log.per_column].tolist():
            if other is columns.get("district"):
                message = _("District name resolves to {by_name} but the district code column says {by_code}.",
                            by_name=by_other[i], by_code=by_primary[i])
            else:
                message = _("Column {column} names district {by_other} but column {primary} names {by_primary}.",
                            column=other.label, by_other=by_other[i], primary=primary.label,
                            by_primary=by_primary[i])
            log.add(int(rows[i]), other.label, other.uniques[other.codes[i]], message,
                    _("a name and a code of the same district"))
        ok &= not len(disagree)
    return (primary, results) if ok else None


_WHOLE_UNITS = {i: whole_numbers_required(i) for i in INDICATOR_IDS}


def _count_checks(log: ProblemLog, column: Column, numbers: Sequence, indicator_ids: np.ndarray,
                  rows: np.ndarray, what: str, mask: np.ndarray | None = None) -> None:
    """Report fractional values of indicators that count whole units."""
    distinct = np.array([np.nan if n is None else n for n in numbers], dtype=np.float64)
    fractional_distinct = np.isfinite(distinct) & (distinct % 1 != 0)
    if not fractional_distinct.any():
        return
    fractional = fractional_distinct[column.codes]
    if mask is not None:
        fractional &= mask
    if not fractional.any():
        return
    whole = pd.Series(indicator_ids).map(_WHOLE_UNITS).fillna(False).to_numpy(dtype=bool)
    for i in np.flatnonzero(fractional & whole)[:log.per_column].tolist():
        code = column.codes[i]
        log.add(int(rows[i]), column.label, column.uniques[code],
                fractional_message(what, distinct[code], indicator(indicator_ids[i]).unit), _("a whole number ≥ 0"))


def _indicator_rows(column: Column, log: ProblemLog, rows: np.ndarray) -> tuple[np.ndarray, list] | None:
    checks = check_indicators(column.uniques)
    ok = report_checks(log, column, checks, rows)
    results = [c.result for c in checks]
    ids = np.array([r or "" for r in results], dtype=object)[column.codes]
    return (ids, results) if ok else (ids, [])


def _activity_values(columns: dict[str, Column], wide: dict[str, Column], rows: np.ndarray, grid: Grid,
                     log: ProblemLog) -> list[tuple[np.ndarray, object, np.ndarray]]:
    """Checked values as (row mask, indicator, value per row) pieces: one per indicator column of a
    wide table (an empty cell is no record), or one of every row with its indicator column."""
    pieces: list[tuple[np.ndarray, object, np.ndarray]] = []
    if wide:
        for indicator_id, column in wide.items():
            checks = check_numbers(column.uniques, decimal_comma=grid.decimal_comma, what="value", required=False)
            report_checks(log, column, checks, rows)
            numbers = [c.result for c in checks]
            present = np.fromiter((n is not None for n in numbers), dtype=bool, count=len(numbers))[column.codes]
            ids = np.full(len(rows), indicator_id, dtype=object)
            _count_checks(log, column, numbers, ids, rows, "value", present)
            pieces.append((present, indicator_id, np.array([np.nan if n is None else n for n in numbers],
                                                           dtype=np.float64)[column.codes]))
    else:
        indicator_col = columns["indicator"]
        ids, indicator_results = _indicator_rows(indicator_col, log, rows)
        value_col = columns["value"]
        checks = check_numbers(value_col.uniques, decimal_comma=grid.decimal_comma, what="value")
        report_checks(log, value_col, checks, rows)
        numbers = [c.result for c in checks]
        _count_checks(log, value_col, numbers, ids, rows, "value")
        pieces.append((np.ones(len(rows), dtype=bool), (indicator_col, indicator_results),
                       np.array([np.nan if n is None else n for n in numbers], dtype=np.float64)[value_col.codes]))
    return pieces


def _build_activities(columns: dict[str, Column], wide: dict[str, Column], rows: np.ndarray, grid: Grid,
                      log: ProblemLog, today: dt.date, slash_order: str = SLASH_ORDER_FROM_VALUES
                      ) -> pd.DataFrame | None:
    date_col = columns["date"]
    date_checks = (check_dates(date_col.uniques, today) if slash_order == SLASH_ORDER_FROM_VALUES
                   else check_dates(date_col.uniques, today, slash_order or None))
    dates_ok = report_checks(log, date_col, date_checks, rows)
    district = district_codes(columns, rows, log, required=True)
    optional = {}  # each optional text field present: its column and checked values
    for name in ("sex", "age_group", "disability"):
        if name in columns:
            checks = check_disaggregation(name, columns[name].uniques)
            report_checks(log, columns[name], checks, rows)
            optional[name] = (columns[name], [c.result for c in checks])
    if "notes" in columns:
        optional["notes"] = (columns["notes"], [c.result for c in check_texts(columns["notes"].uniques)])

    pieces = _activity_values(columns, wide, rows, grid, log)
    if log.problems or not dates_ok or district is None:
        return None

    district_col, district_results = district
    day_values = np.array([np.datetime64(c.result, "ns") if c.result else np.datetime64("NaT", "ns")
                           for c in date_checks], dtype="datetime64[ns]")
    # Text columns are categorical: every piece of a wide table shares the same categories, so
    # joining the pieces keeps them categorical.
    wide_ids = sorted(wide)
    frames = []
    for mask, which, values in pieces:
        if not mask.any():
            continue
        if isinstance(which, str):
            indicator_series = categorical(np.full(int(mask.sum()), wide_ids.index(which), dtype=np.int32),
                                            wide_ids)
        else:
            indicator_series = category_series(which[0], which[1], mask)
        frame = pd.DataFrame({
            "date": day_values[date_col.codes[mask]],
            "district_code": category_series(district_col, district_results, mask),
            "indicator": indicator_series,
            "value": values[mask],
        })
        for name in ("sex", "age_group", "disability", "notes"):
            frame[name] = (category_series(*optional[name], mask) if name in optional
                           else categorical(np.full(len(frame), -1, dtype=np.int32), []))
        frame["source_row"] = rows[mask]
        frames.append(frame)
    if not frames:  # no records (``build_frame`` says so when the whole file has none)
        return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in
                             (("date", "datetime64[ns]"), ("value", np.float64), ("source_row", np.int64))}
                            ).reindex(columns=COLUMNS[KIND_ACTIVITIES])
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if len(frames) > 1:
        out = out.sort_values(["source_row"], kind="stable", ignore_index=True)
    return out[COLUMNS[KIND_ACTIVITIES]]


def _build_targets(columns: dict[str, Column], wide: dict[str, Column], rows: np.ndarray, grid: Grid,
                   log: ProblemLog, today: dt.date) -> pd.DataFrame | None:
    indicator_col = columns["indicator"]
    ids, indicator_results = _indicator_rows(indicator_col, log, rows)
    district = None
    has_district = any(name in columns for name in ("district", *DISTRICT_CODE_FIELDS))
    if has_district:
        district = district_codes(columns, rows, log, required=False)
    period_col = columns.get("period")
    period_checks = check_periods(period_col.uniques) if period_col else []
    if period_col:
        report_checks(log, period_col, period_checks, rows)
    target_col = columns["target"]
    checks = check_numbers(target_col.uniques, decimal_comma=grid.decimal_comma, what="target")
    report_checks(log, target_col, checks, rows)
    numbers = [c.result for c in checks]
    _count_checks(log, target_col, numbers, ids, rows, "target")
    if log.problems or (has_district and district is None):
        return None
    frame = pd.DataFrame({
        "indicator": string_series(indicator_col, indicator_results),
        "district_code": string_series(district[0], district[1]) if district else
        pd.Series([None] * len(rows), dtype="str"),
        "period": string_series(period_col, [c.result for c in period_checks]) if period_col else
        pd.Series(["whole"] * len(rows), dtype="str"),
        "target": np.array(numbers, dtype=np.float64)[target_col.codes],
        "source_row": rows,
    })
    keys = ["indicator", "district_code", "period"]
    duplicated = frame.duplicated(keys, keep=False)
    if duplicated.any():
        for _key, group in frame[duplicated].groupby(keys, dropna=False, sort=False):
            first = int(group["source_row"].iloc[0])
            for row in group["source_row"].iloc[1:].tolist():
                log.add(int(row), target_col.label, None,
                        _("Duplicate target: row {first} already sets the target of {indicator} for this district "
                          "and period. Keep one of the rows.", first=first, indicator=group["indicator"].iloc[0]))
        return None
    return frame[COLUMNS[KIND_TARGETS]]


def _build_funding(columns: dict[str, Column], wide: dict[str, Column], rows: np.ndarray, grid: Grid,
                   log: ProblemLog, today: dt.date) -> pd.DataFrame | None:
    n = len(rows)
    parts = [columns.get(name) for name in ("plan", "objective", "component")]
    per_row = [np.array(c.uniques + [None], dtype=object)[c.codes] if c else np.full(n, None, dtype=object)
               for c in parts]
    triples = pd.MultiIndex.from_arrays([pd.Series(p, dtype=object).where(~pd.Series(p).map(is_blank), None)
                                         for p in per_row])
    codes, uniques = pd.factorize(triples)
    unique_triples = [tuple(t) for t in uniques]
    line_checks = check_funding_lines(unique_triples)
    line_column = Column("", codes.astype(np.int32), unique_triples)
    bad_unique = np.fromiter((not c.ok for c in line_checks), dtype=bool, count=len(line_checks))
    for i in np.flatnonzero(bad_unique[codes])[:log.per_column].tolist():
        check = line_checks[codes[i]]
        which = {"plan": 0, "objective": 1, "component": 2}[check.result]
        source = parts[which]
        log.add(int(rows[i]), source.label if source else check.result, per_row[which][i], check.message or "",
                check.allowed, check.suggestions)
    amounts = {}
    for name, required in (("required", False), ("received", True)):
        if name in columns:
            checks = check_numbers(columns[name].uniques, decimal_comma=grid.decimal_comma,
                                   what=f"amount {name}", required=required)
            report_checks(log, columns[name], checks, rows)
            amounts[name] = np.array([np.nan if c.result is None else c.result for c in checks],
                                     dtype=np.float64)[columns[name].codes]
        else:
            amounts[name] = np.full(n, np.nan)
    currency = None
    if "currency" in columns:
        checks = check_currencies(columns["currency"].uniques)
        report_checks(log, columns["currency"], checks, rows)
        currency = (columns["currency"], [c.result for c in checks])
    donor = None
    if "donor" in columns:
        checks = check_texts(columns["donor"].uniques)
        donor = (columns["donor"], [c.result for c in checks])
    if log.problems:
        return None
    canonical = [c.result for c in line_checks]
    frame = pd.DataFrame({
        "plan": string_series(line_column, [t[0] for t in canonical]),
        "objective": string_series(line_column, [t[1] for t in canonical]),
        "component": string_series(line_column, [t[2] for t in canonical]),
        "donor": string_series(*donor) if donor else pd.Series([None] * n, dtype="str"),
        "required": amounts["required"],
        "received": amounts["received"],
        "currency": string_series(*currency) if currency else pd.Series(["USD"] * n, dtype="str"),
        "source_row": rows,
    })
    return frame[COLUMNS[KIND_FUNDING]]


