"""The active data set as the CLI and the dashboard see it, with filters and indicator tables.

``load_dataset`` reads one version from the store (its raw records, or with ``cells=True`` its
monthly cells: the same sums per district, indicator, month and breakdown, a fraction of the rows); ``apply_filters`` narrows it to the
region, districts, programme and years a user chose; ``indicator_table`` is the single
table behind the export command, the map, the charts and the downloads.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from collections.abc import Callable
from datetime import date, timedelta

import pandas as pd

from data_pipeline.analysis.aggregate import WHOLE, aggregate, attach_targets, programme_totals
from data_pipeline.analysis.history import CHANGE_COLUMNS, totals, totals_change
from data_pipeline.reference.origin import GENERATED, UPLOADED
from data_pipeline.reference.published import published_for_indicator
from data_pipeline.analysis.reconcile import STATUS_DIFFERS, status_against
from data_pipeline.reference.rounding import round_half_up
from data_pipeline.reference.registry import INDICATORS, PROGRAMME_PERIODS, indicator, indicators_for
from data_pipeline.store import Store, VersionInfo
from geo.gazetteer import ALL_DISTRICTS, PROGRAMME_DISTRICTS, district

TABLE_COLUMNS = ["district_pcode", "district_code", "district", "region_pcode", "region", "indicator",
                 "indicator_label", "unit", "period", "value", "target", "achievement_pct", "source"]
"""The indicator table's columns; the OCHA P-codes (``#adm2+code``, ``#adm1+code``) come before the project
code so that HXL tools picking the first ``#adm2+code`` column join on the P-code."""


@dataclass(frozen=True)
class Filters:
    """What a user narrowed the view to; empty means everything."""

    regions: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    """District codes."""
    programme: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def district_codes(self) -> tuple[str, ...]:
        """The programme districts these filters keep, in gazetteer order."""
        return tuple(d.code for d in PROGRAMME_DISTRICTS
                     if (not self.regions or d.region in self.regions)
                     and (not self.districts or d.code in self.districts))


@dataclass(frozen=True)
class Dataset:
    """One store version's activities, targets and funding (possibly filtered).

    With ``monthly_cells``, each activity row is a monthly cell (``Store.activity_cells``: date =
    first day of the month, plus ``records`` and ``last_date``), not a record: every aggregation
    gives the same figures, and date filters should fall on month boundaries (the dashboard's
    year filters do).
    """

    version: VersionInfo | None
    previous_version: VersionInfo | None
    activities: pd.DataFrame
    targets: pd.DataFrame
    funding: pd.DataFrame
    filters: Filters = Filters()
    monthly_cells: bool = False

    @property
    def is_demo(self) -> bool:
        return bool(self.version and self.version.is_demo)

    @property
    def origin(self) -> str | None:
        """Where this version's records, targets and funding received come from
        (``data_pipeline.reference.origin``): generated for a demo version, uploaded otherwise."""
        if self.version is None:
            return None
        return GENERATED if self.is_demo else UPLOADED

    @property
    def as_of(self) -> date | None:
        """Date of the latest activity record."""
        if self.activities.empty:
            return None
        if "last_date" in self.activities:  # monthly cells: their date is the month's first day
            return self.activities["last_date"].max().date()
        return self.activities["date"].max().date()

    def source_label(self, tr: Callable[[str], str] = str) -> str:
        """Where this data set's records come from, for the ``source`` column; ``tr`` translates
        the wording (``data_pipeline.presentation.i18n.translator(lang)``)."""
        if self.version is None:
            return ""
        if self.is_demo:
            return tr("demo (generated, version {version})").format(version=self.version.id)
        files = ", ".join(s.file_name for s in self.version.submissions if s.kind == "activities")
        return tr("file: {files} (version {version})").format(files=files, version=self.version.id)


def load_dataset(store_url: str, version_id: int | None = None, *, cells: bool = False) -> Dataset:
    """The active version (or ``version_id``) of the store at ``store_url``, unfiltered.

    With ``cells``, the activities are the version's monthly cells (computed once per version in
    the store), which is what a dashboard over millions of records should read.
    """
    store = Store(store_url)
    try:
        version = store.version(version_id) if version_id is not None else store.active_version()
        previous = None
        if version is not None:
            older = [v for v in store.versions() if v.id < version.id]
            previous = older[0] if older else None
        vid = version.id if version else None
        activities = store.activity_cells(vid) if cells else store.activities(vid)
        return Dataset(version, previous, activities, store.targets(vid), store.funding(vid), monthly_cells=cells)
    finally:
        store.dispose()


def apply_filters(ds: Dataset, filters: Filters) -> Dataset:
    """``ds`` narrowed to the filters' districts, programme and date range (targets and
    funding too, where they carry those dimensions)."""
    codes = set(filters.district_codes())
    activities = ds.activities[ds.activities["district_code"].isin(codes)]
    targets = ds.targets[ds.targets["district_code"].isna() | ds.targets["district_code"].isin(codes)]
    if filters.programme:
        ids = {i.id for i in indicators_for(filters.programme)}
        activities = activities[activities["indicator"].isin(ids)]
        targets = targets[targets["indicator"].isin(ids)]
    if filters.date_from:
        activities = activities[activities["date"] >= pd.Timestamp(filters.date_from)]
    if filters.date_to:
        activities = activities[activities["date"] <= pd.Timestamp(filters.date_to)]
    funding = ds.funding
    if filters.programme and not funding.empty:
        funding = funding[funding["plan"] == filters.programme]
    return replace(ds, activities=activities, targets=targets, funding=funding, filters=filters)


