"""The one rounding rule of every number the product shows: half up, as printed reports round.

Python and Babel round half to even (54.5 → 54); the documents and the readers expect 55. Kept in
the reference layer so that analysis (tables rounded before they are shown or exported) and
presentation (``data_pipeline.presentation.i18n.format_number``) use the same rule. Imports nothing.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def round_half_up(value: float | Decimal, decimals: int) -> Decimal:
    """``value`` rounded to ``decimals`` as printed reports do: 54.5 → 55 (Python and Babel round
    half to even, 54). Every number the dashboard shows is rounded by this one rule."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
