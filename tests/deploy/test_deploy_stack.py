"""The deployed stack, started as the README starts it (``scripts/deploy-local.sh up``) on free loopback ports
with a PostgreSQL database of its own: nginx in front of two replicas.

Through the proxy: the security headers (once each, on nginx's own answers too), compressed and cached static
files, the upload size limit, every page in Chromium, a CLI publish seen on pages served by each replica, and
a browser session that stays on one replica and, when that replica is killed, reconnects to the other and
shows the page again. Which replica served a request is read from nginx's access log (``replica=``; a
websocket's line is written when it closes), each browser context marked by its own User-Agent.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.conftest import fresh_postgres_database, launched_chromium

pytestmark = pytest.mark.deploy

ROOT = Path(__file__).resolve().parents[2]
PAGES = ("/", "/results", "/map", "/trends", "/funding", "/district", "/survey", "/sources", "/upload", "/versions")
TIMEOUT_MS = 90_000
DRAWN = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return app !== null && app.getAttribute('data-test-script-state') === 'notRunning'
    && document.querySelector('[data-testid="stStatusWidgetRunningIcon"]') === null
    && document.querySelector('h1') !== null;
}"""
SECURITY_HEADERS = {"x-frame-options": "SAMEORIGIN", "content-security-policy": "frame-ancestors 'self'",
                    "x-content-type-options": "nosniff", "referrer-policy": "strict-origin-when-cross-origin"}


@dataclass(frozen=True)
class Stack:
    url: str  # the proxy, http://127.0.0.1:PORT (no trailing slash)
    folder: Path  # DEPLOY_DIR: pid files, logs
    store: str  # the replicas' store
    replicas: dict[str, str]  # name -> 127.0.0.1:PORT

    def log_lines(self, marker: str) -> list[str]:
        """nginx's access log lines of the requests whose User-Agent holds ``marker``."""
        return [line for line in (self.folder / "access.log").read_text().splitlines() if marker in line]

    def served_by(self, line: str) -> str | None:
        """The replica that answered a logged request (the last address tried), None for nginx's cache."""
        address = re.search(r" replica=(\S+(?:, \S+)*) served=", line).group(1).split(", ")[-1]
        if address == "-":
            return None
        name = next(name for name, where in self.replicas.items() if where == address)
        served = re.search(r" served=(\S+) ", line).group(1)
        assert served in (name, "-"), f"the replica at {address} is {name} but named itself {served}: {line}"
        return name


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def deploy_local(command: str, env: dict[str, str], timeout: int = 420) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(ROOT / "scripts" / "deploy-local.sh"), command], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Stack:
    if shutil.which("nginx") is None:
        pytest.fail("nginx not found: install Debian's nginx (`apt-get install nginx`); scripts/test.sh does this.")
    proxy, *replica_ports = free_ports(3)
    folder = tmp_path_factory.mktemp("deploy")
    with fresh_postgres_database("deploy_test", "test the deployed stack") as store:
        env = {**os.environ, "DEPLOY_PORT": str(proxy), "DEPLOY_REPLICA_PORTS": " ".join(map(str, replica_ports)),
               "DEPLOY_DIR": str(folder), "DEPLOY_DATABASE_URL": store}
        env.pop("DASHBOARD_COOKIE_SECRET", None)
        try:
            started = deploy_local("up", env)
            assert started.returncode == 0, f"deploy-local.sh up failed:\n{started.stdout}\n{started.stderr}"
            assert started.stdout.strip().splitlines()[-1] == f"http://127.0.0.1:{proxy}/"
            yield Stack(f"http://127.0.0.1:{proxy}", folder, store,
                        {f"r{i + 1}": f"127.0.0.1:{port}" for i, port in enumerate(replica_ports)})
        finally:
            stopped = deploy_local("down", env, timeout=120)  # before the database is dropped
    assert stopped.returncode == 0, stopped.stderr
    assert not list(folder.glob("replica-*.pid")) and not (folder / "nginx.pid").exists()


