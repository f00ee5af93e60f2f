"""What the interactive and the static map share: the legend classes (:func:`classify`), the
palette, and the table of programme-district values both maps draw from."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import mapclassify
import numpy as np
import pandas as pd

from data_pipeline.presentation.i18n import district_name, format_number, format_percent
from geo.gazetteer import PROGRAMME_CODES, PROGRAMME_DISTRICTS

_YLGNBU = {
    1: ("#41b6c4",),
    2: ("#a1dab4", "#2c7fb8"),
    3: ("#edf8b1", "#7fcdbb", "#2c7fb8"),
    4: ("#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"),
    5: ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"),
    6: ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"),
    7: ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"),
    8: ("#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"),
    9: ("#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#253494", "#081d58"),
}
MAX_CLASSES = 9
NO_DATA_COLOUR = "#b0b0b0"
NO_DATA_LABEL = "No data"
NO_DATA_DASH = "4 4"
OUTSIDE_COLOUR = "#e8e8e8"
"""Districts outside the filters: drawn faded (not "No data": their data are simply not in view)."""
"""Interactive map: no-data districts get a dashed outline (the static map hatches them)."""
NO_DATA_HATCH = "////"
SCHEMES = ("auto", "fisher_jenks", "natural_breaks", "quantiles", "equal_interval")
MODES = ("value", "pct")

DEFAULT_ASSET_BASE_URL = "/app/static/leaflet/"
"""Where Streamlit serves ``static/leaflet`` (``server.enableStaticServing``); prefix it with
``server.baseUrlPath`` when the app is served under a sub-path."""
DEFAULT_CENTER = (37.85, 70.2)
DEFAULT_ZOOM = 7

_CONTEXT_FILL = "#f7f7f7"
_CONTEXT_LINE = "#c8c8c8"
_AFGHANISTAN_FILL = "#e9e6df"
_REGION_LINE = "#303030"
_DISTRICT_LINE = "#555555"
_SELECTED_LINE = "#000000"
_FACILITY_COLOUR = "#b2182b"
_VALUE_COLUMNS = ("district_code", "value", "target", "source")


@dataclass(frozen=True)
class LegendClass:
    """One class of a choropleth: its label, colour and the smallest and largest value it holds."""

    label: str
    colour: str
    lower: float | None
    upper: float | None

    def contains(self, value: float) -> bool:
        """Whether ``value`` falls in this class (bounds included)."""
        return self.lower is not None and self.upper is not None and self.lower <= value <= self.upper


# --- classes ---------------------------------------------------------------------------------

def _label(lower: float, upper: float, percent: bool, lang: str = "en") -> str:
    word = format_percent if percent else format_number
    low, high = word(lower, lang), word(upper, lang)
    return low if low == high else f"{low} – {high}"


def _breaks(values: np.ndarray, k: int, scheme: str) -> list[np.ndarray]:
    """``values`` (sorted, more unique values than ``k``) split into at most ``k`` non-empty groups."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # mapclassify warns about numba and about ties
        if scheme in ("auto", "fisher_jenks"):
            classifier = mapclassify.FisherJenks(values, k=k)
        elif scheme == "natural_breaks":
            classifier = mapclassify.NaturalBreaks(values, k=k)
        elif scheme == "quantiles":
            classifier = mapclassify.Quantiles(values, k=k)
        else:
            classifier = mapclassify.EqualInterval(values, k=k)
    labels = np.asarray(classifier.yb)
    return [values[labels == i] for i in range(int(labels.max()) + 1) if (labels == i).any()]


