"""The summary cache: one file per project, read once and written once per run.

``<cache-dir>/summaries.json`` maps each module's path (relative to the project root) to
its size, modification time, content hash and summary. A file whose size and
modification time are unchanged is not read again; one whose content hash is unchanged
is not summarised again. The checker's version and the summary format are part of the
file (and, for development installs, a stamp of the package's own sources): another
version's cache is ignored and replaced. A corrupt or unreadable cache is
an empty one, never an error; a cache that cannot be written is skipped silently (the
run's results do not depend on it).

Loading is lazy: the file is parsed with ``json`` and only the shape of each entry is
checked (size, time, hash); a summary, stored as a JSON string inside the file, is
validated into a ``ModuleSummary`` when it is asked for (``summary``). A fully warm run
needs only the hashes (the project's fingerprint decides whether any cached diagnostic
can be served), so it never builds a summary: on open-webui's 7 MB cache, reading the
file then costs a string scan instead of validating 7 MB of summaries. A summary that
fails validation is a miss (``summary`` returns None; the caller summarises the file
again).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from functools import cache
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


@cache
def _summary_adapter() -> TypeAdapter[ModuleSummary]:
    # Built on first use: building the schema costs more than a warm run may spend.
    return TypeAdapter(ModuleSummary)


_LAYOUT = "lazy-1"
"""Each entry's summary is stored as a JSON *string* inside the file: ``json.loads``
then only scans it (no objects built), and ``validate_json`` turns it into a
``ModuleSummary`` when asked, pydantic's fast path."""


def _version() -> str:
    return digest(f"{__version__}/{SUMMARY_FORMAT}/{_LAYOUT}/{source_stamp()}".encode())


def digest(data: bytes) -> str:
    """The content hash summaries are keyed by."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class SummaryCache:
    """The cached summaries of one project (see the module docstring)."""

    def __init__(self, folder: Path | None) -> None:
        self.path = folder / CACHE_NAME if folder is not None else None
        self.entries: dict[str, CachedSummary] = {}
        """Entries validated or made in this run."""
        self._raw: dict[str, dict[str, object]] = {}
        """Entries as read (their shape checked, their summary not yet validated)."""
        self.is_changed = False
        if self.path is not None:
            self._raw = _read(self.path)

    def stamp(self, key: str, size: int, mtime_ns: int) -> str | None:
        """The content hash of ``key`` when the file's size and modification time match
        its entry (the summary is not validated: see ``summary``)."""
        entry = self.entries.get(key)
        if entry is not None:
            same = entry.size == size and entry.mtime_ns == mtime_ns
            return entry.digest if same else None
        raw = self._raw.get(key)
        if raw is not None and raw["size"] == size and raw["mtime_ns"] == mtime_ns:
            return str(raw["digest"])
        return None

    def summary(self, key: str) -> ModuleSummary | None:
        """The cached summary of ``key``, validated now; None when it does not validate."""
        entry = self.entries.get(key)
        if entry is not None:
            return entry.summary
        raw = self._raw.get(key)
        if raw is None:
            return None
        try:
            summary = _summary_adapter().validate_json(str(raw["summary"]))
        except (ValidationError, ValueError, TypeError):
            del self._raw[key]
            self.is_changed = True
            return None
        size, mtime_ns, stored = raw["size"], raw["mtime_ns"], raw["digest"]
        assert isinstance(size, int) and isinstance(mtime_ns, int)  # checked by `_read`
        self.entries[key] = CachedSummary(size, mtime_ns, str(stored), summary)
        del self._raw[key]
        return summary

    def get(self, key: str, size: int, mtime_ns: int) -> CachedSummary | None:
        """The entry for ``key`` when the file's size and modification time match."""
        if self.stamp(key, size, mtime_ns) is None or self.summary(key) is None:
            return None
        return self.entries[key]

    def by_digest(self, key: str, content_digest: str) -> ModuleSummary | None:
        """The summary of ``key`` when its content is unchanged (touched, not edited)."""
        entry = self.entries.get(key)
        raw = self._raw.get(key)
        stored = entry.digest if entry is not None else raw["digest"] if raw else None
        return self.summary(key) if stored == content_digest else None

    def put(self, key: str, entry: CachedSummary) -> None:
        """Record a fresh entry."""
        if self.entries.get(key) != entry:
            self.entries[key] = entry
            self._raw.pop(key, None)
            self.is_changed = True

    def retain(self, keys: set[str]) -> None:
        """Forget modules that no longer exist."""
        stale = (self.entries.keys() | self._raw.keys()) - keys
        for key in stale:
            self.entries.pop(key, None)
            self._raw.pop(key, None)
        self.is_changed = self.is_changed or bool(stale)

    def save(self) -> None:
        """Write the cache when it changed (atomically; failures are ignored)."""
        if self.path is None or not self.is_changed:
            return
        entries: dict[str, object] = dict(self._raw)
        adapter = _summary_adapter()
        for key, entry in self.entries.items():
            entries[key] = {
                "size": entry.size,
                "mtime_ns": entry.mtime_ns,
                "digest": entry.digest,
                "summary": adapter.dump_json(entry.summary).decode(),
            }
        data = json.dumps({"version": _version(), "entries": entries}).encode()
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


def _read(path: Path) -> dict[str, dict[str, object]]:
    """The entries of the cache file, their shape checked (not their summaries)."""
    try:
        loaded = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(loaded, dict) or loaded.get("version") != _version():
        return {}
    entries = loaded.get("entries")
    if not isinstance(entries, dict):
        return {}
    return {
        key: entry
        for key, entry in entries.items()
        if isinstance(entry, dict)
        and type(entry.get("size")) is int
        and type(entry.get("mtime_ns")) is int
        and isinstance(entry.get("digest"), str)
        and isinstance(entry.get("summary"), str)
    }


def _ensure_gitignore(folder: Path) -> None:
    marker = folder / ".gitignore"
    if not marker.exists():
        marker.write_text("# Automatically created by fastapi-rules.\n*\n", encoding="utf-8")

