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

The Pydantic models below document that shape (and ``to_json_diagnostic`` returns one);
``render`` builds the same items as plain dicts and writes them byte for byte as
``json.dumps(items, indent=2, ensure_ascii=False)`` (and the models' ``dump_json(indent=2)``)
would: validating our own values, four models per diagnostic, was most of the cost of a
report of 200,000 diagnostics, and ``json``'s indented encoder is its pure-Python one
(1.4 s and a list of five million string pieces for 60,000 diagnostics), so
``_indented`` writes the indentation itself and leaves strings to ``json``'s C escaper.
"""

from __future__ import annotations

from collections.abc import Callable
from json.encoder import encode_basestring
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


def _item(diagnostic: Diagnostic, positions: Positions, report: ReportInput) -> dict[str, object]:
    """One diagnostic as ``JsonDiagnostic`` dumps it (see the module docstring)."""
    filename = diagnostic.filename
    cells = report.notebooks.get(filename)

    def place(location: Location) -> dict[str, int]:
        if cells is not None:
            location = report.in_cell(filename, location)[1]
        return {"row": location.row, "column": location.column}

    cell, noqa_row = None, diagnostic.noqa_row
    if cells is not None:
        cell = cells.locate(diagnostic.location.row)[0]
        noqa_row = cells.locate(noqa_row)[1]
    fix = diagnostic.fix
    json_fix: dict[str, object] | None = None
    if fix is not None:
        json_fix = {
            "applicability": fix.applicability.value,
            "message": fix.message,
            "edits": [
                {
                    "content": edit.content,
                    "location": place(positions.location(filename, edit.start)),
                    "end_location": place(positions.location(filename, edit.end)),
                }
                for edit in fix.edits
            ],
        }
    code = diagnostic.code
    name = rule_name(code)
    return {
        "code": code,
        "message": diagnostic.message,
        "filename": filename,
        "cell": cell,
        "location": place(diagnostic.location),
        "end_location": place(diagnostic.end_location),
        "noqa_row": noqa_row,
        "fix": json_fix,
        "name": name,
        "url": rule_url(code) if name != code else None,
    }


def to_json_diagnostic(
    diagnostic: Diagnostic, positions: Positions, report: ReportInput | None = None
) -> JsonDiagnostic:
    """The JSON model of ``diagnostic`` (notebook positions per cell, given ``report``)."""
    report = report or ReportInput(diagnostics=())
    return JsonDiagnostic.model_validate(_item(diagnostic, positions, report))


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
    found = [_item(diagnostic, positions, report) for diagnostic in report.diagnostics]
    return _indented(found, "") + "\n"


def _null(_: None) -> str:
    return "null"


# A scalar's JSON text by its exact type (C functions, but for None): one lookup per
# value instead of a call and a chain of isinstance checks.
_SCALARS: dict[type[object], Callable[..., str]] = {  # each takes its own key type
    str: encode_basestring,
    int: int.__repr__,
    bool: {True: "true", False: "false"}.__getitem__,
    type(None): _null,
}


def _indented(value: object, indent: str) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)`` for the dicts, lists, strings,
    integers, booleans and None a report is made of; ``indent``: the current one."""
    scalar = _SCALARS.get(type(value))
    if scalar is not None:
        return scalar(value)
    inner = indent + "  "
    scalars = _SCALARS
    if type(value) is dict:
        if not value:
            return "{}"
        opening, closing = "{", "}"
        members = []
        for key, item in value.items():
            scalar = scalars.get(type(item))
            text = scalar(item) if scalar is not None else _indented(item, inner)
            members.append(f"{encode_basestring(key)}: {text}")
    elif type(value) is list:
        if not value:
            return "[]"
        opening, closing = "[", "]"
        members = [
            scalar(item) if (scalar := scalars.get(type(item))) is not None
            else _indented(item, inner)
            for item in value
        ]
    else:
        raise TypeError(f"not a report value: {type(value).__name__}")
    return f"{opening}\n{inner}" + f",\n{inner}".join(members) + f"\n{indent}{closing}"
