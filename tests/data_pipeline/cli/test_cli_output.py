"""What the command line writes and prints: ``-o`` (files, ``-`` for standard output, nothing else),
text from users and files with its control characters neutralised, errors without the store's
password, and an unreachable store told within the store timeout."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from data_pipeline.cli import EXIT_BAD_INPUT, main, printable
from tests.conftest import SECRET

ROOT = Path(__file__).resolve().parents[3]
HOSTILE_NAME = "may\x1b[31mRED\x1b[0m\rfake.csv"


def run(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> tuple[int, bytes, str, float]:
    """The CLI in a real process; its status, raw standard output, standard error and run time."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "data_pipeline", *args], cwd=ROOT, capture_output=True,
                          timeout=timeout, env={**os.environ, **(env or {})})
    return done.returncode, done.stdout, done.stderr.decode(), time.monotonic() - started


# --- an unreachable store ---------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["flag", "environment"])
def test_a_silent_database_server_is_one_line_within_the_timeout(secret_store_url, silent_server, how):
    args, env = (["--store-timeout", "2"], {}) if how == "flag" else ([], {"DASHBOARD_STORE_TIMEOUT": "2"})
    status, out, err, elapsed = run("versions", "--store", secret_store_url, *args, env=env)
    assert status == EXIT_BAD_INPUT and out == b""
    assert err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err
    assert "{}:{}".format(*silent_server) in err and "unreachable" in err
    assert SECRET not in err
    assert elapsed < 2 + 8, f"took {elapsed:.1f} s with a 2 s timeout (interpreter start-up included)"


