"""Commands that write a report of the data: ``briefing`` (PDF), ``published`` and ``export`` (CSV/XLSX),
``iati`` (IATI 2.03 XML)."""

from __future__ import annotations

import sys

from data_pipeline import settings
from data_pipeline.cli.output import (EXIT_OK, CliError, check_output, check_table_output, printable, write_output,
                                      write_table)

def cmd_briefing(args) -> int:
    from data_pipeline.presentation.briefing import build_briefing
    from data_pipeline.analysis.dataset import load_dataset
    from geo.boundaries import BoundaryDataError, load_boundaries

    if args.output != "-" and not args.output.lower().endswith(".pdf"):
        raise CliError(f"The briefing pack is a PDF: give -o FILE.pdf, or -o - for standard output "
                       f"(got {args.output!r}).")
    check_output(args.output, binary=True)
    dataset = load_dataset(args.store_url)
    try:
        boundaries = load_boundaries(settings.geo_dir(args.geo_dir))
    except BoundaryDataError as error:
        print(f"warning: the PDF will have no map: {printable(error)}", file=sys.stderr)
        boundaries = None
    pdf = build_briefing(dataset, boundaries=boundaries, district=args.district, lang=args.lang,
                         district_sheets=args.sheets, map_indicator=args.indicator)
    write_output(args.output, pdf, f"the briefing pack ({len(pdf) // 1024} KB)")
    return EXIT_OK


def cmd_published(args) -> int:
    from data_pipeline.reference.published import published_table

    write_table(published_table(), args.output, "csv", args.hxl)
    return EXIT_OK


def cmd_export(args) -> int:
    from data_pipeline.analysis.dataset import indicator_table, load_dataset

    check_table_output(args.output, args.format)
    dataset = load_dataset(args.store_url)
    if dataset.version is None:
        raise CliError("The store has no active version: load the demo (`python -m data_pipeline demo`) "
                       "or ingest a file first.")
    write_table(indicator_table(dataset, args.period, args.by), args.output, args.format, args.hxl)
    return EXIT_OK


def cmd_iati(args) -> int:
    from data_pipeline.analysis.dataset import load_dataset
    from data_pipeline.presentation.iati import build_iati
    from data_pipeline.presentation.iati_config import load_iati_config

    if args.output != "-" and not args.output.lower().endswith(".xml"):
        raise CliError(f"The IATI file is XML: give -o FILE.xml, or -o - for standard output (got {args.output!r}).")
    check_output(args.output)
    config = load_iati_config(settings.get_setting("iati_config", args.config))
    if args.config and config.source == "defaults":
        raise CliError(f"--config {args.config!r}: no such file. Copy iati.example.toml and set its values.")
    dataset = load_dataset(args.store_url, cells=True)
    if dataset.version is None:
        raise CliError("The store has no active version: load the demo (`python -m data_pipeline demo`) "
                       "or ingest a file first.")
    xml = build_iati(dataset, config)
    if dataset.is_demo:
        print("warning: the active version is demo data: the file is marked DEMO in every activity's identifier, "
              "title and description; do not publish it.", file=sys.stderr)
    if config.defaults:
        where = "iati.toml" if config.source == "defaults" else config.source
        print(f"warning: values from the defaults, not set by the organisation (set them in {where}, see "
              f"iati.example.toml): {', '.join(config.defaults)}.", file=sys.stderr)
    write_output(args.output, xml, f"the IATI activities file ({len(xml) // 1024} KB, version {dataset.version.id})")
    return EXIT_OK
