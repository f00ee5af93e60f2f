"""Writing files so that a reader, a kill or a crash sees either the old file or the new one, never half.

The bottom layer (with ``settings`` and ``geo``): imports nothing of the project.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

_ATTEMPTS = 16


def write_atomically(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file beside it, synced to disk, then renamed over it.

    An existing file keeps its permissions; a new one gets the umask's (as ``open`` would give it). The
    temporary file (``.<name>.<random>.partial``, made with ``O_EXCL``: nothing existing is followed or
    overwritten) is removed when anything fails, even an interrupt. Returns ``path``.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"Cannot write {str(path)!r}: its folder {str(path.parent)!r} does not exist "
                                f"(or is not a folder). Create the folder first, or choose another path.")
    try:
        mode: int | None = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = None
    descriptor, temporary = _create_beside(path)
    try:
        with open(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path


def _create_beside(path: Path) -> tuple[int, Path]:
    # Not tempfile.mkstemp: it makes the file 0600, and reading the umask to undo that would set it
    # process-wide for a moment (threads of a server may create files meanwhile). The kernel applies
    # the umask to 0o666 here.
    for _ in range(_ATTEMPTS):
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
        try:
            return os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666), temporary
        except FileExistsError:
            continue
    raise FileExistsError(f"Could not create a temporary file beside {str(path)!r} after {_ATTEMPTS} tries "
                          f"(names .{path.name}.*.partial all taken); remove stale .partial files there.")
