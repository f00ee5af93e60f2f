"""Every view's numbers over generated data sets (seeded, made by code): district values add up to the
programme value shown, achievement uses the targets of exactly the periods in view, and cost per
person is shown only where funding and people cover the same scope."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from hypothesis import given, settings, strategies as st

from data_pipeline.analysis.aggregate import PERIODS
from data_pipeline.cli import main
from data_pipeline.analysis.compare import district_comparison
from data_pipeline.presentation.tables import comparison_table
from data_pipeline.analysis.dataset import Dataset, Filters, apply_filters, headline_figures, indicator_table
from data_pipeline.presentation.exports import to_csv_bytes, to_xlsx_bytes
from data_pipeline.analysis.funding import funding_summary, scope_difference
from data_pipeline.ingest import read_table
from data_pipeline.reference.published import published_table
from data_pipeline.analysis.reconcile import reconcile
from data_pipeline.store import Store
from data_pipeline.ingest import Problem
from data_pipeline.presentation.problems import problems_table
from data_pipeline.reference.registry import FUNDING_LINES, indicators_for
from data_pipeline.reference.schemas import FUNDING_COLUMNS, TARGET_COLUMNS
from geo.gazetteer import PROGRAMME_CODES
from tests.data_pipeline.frames import random_activities

YEARS = (2016, 2017, 2018, 2019, 2020)
HEADLINE_IDS = [i.id for i in indicators_for(None, headline=True)]


def generated_dataset(seed: int, rows: int) -> Dataset:
    """Records over 2016–2021; per district and indicator, yearly targets for a random subset of the
    years, a whole-programme target, and programme-wide whole targets; funding on every line."""
    rng = np.random.default_rng(seed)
    activities = random_activities(rows, seed)
    targets = []
    for indicator_id in HEADLINE_IDS:
        for code in PROGRAMME_CODES:
            for year in YEARS:
                if rng.random() < 0.8:
                    targets.append((indicator_id, code, str(year), float(rng.integers(1, 50))))
            targets.append((indicator_id, code, "whole", float(rng.integers(50, 300))))
        targets.append((indicator_id, None, "whole", float(rng.integers(500, 3000))))
    target_frame = pd.DataFrame(targets, columns=TARGET_COLUMNS[:4]).assign(source_row=lambda t: t.index + 2)
    funding = pd.DataFrame([(line.plan, line.objective, line.component, None, None,
                             float(rng.integers(1, 10_000)), "USD", n + 2)
                            for n, line in enumerate(FUNDING_LINES)], columns=FUNDING_COLUMNS)
    return Dataset(None, None, activities, target_frame, funding)


filters = st.builds(
    lambda years, districts: Filters(districts=tuple(districts),
                                     date_from=date(years[0], 1, 1) if years else None,
                                     date_to=date(years[1], 12, 31) if years else None),
    st.one_of(st.none(), st.tuples(st.sampled_from(YEARS), st.sampled_from(YEARS)).map(sorted)),
    st.lists(st.sampled_from(PROGRAMME_CODES), max_size=4, unique=True),
)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), rows=st.integers(0, 400), chosen=filters)
def test_district_values_add_up_to_the_programme_value_shown(seed, rows, chosen):
    view = apply_filters(generated_dataset(seed, rows), chosen)
    table = indicator_table(view)
    heads = headline_figures(view).set_index("indicator")
    sums = table.groupby("indicator")["value"].sum()
    for indicator_id in HEADLINE_IDS:
        assert heads.loc[indicator_id, "value"] == sums.get(indicator_id, 0)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), rows=st.integers(1, 400), chosen=filters)
def test_achievement_uses_the_targets_of_exactly_the_periods_in_view(seed, rows, chosen):
    data = generated_dataset(seed, rows)
    view = apply_filters(data, chosen)
    table = indicator_table(view)
    targets = {(i, code if isinstance(code, str) else "", period): target for i, code, period, target
               in data.targets[["indicator", "district_code", "period", "target"]].itertuples(index=False)}
    years = ([str(y) for y in range(chosen.date_from.year, chosen.date_to.year + 1)]
             if chosen.date_from else ["whole"])
    active = set(zip(view.activities["indicator"], view.activities["district_code"],
                     view.activities["date"].dt.year.astype(str)))

    def expected_target(indicator_id: str, code: str) -> float | None:
        """The targets of the years in view; a year without one counts only when nothing was recorded in it."""
        if years == ["whole"]:
            return targets.get((indicator_id, code, "whole"))
        if any((indicator_id, code, y) not in targets and (indicator_id, code, y) in active for y in years):
            return None
        found = [targets[(indicator_id, code, y)] for y in years if (indicator_id, code, y) in targets]
        return sum(found) if found else None

    for row in table[table["indicator"].isin(HEADLINE_IDS)].itertuples():
        expected = expected_target(row.indicator, row.district_code)
        if expected is None:
            assert pd.isna(row.target) and pd.isna(row.achievement_pct), row
        else:
            assert row.target == expected
            assert abs(row.achievement_pct - row.value / expected * 100) <= 0.05 + 1e-9  # rounded to 0.1
    heads = headline_figures(view).set_index("indicator")
    for indicator_id in set(HEADLINE_IDS) & set(table["indicator"]):
        codes = chosen.district_codes()
        if chosen.date_from is None and len(codes) == len(PROGRAMME_CODES):
            assert heads.loc[indicator_id, "target"] == targets[(indicator_id, "", "whole")]
        elif chosen.date_from is not None:  # no programme-wide yearly targets: the districts' own, summed
            recorded = set(table.loc[table["indicator"] == indicator_id, "district_code"])
            own = {code: expected_target(indicator_id, code) for code in codes}
            complete = {code for code, target in own.items() if target is not None}
            shown = heads.loc[indicator_id, "target"]
            if recorded <= complete and complete:
                assert shown == sum(own[code] for code in complete)
            else:
                assert pd.isna(shown) and pd.isna(heads.loc[indicator_id, "achievement_pct"])


def test_a_year_without_a_target_gives_no_percentage_and_the_whole_programme_target_does_not_apply():
    activities = random_activities(200, 7)
    activities = activities[activities["date"].dt.year < 2021].reset_index(drop=True)  # nothing in 2021
    activities["district_code"] = "KT01"
    activities["indicator"] = "jobs_created"
    targets = pd.DataFrame([("jobs_created", "KT01", "2019", 9.0, 2), ("jobs_created", "KT01", "whole", 13.0, 3),
                            ("jobs_created", "KT01", "2020-Q1", 1.0, 4), ("jobs_created", "KT01", "2020-Q2", 2.0, 5),
                            ("jobs_created", "KT01", "2020-Q3", 3.0, 6), ("jobs_created", "KT01", "2020-Q4", 4.0, 7)],
                           columns=TARGET_COLUMNS)
    data = Dataset(None, None, activities, targets, pd.DataFrame(columns=FUNDING_COLUMNS))

    def target(first: int, last: int):
        view = apply_filters(data, Filters(date_from=date(first, 1, 1), date_to=date(last, 12, 31)))
        return indicator_table(view).set_index("district_code").loc["KT01", "target"]

    assert target(2019, 2019) == 9  # not 13, the whole programme's
    assert target(2020, 2020) == 10  # its quarters
    assert target(2019, 2020) == 19
    assert pd.isna(target(2018, 2019))  # 2018 has records but no target: no percentage of part of a target
    assert target(2019, 2021) == 19  # nothing recorded in 2021, and no target: nothing planned
    assert indicator_table(data).set_index("district_code").loc["KT01", "target"] == 13


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), rows=st.integers(1, 400), chosen=filters)
def test_cost_per_person_only_where_funding_and_people_cover_the_same_scope(seed, rows, chosen):
    view = apply_filters(generated_dataset(seed, rows), chosen)
    summary = funding_summary(view.funding, view.activities, chosen)
    same = scope_difference(chosen, "CRP2020") is None
    narrowed = bool(chosen.districts) or (chosen.date_from is not None and chosen.date_from.year > 2020) or (
        chosen.date_to is not None and chosen.date_to.year < 2020)
    assert same == (not narrowed)
    shown = summary["cost_per_beneficiary"].notna()
    if not same:
        assert not shown.any()
    else:
        possible = summary["received"].notna() & (summary["beneficiaries_reached"] > 0)
        assert (shown == possible).all()


# --- round trips: every export ingests back to the same figures or is refused, saying what it is -------

def downloaded_tables(data: Dataset, period: str, by: str | None) -> dict[str, pd.DataFrame]:
    """Every table the CLI's export and the dashboard's downloads write, as they write it (data names)."""
    table = indicator_table(data, period, by)
    summary = funding_summary(data.funding, data.activities)
    objectives = summary[summary["level"] == "objective"].assign(source="required: …; received: …")
    problem = Problem("f.csv", 2, "district", "Kulob", "Unknown district 'Kulob'.", "a district", ("Kolkhozobod",))
    return {
        "export": table,
        "map table": table[["district", "region", "value", "target", "achievement_pct", "source"]],
        "profile table": comparison_table(district_comparison(indicator_table(data), PROGRAMME_CODES[0]), "en")[
            ["indicator_label", "value", "target", "achievement_pct", "median", "rank", "unit"]],
        "indicator table": table[["district", "region", "indicator_label", "period", "value", "target",
                                  "achievement_pct", "unit", "source"]],
        "funding objectives": objectives[["objective", "required", "received", "coverage_pct", "gap", "source"]],
        "funding components": summary[summary["level"] == "component"][
            ["component", "required", "received", "coverage_pct", "gap", "objective"]],
        "beneficiaries": objectives[["objective", "target_beneficiaries", "beneficiaries_reached",
                                     "cost_per_beneficiary_planned", "cost_per_beneficiary", "source"]],
        "reconciliation": reconcile(data.activities)[["label", "district_sum", "qualifier", "published_value",
                                                      "difference", "status"]],
        "catalogue": published_table(),
        "validation report": problems_table([problem]),
    }


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), rows=st.integers(1, 200), period=st.sampled_from(PERIODS),
       by=st.sampled_from([None, "sex", "age_group", "disability"]), hxl=st.booleans(),
       fmt=st.sampled_from(["csv", "xlsx"]))
def test_every_export_is_refused_on_ingest_saying_what_it_is_never_read_as_other_data(
        tmp_path_factory, seed, rows, period, by, hxl, fmt):
    folder = tmp_path_factory.mktemp("round-trip")
    for name, table in downloaded_tables(generated_dataset(seed, rows), period, by).items():
        path = folder / f"{name}.{fmt}"
        path.write_bytes(to_csv_bytes(table, hxl=hxl, excel_bom=True) if fmt == "csv" else
                         to_xlsx_bytes(table, hxl=hxl))
        result = read_table(path)
        assert not result.ok and result.frame.empty, f"{name} was read as {result.kind}"
        assert len(result.problems) == 1 and result.problems[0].message.startswith("This file is "), (
            name, result.problems[0].message)
        assert "upload" in result.problems[0].allowed


def test_the_cli_export_with_hxl_is_refused_by_ingest_and_nothing_is_stored(store_url, tmp_path, capsys):
    assert main(["demo", "--store", store_url]) == 0
    exported = tmp_path / "indicators.csv"
    assert main(["export", "--hxl", "--store", store_url, "-o", str(exported)]) == 0
    capsys.readouterr()
    assert main(["ingest", str(exported), "--store", store_url]) == 2
    err = capsys.readouterr().err
    assert "This file is an indicator table" in err and "Activities template" in err
    with Store(store_url) as store:
        assert len(store.versions()) == 1


def test_the_briefing_pack_compares_with_the_targets_of_the_years_in_view():
    from data_pipeline.presentation.briefing.brief import district_values

    data = generated_dataset(11, 300)
    view = apply_filters(data, Filters(date_from=date(2019, 1, 1), date_to=date(2019, 12, 31)))
    values = district_values(view, "jobs_created").set_index("district_code")
    table = indicator_table(view).query("indicator == 'jobs_created'").set_index("district_code")
    pd.testing.assert_series_equal(values.loc[table.index, "target"], table["target"].astype(float),
                                   check_names=False)
    whole = data.targets.query("indicator == 'jobs_created' and period == 'whole'").set_index("district_code")
    assert not (values["target"].dropna() == whole["target"].reindex(values["target"].dropna().index)).all()
