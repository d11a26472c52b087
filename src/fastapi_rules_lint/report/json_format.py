"""``--output-format json``: a JSON array with ruff's field names.

Each item: ``code``, ``name`` (the rule's name), ``url`` (its documentation page,
``docs.rule_url``), ``message``, ``filename``, ``location``/``end_location``
(``{row, column}``, 1-based, columns in code points), ``noqa_row``, and ``fix``
(``null`` or ``{applicability, message, edits: [{content, location, end_location}]}``;
the engine's character offsets are converted to rows and columns of the file's text).
``cell``: ``null``, or for a notebook the cell number, every row then counted in that
cell (ruff's field).
With ``--statistics``: ``[{code, name, count, fixable, fixable_count}]``, as ruff prints
them (``fixable``: every occurrence is), plus how many are fixable.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, TypeAdapter

from fastapi_rules_lint.docs import rule_url
from fastapi_rules_lint.engine.diagnostics import Diagnostic, Location
from fastapi_rules_lint.report.base import Positions, ReportInput, rule_name, statistics


class JsonLocation(BaseModel):
    """A 1-based row and column."""

    row: int
    column: int


class JsonEdit(BaseModel):
    """Replace the text between two locations with ``content``."""

    content: str
    location: JsonLocation
    end_location: JsonLocation


class JsonFix(BaseModel):
    """A fix: its safety, what it does, its edits."""

    applicability: Literal["safe", "unsafe"]
    message: str
    edits: list[JsonEdit]


class JsonDiagnostic(BaseModel):
    """One diagnostic, shaped like ruff's JSON output."""

    code: str
    message: str
    filename: str
    cell: int | None
    """A notebook's cell number (1-based over all cells); rows are then the cell's."""
    location: JsonLocation
    end_location: JsonLocation
    noqa_row: int
    fix: JsonFix | None
    name: str
    url: str | None
    """The rule's documentation page; None for a code that is no rule."""


class JsonStatistic(BaseModel):
    """One line of ``--statistics``."""

    code: str
    name: str
    count: int
    fixable: bool
    fixable_count: int


def _location(location: Location) -> JsonLocation:
    return JsonLocation(row=location.row, column=location.column)


def to_json_diagnostic(
    diagnostic: Diagnostic, positions: Positions, report: ReportInput | None = None
) -> JsonDiagnostic:
    """The JSON model of ``diagnostic`` (notebook positions per cell, given ``report``)."""
    report = report or ReportInput(diagnostics=())
    cell, _ = report.in_cell(diagnostic.filename, diagnostic.location)

    def place(location: Location) -> JsonLocation:
        return _location(report.in_cell(diagnostic.filename, location)[1])

    fix = diagnostic.fix
    json_fix = None
    if fix is not None:
        json_fix = JsonFix(
            applicability=fix.applicability.value,
            message=fix.message,
            edits=[
                JsonEdit(
                    content=edit.content,
                    location=place(positions.location(diagnostic.filename, edit.start)),
                    end_location=place(positions.location(diagnostic.filename, edit.end)),
                )
                for edit in fix.edits
            ],
        )
    return JsonDiagnostic(
        code=diagnostic.code,
        message=diagnostic.message,
        filename=diagnostic.filename,
        cell=cell,
        location=place(diagnostic.location),
        end_location=place(diagnostic.end_location),
        noqa_row=place(Location(diagnostic.noqa_row, 1)).row,
        fix=json_fix,
        name=rule_name(diagnostic.code),
        url=rule_url(diagnostic.code) if rule_name(diagnostic.code) != diagnostic.code else None,
    )


_DIAGNOSTICS = TypeAdapter(list[JsonDiagnostic])
_STATISTICS = TypeAdapter(list[JsonStatistic])


def render(report: ReportInput) -> str:
    """The JSON report."""
    if report.statistics:
        items = [
            JsonStatistic(
                code=s.code,
                name=s.name,
                count=s.count,
                fixable=s.fixable,
                fixable_count=s.fixable_count,
            )
            for s in statistics(report)
        ]
        return _STATISTICS.dump_json(items, indent=2).decode() + "\n"
    positions = Positions(report.sources)
    found = [
        to_json_diagnostic(diagnostic, positions, report) for diagnostic in report.diagnostics
    ]
    return _DIAGNOSTICS.dump_json(found, indent=2).decode() + "\n"
