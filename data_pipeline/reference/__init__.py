"""Facts kept as data: the indicator registry, the published figures and their documents, the
tables' schemas and the kinds of origin a number can have; the interface languages and the
``mark`` for English text kept as data (``messages``); the one rounding rule (``rounding``); and
``grouping``, the one routine that groups records by several keys, shared by the store's monthly
cells and analysis' aggregation.

Imports only ``geo`` and ``data_pipeline.settings``. Words are English message ids; they are
translated where they are shown (``data_pipeline.presentation``).
"""
