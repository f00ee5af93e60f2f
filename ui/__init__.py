"""The dashboard's UI helpers: what pages share between Streamlit and the packages below.

Modules, by job:

- ``state``: the URL (every view is a link): the query parameters and their widgets;
- ``language``: the current interface language, ``tr``, numbers, dates and names shown in it;
- ``data``: the store's active version, cached data sets and tables, the store-error message;
- ``frame``: what ``dashboard.py`` draws around every page (language switch, sidebar filters, data
  banner) and the ``PageContext`` it hands to the page; the no-data message;
- ``cards``: HTML blocks (headline cards, map legend) and citations linked to their documents;
- ``map``: the interactive district map (streamlit-folium's component, captured and replayed);
- ``urls``: the addresses of the app's own pages and static files, under ``server.baseUrlPath``;
- ``tables``: tables with downloads, charts, the briefing PDF button;
- ``text``: text from data made safe to show (Markdown, HTML);
- ``document``: the HTML document's language and the style rules the theme cannot set;
- ``editing``: what the editor pages (Upload data, Data versions) do with the store;
- ``reconnect``: a page whose websocket reconnects to another server process runs again.

Layer: the top. ``ui`` may import Streamlit, streamlit-folium and every layer below
(``data_pipeline.presentation``, ``analysis``, ``store``, ``reference``, ``settings``, ``geo``), never
plotly, folium, matplotlib, reportlab or Babel (only ``data_pipeline.presentation`` does), and never
``app_pages`` or ``dashboard``. Nothing here computes an indicator. Pages use the names below
(``ui.tr``, ``ui.show_table``…); the modules import each other directly.
"""

from __future__ import annotations

from ui.cards import (SOURCES_VIEW, Card, Metric, cards_html, citation, citation_html, cited, cited_html, cited_markdown,
                      document_link, funding_sources, headline_cards, indicator_card, legend, metric_cards, overview_cards,
                      printed, published_cards_html, small_print, with_citation)
from ui.data import (active_version_id, active_version_or_demo, boundaries, breakdown_rows, cached_dataset,
                     cached_filtered, content_key, ensure_data, funding_rows, indicator_rows, store_error, version_id,
                     view_table)
from ui.frame import (PageContext, data_banner, districts_in_view, language_choice, language_from_url,
                      mappable_indicator_choice, no_data_message, page_context, set_page_context, show_filters_summary, sidebar_filters,
                      sidebar_heading)
from ui.language import (as_published, current_language, demo_mark, district_caption, district_name, format_date,
                         format_number, format_pct, marked, marked_columns, region_label, tr, translate_now, translated,
                         without_prefix)
from ui.map import STATIC_DIR, district_map, install_static_assets, open_profile, profile_district_choice
from ui.state import (BY, INDICATOR, MODE, PERIOD, PROFILE_PAGE, URLS, VIEW, UrlParam, mode_labels, read_url,
                      url_widget, view_tabs)
from ui.tables import (COUNT_FORMAT, PCT_FORMAT, briefing_button, changes_labels, chart, downloads, iati_button,
                       show_table, submissions_table, time_in_russia, with_published_pct)
from ui.text import plain

__all__ = [
    "SOURCES_VIEW", "Card", "Metric", "cards_html", "citation", "citation_html", "cited", "cited_html", "cited_markdown",
    "document_link", "funding_sources", "headline_cards", "indicator_card", "legend", "metric_cards", "overview_cards", "printed",
    "published_cards_html", "small_print", "with_citation",
    "active_version_id", "active_version_or_demo", "boundaries", "breakdown_rows", "cached_dataset",
    "cached_filtered", "content_key", "ensure_data", "funding_rows", "indicator_rows", "store_error", "version_id",
    "view_table", "PageContext", "data_banner", "districts_in_view", "language_choice", "language_from_url", "mappable_indicator_choice",
    "no_data_message", "page_context", "set_page_context", "show_filters_summary", "sidebar_filters", "sidebar_heading",
    "as_published", "current_language", "demo_mark", "district_caption", "district_name", "format_date",
    "format_number", "format_pct", "marked", "marked_columns", "region_label", "tr", "translate_now", "translated",
    "without_prefix", "STATIC_DIR", "district_map", "install_static_assets", "open_profile",
    "profile_district_choice", "BY", "INDICATOR", "MODE", "PERIOD", "PROFILE_PAGE", "URLS", "VIEW", "UrlParam",
    "mode_labels", "read_url", "url_widget", "view_tabs", "COUNT_FORMAT", "PCT_FORMAT", "briefing_button", "changes_labels",
    "chart", "iati_button", "downloads", "show_table", "submissions_table", "time_in_russia", "with_published_pct",
    "plain",
]
