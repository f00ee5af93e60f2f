"""web_security: the ASGI middleware in front of Streamlit, called directly with a small ASGI app."""

from __future__ import annotations

import asyncio

from web_security import SECURITY_HEADERS, SecurityHeaders


def call(app, method: str = "GET", path: str = "/", body: bytes = b"", scope_type: str = "http") -> dict:
    """Run one request through ``app``; its status, headers (lower-case names) and body."""
    sent: list[dict] = []
    chunks = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict:
        return chunks.pop(0) if chunks else {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": scope_type, "method": method, "path": path, "headers": []}
    asyncio.run(app(scope, receive, send))
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

