"""Seeded demonstration data: the published programme results spread over the 16 districts.

District sums honour the published totals: they equal an exact figure (6,005 participants in
566 sessions of at most 15; 176 grants; 300 jobs; 115 border guards of whom 94 women; …) and
exceed a "more than" one by 2 % (2,448 vocational trainees for "more than 2,400"). The district
breakdown, the dates, the targets and the funding received are *generated*: every row is
stored in a demo submission and shown with the demo banner. Indicators without a published
total (e.g. community meetings) get no demo records rather than invented totals.
"""

from __future__ import annotations

import hashlib
from datetime import date

import numpy as np
import pandas as pd

from data_pipeline.analysis.aggregate import period_labels
from data_pipeline.reference.published import published_figure, published_for_indicator
from data_pipeline.analysis.reconcile import AT_LEAST
from data_pipeline.reference.registry import FUNDING_LINES
from data_pipeline.reference.schemas import (ACTIVITY_COLUMNS, AGE_GROUPS, FUNDING_COLUMNS, KIND_ACTIVITIES,
                                   KIND_FUNDING, KIND_TARGETS, TARGET_COLUMNS)
from data_pipeline.store import Store, SubmissionInput, VersionInfo, VersionNote
from geo.gazetteer import PROGRAMME_CODES, PROGRAMME_DISTRICTS, REGION_KHATLON


DEMO_SEED = 2020
DEMO_NOTE = "DEMO: generated for demonstration"
DEMO_FILE_NAMES = {KIND_ACTIVITIES: "demo-activities", KIND_TARGETS: "demo-targets", KIND_FUNDING: "demo-funding"}
# Rough weights so that Khatlon's populous lowland districts carry more activity than the
# GBAO mountain districts; only the *shape* of the demo, never presented as reported data.
_WEIGHTS = np.array([1.3 if d.region == REGION_KHATLON else 0.7 for d in PROGRAMME_DISTRICTS])


def _split(total: int, rng: np.random.Generator, weights: np.ndarray = _WEIGHTS, minimum: int = 0) -> np.ndarray:
    """Split ``total`` into len(weights) non-negative integers that add up to it exactly."""
    n = len(weights)
    base = np.full(n, minimum)
    rest = total - base.sum()
    if rest < 0:
        raise ValueError(f"cannot give {minimum} to each of {n} parts of {total}")
    shares = rng.dirichlet(weights * 8)
    return base + rng.multinomial(rest, shares)


def _random_dates(rng: np.random.Generator, n: int, start: str, end: str) -> pd.DatetimeIndex:
    lo, hi = pd.Timestamp(start).value // 86_400_000_000_000, pd.Timestamp(end).value // 86_400_000_000_000
    days = rng.integers(lo, hi + 1, size=n)
    return pd.to_datetime(days, unit="D")


def _session_sizes(rng: np.random.Generator, sessions: int, participants: int, cap: int) -> np.ndarray:
    """Sizes of ``sessions`` sessions (1..cap each) adding up to ``participants``."""
    if not sessions <= participants <= sessions * cap:
        raise ValueError(f"{participants} participants cannot fill {sessions} sessions of 1..{cap}")
    sizes = rng.integers(6, cap + 1, size=sessions)
    diff = participants - int(sizes.sum())
    while diff:
        step = 1 if diff > 0 else -1
        room = np.flatnonzero((sizes < cap) if step > 0 else (sizes > 1))
        chosen = rng.choice(room, size=min(abs(diff), len(room)), replace=False)
        sizes[chosen] += step
        diff -= step * len(chosen)
    return sizes


def _people_records(rng, codes, dates, sizes, indicator, women_total, disabled_total=0) -> pd.DataFrame:
    """One record per (event, sex, age group, disability) cell for events of the given sizes."""
    people = int(sizes.sum())
    event = np.repeat(np.arange(len(sizes)), sizes)
    sex = np.full(people, "male", dtype=object)
    sex[rng.choice(people, size=women_total, replace=False)] = "female"
    disability = np.full(people, "no", dtype=object)
    disability[rng.choice(people, size=disabled_total, replace=False)] = "yes"
    age = rng.choice(AGE_GROUPS[1:4], size=people, p=[0.35, 0.45, 0.20])
    cells = pd.DataFrame({"event": event, "sex": sex, "age_group": age, "disability": disability})
    counted = cells.value_counts().rename("value").reset_index()
    counted["date"] = dates[counted["event"]]
    counted["district_code"] = np.asarray(codes)[counted["event"]]
    counted["indicator"] = indicator
    return counted.drop(columns="event")


