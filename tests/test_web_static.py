"""web_static: copies compressed once, and the middleware that answers with them."""

from __future__ import annotations

import asyncio
import gzip
import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import brotli
import pytest

from web_static import IMMUTABLE, PrecompressedStatic, accepted_encoding, precompress


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