def test_a_refused_connection_never_shows_the_password(capsys):
    url = f"postgresql+psycopg://iom:{SECRET}@127.0.0.1:1/dashboard"
    assert main(["export", "--store", url]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "127.0.0.1:1" in err and SECRET not in err


@pytest.mark.parametrize("value", ["0", "soon"])
def test_a_wrong_store_timeout_is_refused(store_url, capsys, value):
    assert main(["versions", "--store", store_url, "--store-timeout", value]) == EXIT_BAD_INPUT
    assert "at least 2" in capsys.readouterr().err


# --- -o ---------------------------------------------------------------------------------------------

def test_dash_writes_to_standard_output(tmp_path):
    status, out, err, _ = run("published", "-o", "-")
    assert status == 0 and err == ""
    assert main(["published", "-o", str(tmp_path / "published.csv")]) == 0
    assert out == (tmp_path / "published.csv").read_bytes()


def test_dash_writes_xlsx_to_a_pipe(store_url):
    assert main(["demo", "--store", store_url]) == 0
    status, out, err, _ = run("export", "--store", store_url, "--format", "xlsx", "-o", "-")
    assert status == 0, err
    assert out.startswith(b"PK\x03\x04")  # a ZIP container: the workbook, not text


def _not_regular_files(tmp_path: Path) -> dict[str, Path]:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    folder = tmp_path / "folder"
    folder.mkdir()
    links = {"link to a device": "/dev/null", "link to a folder": folder, "broken link": tmp_path / "missing"}
    for name, target in links.items():
        (tmp_path / name.replace(" ", "-")).symlink_to(target)
    return {"device": Path("/dev/null"), "FIFO": fifo, "folder": folder,
            **{name: tmp_path / name.replace(" ", "-") for name in links}}


@pytest.mark.parametrize("command", ["published", "export"])
def test_o_refuses_anything_but_a_new_or_regular_file(tmp_path, store_url, capsys, command):
    for kind, path in _not_regular_files(tmp_path).items():
        before = os.lstat(path)
        assert main([command, "--store", store_url, "-o", str(path)]) == EXIT_BAD_INPUT, kind
        err = capsys.readouterr().err
        assert "- for standard output" in err and "Traceback" not in err, (kind, err)
        after = os.lstat(path)
        assert (stat.S_IFMT(after.st_mode), after.st_ino) == (stat.S_IFMT(before.st_mode), before.st_ino), kind


def test_briefing_refuses_a_special_file_named_pdf(tmp_path, store_url, capsys):
    fifo = tmp_path / "pack.pdf"
    os.mkfifo(fifo)
    assert main(["briefing", "--store", store_url, "-o", str(fifo)]) == EXIT_BAD_INPUT
    assert "FIFO" in capsys.readouterr().err and stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_o_refuses_a_missing_folder(tmp_path, capsys):
    assert main(["published", "-o", str(tmp_path / "no" / "such" / "folder.csv")]) == EXIT_BAD_INPUT
    assert "does not exist" in capsys.readouterr().err


def test_o_replaces_a_regular_file_atomically_keeping_its_permissions(tmp_path):
    target = tmp_path / "published.csv"
    target.write_text("old")
    target.chmod(0o640)
    link = tmp_path / "latest.csv"
    link.symlink_to(target)
    assert main(["published", "-o", str(link)]) == 0
    assert link.is_symlink() and stat.S_IMODE(target.stat().st_mode) == 0o640
    assert pd.read_csv(target)["id"].notna().all()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest.csv", "published.csv"]  # no temporary left


def test_a_new_file_gets_the_umask_permissions(tmp_path):
    old = os.umask(0o027)
    try:
        assert main(["published", "-o", str(tmp_path / "new.csv")]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o640


# --- text from users and files ---------------------------------------------------------------------

@pytest.mark.parametrize("text, shown", [
    ("plain Шугнон", "plain Шугнон"),
    ("a\x1b[31mred", "a\\x1b[31mred"),
    ("over\rwrite", "over\\rwrite"),
    ("tab\there", "tab\\there"),
    ("two\nlines", "two\\nlines"),
    ("bell\x07 c1\x9b del\x7f", "bell\\x07 c1\\x9b del\\x7f"),
    ("\u202egnp.exe", "\\u202egnp.exe"),
])
def test_printable_shows_control_characters_as_escapes(text, shown):
    assert printable(text) == shown


def test_printable_keeps_line_breaks_of_a_report_when_asked():
    assert printable("row 2\n    allowed: \x1b]0;x\x07", lines=True) == "row 2\n    allowed: \\x1b]0;x\\x07"


def _csv(path: Path) -> Path:
    path.write_text("date,district,indicator,value,notes\n2019-05-01,Dusti,grants_awarded,3,ok\n", encoding="utf-8")
    return path


def _raw_controls(text: str) -> list[str]:
    return [char for char in text if char in "\x1b\r\x07" or "\x80" <= char < "\xa0"]


def test_versions_prints_hostile_file_names_notes_and_users_neutralised(store_url, tmp_path, capsys):
    hostile = _csv(tmp_path / HOSTILE_NAME)
    assert main(["ingest", str(hostile), "--store", store_url, "--user", "ed\x1b[2Jitor",
                 "--note", "see\rforged line"]) == 0
    ingest_out = capsys.readouterr().out
    assert main(["versions", "--store", store_url]) == 0
    out = capsys.readouterr().out
    for text in (ingest_out, out):
        assert not _raw_controls(text), text
    assert "may\\x1b[31mRED\\x1b[0m\\rfake.csv" in out and "ed\\x1b[2Jitor" in out and "see\\rforged line" in out
    assert out.count("\n") == 1 and out.count("\t") == 7  # one version, its eight columns intact


def test_validation_problems_print_hostile_names_and_values_neutralised(tmp_path, capsys):
    bad = tmp_path / HOSTILE_NAME
    bad.write_text("date,district,indicator,value\n2019-05-01,Dus\x1b[8mti,grants_awarded,-1\n", encoding="utf-8")
    assert main(["validate", str(bad)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert not _raw_controls(err), err
    assert "may\\x1b[31mRED" in err and "row 2" in err


def test_error_messages_print_hostile_paths_neutralised(tmp_path, capsys):
    assert main(["validate", str(tmp_path / HOSTILE_NAME)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert not _raw_controls(err) and err.count("\n") == 1 and "No such file" in err
