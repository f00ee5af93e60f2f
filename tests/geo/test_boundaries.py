"""Boundary loading: the join to the gazetteer, simplification, checks, errors and download."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import urllib.error
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Point

from geo import boundaries as boundaries_module
from geo.boundaries import (
    ADM0_FILE,
    ADM1_FILE,
    ADM2_FILE,
    ATTRIBUTION,
    GEOBOUNDARIES_SHA256,
    BoundaryDataError,
    check_boundaries,
    download_boundaries,
    load_boundaries,
)
from geo.gazetteer import ALL_DISTRICTS, PROGRAMME_CODES, district

UTM_42N = "EPSG:32642"  # metres, for areas


@pytest.fixture(scope="module")
def loaded(geo_dir):
    return load_boundaries(geo_dir)


@pytest.fixture(scope="module")
def raw_adm2(geo_dir) -> gpd.GeoDataFrame:
    return gpd.read_file(geo_dir / ADM2_FILE)


def _copy_adm2(geo_dir: Path, target: Path, frame: gpd.GeoDataFrame | None = None) -> Path:
    target.mkdir(exist_ok=True)
    if frame is None:
        shutil.copyfile(geo_dir / ADM2_FILE, target / ADM2_FILE)
    else:
        frame.to_file(target / ADM2_FILE, driver="GeoJSON")
    return target


def test_every_adm2_feature_is_joined_to_the_gazetteer(loaded):
    districts = loaded.districts
    assert len(districts) == 58
    assert list(districts.columns) == ["code", "name_en", "name_ru", "name_tg", "region", "programme", "geometry"]
    assert districts["code"].is_unique and districts["code"].notna().all()
    assert districts.crs.to_epsg() == 4326


def test_all_fifteen_polygon_programme_districts_are_matched(loaded):
    programme = loaded.districts[loaded.districts["programme"]]
    assert sorted(programme["code"]) == sorted(c for c in PROGRAMME_CODES if c != "GB05")
    assert loaded.districts["programme"].sum() == 15
    dusti = loaded.districts.set_index("code").loc["KT01"]
    assert (dusti["name_en"], dusti["name_ru"], dusti["region"]) == ("Dusti", "Дусти", "Khatlon")


def test_khorugh_is_a_point_at_its_gazetteer_centre_never_a_polygon(loaded):
    assert "GB05" not in set(loaded.districts["code"])
    assert list(loaded.points["code"]) == ["GB05"]
    point = loaded.points.geometry.iloc[0]
    khorugh = district("GB05")
    assert point.geom_type == "Point" and (point.x, point.y) == (khorugh.lon, khorugh.lat)
    shughnon = loaded.districts.set_index("code").geometry["GB04"]
    assert shughnon.contains(point)


def test_regions_have_their_keys_and_khatlon_is_the_union_of_its_districts(loaded):
    regions = loaded.regions.set_index("region")
    assert set(regions.index) == {"Khatlon", "GBAO", "Sughd", "RRS", "Dushanbe"}
    khatlon_districts = loaded.districts[loaded.districts["region"] == "Khatlon"]
    union = shapely.union_all(khatlon_districts.geometry.values)
    assert regions.geometry["Khatlon"].symmetric_difference(union).area < 1e-9


def test_optional_layers_and_attribution(loaded, geo_dir):
    assert loaded.attribution == ATTRIBUTION
    assert "geoBoundaries" in ATTRIBUTION and "OpenStreetMap" in ATTRIBUTION
    assert loaded.afghanistan is not None and len(loaded.afghanistan) == 1
    assert loaded.source_dir == Path(geo_dir).resolve()


def test_health_facilities_are_joined_to_districts(loaded):
    facilities = loaded.health_facilities
    assert facilities is not None and len(facilities) == 567
    assert list(facilities.columns) == ["name", "name_tg", "amenity", "healthcare", "geometry", "district_code"]
    counts = facilities["district_code"].value_counts()
    # The README's description of OSM completeness in the programme districts.
    for code in ("KT01", "KT02", "KT03", "KT04", "KT05", "KT06", "KT07", "KT08", "KT09"):
        assert counts.get(code, 0) <= 3
    for code in ("GB01", "GB02", "GB03", "GB04"):
        assert 10 <= counts.get(code, 0) <= 25


def test_simplified_districts_leave_no_gaps_and_no_overlaps(loaded, raw_adm2):
    simplified = loaded.districts.to_crs(UTM_42N)
    original = raw_adm2.to_crs(UTM_42N)
    union = shapely.union_all(simplified.geometry.values)
    assert simplified.is_valid.all()
    # Overlaps would make the parts add up to more than the whole.
    assert simplified.area.sum() == pytest.approx(union.area, rel=1e-9)
    # Gaps would open holes that the original coverage does not have, and shrink the whole.
    holes = lambda g: sum(len(p.interiors) for p in getattr(g, "geoms", [g]))  # noqa: E731
    assert holes(union) == holes(shapely.union_all(original.geometry.values))
    assert union.area == pytest.approx(shapely.union_all(original.geometry.values).area, rel=1e-3)


def test_every_simplified_district_is_still_recognisable(loaded, raw_adm2):
    code_by_name = {d.boundary_name: d.code for d in ALL_DISTRICTS if d.boundary_name}
    original = raw_adm2.assign(code=[code_by_name[n] for n in raw_adm2["shapeName"]])
    original = original.set_index("code").to_crs(UTM_42N).geometry
    simplified = loaded.districts.set_index("code").to_crs(UTM_42N).geometry
    for code, shape in simplified.items():
        overlap = shape.intersection(original[code]).area / shape.union(original[code]).area
        assert overlap > 0.94, code


def test_coordinates_are_rounded_and_the_payload_is_small(loaded):
    coordinates = shapely.get_coordinates(loaded.districts.geometry.values)
    assert (abs(coordinates * 1000 - (coordinates * 1000).round()) < 1e-6).all()
    size = len(loaded.districts[["code", "geometry"]].to_json(drop_id=True, separators=(",", ":")).encode())
    assert size < 90_000, f"58 districts weigh {size} bytes"


def test_loading_is_cached_per_directory_and_tolerance(geo_dir, loaded):
    assert load_boundaries(geo_dir) is loaded
    assert load_boundaries(str(geo_dir)) is loaded
    coarser = load_boundaries(geo_dir, simplify_tolerance=0.03)
    assert coarser is not loaded
    assert shapely.get_num_coordinates(coarser.districts.geometry.values).sum() < \
        shapely.get_num_coordinates(loaded.districts.geometry.values).sum()


def test_a_changed_file_is_read_again(geo_dir, tmp_path):
    folder = _copy_adm2(geo_dir, tmp_path / "geo")
    first = load_boundaries(folder)
    stat = (folder / ADM2_FILE).stat()
    os.utime(folder / ADM2_FILE, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert load_boundaries(folder) is not first


def test_optional_files_may_be_absent(geo_dir, tmp_path):
    loaded = load_boundaries(_copy_adm2(geo_dir, tmp_path / "geo"))
    assert loaded.afghanistan is None and loaded.health_facilities is None
    assert "Dushanbe" not in set(loaded.regions["region"])  # Dushanbe comes only from ADM1
    assert {"Khatlon", "GBAO"} <= set(loaded.regions["region"])


def test_check_boundaries_is_quiet_for_the_reference_files(geo_dir):
    assert check_boundaries(geo_dir) == []


def _drop_one(frame):
    return frame.iloc[1:]


def _rename_jilikul(frame):
    return frame.assign(shapeName=frame["shapeName"].replace({"Jilikul District": "Dusti District"}))


def _reproject(frame):
    return frame.to_crs(UTM_42N)


BROKEN_FILES = [
    ("wrong feature count", _drop_one, "has 57 features, expected 58"),
    ("programme district renamed", _rename_jilikul, "no polygon for programme district(s) Dusti ('Jilikul District')"),
    ("projected CRS", _reproject, "expected WGS84"),
]


@pytest.mark.parametrize(("case", "damage", "message"), BROKEN_FILES, ids=[c[0] for c in BROKEN_FILES])
def test_wrong_files_are_reported_and_refused(case, damage, message, raw_adm2, geo_dir, tmp_path):
    folder = _copy_adm2(geo_dir, tmp_path / "geo", damage(raw_adm2))
    problems = check_boundaries(folder)
    assert any(message in p for p in problems), problems
    with pytest.raises(BoundaryDataError) as caught:
        load_boundaries(folder)
    text = str(caught.value)
    assert message in text and str(folder) in text and ADM2_FILE in text
    assert "DASHBOARD_GEO_DIR" in text and "geoboundaries.org" in text


def test_unknown_district_names_are_reported(raw_adm2, geo_dir, tmp_path):
    renamed = raw_adm2.assign(shapeName=raw_adm2["shapeName"].replace({"Asht District": "Ashtt District"}))
    problems = check_boundaries(_copy_adm2(geo_dir, tmp_path / "geo", renamed))
    assert any("Ashtt District" in p and "gazetteer" in p for p in problems)


def test_missing_directory_and_missing_file_give_a_useful_error(tmp_path):
    missing_dir = tmp_path / "nowhere"
    with pytest.raises(BoundaryDataError, match="does not exist") as caught:
        load_boundaries(missing_dir)
    assert str(missing_dir) in str(caught.value) and "DASHBOARD_GEO_DIR" in str(caught.value)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(BoundaryDataError) as caught:
        load_boundaries(empty)
    assert f"{ADM2_FILE} is missing from {str(empty)!r}" in str(caught.value)
    assert "--geo-dir" in str(caught.value) and "python -m data_pipeline geo-download" in str(caught.value)


def test_a_damaged_file_is_reported(tmp_path):
    (tmp_path / ADM2_FILE).write_text("{not json")
    problems = check_boundaries(tmp_path)
    assert len(problems) == 1 and "cannot be read" in problems[0]


def test_a_bad_tolerance_is_refused(geo_dir):
    with pytest.raises(ValueError, match="positive"):
        load_boundaries(geo_dir, simplify_tolerance=0)


# --- download ------------------------------------------------------------------------------


def _fake_api(tmp_path: Path, geo_dir: Path, files: dict[str, Path] | None = None) -> str:
    """A publisher API made of file:// URLs: {level}.json -> gjDownloadURL of the local file."""
    api = tmp_path / "api"
    api.mkdir()
    files = files or {"ADM0": geo_dir / ADM0_FILE, "ADM1": geo_dir / ADM1_FILE, "ADM2": geo_dir / ADM2_FILE}
    for level, path in files.items():
        (api / f"{level}.json").write_text(json.dumps({"boundaryISO": "TJK", "gjDownloadURL": path.as_uri()}))
    return api.as_uri() + "/{level}.json"


