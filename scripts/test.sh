#!/usr/bin/env bash
# Installs what the test suite needs (venv, Python packages, Debian's Chromium for the browser tests,
# Debian's nginx for the deployment tests), starts the local PostgreSQL server when it is installed but
# not running, and runs the whole suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's chromium for the browser tests…"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium >/dev/null
fi
# nginx for the deployed stack's tests (tests/deploy: scripts/deploy-local.sh). Debian's package would
# start a server on port 80; where policy-rc.d does not forbid that, it is stopped: the tests run their own.
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  echo "Installing Debian's nginx for the deployment tests…"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq nginx >/dev/null
  $SUDO service nginx stop >/dev/null 2>&1 || true
fi
# The store's tests run on SQLite and on PostgreSQL (127.0.0.1:5432): start the local server when it is
# installed but not running. Without one, those tests say they were skipped and why.
if command -v pg_lsclusters >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "Starting the local PostgreSQL server…"
  pg_lsclusters --no-header | while read -r version cluster _rest; do
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start || true
  done
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  pg_isready -h 127.0.0.1 -p 5432 || echo "PostgreSQL did not start: its tests will be skipped." >&2
fi

export DASHBOARD_GEO_DIR="${DASHBOARD_GEO_DIR:-$(cd .. && pwd)/shared/geo-data}"
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: treating this as a failure." >&2
  exit 1
fi
exit "$status"
