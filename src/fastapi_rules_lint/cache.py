"""A content-hash cache of lint results: one index file per cache folder.

``<cache-dir>/v3/index.bin`` maps each file's display path to its latest entry: two
keys and the file's diagnostics. It is read once, on the first lookup of a run, and
written once, at the end (``Cache.save``), only when it changed.

What an entry is valid for. Its *view key* hashes the file's bytes, its display path,
the codes enabled for it and what the project model says to this module (its
``ModuleView``: an edit in another module misses only the modules whose view it
changes). Its *project key* hashes the same with the project's fingerprint (every
module's name and content) in place of the view: when no file of the project changed,
the project key hits and the run needs no model and no view at all — a fully warm run
builds no model, imports no LibCST and builds no rule. When the project key misses, the
view is computed and the view key decides (a hit refreshes the project key). Both keys
also hash the run key: package version, a stamp of the package's own source files (so
an edited rule in a development install never serves stale results), every configured
rule option and the code style fixes are laid out with. The index is for one run key:
an index written under another run key is empty.

Safety over cleverness: the index is a ``records`` file, JSON throughout (nothing in it
is ever executed): a header line with every path's two keys, then each path's
diagnostics as JSON rows, parsed only when its keys hit. An index that cannot be read or
parsed is an empty one, an entry of the wrong shape is a miss — never a crash. The index
is written atomically (a temporary file, then ``os.replace``). Concurrent runs: the last
writer wins, after merging what the index on disk holds for the files it did not check
itself (written under the same run key). A cache folder that cannot be created or
written disables the cache for the run, silently. The folder carries a ``.gitignore``
(``*``) and a ``CACHEDIR.TAG`` like ruff's. Entries of files that no longer exist are
kept until the folder is deleted (one small entry per path ever checked).

JSON, not ``pickle`` (which executes what it loads) nor ``marshal`` (documented as unsafe
on malformed data). The header and rows layout (``records``) spares a run that checks one
file of a large project the rest: on the 2,000-module tree (63,000 diagnostics) reading
and rewriting one JSON document cost such a run 0.33 s. The former index
(``v2/index.json``) is removed when this one is written.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

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
from fastapi_rules_lint.lint.settings import LintSettings
from fastapi_rules_lint.records import pack, unpack

if TYPE_CHECKING:  # only a type here: importing the project model costs a warm run
    from fastapi_rules_lint.project.view import ModuleView

FORMAT = "3"
INDEX_NAME = "index.bin"
_FORMER = ("v2/index.json", "v2")
"""Files (and then folders) of earlier formats, removed when the index is written."""
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# Created by fastapi-rules.\n"

_Entry = tuple[str, str, bytes]
"""A file's entry: its project key, its view key and its rows (JSON, parsed on a hit)."""

_Row = list[object]
"""One diagnostic as stored: ``[code, message, row, column, end_row, end_column,
noqa_row, fix]``; ``fix`` is None or ``[applicability, message, [[start, end,
content], ...], [[module, name], ...]]``."""


