"""Commands that set the machine up: ``geo-check``, ``geo-download`` (boundary files), ``hash-password`` (editors),
``migrate`` (the store's layout)."""

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


def cmd_migrate(args) -> int:
    """Bring the store's layout to this code's revision (Alembic); a current store is left as it is."""
    from data_pipeline.store import HEAD_REVISION, Store, without_password

    with Store(args.store_url, migrate=True) as store:
        found = store.schema_found
    where = printable(without_password(args.store_url))
    if found is not None and found.action == "current":
        print(f"{where}: already at revision {HEAD_REVISION}; nothing to do.")
    elif found is not None and found.action == "create":
        print(f"{where}: new store made at revision {HEAD_REVISION}.")
    else:
        print(f"{where}: upgraded from {found.describe() if found else 'nothing'} to revision {HEAD_REVISION}.")
    return EXIT_OK
