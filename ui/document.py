"""What the page's HTML document says about itself: the language it is in (screen readers choose
their voice by it) and the few style rules Streamlit's theme options cannot set.

Streamlit's page is always ``<html lang="en">``; ``document_setup`` sets the interface language
on every run, so a Russian or Tajik page is read with a Russian or Tajik voice. Captions are drawn
in the text colour at 60 % opacity (#828180 on white: contrast 3.9, under WCAG's 4.5); they get an
opaque grey instead (#63615e: contrast 6.2 on white, 5.5 on the sidebar's grey). A short table is an HTML
table (``TABLE``), shown on a phone as a list (``PHONE_ROWS``) instead, since a phone shows two or three
of its columns.
A chart's one HTML block (``CHART``: drawing, summary, data) gets the look of the caption, expander, table
and button it replaces (``CHART_RULES``).

Keyboard focus (WCAG 2.4.7): Streamlit marks a focused page link in the sidebar only by a light grey
background and a focused select by its 1 px border turning blue; the data-frame toolbar (whose
"Download as CSV" a Tab reaches) stays transparent while one of its buttons has the focus (it shows
on hover only) and its buttons show no focus of their own; the main area, a stop of its own (the
skip link's target; Chromium lets the keyboard scroll it), shows nothing. ``FOCUS_RULES`` draw a
2 px outline in the theme's blue (#0072B2: contrast 5.2 on white) around each and show the toolbar
while it holds the focus (tests/browser/test_keyboard_in_browser.py).
"""

from __future__ import annotations

import json

import streamlit as st

from data_pipeline.reference.messages import LANGUAGES

CAPTION_COLOR = "#63615e"  # the theme's text colour (#2f2d2b) lightened; opaque
FOCUS_COLOR = "#0072B2"  # the theme's primary colour
PHONE_ROWS = "bd-phone-rows"
"""The class of a table's list for phones (``ui.tables.phone_rows``): shown instead of the grid before it
below 640 px, where Streamlit also stacks columns."""
TABLE = "bd-table"
"""The class of a short table (``ui.tables.html_table``): its frame (which scrolls sideways), its number
cells and headings (``-num``) and its wide text columns (``-wide``)."""
PHONE_WIDTH_PX = 640
TABLE_RULES = (f".{TABLE} {{overflow-x: auto; margin: 0 0 1rem;}}"
               f".{TABLE}:focus-visible {{outline: 2px solid {FOCUS_COLOR}; outline-offset: 1px;}}"
               f".{TABLE} table {{border-collapse: collapse; width: 100%; margin: 0; font-size: .875rem; border: none;}}"
               f".{TABLE} th, .{TABLE} td {{border: none; border-bottom: 1px solid #e6e6e6; padding: .3rem .6rem;"
               " text-align: left; vertical-align: top; line-height: 1.4;}}"
               f".{TABLE} thead th {{font-weight: 600; border-bottom: 1px solid #c9c7c5; vertical-align: bottom;}}"
               f".{TABLE} tbody th {{font-weight: 400; position: sticky; left: 0; background: #fff;}}"
               f".{TABLE} tbody tr:hover td, .{TABLE} tbody tr:hover th {{background: #f5f5f4;}}"
               f".{TABLE} .{TABLE}-num {{text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums;}}"
               f".{TABLE} thead .{TABLE}-num {{white-space: normal;}}"
               f".{TABLE} .{TABLE}-wide {{min-width: 14rem;}}")
