"""The command line: exit statuses, output formats, readable errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from data_pipeline.cli import main
from data_pipeline.store import Store

ROOT = Path(__file__).resolve().parents[3]


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
    assert "sex" in pd.read_excel(xlsx, engine="openpyxl").columns


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


def _activity_csv(path: Path, rows: int, seed: int = 0) -> Path:
    import numpy as np

    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"date": pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.integers(0, 700, rows), unit="D"),
                          "district": rng.choice(["Dusti", "Шугнанский район", "Khorog", "Pyanj"], rows),
                          "indicator": rng.choice(["grants_awarded", "jobs_created"], rows),
                          "value": rng.integers(0, 9, rows)})
    frame.to_csv(path, index=False, date_format="%Y-%m-%d")
    return path


def test_validate_ingest_duplicate_and_withdraw(store_url, tmp_path, capsys):
    good = _activity_csv(tmp_path / "may.csv", 40)
    assert main(["validate", str(good)]) == 0
    assert main(["ingest", str(good), "--store", store_url, "--user", "Khatlon office"]) == 0
    assert main(["ingest", str(good), "--store", store_url]) == 0
    out = capsys.readouterr().out
    assert "already in the active version" in out and "Nothing changed" in out
    changed = tmp_path / "other" / "may.csv"
    changed.parent.mkdir()
    _activity_csv(changed, 10, seed=1)
    assert main(["ingest", str(changed), "--store", store_url]) == 0
    assert "withdraw" in capsys.readouterr().err
    assert main(["withdraw", "1", "--store", store_url]) == 0
    from data_pipeline.store import Store

    with Store(store_url) as store:
        assert len(store.activities()) == 10 and len(store.versions()) == 3


def test_invalid_file_is_reported_and_nothing_is_stored(store_url, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("date,district,indicator,value\n2019-05-01,Dushti,grants_awarded,-1\n", encoding="utf-8")
    assert main(["ingest", str(bad), "--store", store_url]) == 2
    err = capsys.readouterr().err
    assert "row 2" in err and "Dusti" in err and "nothing was stored" in err
    assert main(["ingest", str(tmp_path / "missing.csv"), "--store", store_url]) == 2
    from data_pipeline.store import Store

    with Store(store_url) as store:
        assert store.active_version() is None


@pytest.mark.parametrize("delay", [0.5, 1.5, 3.0])
def test_a_kill_during_ingest_leaves_either_the_old_or_the_new_version(store_url, tmp_path, delay):
    import signal
    import time

    from data_pipeline.store import Store

    assert main(["demo", "--store", store_url]) == 0
    with Store(store_url) as store:
        before = store.activities()
    big = _activity_csv(tmp_path / "big.csv", 150_000)
    process = subprocess.Popen([sys.executable, "-m", "data_pipeline", "ingest", str(big), "--store", store_url],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    with Store(store_url) as store:
        active = store.active_version()
        if active.is_demo:  # killed before the commit: the demo version, intact
            pd.testing.assert_frame_equal(store.activities(), before)
        else:  # committed just before the kill: the whole file, not part of it
            assert len(store.activities()) == 150_000
    assert main(["ingest", str(big), "--store", store_url]) == 0


def test_briefing_pack_and_hxl_export(store_url, tmp_path, capsys):
    from pypdf import PdfReader

    assert main(["demo", "--store", store_url]) == 0
    pdf = tmp_path / "brief.pdf"
    assert main(["briefing", "--store", store_url, "--district", "Шугнанский район", "-o", str(pdf)]) == 0
    text = PdfReader(pdf).pages[0].extract_text()
    assert "Shughnon" in text and "DEMONSTRATION" in text.upper()
    assert main(["briefing", "--store", store_url, "-o", str(tmp_path / "brief.txt")]) == 2
    assert main(["briefing", "--store", store_url, "--indicator", "grants_awarded", "-o", str(pdf)]) == 0
    first = " ".join(PdfReader(pdf).pages[0].extract_text().split())
    assert first.split("Key messages", 1)[1].lstrip("• ").startswith("Grants awarded:")
    assert main(["briefing", "--store", store_url, "--district", "Atlantis", "-o", str(pdf)]) == 2
    assert "Atlantis" in capsys.readouterr().err
    out = tmp_path / "hxl.csv"
    assert main(["export", "--store", store_url, "--hxl", "-o", str(out)]) == 0
    # The P-code first (#adm2+code, issue 19), then the project code, the name, the region's P-code and name.
    assert out.read_text(encoding="utf-8").splitlines()[1].startswith(
        "#adm2+code,#adm2+code+project,#adm2+name,#adm1+code,#adm1+name")


def test_ingest_refuses_records_repeating_published_ones_unless_allowed(store_url, tmp_path, capsys):
    first = tmp_path / "may.csv"
    first.write_text("date,district,indicator,value,sex\n2019-05-31,Vanj,jobs_created,3,female\n"
                     "2019-06-30,Dusti,jobs_created,2,\n", encoding="utf-8")
    second = tmp_path / "may-again.csv"
    second.write_text("date,district,indicator,value,sex\n31.05.2019,Ванч,jobs_created,3,female\n"
                      "2019-07-30,Dusti,jobs_created,2,\n2019-06-30,Dusti,jobs_created,5,\n", encoding="utf-8")
    assert main(["ingest", str(first), "--store", store_url]) == 0
    capsys.readouterr()
    assert main(["ingest", str(second), "--store", store_url]) == 2
    err = capsys.readouterr().err
    assert "2 record(s) repeat records already published" in err and "--allow-repeated" in err
    assert "may-again.csv row 2: 2019-05-31 Vanj jobs_created (female) = 3, as in may.csv" in err
    assert "may-again.csv row 4: 2019-06-30 Dusti jobs_created = 5, as in may.csv" in err
    assert "row 3" not in err, "another date is another record"
    with Store(store_url) as store:
        assert len(store.versions()) == 1
    assert main(["ingest", str(second), "--allow-repeated", "--store", store_url]) == 0
    with Store(store_url) as store:
        assert store.activities()["value"].sum() == 15
