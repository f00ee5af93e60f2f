"""Every address of the dashboard's own that it writes into a page (as datasette's ``Urls``): its pages and
the files of its static route. Built here, and only here, under ``server.baseUrlPath``, so a server run with
``--server.baseUrlPath dash`` links to ``/dash/map`` and ``/dash/app/static/…``.

The data feed (``/feed/…``, ``web_feed``) is not built here: ``st.App`` mounts its routes at the server's
root whatever the base path, so its links need no prefix.
"""

from __future__ import annotations

import streamlit as st


class AppUrls:
    """The dashboard's URL paths under the base path ``base`` (``"dash"``, ``"/dash/"`` or ``""``); with
    ``base=None``, the running server's ``server.baseUrlPath``, read at every call."""

    def __init__(self, base: str | None = None) -> None:
        self._base = base

    @property
    def root(self) -> str:
        """The base path as a prefix: ``""`` or ``"/dash"`` (one leading slash, none at the end)."""
        base = st.get_option("server.baseUrlPath") if self._base is None else self._base
        base = (base or "").strip("/")
        return f"/{base}" if base else ""

    def path(self, path: str) -> str:
        """``path`` (``/sources``, ``map``) under the base path: ``/dash/sources``."""
        return f"{self.root}/{path.lstrip('/')}"

    def static(self, path: str) -> str:
        """A file of Streamlit's static route (``./static``, ``server.enableStaticServing``).

        Absolute: st_folium draws the map in a frame served from another path, where a relative URL
        would not reach the static route."""
        return self.path(f"app/static/{path.lstrip('/')}")

    @property
    def leaflet(self) -> str:
        """The folder of Leaflet's files (``install_static_assets``), ending with ``/``."""
        return self.static("leaflet/")

    def map_shapes(self, file_name: str) -> str:
        """The map's shapes file ``file_name`` (``map_shapes_file``: outlines and districts, cached by the browser)."""
        return self.static(f"maps/{file_name}")


APP_URLS = AppUrls()
"""The running server's URLs."""
