"""A stamp of this package's own source files, for cache keys.

The version alone is not enough in a development install: an edited rule or summariser
must never be served a cache written by the code before the edit.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


@cache
def source_stamp() -> str:
    """Size and mtime of every module of this package (a few dozen ``stat``s, once per
    process)."""
    parts: list[str] = []
    for path in sorted(_PACKAGE.rglob("*.py")):
        try:
            info = path.stat()
        except OSError:
            continue
        parts.append(f"{path.relative_to(_PACKAGE)}:{info.st_size}:{info.st_mtime_ns}")
    return "\n".join(parts)
