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
  Accept-Encoding`` and ``Content-Encoding``, and an ``ETag`` made from the file's content (the
  same after a restart, on every replica), answering ``If-None-Match`` with 304. Everything else
  passes through untouched.
- :func:`served_files` adds the map's library files to Streamlit's (issue 21): Leaflet (served by
  Streamlit's static route from ``./static/leaflet``, with a ``Last-Modified`` of the server's
  start and no caching header) and streamlit-folium's component (``Cache-Control: public`` with
  no max-age and no validator). Leaflet's names carry no hash, so it is cached for a week and
  revalidated by its ETag; the component's hashed bundle is immutable and its ``index.html``
  revalidated every time (``no-cache``, 304 when unchanged).
- :class:`AppRootHint` (ASGI middleware) tells Streamlit's page where the app's root is, so a deep
  link (``/map``) does not first ask ``/map/_stcore/health`` and ``/map/_stcore/host-config`` (404:
  one wasted round trip and 100 ms) before ``/_stcore/…``. Answering those two paths instead would
  be wrong: the frontend then takes ``/map`` for the app's root, opens its WebSocket there, loads
  the map component from ``/map/component/…`` (Streamlit's own page, not the component) and links
  the District profile as ``/map/district`` (checked in Chromium, benchmarks/PROFILE.md round 8).
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import brotli

from data_pipeline.files import write_atomically
from data_pipeline.settings import get_setting

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

COMPRESSIBLE = frozenset({".js", ".mjs", ".css", ".html", ".svg", ".json", ".map", ".txt", ".xml"})
ENCODINGS = {"br": ".br", "gzip": ".gz"}  # in order of preference
IMMUTABLE = "public, immutable, max-age=31536000"  # what Streamlit sends for its hashed bundles
REVALIDATED = "public, max-age=604800"
"""Files whose names carry no content hash (Leaflet): a week, then revalidated by their ETag."""
NO_CACHE = "no-cache"
_NO_CACHE = re.compile(r"(^|/)(index\.html|manifest\.json)$")  # Streamlit's no-cache files
BROTLI_QUALITY = 9  # 6.2 MB for Streamlit's bundles in ~5 s once; quality 11 saves 8 % more in ~80 s
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Compressed:
    """One static file's compressed copies: their paths by encoding, and what to answer with."""

    copies: dict[str, Path]
    content_type: str
    cache_control: str
    digest: str = ""
    """The SHA-256 of the file's content: its ETags, the same after a restart."""

    def etag(self, encoding: str) -> str:
        return f'"{self.digest[:32]}-{encoding}"'


def default_cache_dir() -> Path:
    """Where the copies live: ``DASHBOARD_STATIC_CACHE``, else ``~/.cache/border-districts/static``."""
    return Path(get_setting("static_cache")).expanduser()


def precompress(directory: Path, cache_dir: Path, *, prefix: str = "", cache_control: str | None = None,
                identity: bool = False) -> dict[str, Compressed]:
    """Every compressible file under ``directory`` by its URL path relative to it (``static/js/x.js``),
    with brotli and gzip copies in ``cache_dir`` (made when missing; written atomically, so servers
    starting together never read half a file). Copies larger than the file itself are not used.

    ``prefix`` goes before each URL path (``app/static/leaflet/``); ``cache_control`` replaces the
    caching header of files other than ``index.html`` and ``manifest.json`` (always ``no-cache``);
    ``identity``: the file itself is answered too (to browsers that accept no compression, and for
    files that do not compress, such as images), so every answer carries the content's ETag."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    index: dict[str, Compressed] = {}
    for path in sorted(directory.rglob("*")):
        if not path.is_file() or (path.suffix not in COMPRESSIBLE and not identity):
            continue
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        copies = {}
        for encoding, suffix in ENCODINGS.items() if path.suffix in COMPRESSIBLE else ():
            copy = cache_dir / f"{digest}{suffix}"
            if not copy.exists():
                write_atomically(copy, _compress(data, encoding))
            if copy.stat().st_size < len(data):
                copies[encoding] = copy
        if identity:
            copies["identity"] = path
        if copies:
            url_path = prefix + path.relative_to(directory).as_posix()
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if content_type.startswith("text/") or content_type in ("application/javascript", "application/json"):
                content_type += "; charset=utf-8"
            caching = NO_CACHE if _NO_CACHE.search(url_path) else cache_control or IMMUTABLE
            index[url_path] = Compressed(copies, content_type, caching, digest)
    return index


def served_files(cache_dir: Path, leaflet_dir: Path | None = None,
                 maps_dir: Path | None = None) -> dict[str, Compressed]:
    """What :class:`PrecompressedStatic` answers in the dashboard: Streamlit's frontend bundles
    (``static/…``), Leaflet from ``leaflet_dir`` (``app/static/leaflet/…``, the folder
    ``ui.install_static_assets`` fills), the map's shapes file from ``maps_dir`` (``app/static/maps/…``,
    named by its content: immutable) and streamlit-folium's component files
    (``component/streamlit_folium.st_folium/…``)."""
    files = {key: value for key, value in precompress(streamlit_static_dir(), cache_dir).items()
             if key.startswith("static/")}
    if leaflet_dir is not None and leaflet_dir.is_dir():
        files.update(precompress(leaflet_dir, cache_dir, prefix="app/static/leaflet/", cache_control=REVALIDATED,
                                 identity=True))
    if maps_dir is not None and maps_dir.is_dir():
        files.update(precompress(maps_dir, cache_dir, prefix="app/static/maps/", cache_control=IMMUTABLE,
                                 identity=True))
    component = folium_component_dir()
    if component is not None:
        files.update(precompress(component, cache_dir, prefix="component/streamlit_folium.st_folium/",
                                 identity=True))
    return files


def folium_component_dir() -> Path | None:
    """streamlit-folium's built frontend (its component's files), or None if it is not installed."""
    import importlib.util

    spec = importlib.util.find_spec("streamlit_folium")
    if spec is None or not spec.submodule_search_locations:
        return None
    build = Path(next(iter(spec.submodule_search_locations))) / "frontend" / "build"
    return build if build.is_dir() else None


def _compress(data: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.compress(data, quality=BROTLI_QUALITY)
    return gzip.compress(data, compresslevel=9, mtime=0)


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
            encoding = "identity"
        if encoding not in found.copies:
            await self.app(scope, receive, _with_vary(send))
            return
        etag = found.etag(encoding)
        if etag in _entity_tags(headers.get("if-none-match", "")):
            await send({"type": "http.response.start", "status": 304, "headers": [
                (b"cache-control", found.cache_control.encode()), (b"vary", b"Accept-Encoding"),
                (b"etag", etag.encode())]})
            await send({"type": "http.response.body", "body": b""})
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
        return self.files.get(path.lstrip("/")) if path.startswith(SERVED) else None


SERVED = ("/static/", "/app/static/", "/component/")
"""The URL paths whose files :class:`PrecompressedStatic` may answer (Streamlit's index stays Streamlit's)."""


def _entity_tags(if_none_match: str) -> set[str]:
    """The entity tags of an ``If-None-Match`` header (weak ones compared as strong: GET only)."""
    return {tag.strip().removeprefix("W/") for tag in if_none_match.split(",") if tag.strip()}


def _with_vary(send: Send) -> Send:
    """``send`` that adds ``Vary: Accept-Encoding`` to the response start (the same URL has two forms)."""
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", []), (b"vary", b"Accept-Encoding")]
        await send(message)
    return sending


async def _send_file(send: Send, copy: Path, encoding: str, found: Compressed, *, head: bool) -> None:
    size = copy.stat().st_size
    headers = [(b"content-type", found.content_type.encode()), (b"content-length", str(size).encode()),
               (b"cache-control", found.cache_control.encode()), (b"vary", b"Accept-Encoding"),
               (b"etag", found.etag(encoding).encode())]
    if encoding != "identity":
        headers.append((b"content-encoding", encoding.encode()))
    await send({"type": "http.response.start", "status": 200, "headers": headers})
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


ROOT_MARKER = b'<div id="root">'
"""What tells Streamlit's page (``index.html``, served at ``/`` and at every page's path) from other HTML."""
_PAGE_PATH = re.compile(r"^/[^/.]*$")
"""Paths that may be a page of the app (``/``, ``/map``): one segment, no file name extension."""


class AppRootHint:
    """ASGI middleware: Streamlit's page, answered at a page's path, learns where the app's root is.

    The frontend finds its server by asking ``<path>/_stcore/health`` for the page's path and then
    for its parent, unless ``window.__streamlit.BACKEND_BASE_URL`` names the root. This middleware
    puts a one-line script setting it (relative to the page's address, so a proxy in front that
    strips a prefix still works) before Streamlit's own scripts, recompresses the page (about 8 kB,
    done once per version of it) and gives it an ETag of its own (304 when unchanged). Only GETs of
    ``<base>/`` and ``<base>/<one segment>`` answered with Streamlit's page are changed; anything
    else (a ``/feed`` answer, a 304) passes as it comes."""

    def __init__(self, app: ASGIApp, base_path: str = "") -> None:
        self.app = app
        self.base_path = "/" + base_path.strip("/") if base_path.strip("/") else ""
        self._pages: dict[bytes, dict[str, bytes]] = {}  # Streamlit's page → its hinted copies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        page_path = path[len(self.base_path):] if path.startswith(self.base_path + "/") else ""
        if scope.get("method") != "GET" or not _PAGE_PATH.match(page_path):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        start: Message | None = None
        body: list[bytes] = []

        async def capture(message: Message) -> None:
            """Streamlit's page is kept to be hinted; any other answer (a feed) passes as it comes."""
            nonlocal start
            if message["type"] == "http.response.start":
                content_type = dict((k.lower(), v) for k, v in message.get("headers", [])).get(b"content-type", b"")
                if message["status"] == 200 and content_type.startswith(b"text/html"):
                    start = message
                    return
            if start is None:
                await send(message)
            elif message["type"] == "http.response.body":
                body.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        if start is None:
            return
        page = b"".join(body)
        start_headers = {k.lower(): v for k, v in start.get("headers", [])}
        if start_headers.get(b"content-encoding", b"") == b"gzip":  # Streamlit's own compression
            page = gzip.decompress(page)
        kept = [(k, v) for k, v in start.get("headers", [])
                if k.lower() not in (b"content-length", b"content-encoding", b"etag", b"last-modified", b"vary")]
        if ROOT_MARKER not in page:
            await send({**start, "headers": kept + [(b"content-length", str(len(page)).encode())]})
            await send({"type": "http.response.body", "body": page})
            return
        copies = self._copies(page)
        encoding = accepted_encoding(headers.get("accept-encoding", "")) or "identity"
        data = copies[encoding]
        etag = f'"{hashlib.sha256(copies["identity"]).hexdigest()[:32]}-{encoding}"'
        kept += [(b"vary", b"Accept-Encoding"), (b"etag", etag.encode())]
        if etag in _entity_tags(headers.get("if-none-match", "")):
            await send({"type": "http.response.start", "status": 304, "headers": [
                (k, v) for k, v in kept if k.lower() != b"content-type"]})
            await send({"type": "http.response.body", "body": b""})
            return
        if encoding != "identity":
            kept.append((b"content-encoding", encoding.encode()))
        await send({"type": "http.response.start", "status": 200,
                    "headers": kept + [(b"content-length", str(len(data)).encode())]})
        await send({"type": "http.response.body", "body": data})

    def _copies(self, page: bytes) -> dict[str, bytes]:
        if page not in self._pages:  # one page per Streamlit version: made once
            hinted = with_root_hint(page, "./")
            self._pages[page] = {"identity": hinted, **{e: _compress(hinted, e) for e in ENCODINGS}}
        return self._pages[page]


def with_root_hint(page: bytes, root: str) -> bytes:
    """Streamlit's ``index.html`` with a script, first in its head, that names the app's root
    (``root``: relative to the page's address; a page's path is one segment, so ``./``) to the frontend."""
    script = ('<script>window.__streamlit=Object.assign({},window.__streamlit,'
              f'{{BACKEND_BASE_URL:new URL("{root}",location.href).href}})</script>').encode()
    head = page.find(b"<head>")
    if head < 0:
        return page
    return page[:head + len(b"<head>")] + script + page[head + len(b"<head>"):]


def streamlit_static_dir() -> Path:
    """The folder Streamlit serves its frontend from."""
    from streamlit import file_util

    return Path(file_util.get_static_dir())


if __name__ == "__main__":  # `python -m web_static`: make the copies ahead (an install step)
    made = served_files(default_cache_dir())  # Leaflet's few files are copied and compressed at start-up
    print(f"{len(made)} static files have compressed copies in {default_cache_dir()}.")
