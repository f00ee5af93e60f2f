"""Headings step down one level at a time (WCAG 1.3.1; Lighthouse's and axe's ``heading-order``): screen-reader
users move through a page by its headings, and a title followed directly by a level-3 heading reads as if a
section were missing. The Overview and Objectives & funding pages went h1 → h3 before (Lighthouse 98 and 99)."""

from __future__ import annotations

import pytest

from tests.pages.conftest import heading_levels


def skipped(levels: list[tuple[int, str]]) -> list[str]:
    """The headings more than one level below the heading before them (the first may only be a level 1)."""
    out, previous = [], 0
    for level, text in levels:
        if level > previous + 1:
            out.append(f"h{level} {text!r} after h{previous}")
        previous = level
    return out


def test_the_check_finds_a_skipped_level():
    assert skipped([(1, "Overview"), (3, "Results")]) == ["h3 'Results' after h1"]
    assert skipped([(1, "Profile"), (2, "Vanj"), (3, "Each indicator"), (2, "Next")]) == []


@pytest.mark.parametrize(("page", "query"), [
    ("overview", {}), ("results", {}), ("map", {}), ("trends", {}), ("funding", {}), ("district", {}), ("survey", {}),
    ("sources", {"view": "documents"}),
])
def test_headings_never_skip_a_level(open_page, page, query):
    at = open_page(page, **query)
    levels = heading_levels(at.main)
    assert levels and levels[0][0] == 1, levels
    assert not skipped(levels), skipped(levels)
