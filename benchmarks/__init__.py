"""Benchmarks with budgets: ``python -m benchmarks`` (see ``benchmarks/RESULTS.md``).

They report; they never fail CI. ``tests/benchmarks`` runs the harness on tiny sizes so that it
keeps working.
"""
