"""The one grouping routine: rows grouped by several key columns at once, the groups in sorted key order.

The store sums activity records into monthly cells with it (``data_pipeline.store.cells``), and
``data_pipeline.analysis.aggregate`` sums records or cells per district, indicator, period and breakdown
with it, so both group alike. It lives here, below both layers, because the store may not import
analysis. Each key column comes as codes numbered in the sorted order of its distinct values
(``ranked_codes``); one int64 key per row is made from the codes, so grouping costs a few numpy passes
instead of pandas' multi-key groupby on text. The callers sum what they need per group.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

DENSE_SLOTS = 1 << 22
"""Up to this many possible keys (or one per row, if more) the groups are found by counting rows per
possible key; beyond, by hashing the keys (a file spanning decades, say)."""


def ranked_codes(codes: np.ndarray, order: np.ndarray) -> np.ndarray:
    """``codes`` (indices into some distinct values; -1: missing) renumbered so that code ``i`` is the
    ``i``-th of those values in sorted order, ``order`` being the values' argsort; -1 stays -1."""
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    if not len(rank):
        return np.full(len(codes), -1, dtype=np.int64)
    if not len(codes) or codes.min() >= 0:  # nothing missing: one look-up per row
        return rank[codes]
    return np.where(codes < 0, -1, rank[np.where(codes < 0, 0, codes)])


@dataclass(frozen=True)
class Groups:
    """Rows grouped by their keys. ``rows``: each row's group id (0 … ``count`` - 1, not every id need hold
    a row); ``order``: the ids that hold rows, in the sorted order of their keys; ``keys``: per key column,
    the code of each group in that order. A sum per group in key order is
    ``np.bincount(rows, weights, minlength=count)[order]``."""

    rows: np.ndarray
    count: int
    order: np.ndarray
    keys: list[np.ndarray]


def group_rows(codes: Sequence[np.ndarray], sizes: Sequence[int], dense_slots: int = DENSE_SLOTS) -> Groups:
    """Group rows by key columns given as ``codes`` (column ``i``'s in 0 … ``sizes[i]`` - 1, numbered in the
    sorted order of its values: see ``ranked_codes``)."""
    rows = len(codes[0]) if codes else 0
    combined = np.zeros(rows, dtype=np.int64)
    for column, size in zip(codes, sizes):  # in place: no temporary arrays of every row
        combined *= size
        combined += column
    slots = math.prod(sizes)
    if slots <= max(rows, dense_slots):
        # A slot per possible key (48 months × 17 districts × 31 indicators × … ≈ 1.6M for four years):
        # the key is the group id, and the ids that hold a row are already in key order.
        row_groups, count = combined, slots
        order = group_keys = np.flatnonzero(np.bincount(combined, minlength=slots))
    else:
        # Hashing, then sorting only the distinct keys, beats np.unique's sort of every row.
        row_groups, distinct = pd.factorize(combined)
        count, order = len(distinct), np.argsort(distinct)
        group_keys = distinct[order]
    keys: list[np.ndarray] = []
    remainder = group_keys
    for size in reversed(sizes):
        remainder, code = np.divmod(remainder, size)
        keys.append(code)
    return Groups(row_groups, count, order, keys[::-1])
