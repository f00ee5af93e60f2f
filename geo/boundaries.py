"""District and region boundaries of Tajikistan, read from the geoBoundaries TJK files.

The files are never committed: they are read from a configured directory
(``data_pipeline.settings.geo_dir()``, env ``DASHBOARD_GEO_DIR``) and, on a machine with
internet, can be fetched from their publisher with :func:`download_boundaries`
(``python -m data_pipeline geo-download --geo-dir DIR``). Polygons are joined to the gazetteer through
``District.boundary_name`` (the file carries the district names of before 2016–2018), so
everything downstream joins on project codes. Khorugh has no polygon in the file: it is a
point at its gazetteer centre, never an invented polygon.
"""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point

from data_pipeline.files import write_atomically
from geo.gazetteer import ALL_DISTRICTS, PROGRAMME_DISTRICTS, REGION_NAMES, District

ADM0_FILE = "geoBoundaries-TJK-ADM0.geojson"
ADM1_FILE = "geoBoundaries-TJK-ADM1.geojson"
ADM2_FILE = "geoBoundaries-TJK-ADM2.geojson"
AFGHANISTAN_FILE = "ne10m_afghanistan_outline.geojson"
HEALTH_FACILITIES_FILE = "hotosm_tjk_health_facilities_points.geojson"

EXPECTED_ADM2_FEATURES = 58
DEFAULT_SIMPLIFY_TOLERANCE = 0.01
"""Degrees (about 1 km): every district stays recognisable and the 58 districts weigh ~65 KB."""
COORDINATE_GRID = 0.001
"""Coordinates are snapped to 3 decimals (about 100 m), far below a screen pixel at district zoom."""

ATTRIBUTION = "Boundaries: geoBoundaries (Runfola et al. 2020), data © OpenStreetMap contributors, ODbL 1.0"

GEOBOUNDARIES_API_URL = "https://www.geoboundaries.org/api/current/gbOpen/TJK/{level}/"
GEOBOUNDARIES_SHA256 = {
    # The build of 12 Dec 2023 that the gazetteer's boundary names were checked against.
    "ADM0": "fe4eed1352b47d8e6ce163568a9b144cbc0a8b3dc971af49f2fd055e035aa633",
    "ADM1": "6afd8df07005da0381ceae210811921e1c6126da6dc062bcebe02880ca6c287d",
    "ADM2": "86fd6d7ec19f607e6d29adabba3ab9bde7a947950d8348504a934e911fb74e2d",
}
_LEVEL_FILES = {"ADM0": ADM0_FILE, "ADM1": ADM1_FILE, "ADM2": ADM2_FILE}

# ADM1 shapeName -> the gazetteer's region key.
_REGION_KEYS = {name: key for key, name in REGION_NAMES.items()} | {"Dushanbe": "Dushanbe"}

_HOW_TO_FIX = (
    "Set DASHBOARD_GEO_DIR (or pass --geo-dir) to the folder that holds the geoBoundaries TJK files, "
    "or download them on a machine with internet: `python -m data_pipeline geo-download --geo-dir <folder>` "
    f"(publisher: geoBoundaries gbOpen TJK ADM2, {GEOBOUNDARIES_API_URL.format(level='ADM2')})."
)


class BoundaryDataError(RuntimeError):
    """The boundary files are missing or not the ones the project expects; the message says how to fix it."""


@dataclass(frozen=True)
class Boundaries:
    """Every geographic layer the maps draw, joined to the gazetteer. Shared and cached: do not mutate."""

    districts: gpd.GeoDataFrame
    """All ADM2 polygons (simplified for the web): code, name_en, name_ru, name_tg, region, programme, geometry."""
    points: gpd.GeoDataFrame
    """Programme districts without a polygon (Khorugh): code, name_en, name_ru, name_tg, region, geometry."""
    regions: gpd.GeoDataFrame
    """Regions: region (key such as 'Khatlon', 'GBAO'), name, geometry."""
    afghanistan: gpd.GeoDataFrame | None
    health_facilities: gpd.GeoDataFrame | None
    """OSM health facilities: name, name_tg, amenity, healthcare, district_code, geometry (points)."""
    source_dir: Path
    attribution: str = ATTRIBUTION


def _fail(message: str) -> BoundaryDataError:
    return BoundaryDataError(f"{message} {_HOW_TO_FIX}")