def classify(values: pd.Series, *, k: int = 5, scheme: str = "auto", percent: bool = False,
             lang: str = "en") -> list[LegendClass]:
    """Legend classes for ``values`` (NaN ignored), lightest first.

    ``scheme``: ``auto`` (Fisher-Jenks), ``fisher_jenks``, ``natural_breaks``, ``quantiles`` or
    ``equal_interval``. With fewer unique values than ``k`` each value is its own class; zero,
    when present beside positive values, is a class of its own (zero is data, not "no data").
    ``percent`` labels the classes as percentages (``45%``). ``[]`` when there is no value.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"Unknown classification scheme {scheme!r}; use one of {', '.join(SCHEMES)}.")
    if not isinstance(k, (int, np.integer)) or not 1 <= k <= MAX_CLASSES:
        raise ValueError(f"k must be a whole number of classes from 1 to {MAX_CLASSES}, got {k!r}.")
    numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").astype(float)
    numbers = np.sort(numbers[np.isfinite(numbers)].to_numpy())
    if numbers.size == 0:
        return []
    groups: list[np.ndarray] = []
    rest = numbers
    if k > 1 and (numbers == 0).any() and (numbers > 0).any() and not (numbers < 0).any():
        groups.append(numbers[numbers == 0])
        rest = numbers[numbers > 0]
    room = k - len(groups)
    unique = np.unique(rest)
    if unique.size <= room:
        groups.extend(rest[rest == u] for u in unique)
    else:
        groups.extend(_breaks(rest, room, scheme))
    colours = _YLGNBU[len(groups)]
    return [LegendClass(_label(float(g.min()), float(g.max()), percent, lang), colour, float(g.min()),
                        float(g.max()))
            for g, colour in zip(groups, colours)]


def class_for(value: float | None, classes: Sequence[LegendClass]) -> LegendClass | None:
    """The class ``value`` falls in; ``None`` for a missing value (drawn as "no data")."""
    if value is None or not np.isfinite(value) or not classes:
        return None
    for legend_class in classes:
        if legend_class.upper is not None and value <= legend_class.upper:
            return legend_class
    return classes[-1]



# --- values ----------------------------------------------------------------------------------

def _district_table(values: pd.DataFrame, *, mode: str, lang: str) -> pd.DataFrame:
    """One row per programme district (gazetteer order): code, name, value, target, pct, shown, source, origin."""
    if mode not in MODES:
        raise ValueError(f"Unknown map mode {mode!r}; use 'value' (the figures) or 'pct' (percent of target).")
    if not isinstance(values, pd.DataFrame):
        raise TypeError(f"values must be a pandas DataFrame, got {type(values).__name__}.")
    missing = [c for c in ("district_code", "value") if c not in values.columns]
    if missing:
        raise ValueError(f"values lacks column(s) {', '.join(missing)}; it needs {', '.join(_VALUE_COLUMNS)} "
                         f"(target and source may be left out) and has {', '.join(map(str, values.columns))}.")
    frame = values.copy()
    frame["district_code"] = frame["district_code"].astype(str)
    duplicated = sorted(set(frame.loc[frame["district_code"].duplicated(), "district_code"]))
    if duplicated:
        raise ValueError(f"values has more than one row for district(s) {', '.join(duplicated)}; "
                         f"aggregate to one row per district first.")
    outside = sorted(set(frame["district_code"]) - set(PROGRAMME_CODES))
    if outside:
        raise ValueError(f"values has rows for {', '.join(outside)}, which are not programme districts; "
                         f"the map shows only {', '.join(PROGRAMME_CODES)}.")
    for column in ("value", "target"):
        if column not in frame:
            frame[column] = np.nan
        numeric = pd.to_numeric(frame[column], errors="coerce")
        bad = frame.loc[numeric.isna() & frame[column].notna(), column]
        if not bad.empty:
            raise ValueError(f"values.{column} must be numbers; got {bad.iloc[0]!r} "
                             f"for {frame.loc[bad.index[0], 'district_code']}.")
        frame[column] = numeric.astype(float)
    for column in ("source", "origin"):
        if column not in frame:
            frame[column] = ""
        frame[column] = frame[column].fillna("").astype(str)

    rows = frame.set_index("district_code")
    table = pd.DataFrame({
        "code": list(PROGRAMME_CODES),
        "name": [district_name(d, lang) for d in PROGRAMME_DISTRICTS],
        "region": [d.region for d in PROGRAMME_DISTRICTS],
    })
    table["value"] = table["code"].map(rows["value"]).astype(float)
    table["target"] = table["code"].map(rows["target"]).astype(float)
    for column in ("source", "origin"):
        table[column] = table["code"].map(rows[column]).astype(object).fillna("").astype(str)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(table["target"] > 0, table["value"] / table["target"] * 100, np.nan)
    table["pct"] = pct
    table["shown"] = table["pct"] if mode == "pct" else table["value"]
    return table

