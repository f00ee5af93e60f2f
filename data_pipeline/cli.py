"""Command line: ``python -m data_pipeline SUBCOMMAND [flags]``.

Every subcommand takes ``--store URL`` (SQLAlchemy URL; default ``DASHBOARD_STORE_URL`` or
the SQLite file ``data/dashboard.db``) and ``--geo-dir DIR`` (default ``DASHBOARD_GEO_DIR``).
Exit status 0 on success; non-zero with a readable message otherwise (2 for bad input, 1 for
anything unexpected). Set ``DASHBOARD_DEBUG=1`` to see a traceback instead.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import sys
from pathlib import Path
from typing import Callable, Sequence

import pandas as pd

from data_pipeline import settings
from data_pipeline.aggregate import PERIODS
from data_pipeline.schemas import DISAGGREGATIONS

EXIT_OK, EXIT_UNEXPECTED, EXIT_BAD_INPUT = 0, 1, 2


class CliError(Exception):
    """A failure the user can fix; its message says how."""


def _progress(enabled: bool) -> Callable[[str, float], None] | None:
    """A tqdm progress bar on stderr when it is a terminal."""
    if not enabled:
        return None
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}

    def update(stage: str, fraction: float) -> None:
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(total=100, desc=stage, unit="%", file=sys.stderr, leave=False)
        bar.update(max(0, round(fraction * 100) - bar.n))
        if fraction >= 1:
            bar.close()

    return update


def _read(paths: Sequence[str], show_progress: bool):
    from data_pipeline.ingest import read_table

    results = []
    for path in paths:
        if not Path(path).is_file():
            raise CliError(f"No such file: {path}. Give the path of a CSV or XLSX file.")
        results.append(read_table(path, progress=_progress(show_progress)))
    return results


def _print_problems(results) -> bool:
    from data_pipeline.ingest import format_problems

    bad = [r for r in results if not r.ok]
    for result in bad:
        print(f"{result.file_name}: {len(result.problems)} problem(s); nothing was stored.", file=sys.stderr)
        print(format_problems(result.problems), file=sys.stderr)
    return not bad


def cmd_validate(args) -> int:
    results = _read(args.files, sys.stderr.isatty())
    if not _print_problems(results):
        return EXIT_BAD_INPUT
    for result in results:
        print(f"{result.file_name}: valid {result.kind} table, {result.row_count} row(s).")
    return EXIT_OK


def cmd_ingest(args) -> int:
    from data_pipeline.store import Store, SubmissionInput

    results = _read(args.files, sys.stderr.isatty())
    if not _print_problems(results):
        return EXIT_BAD_INPUT
    with Store(args.store_url) as store:
        active = store.active_version()
        submissions = [SubmissionInput(r.file_name, r.sha256, r.kind, r.frame, is_demo=False, uploaded_by=args.user)
                       for r in results]
        outcome = store.publish(submissions, created_by=args.user, note=args.note or "")
    same_name = {s.file_name: s for s in (active.submissions if active and not active.is_demo else ())}
    for sub in outcome.added:
        old = same_name.get(sub.file_name)
        if old is not None and old.sha256 != sub.sha256:
            print(f"warning: {sub.file_name} was already published with other content (submission {old.id}); "
                  f"both are now counted. If the new file replaces it, run "
                  f"`python -m data_pipeline withdraw {old.id}`.", file=sys.stderr)
    for name in outcome.duplicates:
        print(f"{name}: already in the active version; not counted again.")
    if outcome.version is None:
        print("Nothing changed: every file is already in the active version.")
        return EXIT_OK
    for sub in outcome.added:
        print(f"{sub.file_name}: {sub.row_count} {sub.kind} row(s) added.")
    print(f"Version {outcome.version.id} is now active.")
    return EXIT_OK


def cmd_demo(args) -> int:
    from data_pipeline.demo import load_demo

    active_before = _active_id(args.store_url)
    version = load_demo(args.store_url, seed=args.seed, if_empty=args.if_empty)
    if version is not None and version.id == active_before:
        print(f"Version {version.id} is already active; demo data not reloaded.")
    else:
        print(f"Demo data loaded as version {version.id} (marked demo; district figures are generated).")
    return EXIT_OK


def _active_id(store_url: str) -> int | None:
    from data_pipeline.store import Store

    with Store(store_url) as store:
        active = store.active_version()
        return active.id if active else None


def cmd_versions(args) -> int:
    from data_pipeline.store import Store

    with Store(args.store_url) as store:
        versions = store.versions()
    if not versions:
        print("No versions yet. Load the demo (`python -m data_pipeline demo`) or ingest a file.", file=sys.stderr)
        return EXIT_OK
    for v in versions:
        files = ", ".join(f"{s.file_name} [submission {s.id}]" for s in v.submissions) or "(empty)"
        rows = sum(s.row_count for s in v.submissions)
        print(f"{v.id}\t{'*active*' if v.active else ''}\t{v.created_at:%Y-%m-%d %H:%M}\t{v.created_by}\t"
              f"{'demo' if v.is_demo else 'real'}\t{rows} rows\t{files}\t{v.note}")
    return EXIT_OK


def cmd_rollback(args) -> int:
    from data_pipeline.store import Store

    with Store(args.store_url) as store:
        version = store.rollback(args.version, created_by=args.user)
    print(f"Version {version.id} is now active, with the data of version {args.version}.")
    return EXIT_OK


def cmd_briefing(args) -> int:
    from data_pipeline.briefing import build_briefing
    from data_pipeline.dataset import load_dataset
    from geo.boundaries import BoundaryDataError, load_boundaries

    if not args.output.lower().endswith(".pdf"):
        raise CliError(f"The briefing pack is a PDF: give -o FILE.pdf (got {args.output!r}).")
    dataset = load_dataset(args.store_url)
    try:
        boundaries = load_boundaries(settings.geo_dir(args.geo_dir))
    except BoundaryDataError as error:
        print(f"warning: the PDF will have no map: {error}", file=sys.stderr)
        boundaries = None
    pdf = build_briefing(dataset, boundaries=boundaries, district=args.district, lang=args.lang,
                         district_sheets=args.sheets)
    _write_atomically(Path(args.output), pdf)
    print(f"Wrote the briefing pack to {args.output} ({len(pdf) // 1024} KB).", file=sys.stderr)
    return EXIT_OK


def cmd_geo_check(args) -> int:
    from geo.boundaries import check_boundaries

    directory = settings.geo_dir(args.geo_dir)
    problems = check_boundaries(directory)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return EXIT_BAD_INPUT
    print(f"{directory}: boundary files are fine.")
    return EXIT_OK


def cmd_geo_download(args) -> int:
    from geo.boundaries import download_boundaries

    directory = download_boundaries(settings.geo_dir(args.geo_dir))
    print(f"Boundary files downloaded and verified in {directory}.")
    return cmd_geo_check(args)


def cmd_withdraw(args) -> int:
    from data_pipeline.store import Store

    with Store(args.store_url) as store:
        version = store.withdraw(args.submission, created_by=args.user)
    print(f"Version {version.id} is now active, without submission {args.submission}.")
    return EXIT_OK


def cmd_hash_password(args) -> int:
    """Print a salted scrypt hash for an editor account in Streamlit's secrets (never the password)."""
    import getpass

    from data_pipeline.auth import MIN_PASSWORD_CHARS, hash_password

    if sys.stdin.isatty():
        password = getpass.getpass("Editor password: ")
        if getpass.getpass("Same password again: ") != password:
            raise CliError("The two passwords differ; nothing was printed. Run the command again.")
    else:  # piped: the first line of standard input
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < MIN_PASSWORD_CHARS:
        raise CliError(f"The password has {len(password)} characters; use at least {MIN_PASSWORD_CHARS}.")
    hashed = hash_password(password)
    if args.editor:
        print(f'[editors.{args.editor}]\npassword_hash = "{hashed}"')
    else:
        print(hashed)
    return EXIT_OK


