"""The argument parser: every subcommand, its flags and the function that runs it."""

from __future__ import annotations

import argparse
import os

from data_pipeline import settings
from data_pipeline.analysis.aggregate import PERIODS
from data_pipeline.cli.data_commands import cmd_demo, cmd_ingest, cmd_rollback, cmd_validate, cmd_versions, cmd_withdraw
from data_pipeline.cli.report_commands import cmd_briefing, cmd_export, cmd_iati, cmd_published
from data_pipeline.cli.setup_commands import cmd_geo_check, cmd_geo_download, cmd_hash_password, cmd_migrate
from data_pipeline.reference.messages import DEFAULT_LANGUAGE, LANGUAGES
from data_pipeline.reference.schemas import DISAGGREGATIONS


# One flat declaration of every subcommand and its flags (80 lines): read top to bottom like --help.
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
    p.add_argument("--sheets", action="store_true", help="append a one-page sheet for each district (for --district, its sheet)")
    p.add_argument("--indicator", help="the indicator id to map and lead the key messages with (default: the first "
                                       "headline indicator with records, as the Overview shows)")
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

    p = sub.add_parser("migrate", parents=[common],
                       help="upgrade the store's layout to this code's (Alembic revisions; back the store up first)")
    p.set_defaults(func=cmd_migrate)

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

    iati_config = settings.setting("iati_config")
    p = sub.add_parser("iati", parents=[common], help="the active version's results as an IATI 2.03 activities file")
    p.add_argument("-o", "--output", metavar="FILE.xml", required=True, help="the XML file, or - for standard output")
    p.add_argument("--config", metavar="FILE", help=f"{iati_config.help} Env {iati_config.env}.")
    p.set_defaults(func=cmd_iati)
    return parser
