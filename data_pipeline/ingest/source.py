"""The file a batched read parses: hashed from the bytes the parser reads, and read only a few blocks ahead of
the batches taken (``GatedFile``), so that a read's memory does not grow with the file."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path


class GatedFile:
    """The file as the parser reads it, hashed as it is read (the digest is of the bytes parsed), and read
    no further ahead of the batches taken than ``READAHEAD_BLOCKS`` blocks.

    pyarrow's streaming CSV reader reads and parses its whole input ahead of the batches asked for (a
    5M-row file was held whole before the first batch was taken); the parser's reads wait here while the
    reader of the batches is busy with one (``asking``/``taken``), and go on while it waits for the next
    (the parser may need a few blocks more to make it), up to ``READAHEAD_BLOCKS`` more; a read never waits
    longer than ``WAIT_SECONDS``.

    ``skip`` bytes at the start (a UTF-8 BOM) are read and hashed when the file is opened, outside the gate:
    the parser never gets them, and they take none of the blocks it may read ahead.
    """

    def __init__(self, path: Path, skip: int = 0):
        self._file = path.open("rb")
        head = self._file.read(skip)
        self._digest = hashlib.sha256(head)
        self.position = len(head)
        self._reads = 0
        self._allowed = READAHEAD_BLOCKS
        self._asking = True
        self._turn = threading.Condition()
        self._reading = threading.Lock()
        self._finished = False

    closed = property(lambda self: self._file.closed)

    def read(self, size: int = -1) -> bytes:
        with self._turn:
            self._turn.wait_for(lambda: self._reads < self._allowed + (READAHEAD_BLOCKS if self._asking else 0),
                                timeout=WAIT_SECONDS)
            self._reads += 1
        with self._reading:  # one read at a time, hashed in the order read; none once the hash is taken
            if self._finished:
                return b""
            data = self._file.read(size)
            self._digest.update(data)
            self.position += len(data)
        return data

    def asking(self) -> None:
        """The next batch is asked for: the parser may read what it needs to make it."""
        with self._turn:
            self._asking = True
            self._turn.notify_all()

    def taken(self) -> None:
        """A batch was taken from the parser: one more block may be read ahead."""
        with self._turn:
            self._asking = False
            self._allowed += 1
            self._turn.notify_all()

    @property
    def ahead(self) -> int:
        """Blocks read beyond the batches taken."""
        return self._reads - (self._allowed - READAHEAD_BLOCKS)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def tell(self) -> int:
        return self.position

    def close(self) -> None:
        """Stop reading: the parser gets the end of the file from now on."""
        with self._reading:
            self._finished = True
            self._file.close()
        self._open_gate()

    def hexdigest(self) -> str:
        """The digest of the whole file: what the parser left unread is read and hashed now, and the parser
        gets the end of the file from now on."""
        with self._reading:
            self._finished = True
            while data := self._file.read(1 << 22):
                self._digest.update(data)
            self._file.close()
        self._open_gate()
        return self._digest.hexdigest()

    def _open_gate(self) -> None:
        with self._turn:
            self._allowed = 1 << 62
            self._turn.notify_all()


READAHEAD_BLOCKS = 2
"""Blocks (``csv.CSV_BLOCK_BYTES`` each) the parser may read ahead of the batches taken (and as many more
while a batch is asked for)."""
WAIT_SECONDS = 1.0
"""The longest a parser's read waits at the gate (a read that waited this long goes on regardless)."""
