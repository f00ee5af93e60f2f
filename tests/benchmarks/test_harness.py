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
from benchmarks.report import STAGE_LABELS
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


def test_quick_run_writes_every_figure(tmp_path):
    out = tmp_path / "results"
    run = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--skip-browser", "--out", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    figures = json.loads((out / "latest.json").read_text())
    measured = {(m["rows"], m["stage"]) for m in figures["pipeline"]}
    assert measured == {(rows, stage) for rows in (10, 1_000) for stage in STAGE_LABELS}
    assert all(m["seconds"] > 0 and m["peak_rss_mb"] > 0 for m in figures["pipeline"])
    assert [b["verdict"] in ("PASS", "FAIL") for b in figures["budgets"]] == [True] * 3
    table = (out / "latest.md").read_text()
    assert table in run.stdout and "| budget | measured | verdict |" in table
    assert len(list(out.glob("*.json"))) == 2  # latest and the timestamped copy


@pytest.mark.parametrize("sizes", ["", "ten", "0,10"])
def test_bad_sizes_are_refused_with_the_value_given(sizes, capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--sizes", sizes])
    assert repr(sizes) in capsys.readouterr().err
