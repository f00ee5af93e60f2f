#!/usr/bin/env bash
# Installs the runtime packages, brings the default store's layout to the code's (migrate), loads the demo
# data into it when it has no active version, and starts the dashboard (app.py: the ASGI application, served
# by uvicorn).
# Extra arguments are Streamlit's options (`--server.port 8599`).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
.venv/bin/python -m data_pipeline migrate  # the store's layout to this code's (Alembic); nothing when current
.venv/bin/python -m data_pipeline demo --if-empty
exec .venv/bin/python -m streamlit run app.py "$@"
