"""What the page's HTML document says about itself: the language it is in (screen readers choose
their voice by it) and the few style rules Streamlit's theme options cannot set.

Streamlit's page is always ``<html lang="en">``; ``document_setup`` sets the interface language
on every run, so a Russian or Tajik page is read with a Russian or Tajik voice. Captions are drawn
in the text colour at 60 % opacity (#828180 on white: contrast 3.9, under WCAG's 4.5); they get an
opaque grey instead (#63615e: contrast 6.2 on white, 5.5 on the sidebar's grey). On a phone a short
table is shown as a list (``PHONE_ROWS``) instead of Streamlit's grid, of which a phone shows two columns.
"""

from __future__ import annotations

import json

import streamlit as st

from data_pipeline.reference.messages import LANGUAGES

CAPTION_COLOR = "#63615e"  # the theme's text colour (#2f2d2b) lightened; opaque
PHONE_ROWS = "bd-phone-rows"
"""The class of a table's list for phones (``ui.tables.phone_rows``): shown instead of the grid before it
below 640 px, where Streamlit also stacks columns."""
PHONE_WIDTH_PX = 640


def document_setup(lang: str) -> None:
    """Set the document's ``lang`` to ``lang`` and add the style rules (an element that takes no space)."""
    if lang not in LANGUAGES:
        raise ValueError(f"Unknown language {lang!r}; use one of {', '.join(LANGUAGES)}.")
    # The last rule hides this element's own container, which would otherwise push the page down a gap.
    st.html(f"<script data-document-setup>document.documentElement.lang = {json.dumps(lang)};</script>"
            f"<style>[data-testid='stCaptionContainer'] {{opacity: 1; color: {CAPTION_COLOR};}}"
            ".stElementContainer:has(script[data-document-setup]) {display: none;}"
            f".{PHONE_ROWS} {{display: none;}}"
            f"@media (max-width: {PHONE_WIDTH_PX - 0.02}px) {{"
            f".{PHONE_ROWS} {{display: block;}}"
            f".stElementContainer:has([data-testid='stDataFrame']):has(+ .stElementContainer .{PHONE_ROWS}) "
            "{display: none;}"
            f".{PHONE_ROWS}-row {{padding: .45rem 0; border-bottom: 1px solid #e6e6e6; line-height: 1.35;}}"
            f".{PHONE_ROWS}-name {{font-weight: 600;}}}}</style>",
            unsafe_allow_javascript=True)
