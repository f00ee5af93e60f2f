"""Reading monitoring tables (CSV or XLSX) into the canonical frames of ``reference.schemas``.

``read_table`` reads one file, recognises its columns (canonical names, Russian synonyms or
an HXL hashtag row under the header), its layout (long, or wide with one column per
indicator) and its kind (activities, targets, funding), checks every value and returns a
``ReadResult``: the canonical frame when the file is clean, otherwise every problem found,
each located as a spreadsheet shows it. It never writes anything and never raises on bad
input. Problems are facts (a message id and its values); ``data_pipeline.presentation.problems``
puts them in words.

The package, module by module:

- ``read``: ``read_table`` (one file read whole) and ``ReadResult``; dispatches on the format;
- ``stream``: ``stream_table`` (one file read in batches, its records handed to a sink batch by batch:
  the CLI's ``validate`` and ``ingest``), ``source``: the file it parses, hashed and read a few blocks ahead;
- ``csv``, ``xlsx``: a reader per format, each making a ``grid.Grid`` (factorised columns);
- ``limits``: the bounds a read stays within (rows, columns, cells, workbook parts);
- ``columns``: header words, HXL hashtags, table kind (``HEADER_SYNONYMS``, ``HXL_TAGS``);
- ``build``: the canonical frame per table kind (activities, targets, funding);
- ``validate``, ``names``: the checks of single values (numbers, dates, periods, text; districts,
  indicators, categories, funding lines);
- ``problems``: ``Problem``, its ``Text`` (msgid and values) and the per-file ``ProblemLog``.

Layer 2. May import ``geo``, ``data_pipeline.settings`` and ``data_pipeline.reference`` (layers
0–1) and its own modules; not ``store`` (its sibling), nor analysis, presentation or anything above.
No ``lang`` parameters, no words in a language: those are made when shown.
"""

from __future__ import annotations

from data_pipeline.ingest.columns import HEADER_SYNONYMS, HXL_TAGS, header_field, hxl_field, parse_hxl
from data_pipeline.ingest.limits import ReadLimits
from data_pipeline.ingest.problems import Problem, Text
from data_pipeline.ingest.read import MAX_FILE_BYTES, MAX_ROWS, ReadResult, read_table

__all__ = [
    "MAX_FILE_BYTES", "MAX_ROWS", "Problem", "ReadResult", "ReadLimits", "Text", "read_table",
    "HXL_TAGS", "HEADER_SYNONYMS", "header_field", "hxl_field", "parse_hxl",
]
