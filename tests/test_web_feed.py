"""The data feed (web_feed): stable links, the CLI's export, current after publish, rollback and withdrawal."""

from __future__ import annotations

import asyncio
import ast
import csv
import io
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.datastructures import Headers

import web_feed
from data_pipeline.cli import main
from data_pipeline.store import Store
from web_security import SecurityHeaders, UploadGuard

ROOT = Path(__file__).resolve().parents[1]


class Answer:
    """One response: status, headers (any case), bytes, text and JSON."""

    def __init__(self, status: int, headers: Headers, content: bytes):
        self.status_code, self.headers, self.content = status, headers, content
        self.text = content.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.content)


class FeedClient:
    """A plain ASGI caller (starlette's TestClient needs httpx, which the project does not install)."""

    def __init__(self, app):
        self.app = app

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def get(self, url: str, headers: dict[str, str] | None = None) -> Answer:
        path, _, query = url.partition("?")
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
                 "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
                 "query_string": query.encode(), "server": ("testserver", 80), "client": ("127.0.0.1", 5000),
                 "headers": [(b"host", b"testserver")] + [(k.lower().encode(), v.encode())
                                                          for k, v in (headers or {}).items()]}
        sent: list[dict] = []

        async def receive() -> dict:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict) -> None:
            sent.append(message)

        with ThreadPoolExecutor(1) as pool:  # a thread of its own, as tests/test_web_security.py does
            pool.submit(asyncio.run, self.app(scope, receive, send)).result()
        start = next(m for m in sent if m["type"] == "http.response.start")
        body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        return Answer(start["status"], Headers(raw=start.get("headers", [])), body)


@pytest.fixture
def client(store_url, monkeypatch):
    """The feed's routes behind the same middleware as app.py, on a fresh store with the demo loaded."""
    monkeypatch.setenv("DASHBOARD_STORE_URL", store_url)
    web_feed.clear_cache()
    assert main(["demo", "--store", store_url]) == 0
    app = Starlette(routes=web_feed.ROUTES, middleware=[Middleware(SecurityHeaders), Middleware(UploadGuard)])
    with FeedClient(app) as test_client:
        yield test_client
    web_feed.clear_cache()


def _cli(capsys, *args: str) -> str:
    capsys.readouterr()
    assert main(list(args)) == 0
    return capsys.readouterr().out


def test_indicator_csv_is_the_cli_export_plus_version_and_as_of(client, store_url, capsys):
    for query, flags in (("", ()), ("?period=year", ("--period", "year")), ("?period=quarter&by=sex",
                                                                            ("--period", "quarter", "--by", "sex"))):
        response = client.get("/feed/indicators.csv" + query)
        assert response.status_code == 200, response.text
        exported = _cli(capsys, "export", "--store", store_url, "--hxl", *flags).splitlines()
        fed = response.content.decode("utf-8").splitlines()
        version, as_of = response.headers["X-Data-Version"], response.headers["X-Data-As-Of"]
        assert len(fed) == len(exported) > 2
        assert fed[0] == exported[0] + ",data_version,as_of"
        assert fed[1] == exported[1] + ",#meta+version,#date+as_of"
        assert all(line == old + f",{version},{as_of}" for line, old in zip(fed[2:], exported[2:]))
        assert fed[1].startswith("#adm2+code,#adm2+code+project,#adm2+name,#adm1+code")
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["Content-Disposition"] == (
        f'inline; filename="indicators-quarter-by-sex-v{version}-demo-{as_of}.csv"')


def test_indicator_json_rows_are_the_cli_export_with_metadata(client, store_url, capsys):
    response = client.get("/feed/indicators.json")
    assert response.status_code == 200
    feed = response.json()
    exported = pd.read_csv(io.StringIO(_cli(capsys, "export", "--store", store_url)),
                           dtype={"district_pcode": str, "region_pcode": str})
    rows = pd.DataFrame(feed["rows"])
    assert list(rows.columns) == list(exported.columns)
    pd.testing.assert_frame_equal(rows, exported, check_dtype=False)
    meta = feed["metadata"]
    with Store(store_url) as store:
        active = store.active_version()
    assert meta["version"] == active.id and meta["demo"] is True and "DEMO" in meta["note"]
    assert meta["as_of"] == response.headers["X-Data-As-Of"]
    assert {c["name"]: c["hxl"] for c in meta["columns"]}["district_pcode"] == "#adm2+code"
    assert response.headers["Content-Disposition"].endswith(f'-v{active.id}-demo-{meta["as_of"]}.json"')
    assert rows["source"].str.startswith("demo (generated").all()


