"""data_pipeline.files: a file written atomically is whole or absent, whatever fails on the way."""

from __future__ import annotations

import os
import stat

import pytest

from data_pipeline.files import write_atomically


def _names(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_new_file_is_written_with_the_umasks_permissions_and_nothing_beside_it(tmp_path):
    old = os.umask(0o027)
    try:
        written = write_atomically(tmp_path / "new.csv", b"a,b\n1,2\n")
    finally:
        os.umask(old)
    assert written == tmp_path / "new.csv" and written.read_bytes() == b"a,b\n1,2\n"
    assert stat.S_IMODE(written.stat().st_mode) == 0o640
    assert _names(tmp_path) == ["new.csv"]


def test_an_existing_file_is_replaced_by_a_new_one_keeping_its_permissions(tmp_path):
    target = tmp_path / "data.json"
    target.write_bytes(b"old")
    target.chmod(0o604)
    before = target.stat().st_ino
    write_atomically(str(target), b"new")
    assert target.read_bytes() == b"new" and stat.S_IMODE(target.stat().st_mode) == 0o604
    assert target.stat().st_ino != before, "renamed over the old file, not written into it"
    assert _names(tmp_path) == ["data.json"]


@pytest.mark.parametrize("failure", [OSError("No space left on device"), KeyboardInterrupt()])
@pytest.mark.parametrize("existed", [True, False])
def test_a_write_that_fails_midway_leaves_the_old_file_or_none_and_no_temporary(tmp_path, monkeypatch, failure,
                                                                                 existed):
    target = tmp_path / "shapes.js"
    if existed:
        target.write_bytes(b"old content")
    seen: list[list[str]] = []

    def failing_sync(descriptor: int) -> None:
        seen.append(_names(tmp_path))  # the new bytes are in the temporary file by now
        raise failure

    monkeypatch.setattr(os, "fsync", failing_sync)
    with pytest.raises(type(failure)):
        write_atomically(target, b"new content " * 10_000)
    assert len(seen) == 1 and any(name.endswith(".partial") for name in seen[0]), seen
    assert _names(tmp_path) == (["shapes.js"] if existed else [])
    if existed:
        assert target.read_bytes() == b"old content"


def test_a_missing_folder_is_named_with_the_fix(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist.*Create the folder first"):
        write_atomically(tmp_path / "no" / "file.txt", b"x")
