"""A content-hash cache of lint results, one JSON file per (file content, settings).

The key of a file's entry hashes: its bytes, its display path, the codes enabled for it,
the run's key — package version, a stamp of the package's own source files (so an
edited rule in a development install never serves stale results), every rule option —
and what the project model says to this module (its ``ModuleView``: an edit in another
module misses only the modules whose view it changes). Any change to one of those
simply misses.

Safety over cleverness: entries are written atomically (temporary file, then
``os.replace``); an entry that cannot be read or does not validate is a miss; a cache
folder that cannot be created or written disables the cache for the run, silently.
The folder carries a ``.gitignore`` (``*``) and a ``CACHEDIR.TAG`` like ruff's.
Entries are never pruned: delete the folder to reclaim space.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ValidationError

from fastapi_rules_lint import __version__
from fastapi_rules_lint.engine.diagnostics import (
    Applicability,
    Diagnostic,
    Fix,
    ImportRequest,
    Location,
    TextEdit,
)
from fastapi_rules_lint.engine.stamp import source_stamp
from fastapi_rules_lint.lint.linter import LintSettings
from fastapi_rules_lint.project.view import ModuleView

FORMAT = "1"
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# Created by fastapi-rules.\n"


class _Edit(BaseModel):
    start: int
    end: int
    content: str


class _Import(BaseModel):
    module: str
    name: str | None


class _Fix(BaseModel):
    applicability: Literal["safe", "unsafe"]
    message: str
    edits: list[_Edit]
    imports: list[_Import]


class _Diagnostic(BaseModel):
    code: str
    message: str
    location: tuple[int, int]
    end_location: tuple[int, int]
    noqa_row: int
    fix: _Fix | None


class _Entry(BaseModel):
    diagnostics: list[_Diagnostic]


def _canonical(value: object) -> object:
    """A JSON-able form of ``value`` that is the same in every process (sets sorted)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, BaseModel):
        return _canonical(value.model_dump())
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in sorted(value.items(), key=str)}
    if isinstance(value, (set, frozenset)):
        return sorted((_canonical(item) for item in value), key=repr)
    if isinstance(value, (list, tuple)):
        return [_canonical(item) for item in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return repr(value)


def run_key(settings: LintSettings) -> str:
    """What every entry of this run shares: version, code, options."""
    payload = {
        "format": FORMAT,
        "version": __version__,
        "source": source_stamp(),
        "options": _canonical(dict(settings.options)),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


class Cache:
    """Lint results keyed by content; ``Cache.open`` returns None when unusable."""

    def __init__(self, folder: Path, key: str) -> None:
        self.folder = folder
        self.entries = folder / f"v{FORMAT}"
        self.key = key
        self.is_writable = True

    @classmethod
    def open(cls, folder: Path, settings: LintSettings) -> Cache | None:
        """The cache in ``folder`` (created if needed), or None if it cannot be."""
        try:
            (folder / f"v{FORMAT}").mkdir(parents=True, exist_ok=True)
            for name, content in ((".gitignore", "*\n"), ("CACHEDIR.TAG", _TAG)):
                marker = folder / name
                if not marker.exists():
                    marker.write_text(content, encoding="utf-8")
        except OSError:
            return None
        return cls(folder, run_key(settings))

    def entry_key(
        self, path: str, content: bytes, enabled: Iterable[str], view: ModuleView
    ) -> str:
        """The key of one file's entry."""
        digest = hashlib.sha256()
        project = json.dumps(_canonical(view), sort_keys=True)
        for part in (self.key, path, ",".join(sorted(enabled)), project):
            digest.update(part.encode("utf-8", "surrogateescape"))
            digest.update(b"\0")
        digest.update(content)
        return digest.hexdigest()

    def load(self, key: str, path: str) -> tuple[Diagnostic, ...] | None:
        """The cached diagnostics of ``key`` (their filename set to ``path``), or None."""
        try:
            raw = (self.entries / f"{key}.json").read_bytes()
            entry = _Entry.model_validate_json(raw)
        except (OSError, ValidationError, ValueError):
            return None
        return tuple(_from_cached(item, path) for item in entry.diagnostics)

    def store(self, key: str, diagnostics: Iterable[Diagnostic]) -> None:
        """Remember ``diagnostics`` under ``key``; failures disable the cache quietly."""
        if not self.is_writable:
            return
        entry = _Entry(diagnostics=[_to_cached(item) for item in diagnostics])
        try:
            handle, temporary = tempfile.mkstemp(dir=self.entries, suffix=".tmp")
            with os.fdopen(handle, "wb") as stream:
                stream.write(entry.model_dump_json().encode())
            os.replace(temporary, self.entries / f"{key}.json")
        except OSError:
            self.is_writable = False


def _to_cached(diagnostic: Diagnostic) -> _Diagnostic:
    fix = diagnostic.fix
    return _Diagnostic(
        code=diagnostic.code,
        message=diagnostic.message,
        location=(diagnostic.location.row, diagnostic.location.column),
        end_location=(diagnostic.end_location.row, diagnostic.end_location.column),
        noqa_row=diagnostic.noqa_row,
        fix=None
        if fix is None
        else _Fix(
            applicability=fix.applicability.value,
            message=fix.message,
            edits=[_Edit(start=e.start, end=e.end, content=e.content) for e in fix.edits],
            imports=[_Import(module=i.module, name=i.name) for i in fix.imports],
        ),
    )


def _from_cached(item: _Diagnostic, path: str) -> Diagnostic:
    fix = item.fix
    return Diagnostic(
        filename=path,
        location=Location(*item.location),
        code=item.code,
        end_location=Location(*item.end_location),
        message=item.message,
        noqa_row=item.noqa_row,
        fix=None
        if fix is None
        else Fix(
            applicability=Applicability(fix.applicability),
            message=fix.message,
            edits=tuple(TextEdit(e.start, e.end, e.content) for e in fix.edits),
            imports=tuple(ImportRequest(i.module, i.name) for i in fix.imports),
        ),
    )
