"""Leaflet served by the app itself: the files of the ``xstatic-leaflet`` package copied into the
static folder Streamlit serves (``server.enableStaticServing``), so the map works offline."""

from __future__ import annotations

import shutil
from pathlib import Path

from data_pipeline.files import write_atomically


def leaflet_source_dir() -> Path:
    """The folder of Leaflet 1.9.3 shipped by the ``xstatic-leaflet`` package."""
    import xstatic.pkg.leaflet as xstatic_leaflet

    return Path(xstatic_leaflet.BASE_DIR)


def install_leaflet_assets(static_dir: Path | str) -> Path:
    """Copy leaflet.js, leaflet.css and images/ into ``static_dir/leaflet`` (idempotent); returns that folder."""
    source = leaflet_source_dir()
    target = Path(static_dir) / "leaflet"
    (target / "images").mkdir(parents=True, exist_ok=True)
    files = [Path("leaflet.js"), Path("leaflet.css")] + [Path("images") / p.name for p in (source / "images").iterdir()]
    for relative in files:
        origin, destination = source / relative, target / relative
        if not destination.exists() or destination.stat().st_size != origin.stat().st_size:
            shutil.copyfile(origin, destination)
    return target


def install_map_shapes(static_dir: Path | str, boundaries) -> Path:
    """Write the interactive map's shapes file (``interactive.shapes_script``) into ``static_dir/maps``
    under a name made from its content, and remove the earlier ones; returns the file.

    ``boundaries``: ``geo.boundaries.Boundaries``. Idempotent: an existing file of the same content is kept.
    """
    from data_pipeline.presentation.maps.shapes import shapes_file_name, shapes_script

    script = shapes_script(boundaries)
    target = Path(static_dir) / "maps"
    target.mkdir(parents=True, exist_ok=True)
    path = target / shapes_file_name(script)
    if not path.exists():
        write_atomically(path, script.encode("utf-8"))
    for old in target.glob("shapes-*.js"):
        if old != path:
            old.unlink(missing_ok=True)
    return path
