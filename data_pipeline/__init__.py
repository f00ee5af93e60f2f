"""The dashboard's data pipeline, in layers; a module imports only from its own layer or below.

1. ``reference``    facts kept as data: indicators, published figures, table schemas, origins
2. ``ingest``       reading files into checked tables;  ``store``: versions, tables, editor accounts
3. ``analysis``     figures for a view: aggregation, dataset, funding, reconciliation, history…
4. ``presentation`` words and pictures: translation, number formats, charts, maps, PDF, exports
5. ``cli``          the command line (with ``ui``, ``app_pages``, ``dashboard.py`` at the top)

``settings``, ``files`` (atomic writes) and the ``geo`` package (gazetteer, boundaries) sit below all of them.
``tests/test_architecture.py`` checks these rules.
"""
