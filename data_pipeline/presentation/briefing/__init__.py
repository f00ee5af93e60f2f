"""The briefing pack: a two-page A4 PDF brief for the current filters, and one sheet per district.

Built with reportlab and matplotlib only (no browser, no network) in a few seconds. The brief
opens with its key messages (three to five sentences written from the data, ``analysis.key_facts``
worded by ``messages``, each figure with its source mark), then the headline figures against their
targets with the published figure and its citation beside them, funding by objective and survey
highlights with confidence intervals; its second page maps the indicator on screen
(``data_pipeline.presentation.maps.static_district_map``), ranks the districts by it (``glance``) and
acknowledges the programmes and their donor as the documents print them. The data version and
as-of date head the first page. Every page
carries a footer naming the source documents and the sections its figures come from, and,
for demo data, a "DEMONSTRATION DATA" banner and diagonal watermark. Text is set in the
DejaVu Sans that matplotlib ships, which covers Cyrillic and the Tajik letters (ҳ қ ғ ӯ ӣ ҷ).

District sheets (one A4 page each, for field offices) tell the district's story in a few
sentences, then show its indicators against its own targets, its share of and rank in the
programme, its figures per year, who took part (sex, age group, disability) and where it lies,
with its name in English, Russian and Tajik.

Modules: ``common`` (fixed texts, ``Words``: the language a document is built in, passed to every
piece that writes text; the shared lines), ``layout`` (fonts, styles, tables, the A4 document and
its sources), ``messages`` (key facts in words), ``brief`` (the brief), ``glance`` (its districts
table) and ``sheets`` (the district sheets). Imports the
analysis, reference and geo layers and ``presentation.i18n``, ``charts``, ``maps``, ``tables``.
"""

from data_pipeline.presentation.briefing.brief import build_briefing
from data_pipeline.presentation.briefing.common import (DEMO_BANNER, DEMO_WATERMARK, ORGANISATION, SURVEY_HIGHLIGHTS,
                                                        TITLE, BriefingError)
from data_pipeline.presentation.briefing.sheets import build_district_sheets

__all__ = ["DEMO_BANNER", "DEMO_WATERMARK", "ORGANISATION", "SURVEY_HIGHLIGHTS", "TITLE", "BriefingError",
           "build_briefing", "build_district_sheets"]
