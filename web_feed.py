"""The data feed's routes: stable links to the active version's indicator table and the published-figures
catalogue, as CSV with HXL and as JSON, for scripts, HDX and spreadsheets (no sign-in, no browser session).

======================================  ==============================================================
``/feed``                               what the feed holds, the active version and the links (JSON)
``/feed/indicators.csv`` / ``.json``    district × indicator × period, with P-codes, value, target,
                                        % of target, source; ``?period=year|quarter|month``, ``?by=sex|
                                        age_group|disability`` as the ``export`` command's flags
``/feed/catalogue.csv`` / ``.json``     the published figures with their citations
======================================  ==============================================================

The files are built by ``data_pipeline.presentation.feed`` (the CSV is the ``export --hxl`` command's,
plus the version and as-of date on every row). Each request reads the store's active version id (one
small query), so a publish, rollback or withdrawal made by any process shows at the next request; the
files themselves are cached per version id, period and breakdown. Responses carry the version and as-of
date in ``X-Data-Version``/``X-Data-As-Of`` and in the file name (``Content-Disposition``), a weak ETag
(a matching ``If-None-Match`` gets 304), ``Cache-Control: no-cache`` (keep it, but ask again: it changes on
publish) and ``Access-Control-Allow-Origin: *`` (public data, no cookies involved).

``app.py`` adds ``ROUTES`` to ``st.App``. They are plain GETs outside ``/_stcore/``, so ``UploadGuard``
leaves them alone and ``SecurityHeaders`` adds its headers as to every response.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from data_pipeline import settings

_CACHE_ENTRIES = 32
_cache: OrderedDict[tuple, object] = OrderedDict()
_lock = threading.Lock()


def _cached(key: tuple, build: Callable[[], object]) -> object:
    """``build()``, kept per ``key`` (a version id never changes its data), the last 32 keys."""
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    value = build()
    with _lock:
        _cache[key] = value
        while len(_cache) > _CACHE_ENTRIES:
            _cache.popitem(last=False)
    return value


def clear_cache() -> None:
    """Forget every feed file built so far (tests; a server never needs it: keys carry the version)."""
    with _lock:
        _cache.clear()


def _active_version_id(store_url: str) -> int | None:
    from data_pipeline.store import Store

    store = Store(store_url)
    try:
        active = store.active_version()
        return None if active is None else int(active.id)
    finally:
        store.dispose()


def _file_response(request: Request, feed) -> Response:
    headers = {"ETag": feed.etag, "Cache-Control": "no-cache", "Access-Control-Allow-Origin": "*",
               "Content-Disposition": f'inline; filename="{feed.filename}"',
               "Access-Control-Expose-Headers": "ETag, Content-Disposition, X-Data-Version, X-Data-As-Of"}
    if feed.version is not None:
        headers["X-Data-Version"] = str(feed.version)
    if feed.as_of is not None:
        headers["X-Data-As-Of"] = feed.as_of.isoformat()
    etags = [tag.strip().removeprefix("W/") for tag in request.headers.get("if-none-match", "").split(",")]
    if feed.etag.removeprefix("W/") in etags or "*" in etags:  # weak comparison (RFC 9110)
        return Response(status_code=304, headers=headers)
    return Response(feed.body, media_type=feed.media_type, headers=headers)


def _error(status: int, message: str) -> Response:
    return PlainTextResponse(message + "\n", status_code=status,
                             headers={"Cache-Control": "no-store", "Access-Control-Allow-Origin": "*"})


def _store_failure(error: Exception, store_url: str) -> Response:
    from data_pipeline.store import without_password

    return _error(503, "The data store did not answer; try again in a minute. "
                       f"({without_password(str(error), store_url)})")


def indicators(request: Request) -> Response:
    """``/feed/indicators.{csv,json}``: the active version's indicator table."""
    from data_pipeline.analysis.dataset import load_dataset
    from data_pipeline.presentation.feed import FeedRequestError, check_request, indicator_feed
    from data_pipeline.store import StoreError

    fmt = request.path_params["fmt"]
    period = request.query_params.get("period", "whole")
    by = request.query_params.get("by") or None
    try:
        check_request(fmt, period, by)
    except FeedRequestError as error:
        return _error(400, str(error))
    store_url = settings.store_url(None)
    try:
        version_id = _active_version_id(store_url)
        if version_id is None:
            return _error(404, "No data version is published yet: load the demo (`python -m data_pipeline demo`) "
                               "or publish a file first.")
        feed = _cached(("indicators", store_url, version_id, fmt, period, by),
                       lambda: indicator_feed(load_dataset(store_url, version_id, cells=True), fmt, period, by))
    except StoreError as error:
        return _store_failure(error, store_url)
    return _file_response(request, feed)


def catalogue(request: Request) -> Response:
    """``/feed/catalogue.{csv,json}``: the published-figures catalogue."""
    from data_pipeline.presentation.feed import FeedRequestError, catalogue_feed, check_request

    fmt = request.path_params["fmt"]
    try:
        check_request(fmt)
    except FeedRequestError as error:
        return _error(400, str(error))
    return _file_response(request, _cached(("catalogue", fmt), lambda: catalogue_feed(fmt)))


def index(request: Request) -> Response:
    """``/feed``: the links, and the active version they serve now."""
    from data_pipeline.store import StoreError

    store_url = settings.store_url(None)
    try:
        version_id = _active_version_id(store_url)
    except StoreError as error:
        return _store_failure(error, store_url)
    base = str(request.base_url).rstrip("/")
    links = {name: f"{base}/feed/{name}" for name in
             ("indicators.csv", "indicators.json", "catalogue.csv", "catalogue.json")}
    return JSONResponse({"active_version": version_id, "links": links,
                         "parameters": {"period": "whole (default), year, quarter, month",
                                        "by": "sex, age_group or disability (indicators only)"}},
                        headers={"Cache-Control": "no-cache", "Access-Control-Allow-Origin": "*"})


ROUTES = [
    Route("/feed", index, methods=["GET"]),
    Route("/feed/indicators.{fmt}", indicators, methods=["GET"]),
    Route("/feed/catalogue.{fmt}", catalogue, methods=["GET"]),
]
"""The feed's Starlette routes, for ``st.App(..., routes=ROUTES)``."""