def _read_adm2(geo_dir: Path) -> tuple[gpd.GeoDataFrame | None, list[str]]:
    """The raw ADM2 frame and the problems found with it (``None`` when it cannot be read)."""
    if not geo_dir.is_dir():
        return None, [f"The boundary directory {str(geo_dir)!r} does not exist."]
    path = geo_dir / ADM2_FILE
    if not path.is_file():
        return None, [f"{ADM2_FILE} is missing from {str(geo_dir)!r}."]
    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for a damaged file
        return None, [f"{ADM2_FILE} in {str(geo_dir)!r} cannot be read as GeoJSON ({exc})."]
    problems: list[str] = []
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        problems.append(f"{ADM2_FILE} in {str(geo_dir)!r} has CRS {frame.crs}, expected WGS84 (EPSG:4326).")
    if "shapeName" not in frame.columns:
        problems.append(f"{ADM2_FILE} in {str(geo_dir)!r} has no 'shapeName' property; "
                        f"properties are {', '.join(map(str, frame.columns))}.")
        return frame, problems
    if len(frame) != EXPECTED_ADM2_FEATURES:
        problems.append(f"{ADM2_FILE} in {str(geo_dir)!r} has {len(frame)} features, expected "
                        f"{EXPECTED_ADM2_FEATURES} (the geoBoundaries gbOpen TJK ADM2 build of Dec 2023).")
    names = set(frame["shapeName"])
    missing = [f"{d.name_en} ({d.boundary_name!r})" for d in PROGRAMME_DISTRICTS
               if d.boundary_name and d.boundary_name not in names]
    if missing:
        problems.append(f"{ADM2_FILE} in {str(geo_dir)!r} has no polygon for programme district(s) "
                        f"{', '.join(missing)}.")
    unknown = sorted(names - {d.boundary_name for d in ALL_DISTRICTS})
    if unknown:
        problems.append(f"{ADM2_FILE} in {str(geo_dir)!r} has district(s) the gazetteer does not know: "
                        f"{', '.join(map(str, unknown))} (add their shapeName to geo/gazetteer.py).")
    return frame, problems


def check_boundaries(geo_dir: Path | str) -> list[str]:
    """Human-readable problems with the boundary files in ``geo_dir``; ``[]`` when they are fine."""
    return _read_adm2(Path(geo_dir).expanduser())[1]


def load_boundaries(geo_dir: Path | str, *, simplify_tolerance: float = DEFAULT_SIMPLIFY_TOLERANCE) -> Boundaries:
    """Read, join and simplify every layer in ``geo_dir``; cached per directory, tolerance and file dates.

    Raises ``BoundaryDataError`` naming the file, the directory and the fix when the ADM2 file
    is missing or wrong. The Afghanistan outline and health facilities are optional (``None``).
    """
    if not simplify_tolerance > 0:
        raise ValueError(f"simplify_tolerance must be a positive number of degrees, got {simplify_tolerance!r}.")
    path = Path(geo_dir).expanduser().resolve()
    stamps = tuple(_mtime(path / name) for name in
                   (ADM1_FILE, ADM2_FILE, AFGHANISTAN_FILE, HEALTH_FACILITIES_FILE))
    return _load_cached(path, float(simplify_tolerance), stamps)


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


@lru_cache(maxsize=8)
def _load_cached(geo_dir: Path, tolerance: float, _stamps: tuple) -> Boundaries:
    raw, problems = _read_adm2(geo_dir)
    if problems:
        raise _fail(" ".join(problems))
    assert raw is not None
    districts_full = _join_gazetteer(raw)
    districts = districts_full.copy()
    districts["geometry"] = _simplify_coverage(districts_full.geometry, tolerance)
    return Boundaries(
        districts=districts,
        points=_points_without_polygon(),
        regions=_regions(districts, geo_dir, tolerance),
        afghanistan=_afghanistan(geo_dir, tolerance),
        health_facilities=_health_facilities(geo_dir, districts_full),
        source_dir=geo_dir,
    )


def _district_row(d: District) -> dict:
    return {"code": d.code, "name_en": d.name_en, "name_ru": d.name_ru, "name_tg": d.name_tg,
            "region": d.region, "programme": d.programme}


