"""Words and pictures: the one translation mechanism and number/date formatter (``i18n``),
citations in a reader's language (``citations``), analysis tables and findings worded
(``tables``), charts (``charts``: SVG), maps (``maps``: folium, matplotlib), the briefing PDF
(``briefing``: reportlab), exports and templates; ``catalog`` writes the catalog's strings
that come from data (``python -m data_pipeline.presentation.catalog``).

The only layer that imports Babel, plotly, folium, branca, matplotlib or reportlab; it may
import every layer below it and never Streamlit.
"""
