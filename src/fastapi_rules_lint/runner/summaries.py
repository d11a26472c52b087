"""The summary cache: one file per project, read once and written once per run.

``<cache-dir>/summaries.bin`` maps each module's path (relative to the project root) to
its size, modification time, content hash and summary. A file whose size and
modification time are unchanged is not read again; one whose content hash is unchanged
is not summarised again. The checker's version and the summary format are part of the
file (and, for development installs, a stamp of the package's own sources): another
version's cache is ignored and replaced. A corrupt or unreadable cache is
an empty one, never an error; a cache that cannot be written is skipped silently (the
run's results do not depend on it).

The file is a ``records`` file: a header line (the version, and per path its size,
time and hash), then every summary's JSON (defaults left out), back to back. Nothing in
it is ever executed (no ``pickle``). Why not one JSON document: a summary stored as a
JSON string inside it (the layout before) had every quote escaped on writing and
scanned on reading. On the 2,000-module tree reading the file took 0.18 s and rewriting
it, as a run that changed one entry must, 0.29 s; the header is 0.1 MB, and writing
copies the summaries it did not validate as bytes.

Loading is lazy: the header is parsed and checked (size, time, hash, lengths that fit
the file); a summary is validated into a ``ModuleSummary`` when it is asked for
(``summary``), with pydantic's ``validate_json``. A fully warm run needs only the
hashes (the project's fingerprint decides whether any cached diagnostic can be
served), so it never builds a summary. A summary that fails validation is a miss
(``summary`` returns None; the caller summarises the file again).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from fastapi_rules_lint import __version__
from fastapi_rules_lint.engine.stamp import source_stamp
from fastapi_rules_lint.project.summary import SUMMARY_FORMAT, ModuleSummary
from fastapi_rules_lint.records import pack, unpack

CACHE_NAME = "summaries.bin"
_FORMER_NAMES = ("summaries.json",)
"""Files of earlier layouts, removed when the cache is written (they can be large)."""


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


_LAYOUT = "header-blobs-1"
"""The file's layout (see the module docstring)."""


@dataclass(frozen=True)
class _Raw:
    """An entry as read: its summary's JSON not yet validated."""

    size: int
    mtime_ns: int
    digest: str
    summary: bytes


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
        self._raw: dict[str, _Raw] = {}
        """Entries as read (their shape checked, their summary not yet validated)."""
        self._blobs: dict[str, bytes] = {}
        """The JSON, as read, of summaries validated since: written back as it was."""
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
        if raw is not None and raw.size == size and raw.mtime_ns == mtime_ns:
            return raw.digest
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
            summary = _summary_adapter().validate_json(raw.summary)
        except (ValidationError, ValueError, TypeError):
            del self._raw[key]
            self.is_changed = True
            return None
        self.entries[key] = CachedSummary(raw.size, raw.mtime_ns, raw.digest, summary)
        self._blobs[key] = raw.summary
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
        stored = entry.digest if entry is not None else raw.digest if raw else None
        return self.summary(key) if stored == content_digest else None

    def put(self, key: str, entry: CachedSummary) -> None:
        """Record a fresh entry."""
        if self.entries.get(key) != entry:
            self.entries[key] = entry
            self._raw.pop(key, None)
            self._blobs.pop(key, None)
            self.is_changed = True

    def retain(self, keys: set[str]) -> None:
        """Forget modules that no longer exist."""
        stale = (self.entries.keys() | self._raw.keys()) - keys
        for key in stale:
            self.entries.pop(key, None)
            self._raw.pop(key, None)
            self._blobs.pop(key, None)
        self.is_changed = self.is_changed or bool(stale)

    def save(self) -> None:
        """Write the cache when it changed (atomically; failures are ignored)."""
        if self.path is None or not self.is_changed:
            return
        adapter = _summary_adapter()
        raws = dict(self._raw)
        for key, entry in self.entries.items():
            blob = self._blobs.get(key)
            if blob is None:  # defaults left out: half the size, same summary read back
                blob = adapter.dump_json(entry.summary, exclude_defaults=True)
            raws[key] = _Raw(entry.size, entry.mtime_ns, entry.digest, blob)
        entries = {key: ([r.size, r.mtime_ns, r.digest], r.summary) for key, r in raws.items()}
        data = pack({"version": _version()}, entries)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _ensure_gitignore(self.path.parent)
            handle, temporary = tempfile.mkstemp(prefix=".summaries.", dir=self.path.parent)
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(data)
                os.replace(temporary, self.path)
                for name in _FORMER_NAMES:
                    with contextlib.suppress(OSError):
                        (self.path.parent / name).unlink()
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError:
            return
        self.is_changed = False


def _read(path: Path) -> dict[str, _Raw]:
    """The entries of the cache file, their shape checked (not their summaries)."""
    try:
        unpacked = unpack(path.read_bytes())
    except OSError:
        return {}
    if unpacked is None or unpacked[0].get("version") != _version():
        return {}
    found: dict[str, _Raw] = {}
    for key, (fields, summary) in unpacked[1].items():
        if len(fields) != 3:
            continue
        size, mtime_ns, content_digest = fields
        if type(size) is int and type(mtime_ns) is int and isinstance(content_digest, str):
            found[key] = _Raw(size, mtime_ns, content_digest, summary)
    return found


def _ensure_gitignore(folder: Path) -> None:
    marker = folder / ".gitignore"
    if not marker.exists():
        marker.write_text("# Automatically created by fastapi-rules.\n*\n", encoding="utf-8")

