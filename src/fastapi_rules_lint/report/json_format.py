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
``render`` writes the same items byte for byte as ``json.dumps(items, indent=2,
ensure_ascii=False)`` (and the models' ``dump_json(indent=2)``) would, from a template
of the one shape every item has (``_item_text``; a test holds it to ``json.dumps``):
validating our own values, four models per diagnostic, was most of the cost of a report
of 200,000 diagnostics; ``json``'s indented encoder is its pure-Python one (1.4 s and a
list of five million string pieces for 60,000 diagnostics), and a generic writer of our
own still made one call per nested value (0.8 s). Strings go to ``json``'s C escaper.
"""

from __future__ import annotations

from json.encoder import encode_basestring
from typing import Literal, NamedTuple

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


class _Edit(NamedTuple):
    content: str
    location: tuple[int, int]
    end_location: tuple[int, int]


class _Fix(NamedTuple):
    applicability: str
    message: str
    edits: tuple[_Edit, ...]


class _Fields(NamedTuple):
    """One diagnostic's JSON values, in ``JsonDiagnostic``'s order (locations as
    ``(row, column)``)."""

    code: str
    message: str
    filename: str
    cell: int | None
    location: tuple[int, int]
    end_location: tuple[int, int]
    noqa_row: int
    fix: _Fix | None
    name: str
    url: str | None


def _fields(diagnostic: Diagnostic, positions: Positions, report: ReportInput) -> _Fields:
    """What the report says of ``diagnostic`` (see the module docstring)."""
    filename = diagnostic.filename
    cells = report.notebooks.get(filename)

    def place(location: Location) -> tuple[int, int]:
        if cells is not None:
            location = report.in_cell(filename, location)[1]
        return location.row, location.column

    cell, noqa_row = None, diagnostic.noqa_row
    if cells is not None:
        cell = cells.locate(diagnostic.location.row)[0]
        noqa_row = cells.locate(noqa_row)[1]
    fix = diagnostic.fix
    json_fix = None
    if fix is not None:
        edits = tuple(
            _Edit(
                edit.content,
                place(positions.location(filename, edit.start)),
                place(positions.location(filename, edit.end)),
            )
            for edit in fix.edits
        )
        json_fix = _Fix(fix.applicability.value, fix.message, edits)
    code = diagnostic.code
    name = rule_name(code)
    return _Fields(
        code,
        diagnostic.message,
        filename,
        cell,
        place(diagnostic.location),
        place(diagnostic.end_location),
        noqa_row,
        json_fix,
        name,
        rule_url(code) if name != code else None,
    )


def _place(place: tuple[int, int]) -> dict[str, int]:
    return {"row": place[0], "column": place[1]}


def _item(fields: _Fields) -> dict[str, object]:
    """One diagnostic as ``JsonDiagnostic`` dumps it."""
    item: dict[str, object] = fields._asdict()
    item["location"] = _place(fields.location)
    item["end_location"] = _place(fields.end_location)
    if fields.fix is not None:
        item["fix"] = {
            "applicability": fields.fix.applicability,
            "message": fields.fix.message,
            "edits": [
                {
                    "content": edit.content,
                    "location": _place(edit.location),
                    "end_location": _place(edit.end_location),
                }
                for edit in fields.fix.edits
            ],
        }
    return item


def _item_text(fields: _Fields, strings: dict[str | None, str]) -> str:
    """``_item(fields)`` as ``json.dumps(indent=2, ensure_ascii=False)`` writes an item
    of the report's array, from a template (see the module docstring). ``strings``: the
    JSON text of strings already written (codes, names, addresses, filenames and fix
    messages repeat)."""
    code, message, filename, cell, start, end, noqa_row, fix, name, url = fields
    texts = [_string(value, strings) for value in (code, filename, name, url)]
    return (
        f'{{\n    "code": {texts[0]},\n    "message": {encode_basestring(message)},'
        f'\n    "filename": {texts[1]},\n    "cell": {"null" if cell is None else cell},'
        f'\n    "location": {_place_text(start, "    ")},'
        f'\n    "end_location": {_place_text(end, "    ")},'
        f'\n    "noqa_row": {noqa_row},\n    "fix": {_fix_text(fix, strings)},'
        f'\n    "name": {texts[2]},\n    "url": {texts[3]}\n  }}'
    )


def _place_text(place: tuple[int, int], indent: str) -> str:
    return f'{{\n{indent}  "row": {place[0]},\n{indent}  "column": {place[1]}\n{indent}}}'


def _fix_text(fix: _Fix | None, strings: dict[str | None, str]) -> str:
    if fix is None:
        return "null"
    applicability, message = (_string(value, strings) for value in fix[:2])
    edits = ",\n        ".join(
        f'{{\n          "content": {encode_basestring(edit.content)},'
        f'\n          "location": {_place_text(edit.location, "          ")},'
        f'\n          "end_location": {_place_text(edit.end_location, "          ")}\n        }}'
        for edit in fix.edits
    )
    edits = "[\n        " + edits + "\n      ]" if fix.edits else "[]"
    return (
        f'{{\n      "applicability": {applicability},\n      "message": {message},'
        f'\n      "edits": {edits}\n    }}'
    )


def _string(value: str | None, strings: dict[str | None, str]) -> str:
    """The JSON text of ``value``, written once per report (``strings``: those written)."""
    text = strings.get(value)
    if text is None:
        text = strings[value] = "null" if value is None else encode_basestring(value)
    return text


def to_json_diagnostic(
    diagnostic: Diagnostic, positions: Positions, report: ReportInput | None = None
) -> JsonDiagnostic:
    """The JSON model of ``diagnostic`` (notebook positions per cell, given ``report``)."""
    report = report or ReportInput(diagnostics=())
    return JsonDiagnostic.model_validate(_item(_fields(diagnostic, positions, report)))


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
    strings: dict[str | None, str] = {}
    found = [_item_text(_fields(d, positions, report), strings) for d in report.diagnostics]
    return _items_text(found)


def _items_text(items: list[str]) -> str:
    """The report's array of item texts (``_item_text``), as ``json.dumps`` lays it out."""
    return "[\n  " + ",\n  ".join(items) + "\n]\n" if items else "[]\n"
