"""The CLI's exit statuses, its one error type, safe printing and the ``-o`` output rules (shared by every command).

Text that comes from users or files is printed through :func:`printable`, so a control character in it cannot
drive the terminal. ``-o FILE`` writes a new or regular file atomically, ``-o -`` standard output.
"""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pandas as pd

from data_pipeline.files import write_atomically

EXIT_OK, EXIT_UNEXPECTED, EXIT_BAD_INPUT = 0, 1, 2


class CliError(Exception):
    """A failure the user can fix; its message says how."""


_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable(text: object, *, lines: bool = False) -> str:
    """``text`` safe to print on a terminal: control characters (escape sequences, carriage returns,
    tabs, C1 controls) and bidirectional overrides are shown as Python escapes (``\\x1b``, ``\\r``),
    so text from a file or a user cannot recolour, rewrite or reorder what the terminal shows. With
    ``lines``, line breaks are kept (for the CLI's own multi-line reports)."""
    def shown(char: str) -> str:
        if char == "\n" and lines:
            return char
        if char in _BIDI_CONTROLS or ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0:
            return char.encode("unicode_escape").decode("ascii")
        return char

    return "".join(map(shown, str(text)))


def write_table(table: pd.DataFrame, output: str | None, fmt: str, hxl: bool = False) -> None:
    """CSV (UTF-8, comma) or XLSX, cells that a spreadsheet would run as formulas neutralised;
    to standard output without ``-o`` (CSV only) or with ``-o -``."""
    from data_pipeline.presentation.exports import to_csv_bytes, to_xlsx_bytes

    check_table_output(output, fmt)
    data = to_xlsx_bytes(table, hxl=hxl) if fmt == "xlsx" else to_csv_bytes(table, hxl=hxl)
    write_output(output or "-", data, f"{len(table)} row(s)")


def check_table_output(output: str | None, fmt: str) -> None:
    """``CliError`` when a table in ``fmt`` cannot go where ``-o`` says (see :func:`check_output`)."""
    if fmt == "xlsx" and not output:
        raise CliError("XLSX cannot go to the terminal: add -o FILE.xlsx (or -o - to pipe it).")
    check_output(output or "-", binary=fmt == "xlsx")


def check_output(output: str | None, *, binary: bool = False) -> Path | None:
    """Where ``-o`` writes: ``None`` for standard output (``-``), else the path of a regular file or of
    a new one in an existing folder (a symbolic link to a regular file: the file it points to).
    ``CliError`` for anything else (a device, FIFO, socket or folder, a broken link), and for binary
    data bound for a terminal. Called before the work, so a wrong ``-o`` costs nothing."""
    if output is None or output == "-":
        if binary and sys.stdout.isatty():
            raise CliError("This output is binary and standard output is a terminal: redirect it "
                           "(`-o - > FILE`) or give -o FILE.")
        return None
    path = Path(output)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if path.is_symlink():
            raise CliError(f"-o {output!r} is a symbolic link to a missing file; give a file path, or - for "
                           "standard output.") from None
        if not path.parent.is_dir():
            raise CliError(f"-o {output!r}: the folder {str(path.parent)!r} does not exist; create it or "
                           "choose another path.") from None
        return path
    if not stat.S_ISREG(mode):
        kind = ("a folder" if stat.S_ISDIR(mode) else "a FIFO (named pipe)" if stat.S_ISFIFO(mode)
                else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")
        raise CliError(f"-o {output!r} is {kind}; the CLI writes only new or regular files. Give a file "
                       "path, or - for standard output.")
    return path.resolve()


def write_output(output: str, data: bytes, what: str) -> None:
    """Write ``data`` to standard output (``-``) or atomically to the file ``output`` (see
    :func:`check_output`), saying on stderr what was written where."""
    path = check_output(output)
    if path is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    write_atomically(path, data)
    print(f"Wrote {what} to {printable(output)}.", file=sys.stderr)
