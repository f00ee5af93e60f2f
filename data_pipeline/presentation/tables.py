"""The analysis layer's tables and findings put into words for a reader.

``data_pipeline.analysis`` returns codes, numbers and structured facts; here they become text in a
language: district names from the gazetteer, a district's rank as ``3 of 16``, data-quality
findings as sentences with their figures formatted.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from data_pipeline.presentation.i18n import district_name, format_number, format_percent, translator


def rank_of(rank: int, count: int, lang: str) -> str:
    """``3 of 16`` in ``lang``: a district's rank among ``count`` districts."""
    _ = translator(lang)
    return _("{rank} of {count}").format(rank=rank, count=count)


def comparison_table(comparison: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``analysis.compare.district_comparison``'s table with its ``rank`` worded (``3 of 16``) in ``lang``."""
    ranks = [rank_of(int(r), int(n), lang) for r, n in zip(comparison["rank"], comparison["districts_reporting"])]
    return comparison.assign(rank=pd.Series(ranks, index=comparison.index, dtype=object))


def with_district_names(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``table`` with its ``district`` column (by ``district_code``) in ``lang``'s own names (gazetteer)."""
    names = {code: district_name(code, lang) for code in table["district_code"].unique()}
    return table.assign(district=table["district_code"].map(names))


def finding_text(message: str, params: Mapping, lang: str) -> str:
    """One data-quality finding (``analysis.quality``) as a sentence in ``lang``: ``count`` and ``share``
    formatted, ``category`` translated, ``districts`` (codes) and ``labels`` (msgids) named."""
    _ = translator(lang)
    words = dict(params)
    if "count" in words:
        words["count"] = format_number(words["count"], lang)
    if "share" in words:
        words["share"] = format_percent(words["share"], lang)
    if "category" in words:
        words["category"] = _(words["category"])
    if "districts" in words:
        words["names"] = ", ".join(district_name(code, lang) for code in words.pop("districts"))
    if "labels" in words:
        words["names"] = ", ".join(_(label) for label in words.pop("labels"))
    return _(message).format(**words)


def quality_table(findings: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``analysis.quality.quality_findings`` as ``check, finding`` (sentences in ``lang``)."""
    return pd.DataFrame({"check": findings["check"].tolist(),
                         "finding": [finding_text(m, p, lang) for m, p in zip(findings["message"], findings["params"])]},
                        columns=["check", "finding"])
