"""web_static: copies compressed once, and the middleware that answers with them."""

from __future__ import annotations

import asyncio
import gzip
import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import brotli
import pytest

from web_static import (IMMUTABLE, REVALIDATED, AppRootHint, PrecompressedStatic, accepted_encoding, precompress,
                        served_files, with_root_hint)


def make_static(root: Path) -> dict[str, bytes]:
    """A small Streamlit-like static folder (seeded): a bundle, a stylesheet, the index, a font."""
    rng = random.Random(7)
    words = [f"function f{i}(a){{return a+{i}}}" for i in range(300)]
    files = {
        "index.html": b"<!doctype html><html><body><div id=root></div></body></html>" * 20,
        "static/js/index.abc123.js": " ".join(rng.choice(words) for _ in range(5000)).encode(),
        "static/css/index.def456.css": b".stApp{color:#262730;margin:0}" * 200,
        "static/media/font.woff2": bytes(rng.getrandbits(8) for _ in range(4000)),
    }
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return files


@pytest.mark.parametrize(("header", "expected"), [
    ("gzip, deflate, br, zstd", "br"),
    ("gzip, deflate", "gzip"),
    ("br;q=0, gzip;q=0.5", "gzip"),
    ("BR", "br"),
    ("identity", None),
    ("", None),
    ("gzip;q=0", None),
    ("*", "br"),
])
def test_the_preferred_accepted_encoding_is_chosen(header, expected):
    assert accepted_encoding(header) == expected


def test_copies_are_made_once_decompress_to_the_file_and_skip_what_does_not_compress(tmp_path):
    files = make_static(tmp_path / "static-root")
    cache = tmp_path / "cache"
    index = precompress(tmp_path / "static-root", cache)
    assert set(index) == {"index.html", "static/js/index.abc123.js", "static/css/index.def456.css"}
    bundle = index["static/js/index.abc123.js"]
    assert brotli.decompress(bundle.copies["br"].read_bytes()) == files["static/js/index.abc123.js"]
    assert gzip.decompress(bundle.copies["gzip"].read_bytes()) == files["static/js/index.abc123.js"]
    assert bundle.cache_control == IMMUTABLE and bundle.content_type.startswith("text/javascript")
    assert index["index.html"].cache_control == "no-cache"
    made = {path: path.stat().st_mtime_ns for path in cache.iterdir()}
    assert precompress(tmp_path / "static-root", cache) == index
    assert {path: path.stat().st_mtime_ns for path in cache.iterdir()} == made, "a second start rewrites nothing"


def call(app, path: str, accept: str | None, method: str = "GET") -> dict:
    """One request through ``app`` in an event loop of its own thread: status, headers, body."""
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    headers = [(b"accept-encoding", accept.encode())] if accept is not None else []
    scope = {"type": "http", "method": method, "path": path, "headers": headers}
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    start = sent[0]
    return {"status": start["status"], "headers": {k.decode(): v.decode() for k, v in start["headers"]},
            "body": b"".join(m.get("body", b"") for m in sent[1:])}


async def streamlit_stand_in(scope, receive, send):
    """What Streamlit would answer: the file uncompressed."""
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"uncompressed " + scope["path"].encode()})


def test_the_middleware_answers_from_the_copy_the_browser_accepts_and_passes_the_rest(tmp_path):
    files = make_static(tmp_path / "static-root")
    app = PrecompressedStatic(streamlit_stand_in, precompress(tmp_path / "static-root", tmp_path / "cache"))
    bundle = files["static/js/index.abc123.js"]

    answer = call(app, "/static/js/index.abc123.js", "gzip, deflate, br")
    assert answer["headers"]["content-encoding"] == "br" and brotli.decompress(answer["body"]) == bundle
    assert answer["headers"]["cache-control"] == IMMUTABLE and answer["headers"]["vary"] == "Accept-Encoding"
    assert int(answer["headers"]["content-length"]) == len(answer["body"]) < len(bundle) / 3

    head = call(app, "/static/js/index.abc123.js", "br", method="HEAD")
    assert head["body"] == b"" and head["headers"]["content-length"] == answer["headers"]["content-length"]

    answer = call(app, "/static/js/index.abc123.js", "gzip")
    assert answer["headers"]["content-encoding"] == "gzip" and gzip.decompress(answer["body"]) == bundle

    plain = call(app, "/static/js/index.abc123.js", None)
    assert plain["body"].startswith(b"uncompressed") and plain["headers"]["vary"] == "Accept-Encoding"
    for path in ("/static/media/font.woff2", "/_stcore/health", "/map", "/static/js/missing.js"):
        assert call(app, path, "br")["body"] == b"uncompressed " + path.encode(), path


