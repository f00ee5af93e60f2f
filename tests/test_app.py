"""app.py: the dashboard as an ASGI application (``st.App``), the way the README serves it.

It imports the pages' libraries before the server starts (not in a racing thread: that failed about one
start in five), and it starts every time: ten starts, two at a time, each answering the health route.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks.browser import SERVE, streamlit_server

ROOT = Path(__file__).resolve().parents[1]
STARTS = 10


def test_importing_the_app_imports_the_pages_libraries_and_installs_leaflet():
    heavy = ["ui", "data_pipeline.presentation.maps", "data_pipeline.presentation.briefing", "mapclassify", "folium", "reportlab", "pandas"]
    code = ("import sys, threading; import app; "
            "assert threading.active_count() == 1, threading.enumerate(); "
            "from streamlit.starlette import App; assert isinstance(app.app, App); "
            f"print([m for m in {heavy!r} if m not in sys.modules])")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip().splitlines()[-1] == "[]"
    assert (ROOT / "static" / "leaflet" / "leaflet.js").is_file()


def test_run_dashboard_script_serves_the_asgi_app():
    script = (ROOT / "scripts" / "run-dashboard.sh").read_text()
    assert 'streamlit run app.py "$@"' in script


def _start_and_check_health(attempt: int, workdir: Path, store: str, geo_dir: Path) -> tuple[int, str | None]:
    """Start the server, ask its health route; the status and its anti-framing header."""
    env = {"DASHBOARD_STORE_URL": store, "DASHBOARD_GEO_DIR": str(geo_dir)}
    with streamlit_server(SERVE, env, workdir / f"start-{attempt}.log") as base_url:
        with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=10) as response:
            return response.status, response.headers.get("X-Frame-Options")


def test_the_server_starts_every_time(tmp_path, geo_dir):
    store = f"sqlite:///{tmp_path / 'store.db'}"
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda attempt: _start_and_check_health(attempt, tmp_path, store, geo_dir),
                                range(STARTS)))
    assert answers == [(200, "SAMEORIGIN")] * STARTS


def test_the_maps_shapes_file_is_built_once_by_the_app_and_the_map_pages(geo_dir):
    code = ("import data_pipeline.presentation.maps.shapes as shapes; built = []; build = shapes.shapes_script; "
            "shapes.shapes_script = lambda b: built.append(1) or build(b); "
            "import app; from ui.map import map_shapes_file; "
            f"file = map_shapes_file({str(geo_dir)!r}); "  # what the map pages call
            "assert 'app/static/maps/' + file.name in app.STATIC_FILES, sorted(app.STATIC_FILES)[-5:]; "
            "print(len(built))")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=180,
                         env={**os.environ, "DASHBOARD_GEO_DIR": str(geo_dir)})
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip().splitlines()[-1] == "1"
