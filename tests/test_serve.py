"""scripts/serve.py: the README's way of serving the dashboard, its libraries imported ahead.

The browser tests serve the dashboard through it; this checks what it imports ahead.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_preload_imports_the_libraries_the_first_page_needs():
    heavy = ["ui", "geo.maps", "data_pipeline.briefing", "mapclassify", "folium", "plotly", "reportlab"]
    code = ("import runpy, sys; serve = runpy.run_path('scripts/serve.py', run_name='serve'); "
            f"assert not any(m in sys.modules for m in {heavy!r}); serve['preload'](); "
            f"print([m for m in {heavy!r} if m not in sys.modules])")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip().splitlines()[-1] == "[]"
