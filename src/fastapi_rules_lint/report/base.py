"""What every renderer receives, and the small helpers they share.

Every renderer has the same signature, ``render(report: ReportInput) -> str``; it
returns the whole output (the CLI writes it). Diagnostics arrive sorted by filename,
row, column, code; ``sources`` holds the text each diagnostic's positions and fix
offsets refer to (after ``--fix``, the fixed text).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from fastapi_rules_lint.engine.diagnostics import Applicability, Diagnostic, Location
from fastapi_rules_lint.engine.lines import LineIndex
from fastapi_rules_lint.lint.registry import UnknownCodeError, rule_info
from fastapi_rules_lint.notebooks import CellMap


@dataclass(frozen=True)
class ReportInput:
    """The run's results as the renderers see them."""

    diagnostics: Sequence[Diagnostic]
    sources: Mapping[str, str] = field(default_factory=dict)
    unsafe_fixes: bool = False
    """Whether unsafe fixes count as applicable (``--unsafe-fixes``)."""
    fixed: int = 0
    """How many fixes this run applied (``--fix``)."""
    is_fix_run: bool = False
    show_source: bool = False
    statistics: bool = False
    color: bool = False
    quiet: bool = False
    """Text only: diagnostics, no summary."""
    had_errors: bool = False
    """The run reported errors (unreadable files, internal errors) besides diagnostics."""
    notebooks: Mapping[str, CellMap] = field(default_factory=dict)
    """Notebook filename → its cell map: their rows are rows of the cells' module text."""

    def in_cell(self, filename: str, location: Location) -> tuple[int | None, Location]:
        """``(cell, location in the cell)`` for a notebook, ``(None, location)`` else."""
        cells = self.notebooks.get(filename)
        if cells is None:
            return None, location
        cell, row = cells.locate(location.row)
        return cell, Location(row, location.column)

    def is_applicable(self, diagnostic: Diagnostic) -> bool:
        """True when ``--fix`` (with this run's ``--unsafe-fixes``) would fix it."""
        fix = diagnostic.fix
        return fix is not None and (fix.applicability is Applicability.SAFE or self.unsafe_fixes)

    def is_hidden(self, diagnostic: Diagnostic) -> bool:
        """True when only ``--unsafe-fixes`` would fix it."""
        fix = diagnostic.fix
        return (
            fix is not None and fix.applicability is Applicability.UNSAFE and not self.unsafe_fixes
        )


Renderer = Callable[[ReportInput], str]


class Positions:
    """Offsets → row/column, one ``LineIndex`` per file, built on first use."""

    def __init__(self, sources: Mapping[str, str]) -> None:
        self.sources = sources
        self._indexes: dict[str, LineIndex] = {}

    def location(self, filename: str, offset: int) -> Location:
        """The 1-based row and column of ``offset`` in ``filename``'s text."""
        index = self._indexes.get(filename)
        if index is None:
            index = self._indexes[filename] = LineIndex.of(self.sources.get(filename, ""))
        return index.location(offset)


@cache
def rule_name(code: str) -> str:
    """The rule's name (``any-type``); the code itself for an unknown code."""
    try:
        return rule_info(code).name
    except UnknownCodeError:
        return code


def plural(count: int, word: str, suffix: str = "s") -> str:
    """``1 error``, ``2 errors``."""
    return f"{count} {word}{'' if count == 1 else suffix}"


@dataclass(frozen=True)
class Statistic:
    """How often one code was reported (``--statistics``)."""

    code: str
    name: str
    count: int
    fixable: bool
    """Every occurrence is fixable with this run's fix settings (ruff's ``[*]``)."""
    fixable_count: int = 0
    """How many occurrences are fixable with this run's fix settings."""


def statistics(report: ReportInput) -> list[Statistic]:
    """Per-code counts, most frequent first (ties by code), as ruff orders them."""
    counts: dict[str, list[int]] = {}
    for diagnostic in report.diagnostics:
        seen = counts.setdefault(diagnostic.code, [0, 0])
        seen[0] += 1
        seen[1] += report.is_applicable(diagnostic)
    return [
        Statistic(code, rule_name(code), count, fixable == count, fixable)
        for code, (count, fixable) in sorted(
            counts.items(), key=lambda item: (-item[1][0], item[0])
        )
    ]