def test_under_a_base_path_only_its_static_files_are_answered(tmp_path):
    make_static(tmp_path / "static-root")
    app = PrecompressedStatic(streamlit_stand_in, precompress(tmp_path / "static-root", tmp_path / "cache"),
                              base_path="/dashboard/")
    assert call(app, "/dashboard/static/js/index.abc123.js", "br")["headers"].get("content-encoding") == "br"
    assert call(app, "/static/js/index.abc123.js", "br")["body"].startswith(b"uncompressed")


def call_with(app, path: str, headers: dict[str, str], method: str = "GET") -> dict:
    """``call`` with any request headers."""
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path,
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    start = sent[0]
    return {"status": start["status"], "headers": {k.decode(): v.decode() for k, v in start["headers"]},
            "body": b"".join(m.get("body", b"") for m in sent[1:])}


def make_library(root: Path) -> dict[str, bytes]:
    """A Leaflet-like folder: a script, a stylesheet and an image (which does not compress)."""
    files = {"leaflet.js": b"/* Leaflet */ " + b"L.map=function(){return 1};" * 400,
             "leaflet.css": b".leaflet-container{overflow:hidden}" * 100,
             "images/layers.png": bytes(random.Random(3).getrandbits(8) for _ in range(600))}
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return files


def test_library_files_get_content_etags_that_survive_a_restart_and_answer_304(tmp_path):
    files = make_library(tmp_path / "leaflet")
    index = precompress(tmp_path / "leaflet", tmp_path / "cache", prefix="app/static/leaflet/",
                        cache_control=REVALIDATED, identity=True)
    assert set(index) == {"app/static/leaflet/leaflet.js", "app/static/leaflet/leaflet.css",
                          "app/static/leaflet/images/layers.png"}
    app = PrecompressedStatic(streamlit_stand_in, index)
    first = call_with(app, "/app/static/leaflet/leaflet.js", {"Accept-Encoding": "gzip, br"})
    assert first["status"] == 200 and brotli.decompress(first["body"]) == files["leaflet.js"]
    assert first["headers"]["cache-control"] == REVALIDATED and first["headers"]["etag"].endswith('-br"')

    # A restart: the files copied again (new modification times), the index made again: same ETags.
    for name, data in files.items():
        (tmp_path / "leaflet" / name).write_bytes(data)
    again = PrecompressedStatic(streamlit_stand_in, precompress(
        tmp_path / "leaflet", tmp_path / "cache", prefix="app/static/leaflet/", cache_control=REVALIDATED,
        identity=True))
    revalidated = call_with(again, "/app/static/leaflet/leaflet.js",
                            {"Accept-Encoding": "gzip, br", "If-None-Match": first["headers"]["etag"]})
    assert revalidated["status"] == 304 and revalidated["body"] == b""
    assert revalidated["headers"]["etag"] == first["headers"]["etag"]
    assert revalidated["headers"]["cache-control"] == REVALIDATED

    # Another encoding is another representation: its own tag, so a br tag does not validate gzip.
    gz = call_with(again, "/app/static/leaflet/leaflet.js",
                   {"Accept-Encoding": "gzip", "If-None-Match": first["headers"]["etag"]})
    assert gz["status"] == 200 and gzip.decompress(gz["body"]) == files["leaflet.js"]

    # The image and a browser accepting no compression: the file itself, with its content's tag.
    image = call_with(again, "/app/static/leaflet/images/layers.png", {"Accept-Encoding": "br"})
    assert image["body"] == files["images/layers.png"] and "content-encoding" not in image["headers"]
    assert image["headers"]["etag"].endswith('-identity"') and image["headers"]["content-type"] == "image/png"
    plain = call_with(again, "/app/static/leaflet/leaflet.css", {})
    assert plain["body"] == files["leaflet.css"] and plain["headers"]["cache-control"] == REVALIDATED
    content_changed = call_with(again, "/app/static/leaflet/leaflet.js",
                                {"Accept-Encoding": "br", "If-None-Match": '"0123456789abcdef0123456789abcdef-br"'})
    assert content_changed["status"] == 200


def test_the_map_component_bundle_is_immutable_and_its_page_revalidated(tmp_path):
    root = tmp_path / "build"
    (root / "static" / "js").mkdir(parents=True)
    (root / "index.html").write_bytes(b"<!doctype html><html><head></head><body><div id=root></div>" * 10)
    (root / "static" / "js" / "main.521860b0.js").write_bytes(b"function main(){return 42}" * 300)
    app = PrecompressedStatic(streamlit_stand_in, precompress(
        root, tmp_path / "cache", prefix="component/streamlit_folium.st_folium/", identity=True))
    bundle = call_with(app, "/component/streamlit_folium.st_folium/static/js/main.521860b0.js", {"Accept-Encoding": "br"})
    assert bundle["headers"]["cache-control"] == IMMUTABLE
    page = call_with(app, "/component/streamlit_folium.st_folium/index.html", {"Accept-Encoding": "br"})
    assert page["headers"]["cache-control"] == "no-cache"
    again = call_with(app, "/component/streamlit_folium.st_folium/index.html",
                      {"Accept-Encoding": "br", "If-None-Match": f'W/{page["headers"]["etag"]}, "other"'})
    assert again["status"] == 304


