"""Data for the pages: the store's active version (the demo data loaded into an empty store), the data
sets and tables cached across runs and sessions, and what a page shows when the store cannot be read."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from data_pipeline.analysis.dataset import Dataset, Filters, apply_filters, indicator_table, load_dataset
from data_pipeline.analysis.funding import funding_summary
from data_pipeline.presentation.tables import with_district_names
from ui.frame import PageContext, page_context
from ui.language import current_language, tr, translated


@st.cache_resource(show_spinner="Loading the demo data into an empty store…")
def ensure_data(url: str) -> None:
    """Load the demo data when the store has no active version (a fresh machine)."""
    from data_pipeline.analysis.demo import load_demo

    load_demo(url, created_by="dashboard first run", if_empty=True)


def active_version_or_demo(url: str) -> int | None:
    """Id of the store's active version, after loading the demo data into an empty store (the
    spinner shows only then). ``StoreError`` when the store cannot be read, within the store
    timeout for a server that does not answer."""
    version_id = active_version_id(url)
    if version_id is None:
        ensure_data(url)
        active_version_id.clear()
        version_id = active_version_id(url)
    return version_id


def store_error(url: str, error: Exception) -> None:
    """Say that the store at ``url`` cannot be read (where it is, never its password), with the
    details for the administrator as plain text."""
    from data_pipeline.store import StoreUnavailable, store_location, without_password

    where = "`" + store_location(url).replace("`", "'") + "`"
    if isinstance(error, StoreUnavailable):
        message = tr("The data store at {where} does not answer, so no figures can be shown. Try again in a few "
                     "minutes; if it lasts, the administrator finds the cause in the details below.")
    else:
        message = tr("The data store at {where} could not be read, so no figures can be shown. The administrator "
                     "finds the cause in the details below (check DASHBOARD_STORE_URL).")
    st.error(message.format(where=where), icon=":material/database:")
    with st.expander(tr("Details")):
        st.code(without_password(str(error), url), language=None, wrap_lines=True)


@st.cache_data(ttl=15, show_spinner=False)
def active_version_id(url: str) -> int | None:
    """Id of the store's active version (re-read every few seconds, so a new upload shows)."""
    from data_pipeline.store import Store

    store = Store(url)
    try:
        active = store.active_version()
        return None if active is None else int(active.id)
    finally:
        store.dispose()


# The data sets are shared by every session without a copy (``st.cache_data`` unpickled them on
# every rerun: 54 MB for a 5M-row store): versions never change, and nothing may modify their frames.
@st.cache_resource(show_spinner="Loading data…", max_entries=8)
def cached_dataset(url: str, version_id: int | None) -> Dataset:
    """The data set of one version as monthly cells (cached by store and version: versions never
    change). Shared by every session: read it, never modify its frames."""
    return load_dataset(url, version_id, cells=True)


@st.cache_resource(show_spinner=False, max_entries=64)
def cached_filtered(url: str, version_id: int | None, filters: Filters) -> Dataset:
    """The data set of one version with ``filters`` applied (shared and read-only, as ``cached_dataset``)."""
    return apply_filters(cached_dataset(url, version_id), filters)


@st.cache_resource(show_spinner="Loading district boundaries…")
def boundaries(directory: str):
    """The boundary layers (``geo.boundaries.Boundaries``) of ``directory``, shared read-only."""
    from geo.boundaries import load_boundaries

    return load_boundaries(directory)


def content_key(*values: Any) -> str:
    """A digest of ``values`` by content: data frames by their columns, dtypes, index and every cell;
    lists, tuples and dicts item by item; anything else by ``repr``."""
    digest = hashlib.sha256()

    def feed(value: Any) -> None:
        if isinstance(value, pd.DataFrame):
            digest.update(repr(("frame", list(value.columns), [str(t) for t in value.dtypes])).encode())
            digest.update(pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes())
        elif isinstance(value, (list, tuple)):
            digest.update(f"{type(value).__name__}[{len(value)}]".encode())
            for item in value:
                feed(item)
        elif isinstance(value, dict):
            digest.update(f"dict[{len(value)}]".encode())
            for name in sorted(value):
                feed(name)
                feed(value[name])
        else:
            digest.update(repr((type(value).__name__, value)).encode())

    feed(values)
    return digest.hexdigest()


def view_table(ds: Dataset, name: str, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """``compute()``, a table computed only from ``ds`` (a ``cached_filtered`` data set) and the
    current language, cached by ``name``, store, version, filters and language (a copy per call)."""
    version = ds.version.id if ds.version else None
    return _view_table(name, page_context().store_url, version, ds.filters, current_language(), compute)


@st.cache_data(show_spinner=False, max_entries=256)
def _view_table(name: str, url: str, version: int | None, filters: Filters, lang: str,
                _compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    return _compute()


def indicator_rows(ds: Dataset, period: str = "whole", by: str | None = None) -> pd.DataFrame:
    """``indicator_table`` in the current language: district names from the gazetteer; indicator
    labels, units, regions, the whole period and the source translated. Ids, codes and ``by``
    categories stay as they are. ``ds`` must come from ``cached_filtered`` (see ``view_table``)."""
    def compute() -> pd.DataFrame:
        table = with_district_names(indicator_table(ds, period, by=by), current_language())
        table = translated(table, "indicator_label", "unit", "region", "period")  # "whole"; other periods are dates
        return table.assign(source=ds.source_label(tr))

    return view_table(ds, f"indicator rows {period} {by}", compute)


def breakdown_rows(ds: Dataset, by: str) -> pd.DataFrame:
    """``indicator_rows`` of ``ds`` by the category ``by`` (``sex``, ``age_group``, ``disability``),
    keeping only the indicators whose records state it at least once."""
    def compute() -> pd.DataFrame:
        rows = indicator_rows(ds, by=by)
        stated = rows.groupby("indicator")[by].transform(lambda s: (s != "not stated").any())
        return rows[stated]

    return view_table(ds, f"breakdown rows {by}", compute)


def funding_rows(ds: Dataset) -> pd.DataFrame:
    """``funding_summary`` of ``ds`` (plan, objective and component rows; beneficiaries reached
    follow the filters). ``ds`` must come from ``cached_filtered`` (see ``view_table``)."""
    return view_table(ds, "funding", lambda: funding_summary(ds.funding, ds.activities, ds.filters))


def version_id(ctx: PageContext) -> int | None:
    return ctx.full.version.id if ctx.full.version is not None else None
