"""What the web server itself enforces, in front of Streamlit: uploads only from signed-in editors, and
security headers on every response.

Both are plain ASGI middleware that ``app.py`` puts in front of Streamlit's own routes (``st.App(...,
middleware=...)``). Streamlit's upload endpoint, ``/_stcore/upload_file/{session_id}/{file_id}``, stores
whatever any live session sends (up to ``server.maxUploadSize`` per file, kept in memory until the session
ends), and any visitor can ask for upload addresses. So the upload guard answers 403 to a PUT or POST there
unless the session id belongs to a signed-in editor, before a byte of the body is read. The pages fill
``EDITOR_UPLOADS`` through ``app_pages/editor_access.py`` (on sign-in, refreshed on every run while signed
in) and clear it on sign-out and expiry; an entry also lapses on its own when the sign-in would expire.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Streamlit's component iframes (the st_folium map) are pages of this same server, so framing is
# allowed from this origin only: DENY would blank the map.
SECURITY_HEADERS: dict[str, str] = {
    "X-Frame-Options": "SAMEORIGIN",
    "Content-Security-Policy": "frame-ancestors 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
_UPLOAD_PATH = re.compile(r"/_stcore/upload_file/(?P<session_id>[^/]+)/[^/]+/?$")
_GUARDED_METHODS = frozenset({"PUT", "POST"})


class EditorSessions:
    """The Streamlit session ids of signed-in editors, each until its sign-in expires; thread-safe
    (pages run in script threads, the middleware in the server's event loop)."""

    def __init__(self) -> None:
        self._until: dict[str, float] = {}
        self._lock = threading.Lock()

    def allow(self, session_id: str, until: float) -> None:
        """Let ``session_id`` upload until ``until`` (epoch seconds); drops entries that have lapsed."""
        now = time.time()
        with self._lock:
            for stale in [sid for sid, end in self._until.items() if end <= now]:
                del self._until[stale]
            self._until[session_id] = until

    def revoke(self, session_id: str) -> None:
        """``session_id`` may no longer upload (sign-out, expiry)."""
        with self._lock:
            self._until.pop(session_id, None)

    def allows(self, session_id: str, now: float | None = None) -> bool:
        """Whether ``session_id`` belongs to a signed-in editor whose sign-in has not expired."""
        with self._lock:
            until = self._until.get(session_id)
        return until is not None and until > (time.time() if now is None else now)

    def __len__(self) -> int:
        with self._lock:
            return len(self._until)


EDITOR_UPLOADS = EditorSessions()
"""The server process's registry, filled by ``app_pages/editor_access.py`` and read by ``UploadGuard``."""


class UploadGuard:
    """ASGI middleware: a PUT or POST to Streamlit's upload route from a session that is not a signed-in
    editor's gets 403 before its body is read."""

    def __init__(self, app: ASGIApp, sessions: EditorSessions = EDITOR_UPLOADS) -> None:
        self.app = app
        self.sessions = sessions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in _GUARDED_METHODS:
            match = _UPLOAD_PATH.search(scope["path"])
            if match and not self.sessions.allows(match["session_id"]):
                await _plain_response(send, 403, b"Uploads are for signed-in editors: sign in on the "
                                                 b"Upload data page first.")
                return
        await self.app(scope, receive, send)


class SecurityHeaders:
    """ASGI middleware: ``SECURITY_HEADERS`` on every HTTP response (replacing any of the same name)."""

    def __init__(self, app: ASGIApp, headers: dict[str, str] | None = None) -> None:
        self.app = app
        self.headers = [(name.lower().encode("latin-1"), value.encode("latin-1"))
                        for name, value in (headers or SECURITY_HEADERS).items()]
        self._names = {name for name, _ in self.headers}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(name, value) for name, value in message.get("headers", [])
                        if name.lower() not in self._names]
                message["headers"] = kept + self.headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _plain_response(send: Send, status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
