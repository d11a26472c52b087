"""``--output-format github``: GitHub Actions workflow commands, one per diagnostic.

``::error file=app/main.py,line=12,col=5,endLine=12,endColumn=20,title=FRL301::message``
— GitHub shows each as an annotation on the pull request. Values are escaped as the
runner expects (``%``, CR, LF everywhere; ``:`` and ``,`` in properties).
"""

from __future__ import annotations

from fastapi_rules_lint.report.base import ReportInput


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: ReportInput) -> str:
    """The workflow commands."""
    lines = []
    for d in report.diagnostics:
        properties = ",".join(
            (
                f"file={_property(d.filename)}",
                f"line={d.location.row}",
                f"col={d.location.column}",
                f"endLine={d.end_location.row}",
                f"endColumn={d.end_location.column}",
                f"title={_property(d.code)}",
            )
        )
        lines.append(f"::error {properties}::{_data(d.message)}\n")
    return "".join(lines)