def cmd_published(args) -> int:
    from data_pipeline.published import published_table

    table = published_table()
    _write_table(table, args.output, "csv", args.hxl)
    return EXIT_OK


def cmd_export(args) -> int:
    from data_pipeline.dataset import indicator_table, load_dataset

    dataset = load_dataset(args.store_url)
    if dataset.version is None:
        raise CliError("The store has no active version: load the demo (`python -m data_pipeline demo`) "
                       "or ingest a file first.")
    _write_table(indicator_table(dataset, args.period, args.by), args.output, args.format, args.hxl)
    return EXIT_OK


def _write_table(table: pd.DataFrame, output: str | None, fmt: str, hxl: bool = False) -> None:
    """CSV (UTF-8, comma) or XLSX, cells that a spreadsheet would run as formulas neutralised."""
    from data_pipeline.exports import to_csv_bytes, to_xlsx_bytes

    if fmt == "xlsx" and not output:
        raise CliError("XLSX cannot go to the terminal: add -o FILE.xlsx.")
    data = to_xlsx_bytes(table, hxl=hxl) if fmt == "xlsx" else to_csv_bytes(table, hxl=hxl)
    if output:
        _write_atomically(Path(output), data)
        print(f"Wrote {len(table)} row(s) to {output}.", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a kill leaves either the old file or the new one."""
    temporary = path.with_name(f".{path.name}.partial")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m data_pipeline",
                                     description="Border Districts Dashboard data pipeline.")
    common = argparse.ArgumentParser(add_help=False)
    store, geo = settings.setting("store_url"), settings.setting("geo_dir")
    common.add_argument("--store", metavar="URL", help=f"{store.help} Env {store.env}; default {store.default}.")
    common.add_argument("--geo-dir", metavar="DIR", help=f"{geo.help} Env {geo.env}.")
    user = argparse.ArgumentParser(add_help=False)
    user.add_argument("--user", default=os.environ.get("USER", "cli"), help="who is making the change")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("demo", parents=[common], help="load the demo data as the active version")
    p.add_argument("--seed", type=int, default=2020)
    p.add_argument("--if-empty", action="store_true", help="only when the store has no active version")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("validate", parents=[common], help="check files and report every problem")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("ingest", parents=[common, user], help="validate files and publish them as a new version")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--note", help="a note stored with the new version")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("versions", parents=[common], help="list versions, newest first")
    p.set_defaults(func=cmd_versions)

    p = sub.add_parser("rollback", parents=[common, user], help="make an earlier version's data active again")
    p.add_argument("version", type=int, metavar="VERSION")
    p.set_defaults(func=cmd_rollback)

    p = sub.add_parser("withdraw", parents=[common, user],
                       help="a new version without one submission (see `versions` for the ids)")
    p.add_argument("submission", type=int, metavar="SUBMISSION")
    p.set_defaults(func=cmd_withdraw)

    p = sub.add_parser("briefing", parents=[common], help="the briefing pack (PDF) of the active version")
    p.add_argument("--district", help="one district (any spelling) instead of all 16")
    p.add_argument("--sheets", action="store_true", help="append a one-page sheet for each district")
    p.add_argument("--lang", choices=("en", "ru", "tg"), default="en")
    p.add_argument("-o", "--output", metavar="FILE.pdf", required=True)
    p.set_defaults(func=cmd_briefing)

    p = sub.add_parser("geo-check", parents=[common], help="check the boundary files in the geo directory")
    p.set_defaults(func=cmd_geo_check)

    p = sub.add_parser("geo-download", parents=[common],
                       help="download the boundary files from their publisher (needs internet), checksum-verified")
    p.set_defaults(func=cmd_geo_download)

    p = sub.add_parser("hash-password", parents=[common],
                       help="a salted password hash for an editor account in .streamlit/secrets.toml "
                            "(reads the password from the terminal, or from standard input when piped)")
    p.add_argument("--editor", metavar="USERNAME", help="print the whole [editors.USERNAME] secrets section")
    p.set_defaults(func=cmd_hash_password)

    p = sub.add_parser("published", parents=[common], help="the published-figures catalogue as CSV")
    p.add_argument("-o", "--output", metavar="FILE")
    p.add_argument("--hxl", action="store_true", help="add a row of HXL hashtags under the header")
    p.set_defaults(func=cmd_published)

    p = sub.add_parser("export", parents=[common], help="the active version's indicators per district")
    p.add_argument("--period", choices=PERIODS, default="whole")
    p.add_argument("--by", choices=tuple(DISAGGREGATIONS))
    p.add_argument("--format", choices=("csv", "xlsx"), default=None)
    p.add_argument("-o", "--output", metavar="FILE")
    p.add_argument("--hxl", action="store_true", help="add a row of HXL hashtags under the header")
    p.set_defaults(func=cmd_export)
    return parser


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
    if args.geo_dir:
        os.environ["DASHBOARD_GEO_DIR"] = args.geo_dir
    if getattr(args, "format", "csv") is None:
        args.format = "xlsx" if (args.output or "").lower().endswith(".xlsx") else "csv"
    try:
        return args.func(args)
    except CliError as error:
        print(f"error: {error}", file=sys.stderr)
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
        status = EXIT_BAD_INPUT if isinstance(error, readable) else EXIT_UNEXPECTED
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        print(f"error: {message}", file=sys.stderr)
        return status