def _canonical(value: object) -> object:
    """A JSON-able form of ``value`` that is the same in every process (sets sorted)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return _canonical(value.value)
    model_dump = getattr(value, "model_dump", None)  # a pydantic model (rule options)
    if callable(model_dump) and not isinstance(value, type):
        return _canonical(model_dump())
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
    """What every entry of this run shares: version, code, options, code style."""
    payload = {
        "format": FORMAT,
        "version": __version__,
        "source": source_stamp(),
        "options": _canonical(dict(settings.options)),
        "style": _canonical(settings.style),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _hash(*parts: str, content: bytes) -> str:
    digest = hashlib.blake2b(digest_size=20)
    for part in parts:
        digest.update(part.encode("utf-8", "surrogateescape"))
        digest.update(b"\0")
    digest.update(content)
    return digest.hexdigest()


class Cache:
    """Lint results keyed by content; ``Cache.open`` returns None when unusable."""

    def __init__(self, folder: Path, key: str) -> None:
        self.folder = folder
        self.path = folder / f"v{FORMAT}" / INDEX_NAME
        self.key = key
        self.is_writable = True
        self._index: dict[str, _Entry] | None = None
        self._changed: dict[str, _Entry] = {}

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

    def project_key(self, path: str, content: bytes, enabled: Iterable[str], project: str) -> str:
        """The key of ``path``'s entry while no module of its project changed
        (``project``: the project's fingerprint)."""
        return _hash(self.key, "project", path, ",".join(sorted(enabled)), project, content=content)

    def entry_key(
        self, path: str, content: bytes, enabled: Iterable[str], view: ModuleView | None
    ) -> str:
        """The key of ``path``'s entry given what its project says to it."""
        seen = json.dumps(_canonical(view), sort_keys=True)
        return _hash(self.key, "view", path, ",".join(sorted(enabled)), seen, content=content)

    def lookup(
        self, path: str, project_key: str, view_key: Callable[[], str]
    ) -> tuple[Diagnostic, ...] | None:
        """The cached diagnostics of ``path`` (None: a miss). ``view_key`` is called only
        when ``project_key`` misses; a hit through it refreshes the project key."""
        entry = self._entries().get(path)
        if entry is None:
            return None
        stored_project, stored_view, rows = entry
        if stored_project != project_key and stored_view != view_key():
            return None
        found = _from_rows(rows, path)
        if found is not None and stored_project != project_key:
            self._changed[path] = (project_key, stored_view, rows)
        return found

    def store(
        self, path: str, project_key: str, view_key: str, diagnostics: Iterable[Diagnostic]
    ) -> None:
        """Remember ``diagnostics`` of ``path`` (written by ``save``)."""
        rows = json.dumps([_to_row(item) for item in diagnostics], separators=(",", ":"))
        self._changed[path] = (project_key, view_key, rows.encode())

    def save(self) -> None:
        """Write the index when it changed: merged with the one on disk (for the paths
        this run did not touch), atomically; failures disable the cache quietly."""
        if not self._changed or not self.is_writable:
            return
        entries = _read_index(self.path, self.key)  # another run may have written since
        entries.update(self._changed)
        records = {path: ([project, view], rows) for path, (project, view, rows) in entries.items()}
        data = pack({"key": self.key}, records)
        try:
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(data)
                os.replace(temporary, self.path)
                _remove_former(self.folder)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError:
            self.is_writable = False
            return
        self._index = entries
        self._changed = {}

    def _entries(self) -> dict[str, _Entry]:
        if self._index is None:
            self._index = _read_index(self.path, self.key)
        return self._index


def _read_index(path: Path, key: str) -> dict[str, _Entry]:
    """The entries of the index at ``path`` written under ``key``; empty when it is
    missing, unreadable, of another layout or of another run key. An entry of the wrong
    shape is left out (a miss)."""
    try:
        unpacked = unpack(path.read_bytes())
    except OSError:
        return {}
    if unpacked is None or unpacked[0].get("key") != key:
        return {}
    entries: dict[str, _Entry] = {}
    for name, (keys, rows) in unpacked[1].items():
        if len(keys) == 2 and isinstance(keys[0], str) and isinstance(keys[1], str):
            entries[name] = (keys[0], keys[1], rows)
    return entries


def _remove_former(folder: Path) -> None:
    """Remove the index files of earlier formats (see ``_FORMER``)."""
    for name in _FORMER:
        with contextlib.suppress(OSError):
            former = folder / name
            if former.is_dir():
                former.rmdir()  # only when empty: nothing of anyone else's
            else:
                former.unlink()


def _to_row(diagnostic: Diagnostic) -> _Row:
    fix = diagnostic.fix
    return [
        diagnostic.code,
        diagnostic.message,
        diagnostic.location.row,
        diagnostic.location.column,
        diagnostic.end_location.row,
        diagnostic.end_location.column,
        diagnostic.noqa_row,
        None
        if fix is None
        else [
            fix.applicability.value,
            fix.message,
            [[e.start, e.end, e.content] for e in fix.edits],
            [[i.module, i.name] for i in fix.imports],
        ],
    ]


def _from_rows(data: bytes, path: str) -> tuple[Diagnostic, ...] | None:
    """The diagnostics stored as ``data`` (JSON rows; their filename set to ``path``);
    None when it is not JSON or anything has the wrong shape or type."""
    try:
        rows = json.loads(data)
        if not isinstance(rows, list):
            return None
        return tuple(_from_row(row, path) for row in rows)
    except (TypeError, ValueError, RecursionError):
        return None


def _from_row(row: object, path: str) -> Diagnostic:
    if not isinstance(row, list) or len(row) != 8:
        raise ValueError("not a diagnostic")
    code, message, row_, column, end_row, end_column, noqa_row, fix = row
    return Diagnostic(
        filename=path,
        location=Location(_int(row_), _int(column)),
        code=_str(code),
        end_location=Location(_int(end_row), _int(end_column)),
        message=_str(message),
        noqa_row=_int(noqa_row),
        fix=None if fix is None else _from_fix(fix),
    )


def _from_fix(fix: object) -> Fix:
    if not isinstance(fix, list) or len(fix) != 4:
        raise ValueError("not a fix")
    applicability, message, edits, imports = fix
    if applicability not in ("safe", "unsafe"):
        raise ValueError("not an applicability")
    if not isinstance(edits, list) or not isinstance(imports, list):
        raise ValueError("not a fix")
    text_edits = []
    for edit in edits:
        if not isinstance(edit, list) or len(edit) != 3:
            raise ValueError("not an edit")
        text_edits.append(TextEdit(_int(edit[0]), _int(edit[1]), _str(edit[2])))
    requests = []
    for request in imports:
        if not isinstance(request, list) or len(request) != 2:
            raise ValueError("not an import")
        name = request[1]
        requests.append(ImportRequest(_str(request[0]), None if name is None else _str(name)))
    return Fix(
        applicability=Applicability(applicability),
        message=_str(message),
        edits=tuple(text_edits),
        imports=tuple(requests),
    )


def _int(value: object) -> int:
    if type(value) is not int:
        raise TypeError("not an int")
    return value


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("not a str")
    return value
