#!/usr/bin/env bash
# Installs the runtime packages, loads the demo data into the default store when it has no
# active version, and starts the dashboard (app.py: the ASGI application, served by uvicorn).
# Extra arguments are Streamlit's options (`--server.port 8599`).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
.venv/bin/python -m data_pipeline demo --if-empty
exec .venv/bin/python -m streamlit run app.py "$@"
