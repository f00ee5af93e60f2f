"""HXL hashtags of the canonical and exported columns: what the exports write under the header.

The `Humanitarian Exchange Language <https://hxlstandard.org>`_ row lets HDX, HXL Proxy and
other humanitarian data tools read a table without a mapping step. Our columns map to:

=======================  ===============================  =====================================
column                   hashtag                          why
=======================  ===============================  =====================================
district_pcode           ``#adm2+code``                   OCHA COD P-code (3507209…), HDX's join key
district_code            ``#adm2+code+project``           project district code (KT01…)
district                 ``#adm2+name``
region_pcode             ``#adm1+code``                   OCHA COD P-code of the region (3507000…)
region                   ``#adm1+name``
indicator                ``#indicator+code``              registry id
indicator_label          ``#indicator+name``
unit                     ``#meta+unit``
period                   ``#date+period``                 ``whole``, ``2019``, ``2019-Q2``…
date                     ``#date``
value                    ``#indicator+value+num``         HXL's form for an indicator's value
target                   ``#targeted+num``                HXL's hashtag for people/things targeted
achievement_pct          ``#meta+achievement+pct``        derived, so not an ``#indicator``
source                   ``#meta+source``
sex                      ``#sex``
age_group                ``#age``
disability               ``#disabled``
notes                    ``#meta+notes``
source_row               ``#meta+row``
plan                     ``#activity+appeal``             funding table
objective                ``#sector+objective``
component                ``#sector+component``
donor                    ``#org+donor``
required                 ``#value+funding+required``
received                 ``#value+funding+received``
currency                 ``#currency``
data_version             ``#meta+version``                the data version a feed file was made from
as_of                    ``#date+as_of``                  that version's as-of date (latest record)
=======================  ===============================  =====================================

``#adm2+code`` is the OCHA P-code, as HDX and the HXL Proxy use it; the project code carries
``+project`` and comes after the P-code column in every export, so a tool that picks the first
column matching ``#adm2+code`` gets the P-code (``#adm2+code-project`` names it exactly). Before
P-codes the project code was tagged ``#adm2+code``: ingest still reads such files (either code column
resolves any spelling the gazetteer knows).

Any other column gets an empty hashtag cell, which HXL tools ignore. The tags are the ones
``data_pipeline.ingest`` recognises, so an activities, targets or funding table that
``data_pipeline.presentation.exports`` writes reads back into the same records, with or without
the HXL row; the indicator tables and summaries the dashboard downloads are recognised by their
own columns (and these tags) and refused, saying what they are.

Reference data (layer 1): imports nothing from the project.
"""

from __future__ import annotations

HXL_TAGS: dict[str, str] = {
    "district_pcode": "#adm2+code",
    "district_code": "#adm2+code+project",
    "district": "#adm2+name",
    "region_pcode": "#adm1+code",
    "region": "#adm1+name",
    "indicator": "#indicator+code",
    "indicator_label": "#indicator+name",
    "unit": "#meta+unit",
    "period": "#date+period",
    "date": "#date",
    "value": "#indicator+value+num",
    "target": "#targeted+num",
    "achievement_pct": "#meta+achievement+pct",
    "source": "#meta+source",
    "sex": "#sex",
    "age_group": "#age",
    "disability": "#disabled",
    "notes": "#meta+notes",
    "source_row": "#meta+row",
    "plan": "#activity+appeal",
    "objective": "#sector+objective",
    "component": "#sector+component",
    "donor": "#org+donor",
    "required": "#value+funding+required",
    "received": "#value+funding+received",
    "currency": "#currency",
    "data_version": "#meta+version",
    "as_of": "#date+as_of",
}
"""Column name → HXL hashtag (the table above says why)."""