def test_catalogue_is_the_published_command_as_csv_and_json(client, store_url, capsys):
    response = client.get("/feed/catalogue.csv")
    assert response.status_code == 200
    assert response.content.decode("utf-8") == _cli(capsys, "published", "--hxl")
    catalogue = client.get("/feed/catalogue.json").json()
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))[1:]  # below the HXL row
    assert [row["id"] for row in catalogue["rows"]] == [row["id"] for row in table]
    assert response.headers["Content-Disposition"] == 'inline; filename="published-figures.csv"'


def test_the_feed_follows_publish_rollback_and_withdrawal_by_another_process(client, store_url, tmp_path):
    def state():
        response = client.get("/feed/indicators.csv")
        return response.headers["X-Data-Version"], response.headers["ETag"], response.content

    demo_version, demo_etag, demo_body = state()
    assert state() == (demo_version, demo_etag, demo_body)  # cached, same bytes
    records = tmp_path / "may.csv"
    records.write_text("date,district,indicator,value\n2019-05-31,3590204,jobs_created,3\n", encoding="utf-8")
    assert main(["ingest", "--store", store_url, str(records)]) == 0  # another "process": the CLI
    real_version, real_etag, real_body = state()
    assert real_version != demo_version and real_etag != demo_etag
    assert b"3590204,GB02,Vanj,3590000,GBAO,jobs_created" in real_body and b"demo" not in real_body
    assert main(["rollback", demo_version, "--store", store_url]) == 0
    rolled_version, rolled_etag, rolled_body = state()
    assert rolled_version not in (demo_version, real_version) and b"demo (generated" in rolled_body
    with Store(store_url) as store:
        submission = store.version(int(real_version)).submissions[0].id
    assert main(["rollback", real_version, "--store", store_url]) == 0
    assert main(["withdraw", str(submission), "--store", store_url]) == 0
    withdrawn = client.get("/feed/indicators.csv")
    assert withdrawn.headers["X-Data-Version"] not in (demo_version, real_version, rolled_version)
    assert b"jobs_created" not in withdrawn.content.split(b"\r\n", 2)[2]  # the version has no records left


def test_etag_gives_304_and_headers_are_sensible(client):
    first = client.get("/feed/indicators.json")
    again = client.get("/feed/indicators.json", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert first.headers["Cache-Control"] == "no-cache"
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    assert first.headers["X-Frame-Options"] == "SAMEORIGIN"  # web_security's headers apply
    assert "set-cookie" not in first.headers  # no session needed or made


def test_bad_requests_say_what_is_allowed(client):
    response = client.get("/feed/indicators.csv?period=decade")
    assert response.status_code == 400 and "whole, year, quarter, month" in response.text
    assert client.get("/feed/indicators.xml").status_code == 400
    assert client.get("/feed/catalogue.txt").status_code == 400
    assert "sex" in client.get("/feed/indicators.json?by=height").text


def test_an_empty_store_answers_404_with_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_STORE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    web_feed.clear_cache()
    with FeedClient(Starlette(routes=web_feed.ROUTES)) as test_client:
        response = test_client.get("/feed/indicators.csv")
        assert response.status_code == 404 and "demo" in response.text
        index = test_client.get("/feed").json()
        assert index["active_version"] is None and index["links"]["indicators.csv"].endswith("/feed/indicators.csv")


def test_a_store_that_does_not_answer_gives_503_without_its_password(secret_store_url, monkeypatch):
    from tests.conftest import SECRET

    monkeypatch.setenv("DASHBOARD_STORE_URL", secret_store_url)
    monkeypatch.setenv("DASHBOARD_STORE_TIMEOUT", "2")
    web_feed.clear_cache()
    with FeedClient(Starlette(routes=web_feed.ROUTES)) as test_client:
        response = test_client.get("/feed/indicators.csv")
    assert response.status_code == 503 and SECRET not in response.text


def test_app_py_serves_the_feed_routes():
    """app.py hands ``web_feed.ROUTES`` to st.App (checked on the source: importing app.py starts the preload)."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)
             and ast.unparse(node.func) == "st.App"]
    assert len(calls) == 1
    assert "*FEED_ROUTES" in {kw.arg: ast.unparse(kw.value) for kw in calls[0].keywords}["routes"]
    assert "from web_feed import ROUTES as FEED_ROUTES" in (ROOT / "app.py").read_text(encoding="utf-8")


def test_a_feed_file_uploaded_as_data_is_refused_saying_what_it_is(client, tmp_path):
    from data_pipeline.ingest import read_table

    path = tmp_path / "indicators-v1.csv"
    path.write_bytes(client.get("/feed/indicators.csv").content)
    result = read_table(path)
    assert not result.ok and "indicator table" in str(result.problems[0].message)
