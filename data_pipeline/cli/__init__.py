"""Command line: ``python -m data_pipeline SUBCOMMAND [flags]`` (top layer: may import every layer below;
never Streamlit).

Every subcommand takes ``--store URL`` (SQLAlchemy URL; default ``DASHBOARD_STORE_URL`` or
the SQLite file ``data/dashboard.db``), ``--store-timeout SECONDS`` (default
``DASHBOARD_STORE_TIMEOUT`` or 5) and ``--geo-dir DIR`` (default ``DASHBOARD_GEO_DIR``).
Exit status 0 on success; non-zero with a readable message otherwise (2 for bad input, 1 for
anything unexpected). Set ``DASHBOARD_DEBUG=1`` to see a traceback instead.

Text that comes from users or files (file names, notes, user names, cell values) is printed through
:func:`printable`, so a control character in it cannot drive the terminal; messages never show the
store's password. ``-o FILE`` writes a new or regular file atomically, ``-o -`` standard output.

Modules: ``parser`` (the subcommands and their flags), ``data_commands`` (validate, ingest, demo,
versions, rollback, withdraw), ``report_commands`` (briefing, published, export), ``setup_commands``
(geo-check, geo-download, hash-password), ``output`` (exit statuses, ``CliError``, ``printable``, ``-o``).
This module runs a command: :func:`main`.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import sys
from typing import Sequence
from unittest import mock

from data_pipeline import settings
from data_pipeline.analysis.aggregate import PERIODS
from data_pipeline.cli.output import EXIT_BAD_INPUT, EXIT_OK, EXIT_UNEXPECTED, CliError, printable
from data_pipeline.cli.parser import build_parser

__all__ = ["EXIT_BAD_INPUT", "EXIT_OK", "EXIT_UNEXPECTED", "PERIODS", "CliError", "build_parser", "main", "printable",
           "reuse_freed_memory"]

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)


def reuse_freed_memory() -> None:
    """Let glibc's allocator keep freed memory for reuse; a no-op on other C libraries.

    An ingest makes and drops hundreds of arrays of tens of MB. By default glibc maps fresh pages
    for each one and the kernel zeroes them again: ≈ 2 s of system time per 5M rows (PROFILE.md).
    A command that ends in seconds has no need to hand memory back early.
    """
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    mallopt(_M_MMAP_THRESHOLD, 1 << 30)
    mallopt(_M_TRIM_THRESHOLD, 1 << 31)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status."""
    reuse_freed_memory()
    args = build_parser().parse_args(argv)
    args.store_url = settings.store_url(args.store)
    if getattr(args, "format", "csv") is None:
        args.format = "xlsx" if (args.output or "").lower().endswith(".xlsx") else "csv"
    # The flags reach the code below as the settings' environment variables, for this run only.
    flags = {"DASHBOARD_GEO_DIR": args.geo_dir, "DASHBOARD_STORE_TIMEOUT": args.store_timeout}
    with mock.patch.dict(os.environ, {name: value for name, value in flags.items() if value}):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    """``args.func(args)``, its failures turned into one-line errors and exit statuses."""
    try:
        settings.store_timeout()  # a wrong value is told before any work
        return args.func(args)
    except CliError as error:
        _print_error(error, args.store_url)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stdout = open(os.devnull, "w")
        return EXIT_OK
    except KeyboardInterrupt:
        print("Interrupted; nothing was changed by the unfinished step.", file=sys.stderr)
        return 130
    except Exception as error:  # a readable line, never a traceback, unless debugging
        if os.environ.get("DASHBOARD_DEBUG"):
            raise
        from data_pipeline.store import StoreError
        from geo.boundaries import BoundaryDataError

        readable = (StoreError, BoundaryDataError, KeyError, ValueError, OSError)
        _print_error(error.args[0] if isinstance(error, KeyError) and error.args else error, args.store_url)
        return EXIT_BAD_INPUT if isinstance(error, readable) else EXIT_UNEXPECTED


def _print_error(error: object, store_url: str) -> None:
    """``error: …`` on stderr, on one line, without the store's password or control characters."""
    from data_pipeline.store import without_password

    print(f"error: {printable(without_password(str(error), store_url))}", file=sys.stderr)
