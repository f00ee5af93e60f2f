"""The map builder: classes, the rendered interactive map (offline, escaped) and the static map."""

from __future__ import annotations

import io
import json
import re
import warnings

import folium
import numpy as np
import pandas as pd
import pytest
import xstatic.pkg.leaflet as xstatic_leaflet

from data_pipeline.presentation.i18n import format_number, format_percent
from data_pipeline.reference.origin import GENERATED, UPLOADED
from geo.boundaries import load_boundaries
from geo.gazetteer import PROGRAMME_CODES, PROGRAMME_DISTRICTS
from data_pipeline.presentation.maps import (
    DEFAULT_ASSET_BASE_URL,
    NO_DATA_COLOUR,
    NO_DATA_DASH,
    NO_DATA_LABEL,
    OUTSIDE_COLOUR,
    LegendClass,
    build_base_map,
    build_value_layer,
    class_for,
    classify,
    install_leaflet_assets,
    static_district_map,
)

HOSTILE = "Report <script>alert('x')</script> `${alert(2)}` </script><img src=x onerror=alert(3)>"
PAYLOAD_BUDGET = 150_000


@pytest.fixture(scope="module")
def boundaries(geo_dir):
    return load_boundaries(geo_dir)


def district_map(values: pd.DataFrame, boundaries, *, asset_base_url: str | None = None,
                 **layer_options) -> tuple[folium.Map, list[LegendClass]]:
    """The whole map as the Map page composes it: the base map with the value layer on top (the page hands
    the two to st_folium apart, so the base stays mounted)."""
    m = build_base_map(boundaries, asset_base_url=asset_base_url)
    layer, classes = build_value_layer(values, boundaries, **layer_options)
    layer.add_to(m)
    return m, classes


def rendered_bytes(m: folium.Map) -> int:
    """Bytes of the rendered map (its HTML, scripts and embedded GeoJSON), library files excluded."""
    return len(m.get_root().render().encode("utf-8"))


