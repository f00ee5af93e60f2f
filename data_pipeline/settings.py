"""Settings shared by the CLI and the dashboard, declared once with their defaults and help.

Each setting is read from a command-line flag when given, else from the environment, else
its default. ``tests/data_pipeline/test_settings.py`` fails when a setting is missing from the README.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: str
    help: str


def _default_geo_dir() -> str:
    shared = PROJECT_ROOT.parent / "shared" / "geo-data"
    return str(shared) if shared.is_dir() else str(Path.home() / ".cache" / "border-districts" / "geo-data")


SETTINGS = (
    Setting("store_url", "DASHBOARD_STORE_URL", f"sqlite:///{PROJECT_ROOT / 'data' / 'dashboard.db'}",
            "SQLAlchemy URL of the data store (SQLite file by default; postgresql+psycopg://… for PostgreSQL)."),
    Setting("geo_dir", "DASHBOARD_GEO_DIR", _default_geo_dir(),
            "Directory holding the geoBoundaries TJK files (default: ../shared/geo-data when present, "
            "else ~/.cache/border-districts/geo-data)."),
    Setting("store_timeout", "DASHBOARD_STORE_TIMEOUT", "5",
            "Seconds to wait for a database server to accept a connection before saying the store is "
            "unreachable (whole seconds, at least 2)."),
    Setting("iati_config", "DASHBOARD_IATI_CONFIG", str(PROJECT_ROOT / "iati.toml"),
            "TOML file with what only the organisation knows for the IATI export (activity identifiers, status, "
            "dates, funder); missing: the documented defaults, named as such in the file (see iati.example.toml)."),
    Setting("migrate_on_start", "DASHBOARD_MIGRATE_ON_START", "no",
            "yes: a store whose layout is behind the code is upgraded (Alembic) when the dashboard or a command opens "
            "it; no: it is refused with the command that upgrades it (python -m data_pipeline migrate). A new store "
            "is made, and one made before Alembic is stamped, either way."),
    Setting("static_cache", "DASHBOARD_STATIC_CACHE", str(Path.home() / ".cache" / "border-districts" / "static"),
            "Directory of the compressed copies of Streamlit's frontend files, made once at the first start "
            "(web_static) and shared by every later start and replica."),
    # Limits on what one file may make the reader allocate (data_pipeline.ingest.limits); checked before parsing.
    Setting("max_columns", "DASHBOARD_MAX_COLUMNS", "1000", "Most columns a table (CSV or sheet) may have."),
    Setting("max_cells", "DASHBOARD_MAX_CELLS", "100000000",
            "Most cells (rows × columns) read from one CSV file: 10 million rows of 10 columns."),
    Setting("max_xlsx_cells", "DASHBOARD_MAX_XLSX_CELLS", "20000000",
            "Most cells read from one sheet, counted from A1 to its last row and column (the reader holds every "
            "one, ~170 bytes each: 20 million is ~3.4 GB)."),
    Setting("max_xlsx_part_mb", "DASHBOARD_MAX_XLSX_PART_MB", "1024",
            "Largest part of an XLSX workbook (a sheet's XML, the shared strings), in MB once unpacked."),
    Setting("max_compression_ratio", "DASHBOARD_MAX_COMPRESSION_RATIO", "100",
            "Most times a workbook part over 16 MB may grow when unpacked (spreadsheets grow 5–20 times)."),
)
_BY_NAME = {s.name: s for s in SETTINGS}


def setting(name: str) -> Setting:
    """The declaration of setting ``name`` (its environment variable, default and help)."""
    return _BY_NAME[name]


def get_setting(name: str, override: str | None = None) -> str:
    """The value of setting ``name``: ``override`` (a CLI flag) if given, else the environment, else the default."""
    if override:
        return override
    declared = setting(name)
    return os.environ.get(declared.env) or declared.default


def int_setting(name: str) -> int:
    """A whole-number setting (environment or default), e.g. ``max_columns``."""
    declared = setting(name)
    value = get_setting(name)
    try:
        number = int(value.replace("_", "").replace(",", ""))
    except ValueError:
        number = 0
    if number <= 0:
        raise ValueError(f"{declared.env}={value!r} is not a whole number above 0; unset it (default "
                         f"{int(declared.default):,}) or set a number such as {declared.default}.")
    return number


def store_url(override: str | None = None) -> str:
    """The store's SQLAlchemy URL (``--store``, ``DASHBOARD_STORE_URL`` or the SQLite default)."""
    return get_setting("store_url", override)


def geo_dir(override: str | None = None) -> Path:
    """The boundary directory (``--geo-dir``, ``DASHBOARD_GEO_DIR`` or the default)."""
    return Path(get_setting("geo_dir", override)).expanduser()


MIN_STORE_TIMEOUT = 2
"""libpq (PostgreSQL's client) waits at least 2 s whatever it is told."""


def store_timeout(override: str | None = None) -> int:
    """Seconds to wait for the store's server to connect (``--store-timeout``, ``DASHBOARD_STORE_TIMEOUT``
    or 5); ``ValueError`` saying what was given and what is allowed when it is not a whole number ≥ 2."""
    declared = setting("store_timeout")
    value = get_setting("store_timeout", override)
    try:
        seconds = int(value.strip())
    except ValueError:
        seconds = None
    if seconds is None or seconds < MIN_STORE_TIMEOUT:
        raise ValueError(f"The store timeout {value!r} ({declared.env} or --store-timeout) is not a whole number "
                         f"of seconds of at least {MIN_STORE_TIMEOUT}; give e.g. {declared.default}.")
    return seconds


_YES, _NO = ("yes", "true", "1", "on"), ("no", "false", "0", "off")


def migrate_on_start() -> bool:
    """Whether opening a store may upgrade its layout (``DASHBOARD_MIGRATE_ON_START``: yes or no);
    ``ValueError`` saying what was given and what is allowed otherwise."""
    declared = setting("migrate_on_start")
    value = get_setting("migrate_on_start").strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise ValueError(f"{declared.env}={value!r} is neither yes nor no; set yes to upgrade a store's layout when it "
                     f"is opened, or no (the default) to upgrade it with python -m data_pipeline migrate.")
