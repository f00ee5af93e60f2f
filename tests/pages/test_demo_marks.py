"""Every number from a generated source carries its demo mark, on every page and view and in the
briefing pack, in every language (issue 14).

The generated numbers are worked out here from the demo store itself: district records summed per
district, year and breakdown, programme totals, targets, funding received and the gap, the district
sums of the reconciliation. A number shown on a page counts as generated when it is one of those,
is 100 or more (small counts and percentages are too often equal to a year's day, a rank or a
published percentage to tell apart), is not a year, and is not a published or computed survey figure.
Where it is shown decides the check:

- a text (a card's line, a metric, a caption, a notice, a chart's summary) holding one must hold the mark too;
- a table column (a chart's data table too) holding one must have the mark in its heading, or the row a
  ``source`` saying demo;
- a chart showing one must have the mark in its title and in the bar's tooltip;
- the briefing pack says in its banner which kinds of figure are generated, and a band over its
  columns of generated numbers says ``generated (demo)``.
"""

from __future__ import annotations

import html
import io
import re
from datetime import datetime

import pandas as pd
import pytest
from pypdf import PdfReader

from data_pipeline.presentation.briefing import DEMO_BANNER, build_briefing, build_district_sheets
from data_pipeline.analysis.compare import district_comparison
from data_pipeline.analysis.dataset import headline_figures, indicator_table, load_dataset
from data_pipeline.analysis.funding import funding_summary
from data_pipeline.presentation.i18n import LANGUAGES, translator
from data_pipeline.presentation.i18n import demo_mark
from data_pipeline.reference.published import PUBLISHED_FIGURES
from data_pipeline.analysis.reconcile import reconcile
from data_pipeline.reference.schemas import DISAGGREGATIONS
from data_pipeline.analysis.survey import survey_counts, survey_design, survey_estimates, survey_parts
from geo.boundaries import load_boundaries
from geo.gazetteer import PROGRAMME_DISTRICTS
from tests.pages.conftest import SVG, as_shown, chart_blocks, shown_tables, svg_charts
from ui.document import CHART, PHONE_ROWS

# Every page, and every tab of a page that draws one view at a time (?view=…).
VIEWS = [("overview", {}), ("results", {}), ("results", {"region": "GBAO"}), ("map", {}), ("map", {"view": "ranking"}),
         ("map", {"view": "table"}),
         ("trends", {}), ("trends", {"period": "quarter", "indicator": "rps_participants"}),
         ("trends", {"by": "age_group", "period": "month"}), ("trends", {"by": "disability"}),
         ("map", {"mode": "pct", "view": "table"}), ("funding", {}), ("funding", {"view": "components"}),
         ("funding", {"view": "beneficiaries"}), ("district", {}), ("district", {"by": "age_group"}),
         ("survey", {}), ("sources", {}), ("sources", {"view": "documents"}),
         ("sources", {"view": "reconciliation"}), ("sources", {"view": "quality"}),
         ("sources", {"view": "indicators"}), ("sources", {"view": "catalogue"})]
_SMALLEST = 100


@pytest.fixture(scope="module")
def generated(demo_store) -> set[float]:
    """The numbers of 100 or more that the demo generator made (or that follow from them) and no
    published or computed survey figure equals."""
    ds = load_dataset(demo_store)
    numbers: list[float] = []
    whole = indicator_table(ds)
    for table in [whole, indicator_table(ds, "year")] + [indicator_table(ds, by=by) for by in DISAGGREGATIONS]:
        numbers += list(table["value"].dropna()) + list(table["target"].dropna())
    for code in whole["district_code"].unique():
        numbers += list(district_comparison(whole, code)["median"].dropna())
    headline = headline_figures(ds)
    numbers += list(headline["value"]) + list(headline["target"].dropna())
    funding = funding_summary(ds.funding, ds.activities)
    numbers += list(funding["received"].dropna()) + list(funding["gap"].dropna())
    reconciliation = reconcile(ds.activities)
    numbers += list(reconciliation["district_sum"]) + list(reconciliation["difference"].abs())
    published = {float(f.value) for f in PUBLISHED_FIGURES}
    survey = (set(survey_design().values()) | set(survey_estimates()["n"]) | set(survey_estimates()["population"])
              | set(survey_parts()["respondents"]) | set(survey_counts()["respondents"]))
    return {round(float(n), 1) for n in numbers
            if n >= _SMALLEST and not 1990 <= n <= 2035 and n not in published and n not in survey}


def _numbers(text: str) -> list[float]:
    """The numbers in ``text`` as the dashboard formats them in any of its languages
    (``6,005`` / ``6 005``, ``4.7`` / ``4,7``)."""
    found = []
    # Not digits inside a word or file name (001_339d8f…), and not percentages (100%), which the
    # check leaves out with the other small numbers.
    pattern = r"(?<![\w.,])(\d{1,3}(?:[,\u00a0\u202f ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(?![\w%]|\u00a0%)"
    for token in re.findall(pattern, text):
        grouped = re.fullmatch(r"\d{1,3}(?:([,\u00a0\u202f ])\d{3})+(?:[.,]\d+)?", token)
        if grouped:
            separator = grouped[1]
            token = token.replace(separator, "")
        found.append(float(token.replace(",", ".")))
    return found


def _generated_in(text: str, generated: set[float]) -> list[float]:
    return [n for n in _numbers(str(text)) if round(n, 1) in generated]


