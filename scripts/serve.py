"""Serve the dashboard (`streamlit run dashboard.py`) with its libraries imported ahead of the first visit.

`streamlit run` imports what a page needs when the first reader opens it. For the Overview that is
pandas, plotly, folium, mapclassify (with scipy and scikit-learn), matplotlib and reportlab, about
4 s of that visit's 6 s on a 2-core machine (benchmarks/PROFILE.md, round 6). Here a background
thread imports them while the server starts, in the same process, so the first reader is spared
them (3–4 s instead of 6–8 s there; later visits take about 2 s). Arguments are `streamlit run`'s
options (`--server.port 8599`).
"""

from __future__ import annotations

import importlib
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRELOADED = ("ui", "geo.maps", "data_pipeline.briefing")


def preload() -> None:
    """Import the modules the pages use; Python's import lock makes a page that needs one first wait for it."""
    for name in PRELOADED:
        importlib.import_module(name)


def main(argv: list[str]) -> None:
    sys.path.insert(0, str(ROOT))
    threading.Thread(target=preload, name="preload", daemon=True).start()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(ROOT / "dashboard.py"), *argv]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