_ABOVE = 0.02
"""How far a demo total exceeds a published "more than" figure (2 %, at least 1)."""


def _total(indicator_id: str) -> int:
    """The demo's programme total of ``indicator_id``: the published figure, or a little above it
    when the documents print it as a lower bound ("more than 2400 vocational trainings")."""
    figure = published_for_indicator(indicator_id)
    assert figure is not None, indicator_id
    if figure.qualifier in AT_LEAST:
        return int(figure.value) + max(1, round(figure.value * _ABOVE))
    return int(figure.value)


def demo_activities(seed: int = DEMO_SEED) -> pd.DataFrame:
    """Generated activity records whose district sums equal the published programme totals."""
    rng = np.random.default_rng(seed)
    # One generator drawn from in this order: the same seed gives the same records.
    parts = _session_records(rng) + _guard_records(rng) + _monthly_records(rng) + _staff_and_committee_records(rng)
    records = pd.concat(parts, ignore_index=True)
    for column in ("sex", "age_group", "disability"):
        if column not in records:
            records[column] = None
        records[column] = records[column].astype(object).where(records[column].notna(), None)
    records["value"] = records["value"].astype(float)
    records["date"] = pd.to_datetime(records["date"]).astype("datetime64[ns]")
    records["notes"] = DEMO_NOTE
    records = records.sort_values(["date", "district_code", "indicator"], kind="stable").reset_index(drop=True)
    records["source_row"] = np.arange(2, len(records) + 2)
    return records[ACTIVITY_COLUMNS]


def _session_records(rng: np.random.Generator) -> list[pd.DataFrame]:
    """Reintegration planning sessions: one record per session, participants broken down."""
    sessions = _total("rps_sessions")
    cap = int(published_figure("tajirrb_rps_max_session_size").value)
    per_district = _split(sessions, rng, minimum=10)
    session_codes = np.repeat(PROGRAMME_CODES, per_district)
    session_dates = _random_dates(rng, sessions, "2017-09-01", "2020-03-31")
    sizes = _session_sizes(rng, sessions, _total("rps_participants"), cap)
    participants = _total("rps_participants")
    women = round(participants * published_figure("survey_women").value / 100)
    disabled = round(participants * published_figure("survey_disability").value / 100)
    return [pd.DataFrame({"date": session_dates, "district_code": session_codes,
                          "indicator": "rps_sessions", "value": 1}),
            _people_records(rng, session_codes, session_dates, sizes, "rps_participants", women, disabled)]