def test_the_dashboards_served_files_cover_streamlit_leaflet_and_the_map_component(tmp_path):
    files = make_library(tmp_path / "leaflet")
    served = served_files(tmp_path / "cache", leaflet_dir=tmp_path / "leaflet")
    assert {f"app/static/leaflet/{name}" for name in files} <= set(served)
    assert any(key.startswith("static/js/") for key in served)
    assert not any(key in ("index.html", "manifest.json") for key in served), "Streamlit's page stays Streamlit's"
    component = [key for key in served if key.startswith("component/streamlit_folium.st_folium/static/js/main.")]
    assert component and served[component[0]].cache_control == IMMUTABLE


STREAMLIT_PAGE = (b'<!doctype html><html lang="en"><head><meta charset="UTF-8" /><script type="module" '
                  b'src="./static/js/index.js"></script></head><body><div id="root"></div></body></html>')


def streamlit_pages(scope, receive, send):
    """What Streamlit answers: its page (gzip-compressed when accepted) at a page's path, a CSV feed at
    ``/feed``, a 304 for a stale tag of its own."""
    async def answer():
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        if scope["path"] == "/feed":
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"text/csv"), (b"etag", b'"feed-1"')]})
            await send({"type": "http.response.body", "body": b"a,b\n", "more_body": True})
            await send({"type": "http.response.body", "body": b"1,2\n"})
            return
        if headers.get("if-none-match") == '"streamlit-mtime"':
            await send({"type": "http.response.start", "status": 304, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        body, extra = STREAMLIT_PAGE, []
        if "gzip" in headers.get("accept-encoding", ""):
            body, extra = gzip.compress(body), [(b"content-encoding", b"gzip")]
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-type", b"text/html; charset=utf-8"), (b"cache-control", b"no-cache"),
            (b"etag", b'"streamlit-mtime"'), (b"content-length", str(len(body)).encode()), *extra]})
        await send({"type": "http.response.body", "body": body})
    return answer()


@pytest.mark.parametrize("path", ["/", "/map", "/district"])
def test_streamlits_page_names_the_apps_root_so_a_deep_link_asks_no_404(path):
    app = AppRootHint(streamlit_pages)
    answer = call_with(app, path, {"Accept-Encoding": "gzip, br"})
    assert answer["status"] == 200 and answer["headers"]["content-encoding"] == "br"
    page = brotli.decompress(answer["body"])
    assert page.index(b"BACKEND_BASE_URL") < page.index(b'<script type="module"'), "before Streamlit's own scripts"
    assert b'new URL("./",location.href)' in page
    assert int(answer["headers"]["content-length"]) == len(answer["body"])
    assert answer["headers"]["cache-control"] == "no-cache" and answer["headers"]["vary"] == "Accept-Encoding"
    assert answer["headers"]["etag"] != '"streamlit-mtime"' and "last-modified" not in answer["headers"]

    again = call_with(app, path, {"Accept-Encoding": "gzip, br", "If-None-Match": answer["headers"]["etag"]})
    assert again["status"] == 304 and again["body"] == b""
    plain = call_with(app, path, {})
    assert plain["body"] == with_root_hint(STREAMLIT_PAGE, "./") and "content-encoding" not in plain["headers"]


def test_the_hint_leaves_other_answers_and_paths_alone():
    app = AppRootHint(streamlit_pages)
    feed = call_with(app, "/feed", {"Accept-Encoding": "gzip"})
    assert feed["body"] == b"a,b\n1,2\n" and feed["headers"]["etag"] == '"feed-1"'
    stale = call_with(app, "/map", {"If-None-Match": '"streamlit-mtime"'})
    assert stale["status"] == 304, "Streamlit's own answer passes"
    for path in ("/static/js/index.js", "/_stcore/health", "/map/", "/favicon.png"):
        answer = call_with(app, path, {"Accept-Encoding": "gzip"})
        assert gzip.decompress(answer["body"]) == STREAMLIT_PAGE, path
    under_base = AppRootHint(streamlit_pages, base_path="dashboard")
    assert b"BACKEND_BASE_URL" in call_with(under_base, "/dashboard/map", {})["body"]
    assert b"BACKEND_BASE_URL" not in call_with(under_base, "/map", {})["body"]
    assert with_root_hint(b"<html>no head</html>", "./") == b"<html>no head</html>"
