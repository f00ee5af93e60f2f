"""Command line: ``python -m data_pipeline SUBCOMMAND [flags]``.

Every subcommand takes ``--store URL`` (SQLAlchemy URL; default ``DASHBOARD_STORE_URL`` or
the SQLite file ``data/dashboard.db``), ``--store-timeout SECONDS`` (default
``DASHBOARD_STORE_TIMEOUT`` or 5) and ``--geo-dir DIR`` (default ``DASHBOARD_GEO_DIR``).
Exit status 0 on success; non-zero with a readable message otherwise (2 for bad input, 1 for
anything unexpected). Set ``DASHBOARD_DEBUG=1`` to see a traceback instead.

Text that comes from users or files (file names, notes, user names, cell values) is printed through
:func:`printable`, so a control character in it cannot drive the terminal; messages never show the
store's password. ``-o FILE`` writes a new or regular file atomically, ``-o -`` standard output.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import Callable, Sequence
from unittest import mock

import pandas as pd

from data_pipeline import settings
from data_pipeline.analysis.aggregate import PERIODS
from data_pipeline.reference.messages import DEFAULT_LANGUAGE, LANGUAGES
from data_pipeline.reference.schemas import DISAGGREGATIONS

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
    from data_pipeline.presentation.problems import format_problems

    bad = [r for r in results if not r.ok]
    for result in bad:
        print(f"{printable(result.file_name)}: {len(result.problems)} problem(s); nothing was stored.",
              file=sys.stderr)
        print(printable(format_problems(result.problems), lines=True), file=sys.stderr)
    return not bad


def cmd_validate(args) -> int:
    results = _read(args.files, sys.stderr.isatty())
    if not _print_problems(results):
        return EXIT_BAD_INPUT
    for result in results:
        print(f"{printable(result.file_name)}: valid {result.kind} table, {result.row_count} row(s).")
    return EXIT_OK


def cmd_ingest(args) -> int:
    from data_pipeline.analysis.publish_plan import plan_publish
    from data_pipeline.store import Store, SubmissionInput

    results = _read(args.files, sys.stderr.isatty())
    if not _print_problems(results):
        return EXIT_BAD_INPUT
    with Store(args.store_url) as store:
        submissions = [SubmissionInput(r.file_name, r.sha256, r.kind, r.frame, is_demo=False, uploaded_by=args.user)
                       for r in results]
        plan = plan_publish(store, submissions)
        if plan.repeated_count and not args.allow_repeated:
            print(f"Repeated records, the first of {plan.repeated_count}:\n{printable(_repeated(plan), lines=True)}",
                  file=sys.stderr)
            raise CliError(f"{plan.repeated_count} record(s) repeat records already published or in another of "
                           f"these files (same date, district, indicator and breakdown); nothing was stored. If "
                           f"they are new records, run again with --allow-repeated; if a file replaces one already "
                           f"published, withdraw that one first (`python -m data_pipeline versions` lists the ids).")
        outcome = store.publish(submissions, created_by=args.user, note=args.note or "")
    checks = {(check.file_name, check.sha256): check for check in plan.files}
    for sub in outcome.added:
        same_name = checks[sub.file_name, sub.sha256].same_name
        if same_name:
            old = same_name[-1]
            print(f"warning: {printable(sub.file_name)} was already published with other content "
                  f"(submission {old.id}); both are now counted. If the new file replaces it, run "
                  f"`python -m data_pipeline withdraw {old.id}`.", file=sys.stderr)
    for name in outcome.duplicates:
        print(f"{printable(name)}: already in the active version; not counted again.")
    if outcome.version is None:
        print("Nothing changed: every file is already in the active version.")
        return EXIT_OK
    for sub in outcome.added:
        print(f"{printable(sub.file_name)}: {sub.row_count} {sub.kind} row(s) added.")
    print(f"Version {outcome.version.id} is now active.")
    return EXIT_OK


def _repeated(plan, limit: int = 5) -> str:
    """The plan's first ``limit`` repeated records on one line each."""
    from geo.gazetteer import district

    lines = []
    for row in plan.repeated.head(limit).itertuples(index=False):
        breakdown = ", ".join(v for v in (row.sex, row.age_group, row.disability) if v)
        lines.append(f"  {row.file} row {row.row}: {row.date:%Y-%m-%d} {district(row.district_code).name_en} "
                     f"{row.indicator}" + (f" ({breakdown})" if breakdown else "")
                     + f" = {row.value:g}, as in {row.repeats}")
    return "\n".join(lines)


def cmd_demo(args) -> int:
    from data_pipeline.analysis.demo import load_demo

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
    from data_pipeline.presentation.versions import note_text
    from data_pipeline.store import Store

    with Store(args.store_url) as store:
        versions = store.versions()
    if not versions:
        print("No versions yet. Load the demo (`python -m data_pipeline demo`) or ingest a file.", file=sys.stderr)
        return EXIT_OK
    for v in versions:
        files = ", ".join(f"{printable(s.file_name)} [submission {s.id}]" for s in v.submissions) or "(empty)"
        rows = sum(s.row_count for s in v.submissions)
        print(f"{v.id}\t{'*active*' if v.active else ''}\t{v.created_at:%Y-%m-%d %H:%M}\t{printable(v.created_by)}\t"
              f"{'demo' if v.is_demo else 'real'}\t{rows} rows\t{files}\t{printable(note_text(v.note))}")
    return EXIT_OK


def cmd_rollback(args) -> int:
    from data_pipeline.store import Store

    with Store(args.store_url) as store:
        version = store.rollback(args.version, created_by=args.user)
    print(f"Version {version.id} is now active, with the data of version {args.version}.")
    return EXIT_OK


