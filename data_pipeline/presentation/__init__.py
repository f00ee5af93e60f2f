"""Words and pictures: the one translation mechanism and number/date formatter (``i18n``),
charts (plotly), maps (folium, matplotlib), the briefing PDF (reportlab), exports and templates.

The only layer that imports Babel, plotly, folium, branca, matplotlib or reportlab; it may
import every layer below it and never Streamlit.
"""
