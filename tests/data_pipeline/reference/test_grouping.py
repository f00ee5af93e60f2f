"""The one grouping routine: the same groups, in key order, whether it counts slots or hashes keys."""

from __future__ import annotations

import numpy as np
import pytest

from data_pipeline.reference.grouping import group_rows, ranked_codes


def test_ranked_codes_number_values_in_sorted_order_and_keep_missing():
    values = np.array(["b", "c", "a"], dtype=object)
    assert ranked_codes(np.array([0, 1, 2, -1, 0]), np.argsort(values)).tolist() == [1, 2, 0, -1, 1]
    assert ranked_codes(np.array([2, 2]), np.argsort(values)).tolist() == [0, 0]
    assert ranked_codes(np.array([-1]), np.array([], dtype=np.int64)).tolist() == [-1]


@pytest.mark.parametrize("seed", [1, 2])
def test_counting_slots_and_hashing_keys_give_the_same_groups(seed):
    rng = np.random.default_rng(seed)
    sizes = [50, 3, 70]  # more possible keys than rows: with dense_slots=0 the keys are hashed
    codes = [rng.integers(0, size, 2_000) for size in sizes]
    weights = rng.random(2_000)
    dense, hashed = group_rows(codes, sizes), group_rows(codes, sizes, dense_slots=0)
    assert dense.count == int(np.prod(sizes)) > hashed.count
    for groups in (dense, hashed):
        keys = list(zip(*(k.tolist() for k in groups.keys)))
        assert keys == sorted(set(zip(*(c.tolist() for c in codes))))  # every key once, in order
        sums = np.bincount(groups.rows, weights, minlength=groups.count)[groups.order]
        expected = {key: 0.0 for key in keys}
        for row, key in enumerate(zip(*(c.tolist() for c in codes))):
            expected[key] += weights[row]
        assert sums.tolist() == pytest.approx([expected[key] for key in keys])
