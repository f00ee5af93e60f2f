"""The brief's districts at a glance: every district in the filters, ranked by the mapped indicator, with
each headline indicator's records and % of the district's target — the table under the brief's map."""

from __future__ import annotations

import pandas as pd
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics

from data_pipeline.analysis.aggregate import WHOLE
from data_pipeline.analysis.dataset import Dataset, targets_in_view
from data_pipeline.presentation.briefing.common import Words
from data_pipeline.presentation.briefing.layout import _generated_band, _p, _Styles, _table
from data_pipeline.reference.registry import indicator, indicators_for
from geo.gazetteer import district as district_by_code

_SELECTED_FILL = colors.HexColor("#fbe3e6")


def district_glance(view: Dataset, ranked_by: str) -> pd.DataFrame:
    """Per district in ``view``'s filters (rows, ranked by ``ranked_by``'s records, most first; districts
    without records last): each headline indicator's records (``<id>``) and % of the district's target
    (``<id>_pct``, NaN without a target). Columns ``district_code``, ``rank`` besides."""
    codes = list(view.filters.district_codes())
    ids = [entry.id for entry in indicators_for(view.filters.programme, headline=True)]
    if ranked_by not in ids:
        ids = [ranked_by] + ids
    sums = view.activities.groupby(["district_code", "indicator"])["value"].sum()
    in_view = targets_in_view(view)
    targets = (in_view[(in_view["period"] == WHOLE) & in_view["district_code"].notna()]
               .groupby(["district_code", "indicator"])["target"].sum())
    rows = []
    for code in codes:
        row: dict = {"district_code": code}
        for indicator_id in ids:
            value = float(sums.get((code, indicator_id), float("nan")))
            target = float(targets.get((code, indicator_id), float("nan")))
            row[indicator_id] = value
            row[f"{indicator_id}_pct"] = value / target * 100 if target and target == target and value == value \
                else float("nan")
        rows.append(row)
    table = pd.DataFrame(rows, columns=["district_code"] + [c for i in ids for c in (i, f"{i}_pct")])
    table = table.sort_values(ranked_by, ascending=False, na_position="last", kind="stable").reset_index(drop=True)
    table.insert(1, "rank", table[ranked_by].rank(method="min", ascending=False))
    return table


def glance_flowables(view: Dataset, ranked_by: str, selected_code: str | None, words: Words, styles: _Styles,
                     width: float) -> list:
    """The table and its note; the selected district's row shaded."""
    tr = words.tr
    table = district_glance(view, ranked_by)
    ids = [c for c in table.columns if c not in ("district_code", "rank") and not c.endswith("_pct")]
    header = [_p(tr("Rank"), styles.number_bold), _p(tr("District"), styles.cell_bold)]
    header += [_p(tr(indicator(i).label), styles.number_bold) for i in ids]
    band, band_style = _generated_band(view, len(header), 0, len(header) - 1, styles, words)
    rows = band + [header]
    for row in table.itertuples(index=False):
        place = district_by_code(row.district_code)
        rank = "" if pd.isna(row.rank) else words.number(row.rank)
        cells = [_p(rank, styles.number), _p(f"{words.district(place)} ({tr(place.region)})", styles.cell)]
        for indicator_id in ids:
            value, pct = getattr(row, indicator_id), getattr(row, f"{indicator_id}_pct")
            text = words.number(value) + ("" if pd.isna(pct) else f" · {words.pct(pct)}")
            cells.append(_p(text, styles.number_bold if indicator_id == ranked_by else styles.number))
        rows.append(cells)
    name_width = 36 * mm
    rank_width = 9 * mm
    widths = [rank_width, name_width] + _shares(header[2:], width - name_width - rank_width)
    extra = list(band_style)
    if selected_code is not None and selected_code in set(table["district_code"]):
        at = len(band) + 1 + int(table.index[table["district_code"] == selected_code][0])
        extra.append(("BACKGROUND", (0, at), (-1, at), _SELECTED_FILL))
    note = tr("Each cell: the district's records · % of the district's target (of the periods in view). Ranked by "
              "{indicator}; 1 = the most records.").format(indicator=tr(indicator(ranked_by).label))
    return [_table(rows, widths, header_rows=len(band) + 1, extra=extra), _p(note, styles.small)]


def _shares(headings: list, width: float) -> list[float]:
    """Column widths summing to ``width``: each at least as wide as its heading's longest word (and its
    numbers) where the room allows, what is left shared equally, so that no heading word has to break or
    shrink while a neighbour has room to spare."""
    needs = []
    for heading in headings:
        style = heading.style
        longest = max((pdfmetrics.stringWidth(word, style.fontName, style.fontSize) for word in heading.text.split()),
                      default=0.0)
        needs.append(max(longest + 6, 16 * mm))
    spare = width - sum(needs)
    if spare < 0:
        return [need * width / sum(needs) for need in needs]
    return [need + spare / len(needs) for need in needs]