@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as chromium:
        yield chromium


def new_context(browser, stack: Stack, marker: str, pinned: str | None = None):
    context = browser.new_context(user_agent=f"Mozilla/5.0 Chrome deploy-test {marker}",
                                  viewport={"width": 1300, "height": 900})
    if pinned:
        context.add_cookies([{"name": "bdd_replica", "value": pinned, "url": stack.url}])
    return context


def test_health_answers_through_the_proxy_with_the_active_version(stack):
    answer = requests.get(f"{stack.url}/healthz", timeout=30)
    assert answer.status_code == 200
    assert answer.json()["status"] == "ok" and answer.json()["active_version"] == 1
    assert answer.json()["replica"] in stack.replicas


def test_security_headers_come_once_on_every_kind_of_answer(stack):
    page = requests.get(f"{stack.url}/", timeout=30)
    bundle = re.search(r'src="\./?(static/js/[^"]+\.js)"', page.text).group(1)
    answers = {"page": page, "bundle": requests.get(f"{stack.url}/{bundle}", timeout=30),
               "health": requests.get(f"{stack.url}/healthz", timeout=30),
               "too large (nginx's own)": requests.put(f"{stack.url}/_stcore/upload_file/s/f", timeout=60,
                                                       data=b"0" * (22 * 1024 * 1024))}
    assert answers["too large (nginx's own)"].status_code == 413  # 20 MB uploads + 1 MB envelope
    for what, answer in answers.items():
        for header, value in SECURITY_HEADERS.items():
            # requests joins repeated headers with ", ": a second copy would show here
            assert answer.headers.get(header) == value, f"{header} on the {what}: {answer.headers.get(header)!r}"


def test_static_files_arrive_compressed_and_cached(stack):
    page = requests.get(f"{stack.url}/", headers={"Accept-Encoding": "gzip"}, timeout=30)
    assert page.headers["content-encoding"] == "gzip"  # by nginx: Streamlit sends its page uncompressed
    bundle = re.search(r'src="\./?(static/js/[^"]+\.js)"', page.text).group(1)
    for accepted, expected in (("gzip, deflate, br", "br"), ("gzip", "gzip"), ("gzip, deflate, br", "br")):
        answer = requests.get(f"{stack.url}/{bundle}", headers={"Accept-Encoding": accepted}, timeout=30)
        assert answer.headers["content-encoding"] == expected
        assert "immutable" in answer.headers["cache-control"] and "max-age=31536000" in answer.headers["cache-control"]
    lines = [line for line in (stack.folder / "access.log").read_text().splitlines() if bundle in line]
    assert "cache=HIT" in lines[-1], lines[-3:]  # the third asked what the first got: nginx's cache answered
    assert len(answer.content) > 3 * int(lines[-1].split('" 200 ')[1].split()[0])  # br: under a third of the file


def wait_drawn(page) -> None:
    page.wait_for_function(DRAWN, timeout=TIMEOUT_MS)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("Page not found").count() == 0


@pytest.mark.browser
def test_every_page_loads_through_the_proxy(stack, browser):
    context = new_context(browser, stack, "pages")
    page = context.new_page()
    failed = []
    # A request the next navigation cuts short (a download's file) is ERR_ABORTED: not the proxy's failure;
    # nginx's log below shows how each request ended.
    page.on("requestfailed", lambda request: failed.append(f"{request.url} ({request.failure})")
            if "ERR_ABORTED" not in (request.failure or "") else None)
    # Streamlit's frontend first looks for its server under the page's path (/map/_stcore/health, 404).
    probe = re.compile(r"/[\w-]+/_stcore/(health|host-config)")
    page.on("response", lambda response: failed.append(f"{response.status} {response.url}")
            if response.status >= 400 and not probe.fullmatch(urlsplit(response.url).path) else None)
    try:
        for path in PAGES:
            page.goto(stack.url + path)
            wait_drawn(page)
            assert page.locator("h1").first.is_visible(), path
    finally:
        context.close()
    assert failed == []
    lines = stack.log_lines("deploy-test pages")
    assert [line for line in lines if re.search(r'" 5\d\d ', line)] == []
    served = {stack.served_by(line) for line in lines} - {None}
    assert len(served) == 1, f"one browser, one replica: {served}"