def _texts(at) -> list[str]:
    """What a page says in text, one piece per line of a card, metric, caption, notice or heading."""
    texts = []
    for kind in ("title", "header", "subheader", "caption", "info", "warning", "error", "success"):
        texts += [as_shown(str(e.value)) for e in getattr(at, kind)]
    texts += [block.summary for block in chart_blocks(at)]
    for block in at.markdown:  # the headline cards are HTML: one piece per line of a card
        if PHONE_ROWS in str(block.value) or str(block.value).startswith(f'<div class="{CHART}">'):
            continue  # a table's list for phones, a chart's block: checked as a table, a chart and its summary
        lines = re.split(r"</?div[^>]*>", str(block.value))  # a line is a <div>; spans and links are inline
        texts += [html.unescape(re.sub(r"<[^>]+>", "", line)) for line in lines if line.strip()]
    return texts


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("page, query", VIEWS, ids=[f"{p}-{'-'.join(q.values()) or 'first'}" for p, q in VIEWS])
def test_every_generated_number_on_a_page_carries_the_demo_mark(open_page, generated, page, query, lang):
    at = open_page(page, lang=lang, **query)
    mark = f"({demo_mark(lang)})"
    unmarked = []

    for text in _texts(at):
        if _generated_in(text, generated) and mark not in text:
            unmarked.append(("text", text))

    for frame in shown_tables(at):
        table, labels = pd.DataFrame(frame.attrs["text"]), frame.attrs["labels"]
        sources = table["source"].astype(str) if "source" in table else pd.Series("", index=table.index)
        for column in table.columns:
            if mark in labels.get(column, column):
                continue
            for value, source in zip(table[column], sources):
                if _generated_in(value, generated) and demo_mark(lang) not in source:
                    unmarked.append(("table", f"{labels.get(column, column)}: {value}"))
                    break

    for block in at.markdown:  # a table's list for phones: a row holding one marks it in a heading or its source
        for row in re.findall(rf'<div role="listitem" class="{PHONE_ROWS}-row">(.*?)</div></div>', str(block.value)):
            pairs = re.findall(r"([^>·]+): <b>([^<]*)</b>", row)
            for heading, value in pairs:
                if (_generated_in(html.unescape(value), generated) and mark not in html.unescape(heading)
                        and demo_mark(lang) not in html.unescape(row)):
                    unmarked.append(("phone table", f"{heading}: {value}"))

    for block in chart_blocks(at):  # a chart's data table: a column holding one marks it in its heading
        for position, heading in enumerate(block.headings):
            if mark in heading:
                continue
            for row in block.rows:
                if _generated_in(row[position], generated):
                    unmarked.append(("chart table", f"{block.summary[:40]}… {heading}: {row[position]}"))
                    break

    for chart in svg_charts(at):
        title = chart.get("aria-label", "")
        words = [t.text or "" for t in chart.iter(f"{SVG}text") if t.get("class") != "tick"]  # not the axes' scale
        said = mark in title or any(mark in word for word in words)  # in the title, or the legend's name
        for tooltip in chart.iter(f"{SVG}title"):
            if _generated_in(tooltip.text, generated) and (mark not in tooltip.text or not said):
                unmarked.append(("chart", f"{title}: {tooltip.text}"))
        if any(_generated_in(word, generated) for word in words) and not said:
            unmarked.append(("chart", title))

    assert not unmarked, f"generated numbers without “{mark}” on {page} {query} in {lang}: {unmarked}"


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_the_briefing_pack_says_what_is_generated_and_marks_it(demo_store, geo_dir, lang):
    ds = load_dataset(demo_store)
    layers = load_boundaries(str(geo_dir))
    _ = translator(lang)
    mark = f"({demo_mark(lang)})"
    pages = PdfReader(io.BytesIO(build_briefing(ds, boundaries=layers, lang=lang,
                                                generated_at=datetime(2026, 3, 2)))).pages
    brief = " ".join(page.extract_text() for page in pages)
    flat = " ".join(brief.split())
    band = f"{_('generated')} {mark}"
    assert " ".join(_(DEMO_BANNER).split()) in flat
    # Over the headline table's Recorded, Target and % of target, the funding table's Received and Covered,
    # who was reached (value and share) and the districts-at-a-glance table's records and % of target.
    assert flat.count(band) == 4, flat
    bands = [flat.index(band)]
    while len(bands) < 4:
        bands.append(flat.index(band, bands[-1] + 1))
    assert bands[0] < flat.index(_("Recorded")) and bands[1] < flat.index(_("Received (USD)"))
    reached = flat.index(_("Who was reached: {indicator} — {scope}").split(":")[0])
    assert reached < bands[2] < flat.index(_("Group"))
    assert bands[3] > flat.index(_("Districts at a glance"))
    # The running total is the Reach and trends page's chart: its title and every number said of it marked.
    assert f"{_('Running total per quarter against the target')} {mark}" in flat
    said = flat.split(_("Running total per quarter against the target"))[2].split(_("Who was reached"))[0]
    assert said.count(mark) >= 3, said
    sheet = " ".join(PdfReader(io.BytesIO(build_district_sheets(
        ds, layers, lang=lang, districts=[PROGRAMME_DISTRICTS[0].code]))).pages[0].extract_text().split())
    assert " ".join(_(DEMO_BANNER).split()) in sheet
    assert sheet.index(band) < sheet.index(_("District target"))
    assert f"{_('Records per year')} {mark}" in sheet
