"""Figures for a view: aggregation by period and breakdown, the dataset behind every page,
funding, reconciliation with the published figures, comparison, data quality, version history,
the survey, the publish plan and the demo data.

Imports ``reference``, ``ingest``, ``store``, ``geo`` and ``settings``; returns codes, numbers
and structured facts, never words in a language (no ``lang`` parameter).
"""
