"""A page that lost its server comes back by itself when its websocket reconnects to another server process.

Streamlit's frontend reconnects its websocket on its own, but runs the page again afterwards only when it
has a reason to think the server lost its session: a run was under way, or the page has an automatic rerun
(``st.fragment(run_every=…)``). Otherwise it assumes the same process kept the session, and a reader whose
replica died (or whose server was restarted) keeps a page that no longer answers: the new process has a
fresh session that nobody asked to run. ``rerun_on_reconnect`` gives every page an automatic rerun, a
fragment that draws nothing and runs once an hour, so a reconnect always runs the page (the one in the
address bar, with its widgets) in the new session: the tests in tests/deploy kill a replica under an open page.
"""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

INTERVAL = timedelta(hours=1)


@st.fragment(run_every=INTERVAL)
def _keep_rerun_on_reconnect() -> None:
    """Nothing to draw: the fragment exists for its interval (see the module's docstring)."""


def rerun_on_reconnect() -> None:
    """Register the hourly empty fragment, in the sidebar (where an empty block takes no visible room)."""
    with st.sidebar:
        _keep_rerun_on_reconnect()
