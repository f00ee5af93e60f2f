"""GatedFile: the file as the batched parser reads it — hashed whole, a BOM skipped outside the gate, and read
only a few blocks ahead of the batches taken."""

from __future__ import annotations

import codecs
import hashlib
import threading
import time

import pytest

from data_pipeline.ingest import source
from data_pipeline.ingest.source import GatedFile

BLOCK = 1_000


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "file.csv"
    path.write_bytes(codecs.BOM_UTF8 + bytes(range(256)) * 40)  # 10,243 bytes: 11 blocks of 1,000 after the BOM
    return path


@pytest.mark.parametrize("skip, first", [(0, codecs.BOM_UTF8[:3]), (3, bytes(range(3)))])
def test_skipped_bytes_are_hashed_but_never_given_to_the_parser(path, skip, first):
    gated = GatedFile(path, skip=skip)
    assert (gated.position, gated.ahead) == (skip, 0)  # the skipped bytes take no block of the read-ahead
    assert gated.read(3) == first
    gated.taken()
    assert gated.hexdigest() == hashlib.sha256(path.read_bytes()).hexdigest()


def settled(reads: list[int]) -> int:
    """How many reads were made once the parser has waited at the gate for a while."""
    count, still = len(reads), time.monotonic()
    while time.monotonic() - still < 0.3:
        time.sleep(0.02)
        if len(reads) != count:
            count, still = len(reads), time.monotonic()
    return count


def test_the_parser_reads_at_most_readahead_blocks_ahead_while_no_batch_is_asked_for(path, monkeypatch):
    monkeypatch.setattr(source, "WAIT_SECONDS", 5.0)
    gated = GatedFile(path, skip=3)
    gated.taken()  # a batch was taken and none asked for yet: only the read-ahead window is open
    reads = []

    def parser() -> None:
        while data := gated.read(BLOCK):
            reads.append(len(data))

    thread = threading.Thread(target=parser, daemon=True)
    thread.start()
    assert settled(reads) == 1 + source.READAHEAD_BLOCKS  # the window, and the one block the batch taken allowed
    gated.asking()  # the next batch is asked for: as many blocks more
    assert settled(reads) == 1 + 2 * source.READAHEAD_BLOCKS
    assert gated.hexdigest() == hashlib.sha256(path.read_bytes()).hexdigest()  # the rest hashed; the parser ends
    thread.join(timeout=5)
    assert not thread.is_alive() and sum(reads) == (1 + 2 * source.READAHEAD_BLOCKS) * BLOCK
