"""``/healthz``: whether this dashboard process can serve figures, i.e. whether its store answers.

Streamlit's own ``/_stcore/health`` says only that the process runs. A replica whose database is down
still answers that one, and a proxy or orchestrator would keep sending readers to a page that can only
say "the data store does not answer". ``/healthz`` opens the store (``DASHBOARD_STORE_URL``) and reads
its active version, within the store timeout (``DASHBOARD_STORE_TIMEOUT``, 5 s):

- 200 ``{"status": "ok", "active_version": 3, "demo": true, "revision": "0001", "replica": "r1"}``;
  ``active_version`` is null for a store with no version yet;
- 503 ``{"status": "unavailable", "replica": "r1"}`` when the store cannot be read; the cause goes to
  the server's log, not to the client (it names hosts and databases).

``replica`` is ``DASHBOARD_REPLICA_NAME`` (set by ``serve.py``; empty otherwise). ``app.py`` mounts the
route with ``st.App(routes=HEALTH_ROUTES)``.
"""

from __future__ import annotations

import logging
import os

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from data_pipeline import settings
from data_pipeline.store import HEAD_REVISION, Store, StoreError, without_password

LOG = logging.getLogger("border_districts.health")
HEADERS = {"Cache-Control": "no-store"}


def check_store(url: str) -> dict:
    """The store's active version as the health answer's fields; ``StoreError`` when it cannot be read."""
    with Store(url) as store:
        active = store.active_version()
    return {"active_version": None if active is None else int(active.id),
            "demo": None if active is None else bool(active.is_demo), "revision": HEAD_REVISION}


async def healthz(_request: Request) -> JSONResponse:
    replica = os.environ.get("DASHBOARD_REPLICA_NAME", "")
    url = settings.store_url()
    try:
        # In a worker thread: opening a PostgreSQL store that does not answer blocks for the store timeout.
        found = await anyio.to_thread.run_sync(check_store, url)
    except StoreError as error:
        LOG.warning("health check: the store cannot be read: %s", without_password(str(error), url))
        return JSONResponse({"status": "unavailable", "replica": replica}, status_code=503, headers=HEADERS)
    return JSONResponse({"status": "ok", **found, "replica": replica}, headers=HEADERS)


HEALTH_ROUTES = [Route("/healthz", healthz, methods=["GET", "HEAD"])]
