"""The store's errors, and how a store URL is shown in messages (never with its password)."""

from __future__ import annotations

import contextlib
import re
from urllib.parse import quote, quote_plus

import sqlalchemy as sa


class StoreError(RuntimeError):
    """A store operation that cannot be done; the message says why and how to fix it."""


class StoreUnavailable(StoreError):
    """The store cannot be reached or used (server down or silent, file unreadable, locked): nothing was done."""


_URL_PASSWORD = re.compile(r"(://[^\s/@:]*:)[^\s@]*@")
_KEYWORD_PASSWORD = re.compile(r"(?i)\b(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&,;)]+)")


def without_password(text: str | sa.URL, url: str | sa.URL | None = None) -> str:
    """``text`` (a store URL, or a message that may quote one or the driver's connection string) with
    every password shown as ``***``: in ``user:…@`` of any URL, in ``password=…`` of a libpq connection
    string or query, and ``url``'s own password wherever it appears. Use it on every store URL or
    database message that is shown, printed or logged."""
    if isinstance(text, sa.URL):
        url, text = text if url is None else url, text.render_as_string(hide_password=True)
    password = None
    if url is not None:
        with contextlib.suppress(sa.exc.ArgumentError, ValueError):
            parsed = url if isinstance(url, sa.URL) else sa.make_url(url)
            password = parsed.password or parsed.query.get("password")
    if isinstance(password, str) and len(password) >= 3:  # shorter ones would mask ordinary words
        for form in dict.fromkeys((password, quote(password, safe=""), quote_plus(password))):
            text = text.replace(form, "***")
    return _KEYWORD_PASSWORD.sub(r"\1***", _URL_PASSWORD.sub(r"\1***@", text))


def store_location(url: str | sa.URL) -> str:
    """Where the store is, for messages: ``host:port`` of a database server, or a SQLite file's path."""
    try:
        parsed = url if isinstance(url, sa.URL) else sa.make_url(url)
    except sa.exc.ArgumentError:
        return without_password(str(url))
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    port = parsed.port or {"postgresql": 5432}.get(parsed.get_backend_name())
    host = parsed.host or parsed.query.get("host") or "localhost"
    return without_password(f"{host}:{port}" if port else str(host), parsed)


def first_line(error: BaseException, url: str | sa.URL) -> str:
    """The first line of a database error's message, any password in it hidden."""
    original = getattr(error, "orig", None) or error
    return without_password((str(original).strip().splitlines() or [type(original).__name__])[0], url)