def run_cli(stack: Stack, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "data_pipeline", *args, "--store", stack.store], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.browser
def test_a_cli_publish_shows_on_pages_served_by_each_replica(stack, browser, tmp_path):
    records = tmp_path / "may.csv"
    records.write_text("date,district,indicator,value\n2019-05-31,Vanj,grants_awarded,3\n", encoding="utf-8")
    print(run_cli(stack, "ingest", str(records), "--user", "deploy test"))  # the first real file: version 2
    for name in stack.replicas:
        context = new_context(browser, stack, f"publish-{name}", pinned=name)
        page = context.new_page()
        try:
            deadline = time.monotonic() + 60  # a replica re-reads the active version every 15 s
            while True:
                page.goto(stack.url + "/funding")
                wait_drawn(page)
                if page.get_by_text(re.compile(r"Data version 2 ·")).count() or time.monotonic() > deadline:
                    break
                time.sleep(3)
            assert page.get_by_text(re.compile(r"Data version 2 ·")).first.is_visible(), f"replica {name}"
        finally:
            context.close()
        served = {stack.served_by(line) for line in stack.log_lines(f"deploy-test publish-{name}")} - {None}
        assert served == {name}


STATES = """() => {
  window.scriptStates = [];
  const app = document.querySelector('[data-testid="stApp"]');
  new MutationObserver(() => window.scriptStates.push(app.getAttribute('data-test-script-state')))
    .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""
RAN_AGAIN = "() => window.scriptStates.includes('running') && window.scriptStates.at(-1) === 'notRunning'"


@pytest.mark.browser
def test_a_session_stays_on_one_replica_and_moves_when_it_dies(stack, browser):
    context = new_context(browser, stack, "failover")
    page = context.new_page()
    sockets: list[int] = []  # frames received, per websocket the page opened
    page.on("websocket", lambda ws: (sockets.append(0), ws.on("framereceived", lambda _frame, i=len(sockets) - 1:
                                                                 sockets.__setitem__(i, sockets[i] + 1))))
    try:
        page.goto(stack.url + "/map")
        wait_drawn(page)
        first = {stack.served_by(line) for line in stack.log_lines("deploy-test failover")} - {None}
        assert len(first) == 1, f"every request of the session on one replica: {first}"
        (replica,) = first
        (other,) = set(stack.replicas) - {replica}
        assert [c["value"] for c in context.cookies() if c["name"] == "bdd_replica"] == [replica]
        assert len(sockets) == 1

        page.evaluate(STATES)
        os.kill(int((stack.folder / f"replica-{replica}.pid").read_text()), signal.SIGKILL)
        started = time.monotonic()
        # Streamlit's frontend reconnects on its own; the new session runs the page again.
        page.wait_for_function(RAN_AGAIN, timeout=TIMEOUT_MS)
        wait_drawn(page)
        page.locator('iframe[title="streamlit_folium.st_folium"]').wait_for(timeout=TIMEOUT_MS)
        print(f"page shown again {time.monotonic() - started:.1f} s after the replica was killed")
        assert len(sockets) == 2 and sockets[1] > 0, f"a second websocket with frames: {sockets}"
        assert page.get_by_role("heading", level=1).first.is_visible()
        assert [c["value"] for c in context.cookies() if c["name"] == "bdd_replica"] == [other]
    finally:
        context.close()
    deadline = time.monotonic() + 30
    while True:  # a websocket is logged when it closes: the first when its replica died, the second just now
        streams = [line for line in stack.log_lines("deploy-test failover") if "/_stcore/stream" in line]
        if len(streams) >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert [stack.served_by(line) for line in streams] == [replica, other]