def _join_gazetteer(raw: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    geometry_by_name = dict(zip(raw["shapeName"], raw.geometry))
    known = [d for d in ALL_DISTRICTS if d.boundary_name in geometry_by_name]
    frame = pd.DataFrame([_district_row(d) for d in known])
    geometry = [geometry_by_name[d.boundary_name] for d in known]
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def _snap(geometries: np.ndarray) -> np.ndarray:
    return shapely.set_precision(geometries, COORDINATE_GRID)


def _simplify_coverage(geometry: gpd.GeoSeries, tolerance: float) -> gpd.GeoSeries:
    # simplify_coverage moves shared edges together, so neighbours keep touching: no gaps, no slivers.
    simplified = geometry.simplify_coverage(tolerance)
    return gpd.GeoSeries(_snap(simplified.values), index=geometry.index, crs=geometry.crs)


def _points_without_polygon() -> gpd.GeoDataFrame:
    missing = [d for d in PROGRAMME_DISTRICTS if d.boundary_name is None]
    frame = pd.DataFrame([_district_row(d) for d in missing]).drop(columns="programme")
    return gpd.GeoDataFrame(frame, geometry=[Point(d.lon, d.lat) for d in missing], crs="EPSG:4326")


def _regions(districts: gpd.GeoDataFrame, geo_dir: Path, tolerance: float) -> gpd.GeoDataFrame:
    """Regions as the union of their simplified districts, so outlines sit exactly on district edges.

    Dushanbe has no districts in the ADM2 file; it comes from the ADM1 file when present.
    """
    rows = [{"region": key, "name": REGION_NAMES[key],
             "geometry": shapely.coverage_union_all(group.geometry.values)}
            for key, group in districts.groupby("region", sort=False)]
    adm1_path = geo_dir / ADM1_FILE
    if adm1_path.is_file():
        adm1 = gpd.read_file(adm1_path).to_crs("EPSG:4326")
        for name, geometry in zip(adm1["shapeName"], adm1.geometry):
            key = _REGION_KEYS.get(name)
            if key == "Dushanbe":
                simplified = shapely.simplify(geometry, tolerance, preserve_topology=True)
                rows.append({"region": key, "name": name, "geometry": _snap(np.array([simplified]))[0]})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def _afghanistan(geo_dir: Path, tolerance: float) -> gpd.GeoDataFrame | None:
    path = geo_dir / AFGHANISTAN_FILE
    if not path.is_file():
        return None
    frame = gpd.read_file(path).to_crs("EPSG:4326")[["name", "geometry"]]
    # Drawn for orientation only: a coarser outline is enough.
    frame["geometry"] = _snap(frame.geometry.simplify(tolerance * 2, preserve_topology=True).values)
    return frame


def _health_facilities(geo_dir: Path, districts_full: gpd.GeoDataFrame) -> gpd.GeoDataFrame | None:
    path = geo_dir / HEALTH_FACILITIES_FILE
    if not path.is_file():
        return None
    raw = gpd.read_file(path).to_crs("EPSG:4326")
    raw = raw[raw.geom_type == "Point"]
    frame = gpd.GeoDataFrame(
        {column: raw.get(source, pd.Series(None, index=raw.index, dtype=object)).astype(object)
         for column, source in (("name", "name"), ("name_tg", "name:tg"),
                                ("amenity", "amenity"), ("healthcare", "healthcare"))},
        geometry=raw.geometry, crs="EPSG:4326",
    )
    frame = frame.where(frame.notna(), None)
    # Join against the full-resolution polygons: simplification may move a border past a facility.
    joined = gpd.sjoin(frame, districts_full[["code", "geometry"]], how="left", predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")]
    frame["district_code"] = joined["code"].astype(object).where(joined["code"].notna(), None)
    return frame.reset_index(drop=True)


# --- download (machines with internet) ---------------------------------------------------------

def _fetch(url: str, timeout: float) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (https or file URLs we build)
        return response.read()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def download_boundaries(dest_dir: Path | str, *, timeout: float = 30,
                        api_url: str = GEOBOUNDARIES_API_URL) -> Path:
    """Fetch the TJK ADM0, ADM1 and ADM2 files from geoBoundaries into ``dest_dir``; returns the folder.

    Asks the publisher's API (``api_url`` with ``{level}``) for each file's download address,
    checks the sha256 of the build the project was checked against, and writes each file
    atomically. Files already present with the right hash are kept. Raises
    ``BoundaryDataError`` when offline, when the publisher cannot be reached, or when it
    serves a different build.
    """
    dest = Path(dest_dir).expanduser()
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BoundaryDataError(f"Cannot create the boundary directory {str(dest)!r} ({exc}); "
                                f"choose a writable folder.") from exc
    for level, filename in _LEVEL_FILES.items():
        target = dest / filename
        expected = GEOBOUNDARIES_SHA256[level]
        if target.is_file() and _sha256(target.read_bytes()) == expected:
            continue
        meta_url = api_url.format(level=level)
        try:
            meta = json.loads(_fetch(meta_url, timeout))
            file_url = meta["gjDownloadURL"]
            data = _fetch(file_url, timeout)
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            raise BoundaryDataError(
                f"Could not download {filename} from {meta_url} ({exc}). This machine may be offline: "
                f"copy the geoBoundaries TJK files into {str(dest)!r} from a machine with internet, "
                f"or set DASHBOARD_GEO_DIR (or --geo-dir) to a folder that has them."
            ) from exc
        except (ValueError, KeyError, TypeError) as exc:
            raise BoundaryDataError(
                f"The geoBoundaries API at {meta_url} did not answer with a download address "
                f"('gjDownloadURL'): {exc!r}. Download {filename} by hand into {str(dest)!r}."
            ) from exc
        actual = _sha256(data)
        if actual != expected:
            raise BoundaryDataError(
                f"{filename} from {file_url} has sha256 {actual}, expected {expected} (the Dec 2023 build "
                f"the gazetteer was checked against). The publisher may have released a new build: check "
                f"its district names against geo/gazetteer.py before using it. Nothing was written."
            )
        write_atomically(target, data)
    return dest
