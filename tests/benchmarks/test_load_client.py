"""benchmarks.load's session client against a one-line Streamlit script: it reports a run's exception and a
missing page as errors, a clean run as none, and gets upload addresses that name its session."""

from __future__ import annotations

from benchmarks.browser import streamlit_server
from benchmarks.load import Session, load

SCRIPT = """import streamlit as st
st.write("ok")
if st.query_params.get("fail"):
    raise ValueError("boom from the script")
"""


def test_session_counts_exceptions_as_errors_and_clean_runs_as_none(tmp_path):
    script = tmp_path / "page.py"
    script.write_text(SCRIPT)
    log = tmp_path / "streamlit.log"
    with streamlit_server(script, {}, log, "--client.showErrorDetails", "full") as base_url:
        session = Session(base_url, timeout=30)
        try:
            assert session.run().errors == []
            failed = session.run("", "fail=1")
            assert len(failed.errors) == 1 and "boom from the script" in failed.errors[0]
            assert session.session_id
            addresses = session.upload_urls(["a.csv"])
            assert len(addresses) == 1 and f"/_stcore/upload_file/{session.session_id}/" in addresses[0]
        finally:
            session.close()
        result = load(base_url, sessions=2, seconds=2)
        assert result.runs >= 2 and result.errors == []