def test_download_fetches_verifies_and_writes_the_three_levels(geo_dir, tmp_path):
    dest = tmp_path / "cache" / "geo-data"
    assert download_boundaries(dest, api_url=_fake_api(tmp_path, geo_dir)) == dest
    for level, name in (("ADM0", ADM0_FILE), ("ADM1", ADM1_FILE), ("ADM2", ADM2_FILE)):
        assert hashlib.sha256((dest / name).read_bytes()).hexdigest() == GEOBOUNDARIES_SHA256[level]
    assert not list(dest.glob(".*part"))
    assert check_boundaries(dest) == []


def test_download_keeps_files_that_are_already_right(geo_dir, tmp_path, monkeypatch):
    dest = download_boundaries(tmp_path / "geo", api_url=_fake_api(tmp_path, geo_dir))

    def no_network(*_args, **_kwargs):
        raise AssertionError("nothing should be fetched")

    monkeypatch.setattr(boundaries_module.urllib.request, "urlopen", no_network)
    assert download_boundaries(dest) == dest


def test_download_refuses_a_different_build_and_writes_nothing(geo_dir, tmp_path):
    other = tmp_path / "other.geojson"
    other.write_bytes((geo_dir / ADM2_FILE).read_bytes() + b"\n")
    api = _fake_api(tmp_path, geo_dir, {"ADM0": geo_dir / ADM0_FILE, "ADM1": geo_dir / ADM1_FILE, "ADM2": other})
    dest = tmp_path / "geo"
    with pytest.raises(BoundaryDataError, match="sha256") as caught:
        download_boundaries(dest, api_url=api)
    assert GEOBOUNDARIES_SHA256["ADM2"] in str(caught.value)
    assert not (dest / ADM2_FILE).exists() and not list(dest.glob(".*"))


def test_download_offline_says_what_to_do(tmp_path, monkeypatch):
    def offline(url, timeout):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(boundaries_module.urllib.request, "urlopen", offline)
    with pytest.raises(BoundaryDataError) as caught:
        download_boundaries(tmp_path / "geo", timeout=1)
    text = str(caught.value)
    assert "offline" in text and "geoboundaries.org/api/current/gbOpen/TJK/ADM0" in text
    assert "DASHBOARD_GEO_DIR" in text
    assert not (tmp_path / "geo" / ADM0_FILE).exists()


def test_download_reports_an_api_answer_without_a_download_address(tmp_path):
    api = tmp_path / "api"
    api.mkdir()
    (api / "ADM0.json").write_text(json.dumps({"error": "not found"}))
    with pytest.raises(BoundaryDataError, match="gjDownloadURL"):
        download_boundaries(tmp_path / "geo", api_url=api.as_uri() + "/{level}.json")


def test_points_lie_inside_tajikistan(loaded):
    country = shapely.union_all(loaded.districts.geometry.values)
    assert all(country.contains(Point(p.x, p.y)) for p in loaded.points.geometry)
