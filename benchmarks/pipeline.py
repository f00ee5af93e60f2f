"""Pipeline benchmarks: each stage and the whole ``ingest`` command, beside a bare pyarrow parse and DuckDB's
read-and-aggregate of the same file into the same monthly cells (``benchmarks.duckdb_cells``).

Every figure comes from a fresh process (``benchmarks.worker`` or the CLI itself), so peak memory
is the process's resident peak and no stage profits from another's warm caches or imports.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks.worker import STAGES

ROOT = Path(__file__).resolve().parents[1]
SMALL_ROWS = 100_000
"""Sizes up to this are measured ``SMALL_REPEATS`` times and the median kept (they are noisy); the
``ingest`` command and the bare parse process are, at every size."""
SMALL_REPEATS = 3


@dataclass
class Measurement:
    rows: int
    stage: str
    """A worker stage, ``ingest`` (the whole CLI command), ``parse_process`` (bare parse, start-up included) or
    ``duckdb_process`` (DuckDB's monthly cells of the file, start-up included)."""
    seconds: float
    peak_rss_mb: float
    rss_before_mb: float | None = None
    repeats: int = 1
    checked: bool | None = None
    """``duckdb_process``: whether DuckDB's cells equal the ingested store's, cell by cell."""


def _run(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB) and stdout of ``command`` run in a child process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    stdout, stderr = process.stdout.read().decode(), process.stderr.read().decode()
    process.stdout.close()
    process.stderr.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{stderr[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, stdout


def in_child(statement: str) -> None:
    """Run the Python ``statement`` in a child process, so that what it allocates (a generated file's columns,
    the checks' imports) never raises this process's resident peak: Linux hands a parent's high-water mark on
    to every child it starts afterwards (``subprocess`` forks with vfork, and ``exec`` keeps the mark), so the
    children's ``ru_maxrss`` would be at least the parent's."""
    _run([sys.executable, "-c", statement])


def generated_csv(path: Path, rows: int, log=print) -> Path:
    """The generated activities file of ``rows`` records at ``path``, written in a child process if missing."""
    if not path.exists():
        log(f"  generating {path.name}")
        in_child(f"from benchmarks.generate import write_activity_csv; write_activity_csv({str(path)!r}, {rows})")
    return path


def _fresh_store(workdir: Path, name: str) -> str:
    for suffix in ("", "-wal", "-shm"):
        (workdir / f"{name}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{workdir / name}"


def _median(measurements: list[Measurement]) -> Measurement:
    chosen = sorted(measurements, key=lambda m: m.seconds)[len(measurements) // 2]
    chosen.repeats = len(measurements)
    chosen.peak_rss_mb = statistics.median(m.peak_rss_mb for m in measurements)
    return chosen


def measure_size(rows: int, workdir: Path, log=print, small_repeats: int = SMALL_REPEATS) -> list[Measurement]:
    """Every pipeline figure for a generated file of ``rows`` records."""
    csv_path = generated_csv(workdir / f"activities-{rows}.csv", rows, log)
    repeats = small_repeats if rows <= SMALL_ROWS else 1
    out: list[Measurement] = []
    for stage in STAGES:
        runs = []
        for _ in range(repeats):
            store = _fresh_store(workdir, "stage.db")
            _seconds, peak, stdout = _run([sys.executable, "-m", "benchmarks.worker", stage, str(csv_path), store])
            figures = json.loads(stdout.strip().splitlines()[-1])
            runs.append(Measurement(rows, stage, figures["seconds"], peak, figures["rss_before_mb"]))
        out.append(_median(runs))
        log(f"  {rows:>9,} rows  {stage:<14} {out[-1].seconds:8.3f} s  peak {out[-1].peak_rss_mb:7.0f} MB")
    # The budgets' figures, at every size the median of ``small_repeats`` runs, taken in turn so that all
    # three see the same machine load (the machine is shared and its speed moves by a factor of two).
    mappings = workdir / "duckdb-mappings.json"
    if not mappings.exists():
        in_child(f"from benchmarks.duckdb_cells import write_mappings; write_mappings({str(mappings)!r})")
    parses, ingests, duckdbs = [], [], []
    checked = None
    for repeat in range(small_repeats):
        seconds, peak, _ = _run([sys.executable, "-c", f"import pyarrow.csv; pyarrow.csv.read_csv({str(csv_path)!r})"])
        parses.append(Measurement(rows, "parse_process", seconds, peak))
        store = _fresh_store(workdir, "ingest.db")
        seconds, peak, _ = _run([sys.executable, "-m", "data_pipeline", "ingest", str(csv_path), "--store", store,
                                 "--user", "benchmark"])
        ingests.append(Measurement(rows, "ingest", seconds, peak))
        seconds, peak, _ = _run([sys.executable, "-m", "benchmarks.duckdb_cells", str(csv_path), str(mappings)])
        duckdbs.append(Measurement(rows, "duckdb_process", seconds, peak))
        if repeat == 0:  # the same cells, checked once per size against the store just made (not timed)
            checked = _cells_agree(csv_path, mappings, store)
    for runs in (parses, ingests, duckdbs):
        out.append(_median(runs))
        log(f"  {rows:>9,} rows  {out[-1].stage:<14} {out[-1].seconds:8.3f} s  peak {out[-1].peak_rss_mb:7.0f} MB")
    out[-1].checked = checked
    log(f"  {rows:>9,} rows  DuckDB's cells {'equal' if checked else 'DIFFER from'} the store's, cell by cell")
    return out


def _cells_agree(csv_path: Path, mappings: Path, store: str) -> bool:
    """Whether DuckDB's monthly cells of ``csv_path`` equal the cells ``ingest`` stored, cell by cell."""
    process = subprocess.run([sys.executable, "-m", "benchmarks.duckdb_cells", str(csv_path), str(mappings),
                              "--check", store], cwd=ROOT, capture_output=True, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    return process.returncode == 0


def measure(sizes: list[int], workdir: Path, log=print, small_repeats: int = SMALL_REPEATS) -> list[dict]:
    """Figures for every size, as plain dicts (for JSON)."""
    results: list[dict] = []
    for rows in sizes:
        results.extend(asdict(m) for m in measure_size(rows, workdir, log, small_repeats))
    return results