def indicator_table(ds: Dataset, period: str = WHOLE, by: str | None = None) -> pd.DataFrame:
    """One row per district × indicator × period (× ``by``) with target, % of target and source.

    Columns: ``district_pcode, district_code, district, region_pcode, region, indicator, indicator_label,
    unit, period, value, target, achievement_pct, source`` (+ ``by``), the P-codes from the gazetteer. ``target`` is empty where none is known.
    ``district`` is the gazetteer's English name and ``indicator_label`` the registry's (catalog msgid):
    ``data_pipeline.presentation.tables.with_district_names`` and the catalog word them in another language.
    """
    table = aggregate(ds.activities, period, by)
    table = attach_targets(table, targets_in_view(ds)) if by is None else table.assign(target=float("nan"),
                                                                              achievement_pct=float("nan"))
    districts = {code: district(code) for code in table["district_code"].unique()}
    table["district"] = table["district_code"].map(lambda c: districts[c].name_en)
    table["region"] = table["district_code"].map(lambda c: districts[c].region)
    table["district_pcode"] = table["district_code"].map(lambda c: districts[c].pcode)
    table["region_pcode"] = table["district_code"].map(lambda c: districts[c].region_pcode)
    table["indicator_label"] = table["indicator"].map(lambda i: indicator(i).label)
    table["unit"] = table["indicator"].map(lambda i: indicator(i).unit)
    table["source"] = ds.source_label()
    after_period = TABLE_COLUMNS.index("period") + 1
    columns = TABLE_COLUMNS[:after_period] + ([by] if by else []) + TABLE_COLUMNS[after_period:]
    indicator_order = {i.id: n for n, i in enumerate(INDICATORS)}
    district_order = {d.code: n for n, d in enumerate(ALL_DISTRICTS)}
    table = (table.assign(_i=table["indicator"].map(indicator_order), _d=table["district_code"].map(district_order))
             .sort_values(["_i", "_d", "period"]))
    for column in ("value", "target"):  # every indicator is a count: show 6005, not 6005.0
        if table[column].dropna().mod(1).eq(0).all():
            table[column] = table[column].astype("Int64")
    # Rounded as everything shown is (half up): pandas' round(1) gives 12.2 for 12.25, the tables 12.3.
    table["achievement_pct"] = table["achievement_pct"].map(
        lambda pct: float(round_half_up(pct, 1)) if pd.notna(pct) else pct)
    return table[columns].reset_index(drop=True)


HEADLINE_COLUMNS = ["indicator", "label", "unit", "value", "target", "achievement_pct", "published_value",
                    "published_qualifier", "published_citation", "published_status", "differs"]


def headline_figures(ds: Dataset) -> pd.DataFrame:
    """The overview's headline indicators: programme total of the (filtered) districts, target,
    % of target, and the published figure beside it.

    Columns: ``HEADLINE_COLUMNS`` (no rows for a programme without headline indicators).
    ``published_status`` is the reconciliation's (``matches``, ``consistent with qualifier`` for
    2,450 against "more than 2,400", ``differs``); ``differs`` is true for the last only.
    """
    totals = attach_targets(programme_totals(ds.activities), programme_targets_for_view(ds))
    by_id = totals.set_index("indicator")
    rows = []
    for entry in indicators_for(ds.filters.programme, headline=True):
        figure = published_for_indicator(entry.id)
        value = float(by_id["value"].get(entry.id, 0.0))
        status = status_against(value, figure, entry.id in by_id.index) if figure else ""
        target = float(by_id["target"].get(entry.id, float("nan"))) if "target" in by_id else float("nan")
        rows.append({"indicator": entry.id, "label": entry.label, "unit": entry.unit, "value": value,
                     "target": target,
                     "achievement_pct": value / target * 100 if target and target == target else float("nan"),
                     "published_value": figure.value if figure else float("nan"),
                     "published_qualifier": figure.qualifier if figure else "",
                     "published_citation": figure.citation if figure else "",
                     "published_status": status, "differs": status == STATUS_DIFFERS})
    return pd.DataFrame(rows, columns=HEADLINE_COLUMNS)


def programme_targets_for_view(ds: Dataset) -> pd.DataFrame:
    """Programme targets (as programme-wide rows) of the periods in view: the programme-wide target
    when every programme district is in view and one is recorded; otherwise the sum of the district
    targets, when every district with records of the indicator in view has one (a sum missing some
    of them would overstate the achievement)."""
    targets = targets_in_view(ds)
    targets = targets[targets["period"] == WHOLE]
    per_district = targets[targets["district_code"].isin(ds.filters.district_codes())]
    recorded = aggregate(ds.activities)[["indicator", "district_code"]]
    targeted = per_district[["indicator", "district_code"]]
    untargeted = recorded.merge(targeted, how="left", indicator=True).query("_merge == 'left_only'")
    summed = (per_district[~per_district["indicator"].isin(untargeted["indicator"])]
              .groupby(["indicator", "period"], as_index=False)["target"].sum().assign(district_code=None))
    if len(ds.filters.district_codes()) < len(PROGRAMME_DISTRICTS):
        return summed
    programme = targets[targets["district_code"].isna()]
    return pd.concat([programme, summed[~summed["indicator"].isin(programme["indicator"])]], ignore_index=True)


