"""``python -m benchmarks``: measure the pipeline and the dashboard, check the budgets, write the table.

Writes ``benchmarks/results/latest.md`` and ``latest.json`` (plus timestamped copies; the folder
is git-ignored) and prints the table. ``--quick`` measures 10 and 1,000 rows only, for a smoke
test; ``--skip-browser`` leaves out the dashboard. ``--first-visits-only`` measures the first-visit table
alone, with Lighthouse's accessibility score of each page (``benchmarks.accessibility``; Lighthouse is
installed by ``npm ci`` into ``benchmarks/lighthouse/`` on first use); ``--lighthouse-only`` the scores alone.
``--reader-only`` measures what a reader waits for alone (``benchmarks.reader``: drawn, settled, elements per
rerun, cold and warm, beside the bare and the one-SVG-chart pages; about 10 minutes), unthrottled and, for the
bare, reference and District profile pages, on 1.6 Mbps / 150 ms; ``--full-matrix`` every page on every link.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from benchmarks.report import budgets, markdown

DEFAULT_SIZES = (10, 100_000, 1_000_000, 5_000_000)
QUICK_SIZES = (10, 1_000)
RESULTS_DIR = Path(__file__).resolve().parent / "results"


def _sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(part.replace("_", "")) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"--sizes takes row counts separated by commas, e.g. 10,100000; "
                                         f"got {text!r}") from None
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError(f"--sizes needs row counts ≥ 1; got {text!r}")
    return sizes


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=_sizes, default=list(DEFAULT_SIZES),
                        help="rows of the generated activity files (default 10,100000,1000000,5000000)")
    parser.add_argument("--quick", action="store_true",
                        help="sizes 10,1000, every figure measured once: a smoke run, not a measurement")
    parser.add_argument("--skip-browser", action="store_true", help="pipeline only (no Chromium, no server)")
    parser.add_argument("--repeats", type=int, default=3, help="browser visits per page (median kept)")
    parser.add_argument("--first-visits-only", action="store_true",
                        help="only the first-visit table (cold cache, emulated slow links; about 10 minutes)")
    parser.add_argument("--lighthouse-only", action="store_true",
                        help="only Lighthouse's accessibility score of each page in en/ru/tg (about 5 minutes)")
    parser.add_argument("--skip-lighthouse", action="store_true",
                        help="leave out Lighthouse's accessibility scores (which need Node, npm and, once, the npm registry)")
    parser.add_argument("--reader-only", action="store_true",
                        help="only what a reader waits for: drawn, settled, elements per rerun (about 10 minutes)")
    parser.add_argument("--full-matrix", action="store_true",
                        help="the reader's figures for every page on every link, changes included (about an hour)")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="folder for latest.md/.json (default %(default)s)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder of files and stores")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    sizes = list(QUICK_SIZES) if args.quick else args.sizes
    repeats = 1 if args.quick else max(1, args.repeats)
    from benchmarks import pipeline

    workdir = Path(tempfile.mkdtemp(prefix="benchmarks-"))
    started = datetime.now()
    results: dict = {"meta": {"started": started.isoformat(timespec="seconds"), "sizes": sizes,
                              "quick": args.quick, "python": platform.python_version(),
                              "machine": f"{platform.machine()}, {_cpus()} CPUs, {_memory_gb():.0f} GB"}}
    try:
        if args.lighthouse_only:
            return _lighthouse_only(workdir, args.out)
        if args.first_visits_only:
            return _first_visits_only(workdir, args.out, not args.skip_lighthouse)
        if args.reader_only:
            return _reader_only(workdir, args.out, results, repeats, args.full_matrix, started)
        print(f"Pipeline ({', '.join(f'{s:,}' for s in sizes)} rows), files in {workdir}", file=sys.stderr)
        clock = time.perf_counter()
        results["pipeline"] = pipeline.measure(sizes, workdir, log=lambda line: print(line, file=sys.stderr),
                                               small_repeats=1 if args.quick else pipeline.SMALL_REPEATS)
        results["meta"]["pipeline_wall_s"] = round(time.perf_counter() - clock, 1)
        if not args.skip_browser:
            from benchmarks import first_visit
            from benchmarks.browser import measure_dashboard
            from data_pipeline.analysis.demo import load_demo
            from data_pipeline.settings import geo_dir

            demo_url = f"sqlite:///{workdir / 'demo.db'}"
            load_demo(demo_url)
            stores = {"demo": demo_url}
            largest = max(sizes)
            big_store = workdir / "ingest.db"
            if largest > 10 and big_store.exists():
                stores[f"{largest:,} rows"] = f"sqlite:///{big_store}"
            print(f"Dashboard ({', '.join(stores)})", file=sys.stderr)
            clock = time.perf_counter()
            results["dashboard"] = measure_dashboard(stores, geo_dir(), workdir, repeats,
                                                     log=lambda line: print(line, file=sys.stderr))
            results["meta"]["dashboard_wall_s"] = round(time.perf_counter() - clock, 1)
            results["first_visits"] = first_visit.measure(demo_url, geo_dir(), workdir,
                                                          log=lambda line: print(line, file=sys.stderr))
            from benchmarks import reader

            results["reader"] = reader.measure(demo_url, geo_dir(), workdir, repeats, full=args.full_matrix,
                                               log=lambda line: print(line, file=sys.stderr))
            if not args.skip_lighthouse:
                from benchmarks import accessibility

                results["accessibility"] = accessibility.measure(
                    demo_url, geo_dir(), workdir, args.out / "lighthouse", log=lambda line: print(line, file=sys.stderr))
    finally:
        if args.keep:
            print(f"Kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    results["budgets"] = budgets(results)
    table = markdown(results)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = started.strftime("%Y%m%d-%H%M%S")
    for name in ("latest", stamp):
        (args.out / f"{name}.md").write_text(table, encoding="utf-8")
        (args.out / f"{name}.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(table)
    return 0


def _first_visits_only(workdir: Path, out: Path, lighthouse: bool) -> int:
    """The first-visit table alone, with Lighthouse's accessibility scores unless ``lighthouse`` is false,
    printed (demo store)."""
    from benchmarks import first_visit
    from data_pipeline.analysis.demo import load_demo
    from data_pipeline.settings import geo_dir

    demo_url = f"sqlite:///{workdir / 'demo.db'}"
    load_demo(demo_url)
    log = lambda line: print(line, file=sys.stderr)  # noqa: E731
    visits = first_visit.measure(demo_url, geo_dir(), workdir, log=log)
    scores = None
    if lighthouse:
        from benchmarks import accessibility

        scores = accessibility.measure(demo_url, geo_dir(), workdir, out / "lighthouse", log=log)
    from benchmarks.report import accessibility_budgets, accessibility_notes, first_visit_budgets

    lines = [f"| {b['budget']} | {b['measured']} | **{b['verdict']}** |"
             for b in first_visit_budgets(visits) + accessibility_budgets(scores)]
    print("\n".join(["| budget | measured | verdict |", "| --- | --- | --- |", *lines, "",
                     *first_visit.first_visit_table(visits, accessibility=scores), *accessibility_notes(scores)]))
    return 0


def _reader_only(workdir: Path, out: Path, results: dict, repeats: int, full: bool, started: datetime) -> int:
    """What a reader waits for alone (demo store): printed, and written as ``reader-latest.md``/``.json``."""
    from benchmarks import reader
    from data_pipeline.analysis.demo import load_demo
    from data_pipeline.settings import geo_dir

    demo_url = f"sqlite:///{workdir / 'demo.db'}"
    load_demo(demo_url)
    results["reader"] = reader.measure(demo_url, geo_dir(), workdir, repeats, full=full,
                                       log=lambda line: print(line, file=sys.stderr))
    results["budgets"] = reader.reader_budgets(results["reader"])
    lines = [f"Run {results['meta']['started']} · Python {results['meta']['python']} · {results['meta']['machine']}", "",
             "| budget | measured | verdict |", "| --- | --- | --- |",
             *[f"| {b['budget']} | {b['measured']} | **{b['verdict']}** |" for b in results["budgets"]], "",
             *reader.reader_table(results["reader"])]
    table = "\n".join(lines) + "\n"
    out.mkdir(parents=True, exist_ok=True)
    for name in ("reader-latest", f"reader-{started.strftime('%Y%m%d-%H%M%S')}"):
        (out / f"{name}.md").write_text(table, encoding="utf-8")
        (out / f"{name}.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(table)
    return 0


def _lighthouse_only(workdir: Path, out: Path) -> int:
    """Lighthouse's accessibility scores alone, printed (demo store)."""
    from benchmarks import accessibility
    from benchmarks.report import accessibility_budgets, accessibility_notes
    from data_pipeline.analysis.demo import load_demo
    from data_pipeline.settings import geo_dir

    demo_url = f"sqlite:///{workdir / 'demo.db'}"
    load_demo(demo_url)
    scores = accessibility.measure(demo_url, geo_dir(), workdir, out / "lighthouse",
                                   log=lambda line: print(line, file=sys.stderr))
    lines = [f"| {b['budget']} | {b['measured']} | **{b['verdict']}** |" for b in accessibility_budgets(scores)]
    print("\n".join(["| budget | measured | verdict |", "| --- | --- | --- |", *lines, "",
                     *accessibility.scores_table(scores), *accessibility_notes(scores)]))
    return 0


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))


def _memory_gb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 2**20
    return float("nan")


if __name__ == "__main__":
    sys.exit(main())
