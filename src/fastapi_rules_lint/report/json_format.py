"""``--output-format json``: a JSON array with ruff's field names.

Each item: ``code``, ``message``, ``filename``, ``location``/``end_location``
(``{row, column}``, 1-based, columns in code points), ``noqa_row``, and ``fix``
(``null`` or ``{applicability, message, edits: [{content, location, end_location}]}``;
the engine's character offsets are converted to rows and columns of the file's text).
With ``--statistics``: ``[{code, name, count, fixable}]``, as ruff prints them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, TypeAdapter

from fastapi_rules_lint.engine.diagnostics import Diagnostic, Location
from fastapi_rules_lint.report.base import Positions, ReportInput, statistics


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
    location: JsonLocation
    end_location: JsonLocation
    noqa_row: int
    fix: JsonFix | None


class JsonStatistic(BaseModel):
    """One line of ``--statistics``."""

    code: str
    name: str
    count: int
    fixable: bool


def _location(location: Location) -> JsonLocation:
    return JsonLocation(row=location.row, column=location.column)


def to_json_diagnostic(diagnostic: Diagnostic, positions: Positions) -> JsonDiagnostic:
    """The JSON model of ``diagnostic``."""
    fix = diagnostic.fix
    json_fix = None
    if fix is not None:
        json_fix = JsonFix(
            applicability=fix.applicability.value,
            message=fix.message,
            edits=[
                JsonEdit(
                    content=edit.content,
                    location=_location(positions.location(diagnostic.filename, edit.start)),
                    end_location=_location(positions.location(diagnostic.filename, edit.end)),
                )
                for edit in fix.edits
            ],
        )
    return JsonDiagnostic(
        code=diagnostic.code,
        message=diagnostic.message,
        filename=diagnostic.filename,
        location=_location(diagnostic.location),
        end_location=_location(diagnostic.end_location),
        noqa_row=diagnostic.noqa_row,
        fix=json_fix,
    )


_DIAGNOSTICS = TypeAdapter(list[JsonDiagnostic])
_STATISTICS = TypeAdapter(list[JsonStatistic])


def render(report: ReportInput) -> str:
    """The JSON report."""
    if report.statistics:
        items = [
            JsonStatistic(code=s.code, name=s.name, count=s.count, fixable=s.fixable)
            for s in statistics(report)
        ]
        return _STATISTICS.dump_json(items, indent=2).decode() + "\n"
    positions = Positions(report.sources)
    found = [to_json_diagnostic(diagnostic, positions) for diagnostic in report.diagnostics]
    return _DIAGNOSTICS.dump_json(found, indent=2).decode() + "\n"
