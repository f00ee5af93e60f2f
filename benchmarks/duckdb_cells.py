"""The reference for ingest's time and memory: DuckDB reads the same generated CSV and computes the same
monthly cells (``store.tables.CELL_FIELDS``), without hashing, validating or storing anything.

``python -m benchmarks.duckdb_cells CSV MAPPINGS.json [--check STORE_URL]`` prints one JSON line (``seconds``,
``cells``, ``peak_rss_mb``); with ``--check`` it also compares every cell with the active version's cells in the
store (``Store.activity_cells``) and exits 1 on any difference. ``write_mappings`` writes MAPPINGS.json.

The spellings a field office uses (district names in three languages, ``F``/``ж`` for female, ``18–29``
with an en dash…) are resolved by ingest's own checks, applied to the generator's distinct spellings
(``benchmarks.generate``) in a process of their own, and handed to DuckDB as small mapping tables that the query
joins: the timed process only imports DuckDB and does the reading, the date parsing and the grouping of every
row, as ingest does.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import pyarrow as pa


def _mappings():
    """(raw spelling, canonical value) pairs per text column, through ingest's checks."""
    from benchmarks import generate
    from data_pipeline.ingest.names import check_disaggregation, check_districts, check_indicators

    districts = [s for _code, s in generate._DISTRICT_SPELLINGS]
    out = {"district": list(zip(districts, [c.result for c in check_districts(districts, required=True)])),
           "indicator": list(zip(generate._INDICATOR_IDS,
                                 [c.result for c in check_indicators(generate._INDICATOR_IDS)]))}
    for column, values in (("sex", generate._SEXES), ("age_group", generate._AGES),
                           ("disability", generate._DISABILITY)):
        out[column] = list(zip(values, [c.result for c in check_disaggregation(column, values)]))
    return out


QUERY = """
WITH records AS (
    SELECT strptime(date, ['%Y-%m-%d', '%d.%m.%Y'])::DATE AS day,
           district, indicator, CAST(value AS DOUBLE) AS value, sex, age_group, disability
    FROM read_csv(?, header = true, all_varchar = true)
)
SELECT d.canonical AS district_code, i.canonical AS indicator, date_trunc('month', day)::DATE AS month,
       s.canonical AS sex, a.canonical AS age_group, y.canonical AS disability,
       sum(value) AS value, count(*) AS records, min(day) AS first_date, max(day) AS last_date
FROM records
JOIN map_district d ON records.district = d.raw
JOIN map_indicator i ON records.indicator = i.raw
JOIN map_sex s ON records.sex = s.raw
JOIN map_age_group a ON records.age_group = a.raw
JOIN map_disability y ON records.disability = y.raw
GROUP BY ALL
"""


def write_mappings(path: Path) -> Path:
    """The mapping tables as JSON at ``path`` (made once, outside the timed process)."""
    Path(path).write_text(json.dumps(_mappings(), ensure_ascii=False), encoding="utf-8")
    return Path(path)


def cells(path: Path, mappings: dict[str, list]) -> pa.Table:
    """The monthly cells of the generated CSV at ``path``, computed by DuckDB (one thread per core)."""
    import duckdb

    connection = duckdb.connect()
    for column, pairs in mappings.items():
        connection.execute(f"CREATE TABLE map_{column} (raw VARCHAR, canonical VARCHAR)")
        connection.executemany(f"INSERT INTO map_{column} VALUES (?, ?)",
                               [(raw, canonical) for raw, canonical in pairs])
    # read_csv gives an empty cell as NULL with all_varchar: compare it with '' through coalesce.
    query = QUERY
    for column in ("district", "indicator", "sex", "age_group", "disability"):
        query = query.replace(f"records.{column} = ", f"coalesce(records.{column}, '') = ")
    return connection.sql(query, params=[str(path)]).to_arrow_table()


def compare(ours: "pd.DataFrame", theirs: pa.Table) -> list[str]:  # noqa: F821
    """Differences between the store's cells (``Store.activity_cells``) and DuckDB's, cell by cell."""
    import pandas as pd

    keys = ["district_code", "indicator", "date", "sex", "age_group", "disability"]
    a = ours.rename(columns={"date": "date"})[keys + ["value", "records", "first_date", "last_date"]].copy()
    b = theirs.to_pandas().rename(columns={"month": "date"})
    for frame in (a, b):
        for column in ("sex", "age_group", "disability"):
            frame[column] = frame[column].astype(object).where(frame[column].notna(), "")
        for column in ("district_code", "indicator"):
            frame[column] = frame[column].astype(object)
        for column in ("date", "first_date", "last_date"):
            frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
        frame["records"] = frame["records"].astype("int64")
        frame["value"] = frame["value"].astype("float64")
    merged = a.merge(b, on=keys, how="outer", suffixes=("_ours", "_duckdb"), indicator=True)
    problems = []
    only = merged[merged["_merge"] != "both"]
    if len(only):
        problems.append(f"{len(only)} cells in one table only, e.g. {only.head(3).to_dict('records')}")
    both = merged[merged["_merge"] == "both"]
    for column in ("value", "records", "first_date", "last_date"):
        differ = both[both[f"{column}_ours"] != both[f"{column}_duckdb"]]
        if len(differ):
            problems.append(f"{len(differ)} cells differ in {column}, e.g. {differ.head(3).to_dict('records')}")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 4) or (len(argv) == 4 and argv[2] != "--check"):
        print("usage: python -m benchmarks.duckdb_cells CSV MAPPINGS.json [--check STORE_URL]", file=sys.stderr)
        return 2
    start = time.perf_counter()
    table = cells(Path(argv[0]), json.loads(Path(argv[1]).read_text(encoding="utf-8")))
    seconds = time.perf_counter() - start
    result = {"seconds": seconds, "cells": table.num_rows,
              "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    if len(argv) == 4:
        from data_pipeline.store import Store

        with Store(argv[3]) as store:
            problems = compare(store.activity_cells(), table)
        result["checked"] = not problems
        if problems:
            print("\n".join(problems), file=sys.stderr)
            print(json.dumps(result))
            return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
