"""Baselines: accept today's diagnostics, report only new ones.

A baseline is a JSON file of ``(filename, code, fingerprint)`` entries. The fingerprint
hashes the code and the stripped text of the lines the diagnostic covers — not its
message or row — so inserting lines above it, re-indenting it, or rewording a message
keeps it matched; editing the offending line itself makes it new. Identical entries are
counted: two baselined ``Any`` on one line don't hide a third. Filenames are stored
relative to the baseline file's folder, so the file works from any working folder.

An entry is *stale* when nothing matches it any more although the run could have: its
file was checked with its code enabled (or the file is gone). A run that checks other
files or other codes leaves the entry alone. ``--prune-baseline`` rewrites the file
without the stale entries.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from fastapi_rules_lint.engine.diagnostics import Diagnostic
from fastapi_rules_lint.files import FileAccessError, read_source, write_atomic

_NEWLINE = re.compile(r"\r\n|\r|\n")


class BaselineError(Exception):
    """The baseline file is missing or invalid (one-line message)."""


class BaselineEntry(BaseModel):
    """One accepted diagnostic."""

    # Validators are built when a baseline is read or written, not at import (a run
    # without ``--baseline`` imports this module but never uses them).
    model_config = ConfigDict(defer_build=True)

    filename: str
    code: str
    fingerprint: str


class BaselineFile(BaseModel):
    """The baseline file's content."""

    model_config = ConfigDict(defer_build=True)

    tool: Literal["fastapi-rules"] = "fastapi-rules"
    version: Literal[1] = 1
    entries: list[BaselineEntry]


Key = tuple[str, str, str]


def fingerprint(diagnostic: Diagnostic, text: str) -> str:
    """A short hash of the code and the stripped lines the diagnostic covers."""
    lines = _NEWLINE.split(text)
    covered = lines[diagnostic.location.row - 1 : diagnostic.end_location.row]
    content = "\n".join(line.strip() for line in covered)
    digest = hashlib.sha256(f"{diagnostic.code}\0{content}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:16]


def _relative(filename: str, folder: Path) -> str:
    absolute = Path(os.path.abspath(filename))
    try:
        return absolute.relative_to(folder).as_posix()
    except ValueError:
        return absolute.as_posix()


def _keys(
    diagnostics: Iterable[Diagnostic], sources: Mapping[str, str], folder: Path
) -> list[tuple[Key, Diagnostic]]:
    return [
        (
            (
                _relative(d.filename, folder),
                d.code,
                fingerprint(d, sources.get(d.filename, "")),
            ),
            d,
        )
        for d in diagnostics
    ]


def write_baseline(
    path: Path, diagnostics: Iterable[Diagnostic], sources: Mapping[str, str]
) -> int:
    """Write every diagnostic to the baseline at ``path``; returns how many."""
    folder = Path(os.path.abspath(path)).parent
    return _write_entries(path, [key for key, _ in _keys(diagnostics, sources, folder)])


def _write_entries(path: Path, keys: Iterable[Key]) -> int:
    entries = [BaselineEntry(filename=key[0], code=key[1], fingerprint=key[2]) for key in keys]
    entries.sort(key=lambda entry: (entry.filename, entry.code, entry.fingerprint))
    data = (BaselineFile(entries=entries).model_dump_json(indent=2) + "\n").encode()
    if path.exists():
        write_atomic(path, data)
    else:
        try:
            path.write_bytes(data)
        except OSError as error:
            raise FileAccessError(f"{path}: cannot write file: {error.strerror}") from None
    return len(entries)


def load_baseline(path: Path) -> Counter[Key]:
    """The baseline's entries, counted."""
    if not path.is_file():
        raise BaselineError(f"{path}: baseline file not found")
    try:
        content = BaselineFile.model_validate_json(read_source(path))
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "file"
        raise BaselineError(f"{path}: invalid baseline ({where}: {first['msg']})") from None
    return Counter((e.filename, e.code, e.fingerprint) for e in content.entries)


@dataclass(frozen=True)
class BaselineMatch:
    """The diagnostics a baseline does not account for, and its entries nothing matched
    although the run checked their file with their code enabled."""

    new: list[Diagnostic]
    stale: list[Key]
    kept: list[Key]


def match_baseline(
    path: Path,
    diagnostics: Iterable[Diagnostic],
    sources: Mapping[str, str],
    enabled: Mapping[str, Collection[str]],
) -> BaselineMatch:
    """Match ``diagnostics`` against the baseline at ``path``; ``enabled`` names the codes
    each checked file (by display name) was checked for."""
    remaining = load_baseline(path)
    entries = list(remaining.elements())
    folder = Path(os.path.abspath(path)).parent
    new: list[Diagnostic] = []
    for key, diagnostic in _keys(diagnostics, sources, folder):
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            new.append(diagnostic)
    checked = {_relative(name, folder): codes for name, codes in enabled.items()}
    stale: list[Key] = []
    unmatched = Counter(remaining)
    kept: list[Key] = []
    for key in entries:
        filename, code, _ = key
        is_judged = code in checked.get(filename, ()) or not (folder / filename).exists()
        if unmatched[key] > 0 and is_judged:
            unmatched[key] -= 1
            stale.append(key)
        else:
            kept.append(key)
    return BaselineMatch(new, stale, kept)


def prune_baseline(path: Path, kept: Iterable[Key]) -> int:
    """Rewrite the baseline at ``path`` with only the ``kept`` entries; returns how many."""
    return _write_entries(path, kept)
