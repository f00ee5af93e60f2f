"""Fixtures shared by every test package."""

from __future__ import annotations

from pathlib import Path

import pytest

from data_pipeline.settings import geo_dir as configured_geo_dir


@pytest.fixture(scope="session")
def geo_dir() -> Path:
    """The boundary directory the suite reads (``DASHBOARD_GEO_DIR``, default ../shared/geo-data)."""
    path = configured_geo_dir()
    if not (path / "geoBoundaries-TJK-ADM2.geojson").exists():
        pytest.fail(f"Boundary files not found in {path}: set DASHBOARD_GEO_DIR to the geo-data directory.")
    return path


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    """A fresh SQLite store file in the test's own directory."""
    return f"sqlite:///{tmp_path / 'store.db'}"
