"""A stamp of this package's own source files, for cache keys.

The version alone is not enough in a development install: an edited rule or summariser
must never be served a cache written by the code before the edit.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


@cache
def source_stamp() -> str:
    """Size and mtime of every module of this package (a few dozen ``stat``s, once per
    process)."""
    found: list[tuple[tuple[str, ...], os.stat_result]] = []
    _collect(str(_PACKAGE), (), found)
    # Sorted by path parts, as `Path` sorts: the same stamp as before `os.scandir`.
    found.sort(key=lambda item: item[0])
    return "\n".join(
        f"{'/'.join(parts)}:{info.st_size}:{info.st_mtime_ns}" for parts, info in found
    )


def _collect(
    folder: str, parts: tuple[str, ...], found: list[tuple[tuple[str, ...], os.stat_result]]
) -> None:
    # `os.scandir` rather than `Path.rglob` + `stat`: a third of the cost, paid by every
    # run that opens a cache. Like `rglob`, symbolic links to folders are not followed.
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                _collect(entry.path, (*parts, entry.name), found)
            if entry.name.endswith(".py"):
                found.append(((*parts, entry.name), entry.stat()))
        except OSError:
            continue