def targets_in_view(ds: Dataset) -> pd.DataFrame:
    """``ds.targets`` with the ``whole`` rows standing for the periods in view.

    Without a date filter, the whole-programme targets. With one, each indicator's (and
    district's) targets of the periods inside the filter, summed: a year's target, else its
    quarters', else its months'. A target for a period only partly in view does not apply. A
    month in view without a target counts as nothing planned when it has no records either;
    when it has records, the indicator has no target for the view (no row): a percentage of a
    target for part of the work shown would overstate the achievement.
    """
    targets = ds.targets
    if ds.filters.date_from is None and ds.filters.date_to is None or targets.empty:
        return targets
    months = _months_in_view(ds.filters, targets)
    dates = pd.to_datetime(ds.activities["date"])
    records = pd.DataFrame({"indicator": ds.activities["indicator"].astype(str).to_numpy(),
                            "district_code": ds.activities["district_code"].astype(str).to_numpy(),
                            "year": dates.dt.year.to_numpy(), "month": dates.dt.month.to_numpy()}).drop_duplicates()
    by_district = {key: set(zip(group["year"], group["month"]))
                   for key, group in records.groupby(["indicator", "district_code"])}
    by_indicator = {key: set(zip(group["year"], group["month"])) for key, group in records.groupby("indicator")}
    rows = []
    for (indicator_id, code), group in targets[targets["period"] != WHOLE].groupby(
            ["indicator", "district_code"], dropna=False, sort=False):
        recorded = by_indicator.get(indicator_id, set()) if pd.isna(code) else by_district.get((indicator_id, code),
                                                                                             set())
        target = _target_of_months(group.groupby("period")["target"].sum().to_dict(), months, recorded)
        if target is not None:
            rows.append({"indicator": indicator_id, "district_code": None if pd.isna(code) else code,
                         "period": WHOLE, "target": target})
    whole = pd.DataFrame(rows, columns=["indicator", "district_code", "period", "target"])
    return pd.concat([targets[targets["period"] != WHOLE][whole.columns], whole], ignore_index=True)


def _months_in_view(filters: Filters, targets: pd.DataFrame) -> list[tuple[int, int]]:
    """Every (year, month) inside the date filter; an open end reaches the programmes' first or last
    year, or the targets' when they go further."""
    target_years = pd.to_numeric(targets["period"].str[:4], errors="coerce").dropna()
    first = min([p[0] for p in PROGRAMME_PERIODS.values()] + target_years.astype(int).tolist())
    last = max([p[1] for p in PROGRAMME_PERIODS.values()] + target_years.astype(int).tolist())
    start = filters.date_from or date(first, 1, 1)
    end = filters.date_to or date(last, 12, 31)
    months = []
    for year in range(start.year, end.year + 1):
        for month in range(1, 13):
            month_start = date(year, month, 1)
            month_end = (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)) - timedelta(days=1)
            if start <= month_start and month_end <= end:  # only whole months are in view
                months.append((year, month))
    return months


def _target_of_months(by_period: dict[str, float], months: list[tuple[int, int]],
                      recorded: set[tuple[int, int]]) -> float | None:
    """The sum of the targets covering ``months`` (years, else quarters, else months), or None when
    none applies or a month with ``recorded`` activity has none."""
    wanted = set(months)
    total, found = 0.0, False
    for year in sorted({y for y, _ in months}):
        in_year = {m for y, m in wanted if y == year}
        if in_year == set(range(1, 13)) and str(year) in by_period:
            total, found = total + by_period[str(year)], True
            continue
        for quarter in range(1, 5):
            quarter_months = set(range(3 * quarter - 2, 3 * quarter + 1))
            if not quarter_months & in_year:
                continue
            if quarter_months <= in_year and f"{year}-Q{quarter}" in by_period:
                total, found = total + by_period[f"{year}-Q{quarter}"], True
                continue
            for month in sorted(quarter_months & in_year):
                if f"{year}-{month:02d}" in by_period:
                    total, found = total + by_period[f"{year}-{month:02d}"], True
                elif (year, month) in recorded:
                    return None
    return total if found else None


def changes_since_previous(store_url: str, ds: Dataset) -> pd.DataFrame:
    """Programme totals of the previous version beside this one (same filters), for indicators
    that changed. Columns: ``indicator, label, previous, current, change``."""
    if ds.version is None or ds.previous_version is None:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    previous = apply_filters(load_dataset(store_url, ds.previous_version.id, cells=ds.monthly_cells), ds.filters)
    return totals_change(totals(previous.activities), totals(ds.activities))
