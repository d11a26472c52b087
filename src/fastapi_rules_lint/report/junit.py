"""``--output-format junit``: JUnit XML, one test suite per file, one failing test case
per diagnostic (ruff's layout); a clean run is one passing test case."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import groupby

from fastapi_rules_lint.report.base import ReportInput

NAME = "fastapi-rules"


def render(report: ReportInput) -> str:
    """The JUnit XML document."""
    total = len(report.diagnostics)
    suites = ET.Element(
        "testsuites", name=NAME, tests=str(max(total, 1)), failures=str(total), errors="0"
    )
    if not total:
        suite = ET.SubElement(
            suites, "testsuite", name=NAME, tests="1", disabled="0", errors="0", failures="0"
        )
        ET.SubElement(suite, "testcase", name="No errors found", classname=NAME)
    for filename, group in groupby(report.diagnostics, key=lambda d: d.filename):
        found = list(group)
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=filename,
            tests=str(len(found)),
            disabled="0",
            errors="0",
            failures=str(len(found)),
            package=f"org.{NAME}",
        )
        classname = filename.rsplit(".", 1)[0]
        for d in found:
            case = ET.SubElement(
                suite,
                "testcase",
                name=f"org.{NAME}.{d.code}",
                classname=classname,
                line=str(d.location.row),
                column=str(d.location.column),
            )
            failure = ET.SubElement(case, "failure", message=d.message)
            failure.text = f"line {d.location.row}, col {d.location.column}, {d.message}"
    ET.indent(suites, space="    ")
    body = ET.tostring(suites, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
