"""The command line: exit statuses, output formats, readable errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from data_pipeline.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> tuple[int, str, str]:
    """The CLI in a real process, as a user runs it."""
    done = subprocess.run([sys.executable, "-m", "data_pipeline", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    return done.returncode, done.stdout, done.stderr


def test_demo_versions_rollback_export(store_url, tmp_path, capsys):
    assert main(["demo", "--store", store_url]) == 0
    assert main(["demo", "--store", store_url, "--seed", "5"]) == 0
    capsys.readouterr()
    assert main(["versions", "--store", store_url]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split("\t")[0] for line in lines] == ["2", "1"] and "*active*" in lines[0]
    assert main(["rollback", "1", "--store", store_url]) == 0
    capsys.readouterr()
    out = tmp_path / "export.csv"
    assert main(["export", "--store", store_url, "--period", "quarter", "-o", str(out)]) == 0
    table = pd.read_csv(out)
    assert {"district_code", "district", "region", "indicator", "period", "value", "target", "source"} <= set(table)
    assert table["period"].str.match(r"^\d{4}-Q[1-4]$").all()
    assert table.groupby("indicator")["value"].sum()["rps_participants"] == 6005
    xlsx = tmp_path / "export.xlsx"
    assert main(["export", "--store", store_url, "--by", "sex", "-o", str(xlsx)]) == 0
    assert "sex" in pd.read_excel(xlsx).columns


def test_published_catalogue_csv(tmp_path):
    out = tmp_path / "published.csv"
    assert main(["published", "-o", str(out)]) == 0
    table = pd.read_csv(out)
    assert {"id", "value", "unit", "period", "programme", "document", "section"} <= set(table)
    assert table.set_index("id").loc["tajirrb_rps_participants", "value"] == 6005
    assert table.loc[table["unit"] == "%", "value"].between(0, 100).all()


@pytest.mark.parametrize("args, message", [
    (["rollback", "42"], "No version 42"),
    (["export"], "no active version"),
    (["export", "--format", "xlsx"], "add -o FILE.xlsx"),
])
def test_errors_are_one_readable_line(store_url, capsys, args, message):
    if args[0] == "export" and len(args) > 1:
        main(["demo", "--store", store_url])
        capsys.readouterr()
    assert main([*args, "--store", store_url]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_unreachable_store_in_a_real_process():
    status, _, err = run("versions", "--store", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert status == 2 and "Traceback" not in err and "127.0.0.1" in err
