"""Helpers of ``scripts/deploy-local.sh``: the nginx configuration for N replicas, and the PostgreSQL database.

    python deploy/stack.py nginx-config --run-dir DIR --listen 127.0.0.1:8080 \\
        --replica r1=127.0.0.1:8081 --replica r2=127.0.0.1:8082 [--https] -o DIR/nginx.conf
    python deploy/stack.py create-database postgresql+psycopg://postgres@127.0.0.1:5432/border_districts

``nginx-config`` fills ``deploy/nginx.conf.template`` (the reasons for each part are written there);
``client_max_body_size`` follows ``server.maxUploadSize`` in ``.streamlit/config.toml``.
``create-database`` makes the database named in the URL on its server when it is missing (connecting to the
server's ``postgres`` database), and says whether it did.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
STREAMLIT_CONFIG = ROOT / ".streamlit" / "config.toml"
STREAMLIT_DEFAULT_UPLOAD_MB = 200
COOKIE = "bdd_replica"
TEMP_DIRS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


@dataclass(frozen=True)
class Replica:
    name: str  # r1: the affinity cookie's value, and the replica's X-Dashboard-Replica (serve.py --name)
    address: str  # 127.0.0.1:8081, or replica1:8501 behind a host name


def parse_replica(text: str) -> Replica:
    name, _, address = text.partition("=")
    if not re.fullmatch(r"[a-z][a-z0-9]{0,15}", name) or not re.fullmatch(r"[\w.-]+:\d{1,5}", address):
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=HOST:PORT (e.g. r1=127.0.0.1:8081)")
    return Replica(name, address)


def max_upload_mb(config: Path = STREAMLIT_CONFIG) -> int:
    """``server.maxUploadSize`` from the dashboard's Streamlit config (Streamlit's default when unset)."""
    if not config.exists():
        return STREAMLIT_DEFAULT_UPLOAD_MB
    with config.open("rb") as file:
        return int(tomllib.load(file).get("server", {}).get("maxUploadSize", STREAMLIT_DEFAULT_UPLOAD_MB))


def _server(replica: Replica, backup: bool = False) -> str:
    return f"        server {replica.address} max_fails=1 fail_timeout=10s{' backup' if backup else ''};"


def render_nginx(run_dir: Path, listen: str, replicas: list[Replica], *, https: bool = False,
                 as_root: bool | None = None, user: str | None = None) -> str:
    """The nginx.conf of the stack: ``listen`` in front of ``replicas``, files under ``run_dir``; nginx's workers
    run as ``user`` when given, else as root when nginx is started by root, else as the account starting it."""
    if not replicas:
        raise ValueError("at least one replica is needed")
    if len({r.name for r in replicas}) != len(replicas):
        raise ValueError("replica names must differ")
    as_root = os.geteuid() == 0 if as_root is None else as_root
    upstreams = ["    upstream dashboard_any {", "        least_conn;", *(_server(r) for r in replicas), "    }"]
    for replica in replicas:
        others = [r for r in replicas if r != replica]
        upstreams += [f"    upstream dashboard_{replica.name} {{", _server(replica),
                      *(_server(r, backup=True) for r in others), "    }"]
    values = {
        "USER_LINE": (f"user {user};" if user else
                      "# Started as root (a local stack whose run folder may be private): workers keep the account.\n"
                      "user root root;" if as_root else "# Workers run as the account that started nginx."),
        "RUN_DIR": str(run_dir),
        "MAX_UPLOAD_MB": str(max_upload_mb()),
        "CLIENT_MAX_BODY": f"{max_upload_mb() + 1}m",
        "UPSTREAMS": "\n".join(upstreams) + "\n",
        "COOKIE_TO_UPSTREAM": "\n".join(f"        {r.name} dashboard_{r.name};" for r in replicas),
        "COOKIE_SECURE": "; Secure" if https else "",
        "LISTEN": listen,
        "HSTS_LINE": ('        add_header Strict-Transport-Security "max-age=31536000" always;' if https else
                      "        # Strict-Transport-Security: added by --https, where TLS ends at this proxy."),
    }
    text = TEMPLATE.read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    left = sorted(set(re.findall(r"@[A-Z_]+@", text)))
    if left:
        raise ValueError(f"the template has placeholders nothing fills: {', '.join(left)}")
    return text


def write_nginx(args: argparse.Namespace) -> int:
    run_dir = Path(args.run_dir).resolve()
    for name in TEMP_DIRS:
        (run_dir / "tmp" / name).mkdir(parents=True, exist_ok=True)
    (run_dir / "cache").mkdir(exist_ok=True)
    text = render_nginx(run_dir, args.listen, args.replica, https=args.https, user=args.user)
    Path(args.output).write_text(text, encoding="utf-8")
    return 0


def create_database(args: argparse.Namespace) -> int:
    import sqlalchemy as sa

    url = sa.make_url(args.url)
    name = url.database
    if url.get_backend_name() != "postgresql" or not name:
        print(f"error: {url.render_as_string(hide_password=True)} is not a PostgreSQL URL naming a database "
              "(postgresql+psycopg://user@host:5432/dbname).", file=sys.stderr)
        return 2
    server = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT",
                              connect_args={"connect_timeout": 5})
    try:
        with server.connect() as conn:
            exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first()
            if not exists:
                quoted = conn.dialect.identifier_preparer.quote(name)
                conn.exec_driver_sql(f"CREATE DATABASE {quoted}")
    except sa.exc.OperationalError as error:
        print(f"error: the PostgreSQL server at {url.host}:{url.port or 5432} does not answer "
              f"({str(error.orig).strip().splitlines()[0]}); start it or set DEPLOY_DATABASE_URL.", file=sys.stderr)
        return 2
    finally:
        server.dispose()
    print(f"database {name}: {'exists' if exists else 'created'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python deploy/stack.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("nginx-config", help="render deploy/nginx.conf.template")
    p.add_argument("--run-dir", required=True, help="folder of nginx's pid, logs, temporary files and cache")
    p.add_argument("--listen", required=True, help="what nginx listens on, e.g. 127.0.0.1:8080")
    p.add_argument("--replica", type=parse_replica, action="append", required=True, help="NAME=HOST:PORT, repeated")
    p.add_argument("--https", action="store_true", help="TLS ends at this proxy: Secure cookie and HSTS")
    p.add_argument("--user", help="the account nginx's workers run as (e.g. www-data); default: see render_nginx")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=write_nginx)
    p = sub.add_parser("create-database", help="create the PostgreSQL database named in URL when missing")
    p.add_argument("url")
    p.set_defaults(func=create_database)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
