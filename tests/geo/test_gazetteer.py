"""District name resolution: every spelling the gazetteer knows, real-world spellings, near misses."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point

from geo.boundaries import ADM2_FILE, load_boundaries
from geo.gazetteer import (
    ALL_DISTRICTS,
    PROGRAMME_CODES,
    PROGRAMME_DISTRICTS,
    UnknownDistrictError,
    district,
    normalise_name,
    resolve_district,
    suggest_districts,
)

EVERY_KNOWN_SPELLING = [(name, d.code) for d in ALL_DISTRICTS for name in d.all_names()]


@pytest.mark.parametrize(("spelling", "code"), EVERY_KNOWN_SPELLING)
def test_every_spelling_the_gazetteer_knows_resolves_to_its_district(spelling, code):
    assert resolve_district(spelling) == code


# Spellings met in field reports and the foundation issue, with the district they name.
REAL_WORLD_SPELLINGS = [
    ("Shahrtuz", "KT03"), ("Shaartuz", "KT03"), ("Qabodiyon", "KT02"), ("Kabodiyon", "KT02"),
    ("Pyanj", "KT05"), ("Parkhar", "KT07"), ("Hamadoni", "KT08"), ("Darvaz", "GB01"), ("Vanch", "GB02"),
    ("Rushan", "GB03"), ("Shugnan", "GB04"), ("Khorog", "GB05"), ("Roshtkala", "GB06"),
    ("Roshtqal'a", "GB06"), ("Ishkashim", "GB07"), ("Nosir Khusrav", "KT04"), ("N. Khusrav", "KT04"),
    ("Sh. Shohin", "KT09"), ("«Шугнанский район»", "GB04"), ("«Ишкашимский район»", "GB07"),
    ("Jilikul", "KT01"), ("Qumsangir", "KT06"), ("Shurobod", "KT09"), ("Moskovsky", "KT08"),
    ("Beshkent", "KT04"), ("Панджский район", "KT05"), ("Пянджский район", "KT05"),
]

# Ways the same name arrives: case, admin words in three languages, stray spaces.
DECORATIONS = [
    "{}", "{} District", "{} district", "{} DISTRICT", "{} район", "{} nohiya", "nohiyai {}", "  {}  ",
    "{} raion", "ноҳияи {}",
]


def _cases(name: str) -> list[str]:
    return [name, name.upper(), name.lower(), name.title()]


@pytest.mark.parametrize(("spelling", "code"), REAL_WORLD_SPELLINGS)
@pytest.mark.parametrize("decoration", DECORATIONS)
def test_real_world_spellings_resolve_in_any_case_and_dress(spelling, code, decoration):
    for variant in _cases(spelling):
        assert resolve_district(decoration.format(variant)) == code, decoration.format(variant)


@pytest.mark.parametrize("apostrophe", ["'", "’", "‘", "ʼ", "`", "´", ""])
def test_apostrophe_variants_of_roshtqala(apostrophe):
    assert resolve_district(f"Roshtqal{apostrophe}a District") == "GB06"


@pytest.mark.parametrize("spelling", ["Nosiri  Khusrav", " Nosiri\tKhusrav ", "Nosiri-Khusrav", "N.Khusrav",
                                      "Shamsiddin   Shohin", "Sh.Shohin"])
def test_stray_spaces_dots_and_hyphens_make_no_difference(spelling):
    assert resolve_district(spelling) in {"KT04", "KT09"}


NEAR_MISSES = [
    ("Shartuzz", "Shahrituz"), ("Pyanjj", "Panj"), ("Dustee", "Dusti"), ("Vanjj", "Vanj"),
    ("Shugnann", "Shughnon"), ("Roshtkalinsky", "Roshtqala"), ("Ishkashimm", "Ishkoshim"),
    ("Khamadonni District", "Khamadoni"), ("Kabodien", "Qubodiyon"), ("Farkhorr", "Farkhor"),
]


@pytest.mark.parametrize(("value", "closest"), NEAR_MISSES)
def test_near_misses_are_refused_and_name_the_closest_districts(value, closest):
    with pytest.raises(UnknownDistrictError) as caught:
        resolve_district(value)
    assert closest in caught.value.suggestions
    assert closest in str(caught.value) and repr(value) in str(caught.value)


def test_nonsense_raises_without_suggestions():
    with pytest.raises(UnknownDistrictError) as caught:
        resolve_district("Qwxz")
    assert caught.value.suggestions == []
    assert "project code" in str(caught.value)


def test_programme_only_refuses_other_districts_and_suggests_programme_ones():
    assert resolve_district("Kulob") == "KT16"
    with pytest.raises(UnknownDistrictError) as caught:
        resolve_district("Kulob", programme_only=True)
    assert all(district(code).programme for code in map(resolve_district, caught.value.suggestions))


def test_suggestions_can_be_limited_to_programme_districts():
    names = suggest_districts("Panjakentt", programme_only=True)
    assert "Panjakent" not in names and names


@pytest.mark.parametrize(("raw", "normal"), [
    ("  SHAARTUZ   District ", "shaartuz"), ("Роштқалъа", "рошткала"), ("Roshtqal’a", "roshtqala"),
    ("«Ишкашимский район»", "ишкашимский"), ("N. Khusrav", "n khusrav"), ("Dŭstí", "dusti"),
])
def test_normalise_name(raw, normal):
    assert normalise_name(raw) == normal


def test_district_lookup_by_code_names_allowed_codes_when_wrong():
    assert district("GB05").name_en == "Khorugh"
    with pytest.raises(KeyError, match="KT01"):
        district("XX99")


def test_programme_districts_are_nine_in_khatlon_and_seven_in_gbao():
    regions = [d.region for d in PROGRAMME_DISTRICTS]
    assert len(PROGRAMME_CODES) == 16 == len(set(PROGRAMME_CODES))
    assert regions.count("Khatlon") == 9 and regions.count("GBAO") == 7


def test_only_khorugh_lacks_a_polygon():
    assert [d.code for d in ALL_DISTRICTS if d.boundary_name is None] == ["GB05"]


@pytest.fixture(scope="module")
def raw_adm2(geo_dir):
    return gpd.read_file(geo_dir / ADM2_FILE).set_index("shapeName")


@pytest.mark.parametrize("d", [d for d in ALL_DISTRICTS if d.boundary_name], ids=lambda d: d.code)
def test_centre_point_lies_inside_its_polygon(d, raw_adm2, geo_dir):
    centre = Point(d.lon, d.lat)
    assert raw_adm2.geometry[d.boundary_name].contains(centre)
    simplified = load_boundaries(geo_dir).districts.set_index("code").geometry[d.code]
    assert simplified.contains(centre), "the web map labels districts at this point"


def test_khorugh_point_lies_in_shughnon(raw_adm2):
    khorugh = district("GB05")
    assert raw_adm2.geometry["Shughnon District"].contains(Point(khorugh.lon, khorugh.lat))
