"""web_security: the ASGI middleware in front of Streamlit, called directly with a small ASGI app."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

from web_security import SECURITY_HEADERS, EditorSessions, SecurityHeaders, UploadGuard


def call(app, method: str = "GET", path: str = "/", body: bytes = b"", scope_type: str = "http") -> dict:
    """Run one request through ``app``; its status, headers (lower-case names) and body."""
    sent: list[dict] = []
    chunks = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict:
        return chunks.pop(0) if chunks else {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": scope_type, "method": method, "path": path, "headers": []}
    # A thread of its own: a session-scoped Playwright fixture may hold this thread's event loop.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    start = next((m for m in sent if m["type"] == "http.response.start"), {})
    return {"status": start.get("status"),
            "headers": {k.decode().lower(): v.decode() for k, v in start.get("headers", [])},
            "body": b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")}


def plain_app(headers: list[tuple[bytes, bytes]] | None = None):
    """An ASGI app answering 200 "ok" (with ``headers``) and recording the bodies it read."""
    async def app(scope, receive, send):
        message = await receive()
        app.bodies.append(message.get("body", b""))
        await send({"type": "http.response.start", "status": 200, "headers": headers or []})
        await send({"type": "http.response.body", "body": b"ok"})
    app.bodies = []
    return app


def test_security_headers_are_added_to_every_response_and_replace_weaker_ones():
    inner = plain_app([(b"X-Frame-Options", b"ALLOWALL"), (b"Content-Type", b"text/plain")])
    answer = call(SecurityHeaders(inner))
    assert answer["status"] == 200 and answer["body"] == b"ok"
    for name, value in SECURITY_HEADERS.items():
        assert answer["headers"][name.lower()] == value
    assert answer["headers"]["content-type"] == "text/plain"
    assert answer["headers"]["x-frame-options"] == "SAMEORIGIN"  # the inner ALLOWALL is gone, not doubled



def test_upload_guard_refuses_sessions_that_are_not_signed_in_editors_before_reading_the_body():
    sessions = EditorSessions()
    sessions.allow("editor-session", until=time.time() + 60)
    inner = plain_app()
    guard = UploadGuard(inner, sessions)
    for method in ("PUT", "POST"):
        for path in ("/_stcore/upload_file/anonymous-session/file-1", "/base/_stcore/upload_file/other/file-2/"):
            answer = call(guard, method, path, body=b"x" * 1000)
            assert answer["status"] == 403 and b"signed-in editors" in answer["body"], (method, path)
    assert inner.bodies == [], "no refused body was read"
    assert call(guard, "PUT", "/_stcore/upload_file/editor-session/file-3", body=b"data")["status"] == 200
    assert inner.bodies == [b"data"]
    # Removing a file frees memory, and pages, health and the rest pass untouched.
    assert call(guard, "DELETE", "/_stcore/upload_file/anonymous-session/file-1")["status"] == 200
    assert call(guard, "GET", "/_stcore/health")["status"] == 200
    assert call(guard, "POST", "/_stcore/upload_file_other/anonymous/x")["status"] == 200


def test_editor_sessions_lapse_at_expiry_and_on_revoke():
    sessions = EditorSessions()
    now = time.time()
    sessions.allow("a", until=now + 60)
    sessions.allow("b", until=now + 30)
    assert sessions.allows("a") and sessions.allows("b")
    assert not sessions.allows("b", now=now + 31), "a sign-in that has expired no longer uploads"
    sessions.revoke("a")
    assert not sessions.allows("a")
    sessions.revoke("never-signed-in")  # no error
    sessions.allow("c", until=now - 1)  # already lapsed entries are dropped when another is added
    sessions.allow("d", until=now + 60)
    assert len(sessions) == 2 and not sessions.allows("c")  # b and d remain


def test_editor_sessions_are_safe_to_change_from_many_threads():
    sessions = EditorSessions()
    until = time.time() + 60

    def churn(worker: int) -> None:
        for i in range(500):
            sessions.allow(f"{worker}-{i}", until)
            if i % 2:
                sessions.revoke(f"{worker}-{i}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(churn, range(8)))
    assert len(sessions) == 8 * 250
    assert sessions.allows("3-0") and not sessions.allows("3-1")