def make_values(seed: int = 7, *, no_data=("KT04",), zero=("KT05",)) -> pd.DataFrame:
    """Seeded values for the 16 districts, with chosen districts missing (no row) and at zero."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "district_code": list(PROGRAMME_CODES),
        "value": rng.integers(50, 9000, len(PROGRAMME_CODES)).astype(float),
        "target": rng.integers(3000, 9000, len(PROGRAMME_CODES)).astype(float),
        "source": "Demo data (seeded generator)",
    })
    frame.loc[frame["district_code"].isin(zero), "value"] = 0.0
    return frame[~frame["district_code"].isin(no_data)].reset_index(drop=True)


def embedded_geojson(rendered: str) -> list[dict]:
    """Every GeoJSON collection the rendered map hands to Leaflet, parsed back."""
    decoder = json.JSONDecoder()
    collections = []
    for match in re.finditer(r"geo_json_[0-9a-f]+_add\(", rendered):
        data, _ = decoder.raw_decode(rendered, match.end())
        collections.append(data)
    return collections


def programme_features(rendered: str) -> dict[str, dict]:
    features = {}
    for collection in embedded_geojson(rendered):
        for feature in collection["features"]:
            if "code" in feature["properties"]:
                features[feature["properties"]["code"]] = feature
    return features


# --- classes -------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "percent", "text"), [
    (1075000, False, "1,075,000"), (6005, False, "6,005"), (6005.0, False, "6,005"), (2.5, False, "2.5"),
    (0, False, "0"), (45, True, "45%"), (44.6, True, "45%"), (1234.56, False, "1,235"), (np.nan, False, "–"),
    (None, False, "–"),
])
def test_format_number(value, percent, text):
    assert (format_percent(value) if percent else format_number(value)) == text


CLASS_CASES = [
    # (values, k, expected labels)
    ([np.nan, np.nan], 5, []),
    ([], 5, []),
    ([7, 7, 7], 5, ["7"]),
    ([0, 0, 0], 5, ["0"]),
    ([0, 10, 20], 5, ["0", "10", "20"]),
    ([0, 0, 5, 10, 20, 40, 80, 160, 320, 640], 3, ["0", "5 – 160", "320 – 640"]),
    ([1075000, 6005, 6005, np.nan], 5, ["6,005", "1,075,000"]),
]


@pytest.mark.parametrize(("values", "k", "labels"), CLASS_CASES)
def test_classify_falls_back_gracefully(values, k, labels):
    classes = classify(pd.Series(values, dtype=float), k=k)
    assert [c.label for c in classes] == labels


@pytest.mark.parametrize("scheme", ["auto", "fisher_jenks", "natural_breaks", "quantiles", "equal_interval"])
def test_every_value_falls_in_exactly_one_ordered_class(scheme):
    values = pd.Series(np.random.default_rng(3).gamma(1.5, 900, 40).round())
    classes = classify(values, k=5, scheme=scheme)
    assert 2 <= len(classes) <= 5
    assert len({c.colour for c in classes}) == len(classes)
    assert all(a.upper < b.lower for a, b in zip(classes, classes[1:]))
    for value in values:
        holders = [c for c in classes if c.contains(value)]
        assert holders == [class_for(value, classes)]


def test_zero_is_a_class_of_its_own_and_missing_is_no_class():
    classes = classify(pd.Series([0, 0, 120, 400, 900, 2000, 6000, np.nan]), k=4)
    zero = class_for(0, classes)
    assert zero == classes[0] and zero.label == "0" and zero.colour != NO_DATA_COLOUR
    assert class_for(np.nan, classes) is None and class_for(None, classes) is None
    assert NO_DATA_COLOUR not in {c.colour for c in classes}


def test_percent_classes_are_labelled_as_percentages():
    classes = classify(pd.Series([12.5, 48.0, 75.2, 101.0, 130.0, 0.0]), k=4, percent=True)
    assert all(c.label.endswith("%") for c in classes)
    assert classes[0].label == "0%"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"scheme": "jenks"}, "fisher_jenks"), ({"k": 0}, "from 1 to 9"), ({"k": 12}, "from 1 to 9"),
])
def test_classify_refuses_bad_arguments_with_the_allowed_values(kwargs, message):
    with pytest.raises(ValueError, match=message):
        classify(pd.Series([1.0, 2.0]), **kwargs)


# --- interactive map -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def rendered_map(boundaries):
    values = make_values()
    values.loc[values["district_code"] == "KT01", "source"] = HOSTILE
    m, classes = district_map(values, boundaries, value_label="Jobs created", unit="jobs")
    return values, m.get_root().render(), classes


def test_every_programme_district_is_on_the_map_with_code_and_name(rendered_map):
    _, rendered, _ = rendered_map
    features = programme_features(rendered)
    assert sorted(features) == sorted(PROGRAMME_CODES)
    for d in PROGRAMME_DISTRICTS:
        assert features[d.code]["properties"]["name"] == d.name_en
        assert d.name_en in features[d.code]["properties"]["tooltip"]


def test_tooltips_carry_value_target_percent_and_source(rendered_map):
    values, rendered, _ = rendered_map
    features = programme_features(rendered)
    row = values.set_index("district_code").loc["GB02"]
    tooltip = features["GB02"]["properties"]["tooltip"]
    assert f"Jobs created: {format_number(row['value'])} jobs" in tooltip
    assert f"Target: {format_number(row['target'])} jobs" in tooltip
    assert f"% of target: {format_percent(row['value'] / row['target'] * 100)}" in tooltip
    assert "Source: Demo data (seeded generator)" in tooltip


@pytest.mark.parametrize("lang, mark", [("en", "(demo)"), ("ru", "(демо)"), ("tg", "(намоишӣ)")])
def test_generated_values_carry_the_demo_mark_in_their_tooltips(boundaries, lang, mark):
    values = make_values()
    layer, _ = build_value_layer(values.assign(origin=GENERATED), boundaries, value_label="Jobs created",
                                 unit="jobs", lang=lang)
    marked = programme_features(folium.Map().add_child(layer).get_root().render())
    plain = programme_features(folium.Map().add_child(build_value_layer(
        values.assign(origin=UPLOADED), boundaries, value_label="Jobs created", unit="jobs", lang=lang)[0])
        .get_root().render())
    lines = marked["GB02"]["properties"]["tooltip"].split("<br>")
    assert [line.endswith(mark) for line in lines[1:4]] == [True, True, True]  # value, target, % of target
    assert mark not in plain["GB02"]["properties"]["tooltip"]


def test_fills_follow_the_legend_classes(rendered_map):
    values, rendered, classes = rendered_map
    features = programme_features(rendered)
    assert classes and all(isinstance(c, LegendClass) for c in classes)
    for code, value in zip(values["district_code"], values["value"]):
        assert features[code]["properties"]["fill"] == class_for(value, classes).colour


def test_no_data_is_drawn_apart_from_zero(rendered_map):
    _, rendered, classes = rendered_map
    features = programme_features(rendered)
    missing, zero = features["KT04"]["properties"], features["KT05"]["properties"]
    assert missing["no_data"] and missing["fill"] == NO_DATA_COLOUR
    assert NO_DATA_LABEL in missing["tooltip"]
    assert not zero["no_data"] and zero["fill"] == classes[0].colour != NO_DATA_COLOUR
    assert "Jobs created: 0 jobs" in zero["tooltip"]
    assert json.dumps(NO_DATA_DASH) in rendered  # the dashed outline reaches the style table


def test_hostile_text_is_escaped(rendered_map):
    _, rendered, _ = rendered_map
    assert "<script>alert" not in rendered and "<img src=x" not in rendered
    tooltip = programme_features(rendered)["KT01"]["properties"]["tooltip"]
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in tooltip
    assert "&lt;img src=x onerror=alert(3)&gt;" in tooltip
    # The backtick text travels only inside JSON data, never inside a JavaScript template string.
    assert rendered.count("${alert(2)}") == 1
    assert "Source: Report \\u0026lt;script\\u0026gt;alert(" in rendered


def test_khorugh_is_a_circle_marker_in_the_programme_layer(rendered_map):
    _, rendered, _ = rendered_map
    khorugh = programme_features(rendered)["GB05"]
    assert khorugh["geometry"] == {"type": "Point", "coordinates": (71.55, 37.49)} or \
        khorugh["geometry"] == {"type": "Point", "coordinates": [71.55, 37.49]}
    assert "new L.CircleMarker(latlng, opts)" in rendered


def test_selected_district_gets_a_heavy_outline(boundaries):
    values = make_values()
    features = programme_features(district_map(values, boundaries, value_label="v", unit="",
                                                      selected=["GB03"])[0].get_root().render())
    assert features["GB03"]["properties"]["selected"]
    assert not features["GB04"]["properties"]["selected"]


def test_districts_outside_the_filters_are_faded_not_no_data(boundaries):
    gbao = [d.code for d in PROGRAMME_DISTRICTS if d.code.startswith("GB")]
    values = make_values(no_data=[d.code for d in PROGRAMME_DISTRICTS if d.code not in gbao] + ["GB02"])
    features = programme_features(district_map(values, boundaries, value_label="Jobs", unit="", lang="ru",
                                               selected=gbao)[0].get_root().render())
    khatlon = features["KT01"]["properties"]
    assert khatlon["outside"] and not khatlon["no_data"] and khatlon["fill"] == OUTSIDE_COLOUR
    assert "Вне фильтров" in khatlon["tooltip"] and "Нет данных" not in khatlon["tooltip"]
    inside_without_data = features["GB02"]["properties"]
    assert inside_without_data["no_data"] and not inside_without_data["outside"], "no data in view stays 'No data'"
    assert not features["GB03"]["properties"]["outside"]
    unfiltered = programme_features(district_map(values, boundaries, value_label="Jobs", unit="")[0]
                                    .get_root().render())
    assert unfiltered["KT01"]["properties"]["no_data"] and not unfiltered["KT01"]["properties"]["outside"]


def test_no_cdn_asset_is_loaded(rendered_map):
    _, rendered, _ = rendered_map
    tags = re.findall(r"<(?:script|link)\b[^>]*>", rendered)
    urls = [u for tag in tags for u in re.findall(r"(?:src|href)=\"([^\"]+)\"", tag)]
    assert urls == [f"{DEFAULT_ASSET_BASE_URL}leaflet.js", f"{DEFAULT_ASSET_BASE_URL}leaflet.css"]
    remote = set(re.findall(r"https?://[^\"'\\\s<>]+", rendered))
    assert remote <= {"https://www.geoboundaries.org", "https://www.openstreetmap.org/copyright"}
    assert "tileLayer" not in rendered


def test_attribution_and_outlines_are_on_the_map(rendered_map):
    _, rendered, _ = rendered_map
    credit = 'geoBoundaries\\u003c/a\\u003e \\u00b7 \\u00a9 \\u003ca href=\\"https://www.openstreetmap.org/copyright\\"'
    assert credit in rendered  # one short line over the map; the full credit is under it (ui.map)
    geometries = [f["geometry"]["type"] for c in embedded_geojson(rendered) for f in c["features"]]
    # Afghanistan, 43 grey districts, 15 programme polygons + Khorugh, Khatlon and GBAO outlines.
    assert len(geometries) == 1 + 43 + 16 + 2


def test_asset_base_url_is_used_and_folium_defaults_stay_untouched(boundaries):
    m, _ = district_map(make_values(), boundaries, value_label="v", unit="",
                              asset_base_url="/dash/app/static/leaflet")
    rendered = m.get_root().render()
    assert '<script src="/dash/app/static/leaflet/leaflet.js">' in rendered
    assert folium.Map.default_js[0][1].startswith("https://")  # the class-wide list was not mutated


def test_percent_mode_maps_percent_of_target(boundaries):
    values = make_values(no_data=())
    values.loc[values["district_code"] == "GB06", "target"] = np.nan
    m, classes = district_map(values, boundaries, value_label="Jobs created", unit="jobs", mode="pct")
    features = programme_features(m.get_root().render())
    assert all(c.label.endswith("%") for c in classes)
    assert features["GB06"]["properties"]["no_data"], "no target, no percentage"
    row = values.set_index("district_code").loc["GB07"]
    assert features["GB07"]["properties"]["fill"] == class_for(row["value"] / row["target"] * 100, classes).colour


@pytest.mark.parametrize(("change", "message"), [
    (lambda v: v.drop(columns="value"), "lacks column(s) value"),
    (lambda v: pd.concat([v, v.head(1)]), "more than one row for district(s) KT01"),
    (lambda v: v.assign(district_code=v["district_code"].replace({"KT01": "KT16"})), "KT16, which are not programme"),
    (lambda v: v.assign(value=v["value"].astype(object).where(v.index != 0, "many")), "must be numbers; got 'many'"),
])
def test_bad_values_are_refused_with_the_fix(boundaries, change, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        district_map(change(make_values()), boundaries, value_label="v", unit="")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"mode": "percent"}, "'value' (the figures) or 'pct'"), ({"selected": ["XX1"]}, "XX1, which are not"),
])
def test_bad_options_are_refused(boundaries, kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        district_map(make_values(), boundaries, value_label="v", unit="", **kwargs)


def test_target_and_source_may_be_left_out(boundaries):
    values = make_values()[["district_code", "value"]]
    m, classes = district_map(values, boundaries, value_label="v", unit="")
    assert "Target:" not in programme_features(m.get_root().render())["KT01"]["properties"]["tooltip"]
    assert classes


def test_base_map_and_value_layer_compose_for_st_folium(boundaries):
    base = build_base_map(boundaries)
    layer, classes = build_value_layer(make_values(), boundaries, value_label="v", unit="")
    assert isinstance(layer, folium.FeatureGroup) and classes
    base_features = [f for c in embedded_geojson(base.get_root().render()) for f in c["features"]]
    assert not any("code" in f["properties"] for f in base_features), "the base map holds no values"


def test_payload_stays_within_budget(boundaries):
    plain, _ = district_map(make_values(), boundaries, value_label="Jobs created", unit="jobs")
    with_facilities, _ = district_map(make_values(), boundaries, value_label="Jobs created", unit="jobs",
                                            show_health_facilities=True)
    assert rendered_bytes(plain) < rendered_bytes(with_facilities) <= PAYLOAD_BUDGET


def test_health_facilities_layer_carries_the_mapping_caveat(boundaries):
    m, _ = district_map(make_values(), boundaries, value_label="v", unit="", show_health_facilities=True)
    rendered = m.get_root().render()
    facilities = [f for c in embedded_geojson(rendered) for f in c["features"]
                  if "OpenStreetMap" in f["properties"].get("tooltip", "")]
    assert 40 <= len(facilities) <= 120
    assert all("not coverage" in f["properties"]["tooltip"] for f in facilities)


def test_install_leaflet_assets_is_idempotent(tmp_path):
    first = install_leaflet_assets(tmp_path / "static")
    second = install_leaflet_assets(tmp_path / "static")
    assert first == second == tmp_path / "static" / "leaflet"
    source = xstatic_leaflet.BASE_DIR
    for name in ("leaflet.js", "leaflet.css", "images/marker-icon.png", "images/layers.png"):
        assert (first / name).read_bytes() == open(f"{source}/{name}", "rb").read()


# --- static map ----------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "title"), [
    ("en", None), ("ru", "Созданные рабочие места по районам"), ("tg", "Ҷойҳои кории нав — Шуғнон, Ҳамадонӣ"),
])
def test_static_map_renders_png_in_every_language(boundaries, lang, title):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph would warn
        fig = static_district_map(make_values(), boundaries, value_label="Jobs created", unit="jobs",
                                  title=title, lang=lang)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=60)
    assert buffer.getvalue().startswith(b"\x89PNG")
    texts = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    assert (title or "Jobs created") in texts
    assert any("geoBoundaries" in t for t in texts)
    names = {d.names[lang] for d in PROGRAMME_DISTRICTS}
    assert names <= set(texts)


def test_static_map_legend_has_the_classes_and_no_data(boundaries):
    values = make_values()
    fig = static_district_map(values, boundaries, value_label="Jobs created", unit="jobs")
    legend = fig.axes[0].get_legend()
    labels = [t.get_text() for t in legend.get_texts()]
    classes = classify(values["value"])
    assert labels[: len(classes)] == [c.label for c in classes]
    assert NO_DATA_LABEL in labels


def test_the_map_fits_the_districts_in_view(boundaries):
    gbao = [d.code for d in PROGRAMME_DISTRICTS if d.region == "GBAO"]
    rendered = district_map(make_values(), boundaries, value_label="v", unit="", selected=gbao)[0].get_root().render()
    (south, west), (north, east) = json.loads(re.search(r"\.fitBounds\((\[\[.*?\]\])", rendered).group(1))
    assert 36.5 < south < north < 39.5 and 70 < west < east < 75.5, "GBAO's extent"
    whole = district_map(make_values(), boundaries, value_label="v", unit="")[0].get_root().render()
    (_, whole_west), _ = json.loads(re.search(r"\.fitBounds\((\[\[.*?\]\])", whole).group(1))
    assert whole_west < 69 < west, "without filters, all 16 (Khatlon lies west of GBAO)"


# --- shared shapes (the dashboard's map: outlines in a cached file, values in the component's arguments) ----

def _shapes(script: str) -> dict:
    return json.loads(re.search(r"\}\)\((\{.*\})\);\s*$", script, re.S).group(1))


def test_the_shapes_file_holds_every_outline_once(boundaries):
    from data_pipeline.presentation.maps import shapes_script
    from data_pipeline.presentation.maps.shapes import shapes_file_name

    script = shapes_script(boundaries)
    shapes = _shapes(script)
    assert sorted(shapes["districts"]) == sorted(PROGRAMME_CODES)
    assert shapes["districts"]["GB05"]["type"] == "Point", "Khorugh: a point, never an invented polygon"
    assert len(shapes["layers"]["context"]["features"]) == 43 and len(shapes["layers"]["regions"]["features"]) == 2
    assert shapes_file_name(script) == shapes_file_name(shapes_script(boundaries)), "named by its content"
    assert re.fullmatch(r"shapes-[0-9a-f]{16}\.js", shapes_file_name(script))


def test_a_shared_layer_sends_values_and_tooltips_without_coordinates(boundaries):
    values = make_values().assign(source=HOSTILE)
    inline, _ = district_map(values, boundaries, value_label="Jobs created", unit="jobs")
    shared = build_base_map(boundaries, shapes_url="/app/static/maps/shapes-0123456789abcdef.js")
    layer, _ = build_value_layer(values, boundaries, value_label="Jobs created", unit="jobs", shared_shapes=True)
    layer.add_to(shared)
    rendered = shared.get_root().render()
    assert len(rendered) < rendered_bytes(inline) / 3
    assert '"coordinates"' not in rendered, "no outline travels with the values"
    assert rendered.index("leaflet.js") < rendered.index("/app/static/maps/shapes-0123456789abcdef.js")
    for name in ("afghanistan", "context", "regions"):
        assert f'window.borderDistrictShapes.layers["{name}"]' in rendered
    attached = re.findall(r"window\.borderDistrictShapes\.attach\((\{.*?\})\)\);", rendered)
    features = {f["id"]: f for collection in attached for f in json.loads(collection)["features"]}
    expected = programme_features(inline.get_root().render())
    assert sorted(features) == sorted(PROGRAMME_CODES)
    for code, feature in features.items():
        assert feature["properties"] == expected[code]["properties"], code
    assert "<script>alert" not in rendered and rendered.count("${alert(2)}") == len(values)  # as data, in JSON

