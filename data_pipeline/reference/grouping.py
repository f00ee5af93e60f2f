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
    return np.where(codes < 0, -1, rank[np.where(codes < 0, 0, codes)]).astype(np.int64)


@dataclass(frozen=True)
class Groups:
    """Rows grouped by their keys: ``rows`` holds each row's group (0 … ``count`` - 1), numbered in the
    sorted order of the keys; ``keys`` holds, per key column, each group's code."""

    rows: np.ndarray
    count: int
    keys: list[np.ndarray]


def group_rows(codes: Sequence[np.ndarray], sizes: Sequence[int], dense_slots: int = DENSE_SLOTS) -> Groups:
    """Group rows by key columns given as ``codes`` (column ``i``'s in 0 … ``sizes[i]`` - 1, numbered in the
    sorted order of its values: see ``ranked_codes``); the groups come out in the order of their keys."""
    rows = len(codes[0]) if codes else 0
    combined = np.zeros(rows, dtype=np.int64)
    for column, size in zip(codes, sizes):  # in place: no temporary arrays of every row
        combined *= size
        combined += column
    slots = math.prod(sizes)
    if slots <= max(rows, dense_slots):
        # A slot per possible key (48 months × 17 districts × 31 indicators × … ≈ 1.6M for four years):
        # the groups are the slots that hold a row, already in key order.
        present = np.bincount(combined, minlength=slots) > 0
        group_keys = np.flatnonzero(present)
        numbers = np.cumsum(present) - 1
        row_groups = numbers[combined]
    else:
        # Hashing, then sorting only the distinct keys, beats np.unique's sort of every row.
        row_groups, group_keys = pd.factorize(combined)
        order = np.argsort(group_keys)
        group_keys = group_keys[order]
        row_groups = ranked_codes(row_groups, order)
    keys: list[np.ndarray] = []
    remainder = group_keys
    for size in reversed(sizes):
        remainder, code = np.divmod(remainder, size)
        keys.append(code)
    return Groups(row_groups, len(group_keys), keys[::-1])
