"""Streamlit's frontend files sent compressed, from copies compressed once, never per request.

Streamlit 1.67 serves its JavaScript and CSS bundles (``/static/…``, 23 MB on disk, 2.8 MB for a
bare page's first visit) uncompressed on purpose and leaves compression to a proxy. Field offices
reach the dashboard over slow mobile links, often with no proxy in between, so the product does it:

- :func:`precompress` writes a brotli and a gzip copy of every compressible file of a static
  folder into a cache folder, named by the file's SHA-256, when that copy is missing. It runs at
  start-up (``app.py``); a copy made once is reused by every later start and every replica.
- :class:`PrecompressedStatic` (ASGI middleware) answers a GET or HEAD for such a file from the
  copy the browser accepts (``br``, else ``gzip``), with Streamlit's own caching headers
  (``public, immutable, max-age=…``, ``no-cache`` for HTML and the manifest), ``Vary:
  Accept-Encoding`` and ``Content-Encoding``. Everything else passes through untouched.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
import re
import tempfile
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import brotli

from data_pipeline.settings import get_setting

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

COMPRESSIBLE = frozenset({".js", ".mjs", ".css", ".html", ".svg", ".json", ".map", ".txt", ".xml"})
ENCODINGS = {"br": ".br", "gzip": ".gz"}  # in order of preference
IMMUTABLE = "public, immutable, max-age=31536000"  # what Streamlit sends for its hashed bundles
_NO_CACHE = re.compile(r"(^|/)(index\.html|manifest\.json)$")  # Streamlit's no-cache files
BROTLI_QUALITY = 9  # 6.2 MB for Streamlit's bundles in ~5 s once; quality 11 saves 8 % more in ~80 s
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Compressed:
    """One static file's compressed copies: their paths by encoding, and what to answer with."""

    copies: dict[str, Path]
    content_type: str
    cache_control: str


def default_cache_dir() -> Path:
    """Where the copies live: ``DASHBOARD_STATIC_CACHE``, else ``~/.cache/border-districts/static``."""
    return Path(get_setting("static_cache")).expanduser()


def precompress(directory: Path, cache_dir: Path) -> dict[str, Compressed]:
    """Every compressible file under ``directory`` by its URL path relative to it (``static/js/x.js``),
    with brotli and gzip copies in ``cache_dir`` (made when missing; written atomically, so servers
    starting together never read half a file). Copies larger than the file itself are not used."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    index: dict[str, Compressed] = {}
    for path in sorted(directory.rglob("*")):
        if path.suffix not in COMPRESSIBLE or not path.is_file():
            continue
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        copies = {}
        for encoding, suffix in ENCODINGS.items():
            copy = cache_dir / f"{digest}{suffix}"
            if not copy.exists():
                _write_atomically(copy, _compress(data, encoding))
            if copy.stat().st_size < len(data):
                copies[encoding] = copy
        if copies:
            url_path = path.relative_to(directory).as_posix()
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if content_type.startswith("text/") or content_type in ("application/javascript", "application/json"):
                content_type += "; charset=utf-8"
            index[url_path] = Compressed(copies, content_type, "no-cache" if _NO_CACHE.search(url_path) else IMMUTABLE)
    return index


def _compress(data: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.compress(data, quality=BROTLI_QUALITY)
    return gzip.compress(data, compresslevel=9, mtime=0)


def _write_atomically(target: Path, data: bytes) -> None:
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".part-", delete=False) as handle:
        handle.write(data)
    os.replace(handle.name, target)


def accepted_encoding(accept_encoding: str) -> str | None:
    """The preferred encoding of ``ENCODINGS`` that an ``Accept-Encoding`` header accepts (``q`` > 0)."""
    accepted = set()
    for item in accept_encoding.split(","):
        name, _, params = item.strip().partition(";")
        quality = re.search(r"q\s*=\s*([0-9.]+)", params)
        if quality is None or float(quality.group(1) or 0) > 0:
            accepted.add(name.strip().lower())
    return next((encoding for encoding in ENCODINGS if encoding in accepted or "*" in accepted), None)


class PrecompressedStatic:
    """ASGI middleware: GET/HEAD of a precompressed static file answered from its compressed copy."""

    def __init__(self, app: ASGIApp, files: dict[str, Compressed], base_path: str = "") -> None:
        self.app = app
        self.files = files
        self.base_path = "/" + base_path.strip("/") if base_path.strip("/") else ""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = self._lookup(scope)
        if found is None:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        encoding = accepted_encoding(headers.get("accept-encoding", ""))
        if encoding is None or encoding not in found.copies:
            await self.app(scope, receive, _with_vary(send))
            return
        await _send_file(send, found.copies[encoding], encoding, found, head=scope["method"] == "HEAD")

    def _lookup(self, scope: Scope) -> Compressed | None:
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
            return None
        path = scope.get("path", "")
        if self.base_path:
            if not path.startswith(self.base_path + "/"):
                return None
            path = path[len(self.base_path):]
        return self.files.get(path.lstrip("/")) if path.startswith("/static/") else None


def _with_vary(send: Send) -> Send:
    """``send`` that adds ``Vary: Accept-Encoding`` to the response start (the same URL has two forms)."""
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", []), (b"vary", b"Accept-Encoding")]
        await send(message)
    return sending


async def _send_file(send: Send, copy: Path, encoding: str, found: Compressed, *, head: bool) -> None:
    size = copy.stat().st_size
    await send({"type": "http.response.start", "status": 200, "headers": [
        (b"content-type", found.content_type.encode()), (b"content-encoding", encoding.encode()),
        (b"content-length", str(size).encode()), (b"cache-control", found.cache_control.encode()),
        (b"vary", b"Accept-Encoding"), (b"etag", f'"{copy.stem[:32]}-{encoding}"'.encode())]})
    if head:
        await send({"type": "http.response.body", "body": b""})
        return
    with copy.open("rb") as handle:
        while True:
            chunk = handle.read(CHUNK)
            last = len(chunk) < CHUNK
            await send({"type": "http.response.body", "body": chunk, "more_body": not last})
            if last:
                return


def streamlit_static_dir() -> Path:
    """The folder Streamlit serves its frontend from."""
    from streamlit import file_util

    return Path(file_util.get_static_dir())


if __name__ == "__main__":  # `python -m web_static`: make the copies ahead (an install step)
    made = precompress(streamlit_static_dir(), default_cache_dir())
    print(f"{len(made)} static files have compressed copies in {default_cache_dir()}.")
