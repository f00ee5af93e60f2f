"""The benchmark harness still runs (tiny sizes, no browser) and writes its table and JSON.

Not a timed test: budgets may say FAIL here (tiny files say nothing of marginal costs); what
must hold is that every figure is measured and reported.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.csv as pacsv
import pytest

from benchmarks.__main__ import build_parser
from benchmarks.generate import HEADER, write_activity_csv
from benchmarks.report import STAGE_LABELS, budgets, markdown
from data_pipeline.ingest import read_table

ROOT = Path(__file__).resolve().parents[2]


def test_generated_files_are_valid_varied_activity_tables(tmp_path):
    path = write_activity_csv(tmp_path / "a.csv", 2_000)
    text = pacsv.read_csv(path)
    assert text.column_names == HEADER and text.num_rows == 2_000
    districts = set(text.column("district").to_pylist())
    assert any(name.isascii() for name in districts) and any(not name.isascii() for name in districts)
    result = read_table(path)
    assert result.ok, result.problems[:3]
    assert result.frame["indicator"].nunique() > 5 and result.frame["sex"].isna().any()
    assert write_activity_csv(tmp_path / "b.csv", 2_000).read_bytes() == path.read_bytes()  # seeded


def test_files_are_generated_in_a_child_so_the_measuring_process_stays_small(tmp_path):
    """Every child the harness starts reports at least its parent's resident peak (Linux keeps it across exec)."""
    path = tmp_path / "big.csv"
    # VmHWM: this process's own peak (ru_maxrss would include the peak of pytest, which starts it).
    run = subprocess.run([sys.executable, "-c", "import re; from pathlib import Path; "
                          "from benchmarks.pipeline import generated_csv; "
                          f"generated_csv(Path({str(path)!r}), 1_000_000, log=lambda line: None); "
                          "print(re.search(r'VmHWM:\\s+(\\d+)', Path('/proc/self/status').read_text())[1])"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert path.stat().st_size > 50_000_000 and int(run.stdout.split()[-1]) / 1024 < 150  # generated here: 270 MB


def test_quick_run_writes_every_figure(tmp_path):
    out = tmp_path / "results"
    run = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--skip-browser", "--out", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    figures = json.loads((out / "latest.json").read_text())
    measured = {(m["rows"], m["stage"]) for m in figures["pipeline"]}
    assert measured == {(rows, stage) for rows in (10, 1_000) for stage in STAGE_LABELS}
    assert all(m["seconds"] > 0 and m["peak_rss_mb"] > 0 for m in figures["pipeline"])
    assert [b["verdict"] in ("PASS", "FAIL") for b in figures["budgets"]] == [True] * 3  # start-up, DuckDB, memory
    assert "checked cell by cell" in figures["budgets"][1]["measured"]
    table = (out / "latest.md").read_text()
    assert table in run.stdout and "| budget | measured | verdict |" in table
    assert len(list(out.glob("*.json"))) == 2  # latest and the timestamped copy


@pytest.mark.parametrize("sizes", ["", "ten", "0,10"])
def test_bad_sizes_are_refused_with_the_value_given(sizes, capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--sizes", sizes])
    assert repr(sizes) in capsys.readouterr().err


def _dashboard(filter_s: float) -> dict:
    page = {"load_s": 1.5, "filter_s": filter_s, "loads": [1.5], "filters": [filter_s]}
    payload = {"map_ws_bytes": 100 * 1024, "map_ws_messages": 1, "all_ws_bytes": 200 * 1024,
               "library_bytes": 300 * 1024, "library_files": 3}
    return {"bare": {"load_s": 1.0, "filter_s": 0.1}, "chart_page": {"load_s": 1.2, "filter_s": 0.16, "loads": [1.2, 1.1, 3.5]},
            "stores": {"demo": {"first_visit_s": 4.0, "pages": {"overview": page, "map": {**page, "filter_s": 0.12}},
                                "map_payload": payload, "wall_s": 30.0}}}


@pytest.mark.parametrize("filter_s, verdict", [(0.15, "PASS"), (0.3, "FAIL")])
def test_dashboard_budgets_compare_the_slowest_page_with_the_bare_page(filter_s, verdict):
    results = {"meta": {"started": "2026-11-22T21:00:00", "python": "3.11", "machine": "test"},
               "dashboard": _dashboard(filter_s)}
    found = {b["budget"]: b for b in budgets(results)}
    change = found["demo: filter change ≤ 1.5× the bare page's"]
    assert change["verdict"] == verdict
    assert change["measured"].startswith(f"slowest overview {filter_s:.2f} s vs 0.10 s")
    assert "one-chart reference page: 0.16 s = 1.60×" in change["measured"]
    load = found["demo: every page ≤ 2× the bare page (navigation → idle)"]
    assert load["verdict"] == "PASS"
    assert "one-chart reference page: 1.20 s = 1.20×, its slowest visit 3.50 s" in load["measured"]
    results["budgets"] = budgets(results)
    assert "| reference: bare page + one plotly chart | 1.20 | 0.16 |" in markdown(results)


def _visits(overview_bytes: int, overview_idle: float) -> dict:
    def figures(size, idle):
        return {"bytes": size, "requests": 100, "idle_s": idle, "drawn_s": idle + 1}
    links = ("unthrottled", "1.6 Mbps / 150 ms", "400 kbps / 400 ms")
    return {"bare": {link: figures(2_800_000, 10.0) for link in links},
            "overview": {link: figures(overview_bytes, overview_idle) for link in links}}


@pytest.mark.parametrize(("overview_bytes", "overview_idle", "verdicts"), [
    (1_400_000, 6.0, ["PASS", "PASS", "PASS"]),
    (3_400_000, 6.0, ["FAIL", "PASS", "PASS"]),  # 1.21× the bare page's bytes
    (1_400_000, 15.5, ["PASS", "FAIL", "FAIL"]),  # 1.55× the bare page's idle time
])
def test_first_visit_budgets_compare_the_overview_bytes_and_every_page_idle_with_the_bare_page(
        overview_bytes, overview_idle, verdicts):
    from benchmarks.first_visit import first_visit_table
    from benchmarks.report import first_visit_budgets

    visits = _visits(overview_bytes, overview_idle)
    assert [b["verdict"] for b in first_visit_budgets(visits)] == verdicts
    table = first_visit_table(visits)
    assert len(table) == 2 + 2 and table[3].startswith(f"| overview | {overview_bytes / 1e6:.2f} (")
