"""Every output format: shapes and field names as INTERFACE.md specifies."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from fastapi_rules_lint.engine.diagnostics import Applicability, Diagnostic, Fix, Location, TextEdit
from fastapi_rules_lint.lint.linter import LintSettings, lint_text
from fastapi_rules_lint.lint.registry import all_rules
from fastapi_rules_lint.report import RENDERERS, ReportInput
from fastapi_rules_lint.report.text import render as render_text

SOURCE = "from typing import Any\n\ncaf\u00e9: Any = 1\n\ndef f(x: Any) -> None: ...\n"
FIXED_SOURCE = "x = 'é'\nvalue = 1\n"


def _any_diagnostics() -> list[Diagnostic]:
    settings = LintSettings(enabled=frozenset({"FRL103"}))
    return sorted(lint_text(SOURCE, "app/main.py", settings))


def _with_fix() -> Diagnostic:
    # `value` on row 2 of FIXED_SOURCE: offsets 8..13; the 'é' before it is one code point.
    return Diagnostic(
        filename="app/b.py",
        location=Location(2, 1),
        code="FRL103",
        end_location=Location(2, 6),
        message="`value` is bad",
        noqa_row=2,
        fix=Fix(Applicability.SAFE, "Rename it", (TextEdit(8, 13, "name"),)),
    )


def _report(**changes: object) -> ReportInput:
    diagnostics = [*_any_diagnostics(), _with_fix()]
    sources = {"app/main.py": SOURCE, "app/b.py": FIXED_SOURCE}
    return ReportInput(diagnostics=diagnostics, sources=sources, **changes)  # type: ignore[arg-type]


def test_json_shape_is_ruff_shaped() -> None:
    items = json.loads(RENDERERS["json"](_report()))
    assert isinstance(items, list) and len(items) == 3
    keys = [
        *("code", "message", "filename", "cell", "location", "end_location", "noqa_row"),
        *("fix", "name", "url"),
    ]
    for item in items:
        assert list(item) == keys
        assert set(item["location"]) == {"row", "column"}
    first = items[0]
    assert first["code"] == "FRL103"
    assert first["filename"] == "app/main.py"
    assert first["location"] == {"row": 3, "column": 7}  # columns count code points: `café`
    assert first["end_location"] == {"row": 3, "column": 10}
    assert first["noqa_row"] == 3
    assert first["fix"] is None
    fix = items[2]["fix"]
    assert list(fix) == ["applicability", "message", "edits"]
    assert fix["applicability"] == "safe"
    assert fix["edits"] == [
        {
            "content": "name",
            "location": {"row": 2, "column": 1},
            "end_location": {"row": 2, "column": 6},
        }
    ]


def test_json_empty_is_empty_array() -> None:
    assert json.loads(RENDERERS["json"](ReportInput(diagnostics=[]))) == []


def test_json_statistics() -> None:
    stats = json.loads(RENDERERS["json"](_report(statistics=True)))
    assert stats[0] == {
        "code": "FRL103",
        "name": "any-type",
        "count": 3,
        "fixable": False,
        "fixable_count": 1,
    }


def test_sarif_essentials() -> None:
    log = json.loads(RENDERERS["sarif"](_report()))
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "fastapi-rules"
    ids = [rule["id"] for rule in driver["rules"]]
    assert ids == [rule.code for rule in all_rules()]
    assert all(rule["shortDescription"]["text"] for rule in driver["rules"])
    result = run["results"][0]
    assert result["ruleId"] == "FRL103"
    assert ids[result["ruleIndex"]] == "FRL103"
    assert result["level"] == "error"
    assert result["message"]["text"]
    physical = result["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "app/main.py", "uriBaseId": "%SRCROOT%"}
    assert physical["region"] == {"startLine": 3, "startColumn": 7, "endLine": 3, "endColumn": 10}
    assert "%SRCROOT%" in run["originalUriBaseIds"]
    fixes = run["results"][2]["fixes"]
    replacement = fixes[0]["artifactChanges"][0]["replacements"][0]
    assert replacement["insertedContent"] == {"text": "name"}


def test_github_workflow_commands() -> None:
    lines = RENDERERS["github"](_report()).splitlines()
    assert len(lines) == 3
    pattern = re.compile(
        r"^::error title=(?P<title>[^,]+),file=(?P<file>[^,]+),line=(?P<line>\d+),"
        r"col=(?P<col>\d+),endLine=\d+,endColumn=\d+::(?P<message>.+)$"
    )
    match = pattern.match(lines[0])
    assert match is not None
    assert match["file"] == "app/main.py" and match["line"] == "3" and match["col"] == "7"
    assert match["title"] == "fastapi-rules (FRL103)"


def test_github_escapes_newlines_and_percent() -> None:
    diagnostic = Diagnostic("a,b:c.py", Location(1, 1), "FRL103", Location(1, 2), "50%\nx", 1)
    line = RENDERERS["github"](ReportInput(diagnostics=[diagnostic]))
    assert line == (
        "::error title=fastapi-rules (FRL103),file=a%2Cb%3Ac.py,line=1,col=1,endLine=1,"
        "endColumn=2::50%25%0Ax\n"
    )


def test_junit_parses() -> None:
    root = ET.fromstring(RENDERERS["junit"](_report()))
    assert root.tag == "testsuites"
    assert root.get("failures") == "3"
    suites = root.findall("testsuite")
    assert [suite.get("name") for suite in suites] == ["app/main.py", "app/b.py"]
    case = suites[0].find("testcase")
    assert case is not None and case.get("name") == "org.fastapi-rules.FRL103"
    assert case.get("line") == "3"
    failure = case.find("failure")
    assert failure is not None and failure.get("message")


def test_junit_clean_run_is_one_passing_case() -> None:
    root = ET.fromstring(RENDERERS["junit"](ReportInput(diagnostics=[])))
    assert root.get("failures") == "0"
    assert len(root.findall("testsuite/testcase")) == 1


def test_text_lines_and_summary() -> None:
    output = render_text(_report())
    lines = output.splitlines()
    assert (
        lines[0] == "app/main.py:3:7: FRL103 `Any` disables type checking here; use a precise type"
    )
    assert lines[2].startswith("app/b.py:2:1: FRL103 [*] ")
    assert lines[3] == "Found 3 errors."
    assert lines[4] == "[*] 1 fixable with the `--fix` option."
    assert "\x1b[" not in output


def test_text_unsafe_hint_and_fix_run_summary() -> None:
    diagnostic = _with_fix()
    unsafe_fix = Fix(
        Applicability.UNSAFE, "Rename it", diagnostic.fix.edits if diagnostic.fix else ()
    )
    unsafe = Diagnostic("a.py", Location(1, 1), "FRL103", Location(1, 2), "m", 1, unsafe_fix)
    hidden = render_text(ReportInput(diagnostics=[unsafe])).splitlines()
    assert "[*] " not in hidden[0]
    assert hidden[-1] == (
        "No fixes available (1 hidden fix can be enabled with the `--unsafe-fixes` option)."
    )
    shown = render_text(ReportInput(diagnostics=[unsafe], unsafe_fixes=True)).splitlines()
    assert shown[0].startswith("a.py:1:1: FRL103 [*] ")
    fixed = render_text(ReportInput(diagnostics=[unsafe], fixed=2, is_fix_run=True))
    assert "Found 3 errors (2 fixed, 1 remaining)." in fixed
    assert render_text(ReportInput(diagnostics=[], fixed=2, is_fix_run=True)) == "Fixed 2 errors.\n"
    assert render_text(ReportInput(diagnostics=[])) == "All checks passed!\n"
    assert render_text(ReportInput(diagnostics=[], quiet=True)) == ""


def test_text_show_source_carets_and_statistics() -> None:
    output = render_text(_report(show_source=True))
    assert "3 | caf\u00e9: Any = 1" in output
    assert "  |       ^^^ FRL103" in output
    stats = render_text(_report(statistics=True)).splitlines()
    # `[*]` only when every one is fixable; a partly fixable code says how many are
    assert stats[0] == "3\tFRL103\t[ ] any-type (1 fixable)"


def test_text_colour_only_when_asked() -> None:
    assert "\x1b[" in render_text(_report(color=True))


@pytest.mark.parametrize("name", sorted(RENDERERS))
def test_every_renderer_handles_no_diagnostics(name: str) -> None:
    assert isinstance(RENDERERS[name](ReportInput(diagnostics=[])), str)
