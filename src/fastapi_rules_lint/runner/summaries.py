"""The summary cache: one file per project, read once and written once per run.

``<cache-dir>/summaries.json`` maps each module's path (relative to the project root) to
its size, modification time, content hash and summary. A file whose size and
modification time are unchanged is not read again; one whose content hash is unchanged
is not summarised again. The checker's version and the summary format are part of the
file (and, for development installs, a stamp of the package's own sources): another
version's cache is ignored and replaced. A corrupt or unreadable cache is
an empty one, never an error; a cache that cannot be written is skipped silently (the
run's results do not depend on it).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from fastapi_rules_lint import __version__
from fastapi_rules_lint.engine.stamp import source_stamp
from fastapi_rules_lint.project.summary import SUMMARY_FORMAT, ModuleSummary

CACHE_NAME = "summaries.json"


@dataclass(frozen=True)
class CachedSummary:
    """One module's cached summary and what it was made from."""

    size: int
    mtime_ns: int
    digest: str
    summary: ModuleSummary


@dataclass(frozen=True)
class _CacheFile:
    version: str
    entries: dict[str, CachedSummary] = field(default_factory=dict)


_ADAPTER: TypeAdapter[_CacheFile] = TypeAdapter(_CacheFile)
def _version() -> str:
    return digest(f"{__version__}/{SUMMARY_FORMAT}/{source_stamp()}".encode())


def digest(data: bytes) -> str:
    """The content hash summaries are keyed by."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class SummaryCache:
    """The cached summaries of one project (see the module docstring)."""

    def __init__(self, folder: Path | None) -> None:
        self.path = folder / CACHE_NAME if folder is not None else None
        self.entries: dict[str, CachedSummary] = {}
        self.is_changed = False
        if self.path is not None:
            self.entries = _read(self.path)

    def get(self, key: str, size: int, mtime_ns: int) -> CachedSummary | None:
        """The entry for ``key`` when the file's size and modification time match."""
        entry = self.entries.get(key)
        if entry is not None and entry.size == size and entry.mtime_ns == mtime_ns:
            return entry
        return None

    def by_digest(self, key: str, content_digest: str) -> ModuleSummary | None:
        """The summary of ``key`` when its content is unchanged (touched, not edited)."""
        entry = self.entries.get(key)
        return entry.summary if entry is not None and entry.digest == content_digest else None

    def put(self, key: str, entry: CachedSummary) -> None:
        """Record a fresh entry."""
        if self.entries.get(key) != entry:
            self.entries[key] = entry
            self.is_changed = True

    def retain(self, keys: set[str]) -> None:
        """Forget modules that no longer exist."""
        stale = self.entries.keys() - keys
        for key in stale:
            del self.entries[key]
        self.is_changed = self.is_changed or bool(stale)

    def save(self) -> None:
        """Write the cache when it changed (atomically; failures are ignored)."""
        if self.path is None or not self.is_changed:
            return
        data = _ADAPTER.dump_json(_CacheFile(_version(), self.entries))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _ensure_gitignore(self.path.parent)
            handle, temporary = tempfile.mkstemp(prefix=".summaries.", dir=self.path.parent)
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(data)
                os.replace(temporary, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError:
            return
        self.is_changed = False


def _read(path: Path) -> dict[str, CachedSummary]:
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    try:
        loaded = _ADAPTER.validate_json(data)
    except (ValidationError, ValueError):
        return {}
    return loaded.entries if loaded.version == _version() else {}


def _ensure_gitignore(folder: Path) -> None:
    marker = folder / ".gitignore"
    if not marker.exists():
        marker.write_text("# Automatically created by fastapi-rules.\n*\n", encoding="utf-8")

