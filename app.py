"""The dashboard as an ASGI application: ``st.App("dashboard.py")`` behind the server's own middleware.

Run it with ``streamlit run app.py [Streamlit options]`` (what ``scripts/run-dashboard.sh`` does; Streamlit
finds ``app`` here and serves it with uvicorn, reading ``.streamlit/config.toml`` and flags such as
``--server.port 8599``), or with ``uvicorn app:app --port 8599`` (config.toml only).

Importing this module, which uvicorn does in the main thread before the server accepts a connection:

- imports the libraries the pages use (pandas, folium, mapclassify with scipy, reportlab), so the
  first reader after a restart does not wait for them (3–4 s instead of 6–8 s for the first visit on a
  2-core machine, benchmarks/PROFILE.md round 6). They are imported here, before the server starts, and
  not in a thread beside it: a thread racing the first page's own imports sometimes left pandas
  half-initialised (``partially initialized module 'pandas' has no attribute 'Series'``);
- copies Leaflet into ``./static/leaflet`` (served by ``server.enableStaticServing``) and writes the map's
  shapes file (its outlines, named by its content) into ``./static/maps``;
- makes compressed copies of Streamlit's frontend files, Leaflet and the map component's files once
  (``web_static``; reused by later starts) and answers the browser from them, with ETags made from their
  content: a first visit downloads about a quarter of the bytes, a return visit revalidates the map's files;
- names the app's root in Streamlit's page (``web_static.AppRootHint``), so a deep link (``/map``) does not
  first ask ``/map/_stcore/health`` (404);
- adds the data feed's routes (``web_feed``: ``/feed/indicators.csv`` and the like, no sign-in);
- wraps Streamlit in ``web_security``'s middleware: security headers on every response, and uploads
  refused (403) to sessions that are not a signed-in editor's;
- adds ``/healthz`` (``web_health``): 200 with the active version when the store answers, else 503.

In production, ``serve.py`` runs it under uvicorn with the deployment's secrets (README, "Deploy").
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:  # `uvicorn app:app` run from elsewhere with --app-dir
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402

from web_feed import ROUTES as FEED_ROUTES  # noqa: E402
from web_health import HEALTH_ROUTES  # noqa: E402
from web_security import SecurityHeaders, UploadGuard  # noqa: E402
from web_static import AppRootHint, PrecompressedStatic, default_cache_dir, served_files  # noqa: E402

PRELOADED = ("ui", "data_pipeline.presentation.maps", "data_pipeline.presentation.briefing")


def preload() -> None:
    """Import the modules the pages use, so no visitor waits for them."""
    for name in PRELOADED:
        importlib.import_module(name)


def install_static_files() -> Path:
    """Copy Leaflet into ``./static/leaflet`` before the static route serves that folder."""
    import ui
    from data_pipeline.presentation.maps import install_leaflet_assets

    return install_leaflet_assets(ui.STATIC_DIR)


def install_map_shapes() -> Path | None:
    """Write the map's shapes file into ``./static/maps`` (``None`` when the boundary files are missing:
    the map pages say so)."""
    from data_pipeline.settings import geo_dir
    from geo.boundaries import BoundaryDataError
    from ui.map import map_shapes_file

    try:
        return map_shapes_file(str(geo_dir())).parent  # the map pages find it built: once per process
    except BoundaryDataError:
        return None


preload()
STATIC_FILES = served_files(default_cache_dir(), leaflet_dir=install_static_files(), maps_dir=install_map_shapes())
app = st.App(ROOT / "dashboard.py", routes=[*HEALTH_ROUTES, *FEED_ROUTES], middleware=[
    Middleware(SecurityHeaders),  # outermost: compressed answers get the headers too
    Middleware(AppRootHint, base_path=st.get_option("server.baseUrlPath")),
    Middleware(PrecompressedStatic, files=STATIC_FILES, base_path=st.get_option("server.baseUrlPath")),
    Middleware(UploadGuard),
])
