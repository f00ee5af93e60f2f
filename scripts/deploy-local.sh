#!/usr/bin/env bash
# The whole stack on one machine, on loopback: PostgreSQL database, migrations, demo data, N dashboard
# replicas (serve.py: uvicorn) and nginx in front of them (deploy/nginx.conf.template).
#
#   scripts/deploy-local.sh up      # prints the proxy's URL as its last line
#   scripts/deploy-local.sh down    # stops nginx and the replicas
#
# Settings (environment):
#   DEPLOY_PORT            the proxy's port (default 8080)
#   DEPLOY_REPLICAS        how many replicas (default 2)
#   DEPLOY_REPLICA_PORTS   their ports, space-separated (default DEPLOY_PORT+1 … DEPLOY_PORT+N)
#   DEPLOY_DATABASE_URL    the store (default postgresql+psycopg://postgres@127.0.0.1:5432/border_districts);
#                          the database is created on that server when missing
#   DEPLOY_DIR             pid files, logs, nginx's files, the generated cookie secret
#                          (default ${XDG_STATE_HOME:-~/.local/state}/border-districts/deploy-DEPLOY_PORT)
#   DASHBOARD_COOKIE_SECRET  the replicas' shared cookie secret (default: made once, kept in DEPLOY_DIR)
#   DASHBOARD_SECRETS_FILE   editor accounts / [auth] (Streamlit secrets format; outside the repository)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

DEPLOY_PORT=${DEPLOY_PORT:-8080}
DEPLOY_REPLICAS=${DEPLOY_REPLICAS:-2}
DEPLOY_DATABASE_URL=${DEPLOY_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/border_districts}
DEPLOY_DIR=${DEPLOY_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/border-districts/deploy-$DEPLOY_PORT}
if [ -z "${DEPLOY_REPLICA_PORTS:-}" ]; then
  DEPLOY_REPLICA_PORTS=$(seq -s ' ' $((DEPLOY_PORT + 1)) $((DEPLOY_PORT + DEPLOY_REPLICAS)))
fi
read -r -a REPLICA_PORTS <<< "$DEPLOY_REPLICA_PORTS"
PY=.venv/bin/python
NGINX=(nginx -p "$DEPLOY_DIR" -c "$DEPLOY_DIR/nginx.conf" -e "$DEPLOY_DIR/error.log")

say() { echo "deploy-local: $*" >&2; }

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_healthy() {  # URL SECONDS LOG
  local deadline=$((SECONDS + $2))
  until curl -fs -o /dev/null --max-time 5 "$1"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      say "$1 did not answer within $2 s; the end of $3:"; tail -n 20 "$3" >&2 || true
      return 1
    fi
    sleep 1
  done
}

down() {
  if alive "$DEPLOY_DIR/nginx.pid"; then
    "${NGINX[@]}" -s quit 2>/dev/null || kill "$(cat "$DEPLOY_DIR/nginx.pid")"
    say "nginx stopped"
  fi
  local pidfile pid
  for pidfile in "$DEPLOY_DIR"/replica-*.pid; do
    [ -e "$pidfile" ] || continue
    if alive "$pidfile"; then
      pid=$(cat "$pidfile")
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -KILL "$pid" 2>/dev/null || true
      say "$(basename "$pidfile" .pid) stopped"
    fi
    rm -f "$pidfile"
  done
}

install() {
  if [ ! -x "$PY" ]; then
    python3 -m venv .venv
  fi
  "$PY" -m pip install --quiet --disable-pip-version-check -r requirements.txt
  if ! command -v nginx >/dev/null; then
    say "installing Debian's nginx"
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq && $sudo apt-get install -y -qq nginx >/dev/null
  fi
}

up() {
  if [ "${#REPLICA_PORTS[@]}" -ne "$DEPLOY_REPLICAS" ]; then
    say "DEPLOY_REPLICA_PORTS names ${#REPLICA_PORTS[@]} port(s) for DEPLOY_REPLICAS=$DEPLOY_REPLICAS replicas"; exit 2
  fi
  local pidfile
  for pidfile in "$DEPLOY_DIR/nginx.pid" "$DEPLOY_DIR"/replica-*.pid; do
    if alive "$pidfile"; then
      say "a stack is already up in $DEPLOY_DIR ($(basename "$pidfile" .pid) runs): run '$0 down' first"; exit 2
    fi
    rm -f "$pidfile"  # left by a stack that did not stop cleanly
  done
  install
  mkdir -p "$DEPLOY_DIR"
  chmod 700 "$DEPLOY_DIR"
  "$PY" deploy/stack.py create-database "$DEPLOY_DATABASE_URL" >&2
  export DASHBOARD_STORE_URL=$DEPLOY_DATABASE_URL
  "$PY" -m data_pipeline migrate >&2
  "$PY" -m data_pipeline demo --if-empty >&2

  if [ -z "${DASHBOARD_COOKIE_SECRET:-}" ]; then
    if [ ! -s "$DEPLOY_DIR/cookie_secret" ]; then
      (umask 077; "$PY" -c "import secrets; print(secrets.token_hex(32))" > "$DEPLOY_DIR/cookie_secret")
    fi
    DASHBOARD_COOKIE_SECRET=$(cat "$DEPLOY_DIR/cookie_secret")
  fi
  export DASHBOARD_COOKIE_SECRET

  local i port replicas=()
  trap 'say "start failed: stopping what was started"; down' ERR
  for i in "${!REPLICA_PORTS[@]}"; do
    port=${REPLICA_PORTS[$i]}
    # setsid: the replica outlives this script and the terminal it ran in.
    setsid "$PY" serve.py --host 127.0.0.1 --port "$port" --name "r$((i + 1))" \
      > "$DEPLOY_DIR/replica-r$((i + 1)).log" 2>&1 < /dev/null &
    echo $! > "$DEPLOY_DIR/replica-r$((i + 1)).pid"
    replicas+=(--replica "r$((i + 1))=127.0.0.1:$port")
  done
  for i in "${!REPLICA_PORTS[@]}"; do
    wait_healthy "http://127.0.0.1:${REPLICA_PORTS[$i]}/healthz" 180 "$DEPLOY_DIR/replica-r$((i + 1)).log"
    say "replica r$((i + 1)) answers on 127.0.0.1:${REPLICA_PORTS[$i]}"
  done
  "$PY" deploy/stack.py nginx-config --run-dir "$DEPLOY_DIR" --listen "127.0.0.1:$DEPLOY_PORT" "${replicas[@]}" \
    -o "$DEPLOY_DIR/nginx.conf"
  "${NGINX[@]}" -t -q
  "${NGINX[@]}"
  wait_healthy "http://127.0.0.1:$DEPLOY_PORT/healthz" 30 "$DEPLOY_DIR/error.log"
  trap - ERR
  say "nginx on 127.0.0.1:$DEPLOY_PORT in front of ${#REPLICA_PORTS[@]} replica(s); logs in $DEPLOY_DIR"
  echo "http://127.0.0.1:$DEPLOY_PORT/"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
