"""Citations of published figures in a reader's language.

A figure's citation is kept in English (``PublishedFigure.citation``: the document's short title and
the section heading, as published); tables and notes carry it so. Here it is worded in another
language (``раздел «…»``) and found again inside text, so a page can link each citation to the
document's entry in the sources list.
"""

from __future__ import annotations

import re

from data_pipeline.presentation.i18n import translator
from data_pipeline.reference.published import CITATION, DOCUMENTS, Document

_CITATIONS = re.compile(re.escape(CITATION)
                        .replace(re.escape("{document}"),
                                 "(?P<document>" + "|".join(re.escape(d.short_title) for d in DOCUMENTS.values()) + ")")
                        .replace(re.escape("{section}"), r"(?P<section>[^”]*)"))
_BY_SHORT_TITLE = {d.short_title: d for d in DOCUMENTS.values()}


def citation(document: str, section: str, lang: str = "en") -> str:
    """``Tajikistan Crisis Response Plan 2020, section “Funding Required”`` in ``lang`` (``раздел «…»``):
    ``document`` (a seed file name) by its short title; title and section as published."""
    return translator(lang)(CITATION).format(document=DOCUMENTS[document].short_title, section=section)


def citation_parts(text: str, lang: str) -> list[tuple[str, Document | None]]:
    """``text`` cut into its plain parts (``(text, None)``) and the English ``citation`` s in it, each
    worded in ``lang`` with the document it names (``(citation, document)``), in order: a page can
    then link each citation to the document's entry in the sources list."""
    parts: list[tuple[str, Document | None]] = []
    position = 0
    for match in _CITATIONS.finditer(text):
        if match.start() > position:
            parts.append((text[position:match.start()], None))
        document = _BY_SHORT_TITLE[match["document"]]
        parts.append((citation(document.file, match["section"], lang), document))
        position = match.end()
    if position < len(text):
        parts.append((text[position:], None))
    return parts


def citations_in(text: str, lang: str) -> str:
    """``text`` with each English ``citation`` in it (tables and notes carry them) worded in ``lang``."""
    return "".join(part for part, _document in citation_parts(text, lang))