CHART = "bd-chart"
"""The class of a chart's one HTML block (``ui.tables.chart_html``): the SVG, its summary in words and its
data in a ``<details>``; ``CHART_RULES`` make the summary look like a caption and the details like
Streamlit's expander (its border, header and chevron, its table's lines and its button's look)."""
SMALL_PRINT = "bd-small"
"""The class of a paragraph of small print inside an HTML or Markdown block: a caption's look, where a caption
would be an element of its own."""
LINE_COLOR = "rgba(47, 45, 43, 0.2)"  # the theme's text colour at 20 %: Streamlit's expander and button borders
CHART_RULES = (
    f".{CHART}-figure {{line-height: 0;}}"
    f".{CHART} p.{CHART}-summary {{color: {CAPTION_COLOR}; font-size: 0.875rem; line-height: 1.6; "
    "margin: 0.5rem 0 1rem; overflow-wrap: anywhere;}"
    f".{CHART}-data {{border: 1px solid {LINE_COLOR}; border-radius: 0.5rem; margin: 0 0 1rem;}}"  # the Markdown element: -1rem
    f".{CHART}-data > summary {{display: flex; align-items: center; gap: 0.75rem; padding: 0.25rem 0.75rem; "
    "border-radius: 0.5rem; cursor: pointer; list-style: none; line-height: 1.6;}"
    f".{CHART}-data > summary::-webkit-details-marker {{display: none;}}"
    f".{CHART}-data > summary::before {{content: ''; flex: none; width: 0.4rem; height: 0.4rem; margin: 0 0.15rem; "
    "border-right: 2px solid currentColor; border-bottom: 2px solid currentColor; transform: rotate(-45deg);}"
    f".{CHART}-data[open] > summary::before {{transform: rotate(45deg);}}"
    f".{CHART}-data > summary:hover, .{CHART}-data[open] > summary {{background: rgba(187, 187, 165, 0.15);}}"
    f".{CHART}-data[open] > summary {{border-radius: 0.5rem 0.5rem 0 0;}}"
    f".{CHART}-data > :not(summary) {{margin: 1rem 1rem 0;}}"
    f".{CHART}-data > :last-child {{margin-bottom: 1rem;}}"
    f".{CHART}-table {{overflow-x: auto; border: 1px solid rgba(47, 45, 43, 0.1); border-radius: 0.5rem;}}"
    f".{CHART}-table table {{border-collapse: separate; border-spacing: 0; width: 100%; margin: 0; border: 0; "
    "font-size: 0.875rem; line-height: 1.5;}"
    f".{CHART}-table th, .{CHART}-table td {{padding: 0.25rem 0.375rem 0.25rem 0.5rem; text-align: left; "
    "vertical-align: top; white-space: nowrap; font-weight: 400; border: 0; "
    "border-right: 1px solid rgba(47, 45, 43, 0.1); background: none;}"
    f".{CHART}-table tr > :last-child {{border-right: 0;}}"
    f".{CHART}-table thead th {{color: rgba(47, 45, 43, 0.7); border-bottom: 1px solid rgba(47, 45, 43, 0.1); "
    "white-space: normal;}"  # headings wrap, so a phone shows three columns whole
    f".{CHART}-table tbody th {{color: inherit;}}"
)
FOCUSED = ("a[data-testid='stSidebarNavLink']:focus-visible",
           "[data-testid='stMultiSelect'] div:has(> [data-testid='stMultiSelectTagsContainer'] input:focus-visible)",
           "[data-testid='stSelectbox'] div:has(> input:focus-visible)",
           "[data-testid='stBaseButton-elementToolbar']:focus-visible",
           f".{CHART}-data > summary:focus-visible")
FOCUS_RULES = (f"{', '.join(FOCUSED)} {{outline: 2px solid {FOCUS_COLOR}; outline-offset: 1px;}}"
               f"[data-testid='stMain']:focus-visible {{outline: 2px solid {FOCUS_COLOR}; outline-offset: -2px;}}"
               "[data-testid='stElementToolbar']:focus-within {opacity: 1;}")


def document_setup(lang: str) -> None:
    """Set the document's ``lang`` to ``lang`` and add the style rules (an element that takes no space)."""
    if lang not in LANGUAGES:
        raise ValueError(f"Unknown language {lang!r}; use one of {', '.join(LANGUAGES)}.")
    # The last rule hides this element's own container, which would otherwise push the page down a gap.
    st.html(f"<script data-document-setup>document.documentElement.lang = {json.dumps(lang)};</script>"
            f"<style>[data-testid='stCaptionContainer'] {{opacity: 1; color: {CAPTION_COLOR};}}"
            f"p.{SMALL_PRINT} {{color: {CAPTION_COLOR}; font-size: 0.875rem; line-height: 1.6; overflow-wrap: anywhere;}}"
            f"{FOCUS_RULES}{TABLE_RULES}{CHART_RULES}.stElementContainer:has(script[data-document-setup]) {{display: none;}}"
            f".{PHONE_ROWS} {{display: none;}}"
            f"@media (max-width: {PHONE_WIDTH_PX - 0.02}px) {{"
            f".{PHONE_ROWS} {{display: block;}}"
            f".{TABLE} {{display: none;}}"
            f".{PHONE_ROWS}-row {{padding: .45rem 0; border-bottom: 1px solid #e6e6e6; line-height: 1.35;}}"
            f".{PHONE_ROWS}-name {{font-weight: 600;}}}}</style>",
            unsafe_allow_javascript=True)
