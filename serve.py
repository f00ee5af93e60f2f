"""The production launcher: one dashboard replica (``app.py``'s ``st.App``) under uvicorn, configured from the
environment or a secrets file, never from the repository.

    python serve.py --port 8751 [--host 127.0.0.1] [--name r1]

What it reads (README, "Deploy"):

- the store: ``DASHBOARD_STORE_URL``, else ``store_url`` in the ``[deploy]`` section of the secrets file;
- the cookie secret, which signs Streamlit's XSRF and sign-in cookies and must be the same on every replica
  behind one proxy (a browser moved to another replica keeps its cookies valid): ``DASHBOARD_COOKIE_SECRET``,
  else ``cookie_secret`` in ``[deploy]``; at least 32 characters;
- the secrets file: ``DASHBOARD_SECRETS_FILE``, Streamlit's secrets format (editor accounts, ``[auth]``, see
  ``.streamlit/secrets.example.toml``), the only secrets file Streamlit reads in this process. It must lie
  outside the repository; without it nobody can edit (browsing works).

Before serving, it opens the store once: a store that does not answer, or whose layout is behind the code
(run ``python -m data_pipeline migrate``), stops the launcher with one line and exit status 2, so a replica
never starts half-working. Streamlit's options that a server needs are set here (headless, no file watcher);
the others come from ``.streamlit/config.toml`` (upload limit, XSRF protection, static serving).
uvicorn trusts ``X-Forwarded-For`` from the addresses in ``FORWARDED_ALLOW_IPS`` (default 127.0.0.1: the
proxy on the same machine).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent
MIN_COOKIE_SECRET = 32
EXIT_BAD_SETUP = 2


class SetupError(Exception):
    """A setting the launcher cannot start with; the message says how to fix it."""


def read_secrets_file(environ: dict[str, str]) -> tuple[Path | None, dict]:
    """The secrets file named by ``DASHBOARD_SECRETS_FILE`` and its contents (``None, {}`` when unset)."""
    name = environ.get("DASHBOARD_SECRETS_FILE", "").strip()
    if not name:
        return None, {}
    path = Path(name).expanduser().resolve()
    if path == ROOT or ROOT in path.parents:
        raise SetupError(f"DASHBOARD_SECRETS_FILE={name} lies inside the repository ({ROOT}); keep the secrets "
                         "outside it, e.g. /etc/border-districts/secrets.toml, readable only by the service.")
    try:
        with path.open("rb") as file:
            return path, tomllib.load(file)
    except OSError as error:
        raise SetupError(f"Cannot read the secrets file {path} (DASHBOARD_SECRETS_FILE): {error.strerror}.") from None
    except tomllib.TOMLDecodeError as error:
        raise SetupError(f"The secrets file {path} is not valid TOML ({error}); fix it (see "
                         ".streamlit/secrets.example.toml).") from None


def deployment(environ: dict[str, str]) -> dict:
    """The store URL, cookie secret and secrets file this replica runs with; ``SetupError`` when one is
    missing or unusable."""
    secrets_file, secrets = read_secrets_file(environ)
    section = secrets.get("deploy", {})
    store_url = environ.get("DASHBOARD_STORE_URL", "").strip() or str(section.get("store_url", "")).strip()
    if not store_url:
        raise SetupError("No store: set DASHBOARD_STORE_URL (e.g. postgresql+psycopg://dashboard@db:5432/dashboard) "
                         "or store_url in the [deploy] section of the secrets file (DASHBOARD_SECRETS_FILE).")
    cookie_secret = environ.get("DASHBOARD_COOKIE_SECRET", "").strip() or str(section.get("cookie_secret", "")).strip()
    if len(cookie_secret) < MIN_COOKIE_SECRET:
        found = "none" if not cookie_secret else f"{len(cookie_secret)} characters"
        raise SetupError(f"The cookie secret has {found}; give every replica the same one of at least "
                         f"{MIN_COOKIE_SECRET} characters in DASHBOARD_COOKIE_SECRET or cookie_secret in [deploy] "
                         "(make one with: python -c \"import secrets; print(secrets.token_hex(32))\").")
    return {"store_url": store_url, "cookie_secret": cookie_secret, "secrets_file": secrets_file}


def check_store(store_url: str) -> None:
    """Open the store once; ``SetupError`` with the store's own message when it cannot serve."""
    from data_pipeline.store import Store, StoreError

    try:
        Store(store_url).dispose()
    except StoreError as error:
        raise SetupError(str(error)) from None


def configure_streamlit(setup: dict, host: str, port: int) -> None:
    """Streamlit's options for a server replica, set before ``app`` is imported (config is parsed once)."""
    from streamlit import config

    config.get_config_options()  # .streamlit/config.toml of the repository (the working directory)
    where = "serve.py"
    config.set_option("server.cookieSecret", setup["cookie_secret"], where)
    config.set_option("secrets.files", [str(setup["secrets_file"])] if setup["secrets_file"] else [], where)
    config.set_option("server.headless", True, where)
    config.set_option("server.fileWatcherType", "none", where)
    config.set_option("server.address", host, where)
    config.set_option("server.port", port, where)


class ReplicaName:
    """ASGI middleware: every HTTP answer says which replica gave it (``X-Dashboard-Replica: r1``), which nginx
    turns into the browser's affinity cookie and hides from the browser (deploy/nginx.conf.template)."""

    def __init__(self, app, name: str) -> None:
        self.app, self.header = app, (b"x-dashboard-replica", name.encode("ascii"))

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def named(message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), self.header]}
            await send(message)

        await self.app(scope, receive, named)


def uvicorn_options() -> dict:
    """The websocket settings Streamlit's own server gives uvicorn (ping, message size, protocol)."""
    try:
        from streamlit.web.server.starlette.starlette_server import _get_uvicorn_config_kwargs

        options = _get_uvicorn_config_kwargs()
    except (ImportError, AttributeError):  # a Streamlit that moved it: uvicorn's defaults
        options = {"access_log": False}
    options.pop("ssl_certfile", None)
    options.pop("ssl_keyfile", None)  # TLS ends at the proxy
    return options


def replica_name(text: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9]{0,15}", text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a replica name: a lower-case letter, then up to 15 "
                                         "letters or digits (r1, r2, …)")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python serve.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True, help="the port this replica listens on")
    parser.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
    parser.add_argument("--name", default="r1", type=replica_name,
                        help="this replica's name: nginx's affinity cookie and /healthz show it (default r1)")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    try:
        setup = deployment(dict(os.environ))
        os.environ["DASHBOARD_STORE_URL"] = setup["store_url"]  # what the pages and /healthz read
        os.environ["DASHBOARD_REPLICA_NAME"] = args.name
        os.environ.pop("DASHBOARD_COOKIE_SECRET", None)  # nothing the pages run needs to see it
        check_store(setup["store_url"])
    except SetupError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_SETUP
    configure_streamlit(setup, args.host, args.port)
    import uvicorn

    from app import app  # the pages' libraries are imported here, before the server accepts a connection

    uvicorn.run(ReplicaName(app, args.name), host=args.host, port=args.port, log_level="info",
                timeout_graceful_shutdown=5, **uvicorn_options())
    return 0


if __name__ == "__main__":
    sys.exit(main())
