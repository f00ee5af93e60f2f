"""The pieces of the deployment without starting it: serve.py's settings, /healthz, the nginx configuration."""

from __future__ import annotations

import json
import shutil
import subprocess

import anyio
import pytest
from starlette.requests import Request

import serve
import web_health
from data_pipeline.store import Store
from deploy import stack

SECRET = "s" * 40


def test_the_environment_wins_over_the_secrets_file(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[deploy]\nstore_url = "sqlite:///file.db"\ncookie_secret = "{"f" * 40}"\n'
                       '[editors.kulob]\npassword_hash = "x"\n')
    from_file = serve.deployment({"DASHBOARD_SECRETS_FILE": str(secrets)})
    assert from_file == {"store_url": "sqlite:///file.db", "cookie_secret": "f" * 40, "secrets_file": secrets}
    from_env = serve.deployment({"DASHBOARD_SECRETS_FILE": str(secrets), "DASHBOARD_STORE_URL": "sqlite:///env.db",
                                 "DASHBOARD_COOKIE_SECRET": SECRET})
    assert from_env["store_url"] == "sqlite:///env.db" and from_env["cookie_secret"] == SECRET


@pytest.mark.parametrize("environ, message", [
    ({"DASHBOARD_COOKIE_SECRET": SECRET}, "No store: set DASHBOARD_STORE_URL"),
    ({"DASHBOARD_STORE_URL": "sqlite:///x.db"}, "The cookie secret has none; give every replica the same one"),
    ({"DASHBOARD_STORE_URL": "sqlite:///x.db", "DASHBOARD_COOKIE_SECRET": "short"}, "has 5 characters"),
    ({"DASHBOARD_SECRETS_FILE": str(serve.ROOT / ".streamlit" / "secrets.toml")}, "lies inside the repository"),
    ({"DASHBOARD_SECRETS_FILE": "/nonexistent/secrets.toml"}, "Cannot read the secrets file"),
])
def test_a_launcher_setting_it_cannot_start_with_says_how_to_fix_it(environ, message):
    with pytest.raises(serve.SetupError, match=message):
        serve.deployment(environ)


def test_a_replica_does_not_start_on_a_store_behind_the_code(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    Store(url).dispose()
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE alembic_version")
        conn.exec_driver_sql("UPDATE schema_version SET version = 2")
    engine.dispose()
    done = subprocess.run([serve.sys.executable, "serve.py", "--port", "1"], cwd=serve.ROOT, capture_output=True,
                          text=True, timeout=120, env={"PATH": "/usr/bin:/bin", "DASHBOARD_STORE_URL": url,
                                                       "DASHBOARD_COOKIE_SECRET": SECRET})
    assert done.returncode == 2
    assert "python -m data_pipeline migrate" in done.stderr and "Traceback" not in done.stderr


def health(monkeypatch, url: str) -> tuple[int, dict]:
    monkeypatch.setenv("DASHBOARD_STORE_URL", url)
    monkeypatch.setenv("DASHBOARD_STORE_TIMEOUT", "2")
    monkeypatch.setenv("DASHBOARD_REPLICA_NAME", "r7")
    answer = anyio.run(web_health.healthz, Request({"type": "http", "method": "GET", "path": "/healthz",
                                                    "headers": []}))
    return answer.status_code, json.loads(answer.body)


def test_health_names_the_active_version(monkeypatch, tmp_path, caplog):
    status, body = health(monkeypatch, f"sqlite:///{tmp_path / 'store.db'}")
    assert (status, body) == (200, {"status": "ok", "active_version": None, "demo": None, "revision": "0001",
                                    "replica": "r7"})


def test_health_is_503_when_the_store_does_not_answer_and_keeps_the_cause_in_the_log(monkeypatch, caplog):
    status, body = health(monkeypatch, "postgresql+psycopg://iom:s3cret@127.0.0.1:1/dashboard")
    assert (status, body) == (503, {"status": "unavailable", "replica": "r7"})
    assert "127.0.0.1:1" in caplog.text and "s3cret" not in caplog.text


def test_the_nginx_configuration_pins_each_replica_with_the_others_as_backups(tmp_path):
    replicas = [stack.Replica("r1", "127.0.0.1:8081"), stack.Replica("r2", "127.0.0.1:8082"),
                stack.Replica("r3", "127.0.0.1:8083")]
    text = stack.render_nginx(tmp_path, "127.0.0.1:8080", replicas, https=True, as_root=False)
    assert "upstream dashboard_r2 {\n        server 127.0.0.1:8082 max_fails=1 fail_timeout=10s;\n" \
           "        server 127.0.0.1:8081 max_fails=1 fail_timeout=10s backup;\n" \
           "        server 127.0.0.1:8083 max_fails=1 fail_timeout=10s backup;\n    }" in text
    assert f"client_max_body_size {stack.max_upload_mb() + 1}m;" in text
    assert "        r3 dashboard_r3;\n" in text  # the cookie's value -> that replica's upstream
    assert "bdd_replica=$served; Path=/; HttpOnly; SameSite=Lax; Secure" in text and "Strict-Transport-Security" in text
    assert "user root" not in text and "@" not in text.replace("$", "")


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed (scripts/test.sh installs it)")
def test_nginx_accepts_the_configuration(tmp_path):
    for name in stack.TEMP_DIRS:
        (tmp_path / "tmp" / name).mkdir(parents=True)
    config = tmp_path / "nginx.conf"
    config.write_text(stack.render_nginx(tmp_path, "127.0.0.1:8080", [stack.Replica("r1", "127.0.0.1:8081"),
                                                                        stack.Replica("r2", "127.0.0.1:8082")]))
    done = subprocess.run(["nginx", "-t", "-p", str(tmp_path), "-c", str(config), "-e", str(tmp_path / "e.log")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