def _guard_records(rng: np.random.Generator) -> list[pd.DataFrame]:
    """Border guards: a few trainings per district, women as published (94 of 115)."""
    guards = _total("border_guards_trained")
    trainings = _split(guards, rng, minimum=3)
    event_codes, event_sizes = [], []
    for code, n in zip(PROGRAMME_CODES, trainings):
        k = max(1, n // 4)
        event_sizes.extend(_split(n, rng, np.ones(k), minimum=1))
        event_codes.extend([code] * k)
    event_sizes = np.asarray(event_sizes)
    guard_dates = _random_dates(rng, len(event_sizes), "2017-03-01", "2019-12-31")
    guard_women = int(published_figure("tajirrb_border_guards_trained_women").value)
    return [_people_records(rng, np.asarray(event_codes), guard_dates, event_sizes, "border_guards_trained",
                            guard_women)
            .assign(age_group=None, disability=None)
            .groupby(["date", "district_code", "indicator", "sex"], as_index=False)["value"].sum()]


def _monthly_records(rng: np.random.Generator) -> list[pd.DataFrame]:
    """Counts recorded as monthly district reports."""
    monthly = {"grants_awarded": ("2017-06-01", "2020-06-30"), "jobs_created": ("2017-09-01", "2020-09-30"),
               "vocational_trainees": ("2017-01-01", "2020-10-31"),
               "reentry_ban_checks": ("2019-04-01", "2020-03-31")}
    parts = []
    for indicator_id, (start, end) in monthly.items():
        for code, n in zip(PROGRAMME_CODES, _split(_total(indicator_id), rng)):
            if n == 0:
                continue
            k = int(min(n, rng.integers(3, 12)))
            values = _split(n, rng, np.ones(k), minimum=1)
            parts.append(pd.DataFrame({"date": _random_dates(rng, k, start, end), "district_code": code,
                                       "indicator": indicator_id, "value": values}))
    return parts


def _staff_and_committee_records(rng: np.random.Generator) -> list[pd.DataFrame]:
    """Two Migration Services staff per district (32 = 16 × 2); 8 Mahallah sub-committees."""
    staff = _split(_total("ms_staff_trained"), rng, np.ones(len(PROGRAMME_CODES)), minimum=1)
    staff_dates = _random_dates(rng, len(PROGRAMME_CODES), "2018-01-01", "2019-06-30")
    committees = rng.choice(PROGRAMME_CODES, size=_total("mahallah_subcommittees"), replace=False)
    return [pd.DataFrame({"date": staff_dates, "district_code": PROGRAMME_CODES,
                          "indicator": "ms_staff_trained", "value": staff}),
            pd.DataFrame({"date": _random_dates(rng, len(committees), "2019-01-01", "2020-06-30"),
                          "district_code": committees, "indicator": "mahallah_subcommittees", "value": 1})]


def demo_targets(activities: pd.DataFrame, seed: int = DEMO_SEED) -> pd.DataFrame:
    """Generated targets: per district and year, per district for the whole programme, and
    programme-wide; each 90–125 % of what the demo district achieved."""
    rng = np.random.default_rng(seed + 1)
    yearly = (activities.assign(period=period_labels(activities["date"], "year"))
              .groupby(["indicator", "district_code", "period"], as_index=False)["value"].sum())
    yearly["target"] = np.ceil(yearly["value"] * rng.uniform(0.9, 1.25, len(yearly)))
    whole = yearly.groupby(["indicator", "district_code"], as_index=False)["target"].sum().assign(period="whole")
    programme = whole.groupby("indicator", as_index=False)["target"].sum().assign(district_code=None, period="whole")
    targets = pd.concat([yearly.drop(columns="value"), whole, programme], ignore_index=True)
    targets["source_row"] = np.arange(2, len(targets) + 2)
    return targets[TARGET_COLUMNS]


def demo_funding(seed: int = DEMO_SEED) -> pd.DataFrame:
    """Generated funding received per component (45–100 % of the published requirement)."""
    rng = np.random.default_rng(seed + 2)
    rows = []
    for line in FUNDING_LINES:
        required = published_figure(line.required_published_id).value
        received = float(np.round(required * rng.uniform(0.45, 1.0), -3))
        rows.append({"plan": line.plan, "objective": line.objective, "component": line.component,
                     "donor": None, "required": required, "received": received, "currency": "USD"})
    funding = pd.DataFrame(rows)
    funding["source_row"] = np.arange(2, len(funding) + 2)
    return funding[FUNDING_COLUMNS]


def _fingerprint(frame: pd.DataFrame, seed: int) -> str:
    data = frame.to_csv(index=False).encode() + str(seed).encode()
    return hashlib.sha256(data).hexdigest()


def demo_submissions(seed: int = DEMO_SEED, uploaded_by: str = "demo generator") -> list[SubmissionInput]:
    """The three demo submissions (activities, targets, funding), marked demo."""
    activities = demo_activities(seed)
    frames = {KIND_ACTIVITIES: activities, KIND_TARGETS: demo_targets(activities, seed),
              KIND_FUNDING: demo_funding(seed)}
    return [SubmissionInput(file_name=f"{DEMO_FILE_NAMES[kind]}-seed{seed}", sha256=_fingerprint(frame, seed),
                            kind=kind, frame=frame, is_demo=True, uploaded_by=uploaded_by)
            for kind, frame in frames.items()]


def load_demo(store_url: str, created_by: str = "demo generator", seed: int = DEMO_SEED,
              if_empty: bool = False) -> VersionInfo | None:
    """Make the demo data the active version (a new version; history is kept).

    With ``if_empty``, do nothing when the store already has an active version. Returns
    the active version afterwards.
    """
    store = Store(store_url)
    try:
        active = store.active_version()
        if if_empty and active is not None:
            return active
        result = store.publish(demo_submissions(seed, created_by), created_by=created_by,
                               note=VersionNote.demo(seed, date.today().isoformat()))
        return result.version or store.active_version()
    finally:
        store.dispose()

