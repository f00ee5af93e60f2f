"""Commands that set the machine up: ``geo-check``, ``geo-download`` (boundary files), ``hash-password`` (editors)."""

from __future__ import annotations

import sys

from data_pipeline import settings
from data_pipeline.cli.output import EXIT_BAD_INPUT, EXIT_OK, CliError, printable

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