def cmd_briefing(args) -> int:
    from data_pipeline.presentation.briefing import build_briefing
    from data_pipeline.analysis.dataset import load_dataset
    from geo.boundaries import BoundaryDataError, load_boundaries

    if args.output != "-" and not args.output.lower().endswith(".pdf"):
        raise CliError(f"The briefing pack is a PDF: give -o FILE.pdf, or -o - for standard output "
                       f"(got {args.output!r}).")
    _check_output(args.output, binary=True)
    dataset = load_dataset(args.store_url)
    try:
        boundaries = load_boundaries(settings.geo_dir(args.geo_dir))
    except BoundaryDataError as error:
        print(f"warning: the PDF will have no map: {printable(error)}", file=sys.stderr)
        boundaries = None
    pdf = build_briefing(dataset, boundaries=boundaries, district=args.district, lang=args.lang,
                         district_sheets=args.sheets)
    _write_output(args.output, pdf, f"the briefing pack ({len(pdf) // 1024} KB)")
    return EXIT_OK


def cmd_geo_check(args) -> int:
    from geo.boundaries import check_boundaries

    directory = settings.geo_dir(args.geo_dir)
    problems = check_boundaries(directory)
    for problem in problems:
        print(printable(problem), file=sys.stderr)
    if problems:
        return EXIT_BAD_INPUT
    print(f"{printable(directory)}: boundary files are fine.")
    return EXIT_OK


def cmd_geo_download(args) -> int:
    from geo.boundaries import download_boundaries

    directory = download_boundaries(settings.geo_dir(args.geo_dir))
    print(f"Boundary files downloaded and verified in {printable(directory)}.")
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

    from data_pipeline.store.editors import MIN_PASSWORD_CHARS, hash_password

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
        print(f'[editors.{printable(args.editor)}]\npassword_hash = "{hashed}"')
    else:
        print(hashed)
    return EXIT_OK


def cmd_published(args) -> int:
    from data_pipeline.reference.published import published_table

    _write_table(published_table(), args.output, "csv", args.hxl)
    return EXIT_OK


def cmd_export(args) -> int:
    from data_pipeline.analysis.dataset import indicator_table, load_dataset

    _check_table_output(args.output, args.format)
    dataset = load_dataset(args.store_url)
    if dataset.version is None:
        raise CliError("The store has no active version: load the demo (`python -m data_pipeline demo`) "
                       "or ingest a file first.")
    _write_table(indicator_table(dataset, args.period, args.by), args.output, args.format, args.hxl)
    return EXIT_OK


def _write_table(table: pd.DataFrame, output: str | None, fmt: str, hxl: bool = False) -> None:
    """CSV (UTF-8, comma) or XLSX, cells that a spreadsheet would run as formulas neutralised;
    to standard output without ``-o`` (CSV only) or with ``-o -``."""
    from data_pipeline.presentation.exports import to_csv_bytes, to_xlsx_bytes

    _check_table_output(output, fmt)
    data = to_xlsx_bytes(table, hxl=hxl) if fmt == "xlsx" else to_csv_bytes(table, hxl=hxl)
    _write_output(output or "-", data, f"{len(table)} row(s)")


def _check_table_output(output: str | None, fmt: str) -> None:
    """``CliError`` when a table in ``fmt`` cannot go where ``-o`` says (see :func:`_check_output`)."""
    if fmt == "xlsx" and not output:
        raise CliError("XLSX cannot go to the terminal: add -o FILE.xlsx (or -o - to pipe it).")
    _check_output(output or "-", binary=fmt == "xlsx")


def _check_output(output: str | None, *, binary: bool = False) -> Path | None:
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


def _write_output(output: str, data: bytes, what: str) -> None:
    """Write ``data`` to standard output (``-``) or atomically to the file ``output`` (see
    :func:`_check_output`), saying on stderr what was written where."""
    path = _check_output(output)
    if path is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    _write_atomically(path, data)
    print(f"Wrote {what} to {printable(output)}.", file=sys.stderr)


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a kill or a crash leaves either the old file or the new one.

    The temporary file is made with O_EXCL beside ``path`` (nothing existing is followed or
    overwritten) and gets the old file's permissions, or the umask's for a new one."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m data_pipeline",
                                     description="Border Districts Dashboard data pipeline.")
    common = argparse.ArgumentParser(add_help=False)
    store, geo = settings.setting("store_url"), settings.setting("geo_dir")
    common.add_argument("--store", metavar="URL", help=f"{store.help} Env {store.env}; default {store.default}.")
    timeout = settings.setting("store_timeout")
    common.add_argument("--store-timeout", metavar="SECONDS",
                        help=f"{timeout.help} Env {timeout.env}; default {timeout.default}.")
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
    p.add_argument("--allow-repeated", action="store_true",
                   help="publish even when records repeat records already published or in another of the files "
                        "(same date, district, indicator and breakdown); without it such a publish is refused")
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
    p.add_argument("--lang", choices=tuple(LANGUAGES), default=DEFAULT_LANGUAGE)
    p.add_argument("-o", "--output", metavar="FILE.pdf", required=True, help="the PDF file, or - for standard output")
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
    p.add_argument("-o", "--output", metavar="FILE", help="the file to write, or - for standard output (the default)")
    p.add_argument("--hxl", action="store_true", help="add a row of HXL hashtags under the header")
    p.set_defaults(func=cmd_published)

    p = sub.add_parser("export", parents=[common], help="the active version's indicators per district")
    p.add_argument("--period", choices=PERIODS, default="whole")
    p.add_argument("--by", choices=tuple(DISAGGREGATIONS))
    p.add_argument("--format", choices=("csv", "xlsx"), default=None)
    p.add_argument("-o", "--output", metavar="FILE", help="the file to write, or - for standard output (the default)")
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
