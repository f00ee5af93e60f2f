"""One measurement in its own process: ``python -m benchmarks.worker STAGE CSV [STORE_URL]``.

Prints one JSON line: ``seconds`` (the stage alone), ``rss_before_mb`` (resident memory when the
stage started) and ``peak_rss_mb`` (the process's peak resident memory, native pyarrow/numpy/
SQLite memory included, which tracemalloc cannot see). Stages before the measured one run
first, untimed, in the same process, as they do in an ingest.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

STAGES = ("parse", "read", "validate", "resolve", "aggregate", "store")


def _current_rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _read(path: Path):
    """What ``read_table`` does before checking values: read, hash, parse into factorised columns."""
    import hashlib

    from data_pipeline.ingest import read
    from data_pipeline.ingest.problems import ProblemLog

    data = path.read_bytes()
    hashlib.sha256(data).hexdigest()
    log, notes = ProblemLog(path.name), []
    grid = read.read_grid(data, path.name, log, notes, lambda stage, fraction: None,
                          read.ReadLimits.from_settings(rows=read.MAX_ROWS))
    if grid is None:
        raise SystemExit(f"{path}: {log.finish()}")
    return grid, log, notes


def _check(grid, log, notes):
    """What ``read_table`` does after parsing: build the canonical frame (every value checked, names resolved)."""
    import datetime as dt

    from data_pipeline.ingest import build

    kind, frame = build.build_frame(grid, log, notes, dt.date.today())
    frame = frame if not log.problems else None
    if frame is None:
        raise SystemExit(f"invalid file: {log.finish()[:3]}")
    return frame


def measure(stage: str, path: Path, store_url: str | None) -> dict:
    """Run ``stage`` on ``path`` (earlier stages first, untimed) and return its figures."""
    if stage == "parse":
        import pyarrow.csv as pacsv

        before = _current_rss_mb()
        start = time.perf_counter()
        table = pacsv.read_csv(path)
        seconds = time.perf_counter() - start
        return {"seconds": seconds, "rows": table.num_rows, "rss_before_mb": before, "peak_rss_mb": _peak_rss_mb()}

    from data_pipeline import ingest
    from data_pipeline.ingest import build

    if stage == "read":
        before = _current_rss_mb()
        start = time.perf_counter()
        grid, _log, _notes = _read(path)
        seconds = time.perf_counter() - start
        return {"seconds": seconds, "rows": grid.row_count, "rss_before_mb": before, "peak_rss_mb": _peak_rss_mb()}

    if stage in ("validate", "resolve"):
        grid, log, notes = _read(path)
        resolving = [0.0]
        original = build.district_codes

        def timed_district_codes(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                resolving[0] += time.perf_counter() - started

        build.district_codes = timed_district_codes
        before = _current_rss_mb()
        start = time.perf_counter()
        frame = _check(grid, log, notes)
        total = time.perf_counter() - start
        seconds = resolving[0] if stage == "resolve" else total - resolving[0]
        return {"seconds": seconds, "rows": len(frame), "rss_before_mb": before, "peak_rss_mb": _peak_rss_mb()}

    frame = ingest.read_table(path).frame
    if stage == "aggregate":
        from data_pipeline.analysis.aggregate import PERIODS, aggregate

        before = _current_rss_mb()
        start = time.perf_counter()
        for period in PERIODS:
            aggregate(frame, period)
        seconds = time.perf_counter() - start
        return {"seconds": seconds, "rows": len(frame), "rss_before_mb": before, "peak_rss_mb": _peak_rss_mb()}

    if stage == "store":
        from data_pipeline.store import Store, SubmissionInput

        before = _current_rss_mb()
        start = time.perf_counter()
        store = Store(store_url)
        try:
            store.publish([SubmissionInput(path.name, "benchmark", "activities", frame, is_demo=False)],
                          created_by="benchmark")
        finally:
            store.dispose()
        seconds = time.perf_counter() - start
        return {"seconds": seconds, "rows": len(frame), "rss_before_mb": before, "peak_rss_mb": _peak_rss_mb()}
    raise SystemExit(f"unknown stage {stage!r}; stages are {', '.join(STAGES)}")


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3) or argv[0] not in STAGES:
        print(f"usage: python -m benchmarks.worker {{{','.join(STAGES)}}} CSV [STORE_URL]", file=sys.stderr)
        return 2
    if argv[0] != "parse":  # the stages allocate as the ingest command does
        from data_pipeline.cli import reuse_freed_memory

        reuse_freed_memory()
    result = measure(argv[0], Path(argv[1]), argv[2] if len(argv) == 3 else None)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
