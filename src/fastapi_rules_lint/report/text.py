"""The default output: ``path:row:col: CODE [*] message``, then a summary, as ruff prints.

``[*]`` marks a diagnostic that ``--fix`` fixes with this run's settings (unsafe fixes
count only with ``--unsafe-fixes``). Colour only when ``ReportInput.color`` (the CLI
decides: a TTY and no ``NO_COLOR``). ``--show-source`` adds the line with carets under
the range; ``--statistics`` replaces the listing with per-code counts (``[*]``: every
occurrence is fixable; ``(N fixable)``: only some are). A line break in a message or a
path is shown as ``\\n`` (``\\r``), so every diagnostic stays on one line for ``grep``
and editors' problem matchers. A notebook's positions read
``path.ipynb:cell 3:2:5`` (row 2 of cell 3), as ruff prints them.
"""

from __future__ import annotations

import re
import unicodedata

import click

from fastapi_rules_lint.engine.diagnostics import Diagnostic
from fastapi_rules_lint.report.base import ReportInput, plural, statistics

_NEWLINE = re.compile(r"\r\n|\r|\n")
_LINE_BREAKS = str.maketrans({"\r": "\\r", "\n": "\\n"})
_TAB = "    "


def render(report: ReportInput) -> str:
    """The text report."""
    paint = _painter(report.color)
    lines: list[str] = []
    if report.statistics:
        lines.extend(_statistics(report, paint))
    else:
        for diagnostic in report.diagnostics:
            lines.append(_headline(report, diagnostic, paint))
            if report.show_source:
                lines.extend(_snippet(report, diagnostic, paint))
    if not report.quiet:
        lines.extend(summary(report, paint))
    return "".join(f"{line}\n" for line in lines)


class _Painter:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, fg: str | None = None, *, bold: bool = False) -> str:
        return click.style(text, fg=fg, bold=bold) if self.enabled else text


def _painter(enabled: bool) -> _Painter:
    return _Painter(enabled)


def _headline(report: ReportInput, diagnostic: Diagnostic, paint: _Painter) -> str:
    colon = paint(":", "cyan")
    marker = paint("[*] ", "cyan") if report.is_applicable(diagnostic) else ""
    cell, location = report.in_cell(diagnostic.filename, diagnostic.location)
    where = colon.join(
        (
            paint(one_line(diagnostic.filename), bold=True),
            *(() if cell is None else (f"cell {cell}",)),
            str(location.row),
            str(location.column),
        )
    )
    code = paint(diagnostic.code, "red", bold=True)
    return f"{where}{colon} {code} {marker}{one_line(diagnostic.message)}"


def one_line(text: str) -> str:
    """``text`` with its line breaks written as ``\\r`` and ``\\n``."""
    return text.translate(_LINE_BREAKS)


def _width(text: str) -> int:
    """Terminal columns ``text`` takes (tabs shown as four spaces, wide chars as two)."""
    return sum(
        len(_TAB) if char == "\t" else 2 if unicodedata.east_asian_width(char) in "WF" else 1
        for char in text
    )


def _snippet(report: ReportInput, diagnostic: Diagnostic, paint: _Painter) -> list[str]:
    source = report.sources.get(diagnostic.filename)
    if source is None:
        return []
    rows = _NEWLINE.split(source)
    row = diagnostic.location.row
    if not 1 <= row <= len(rows):
        return []
    line = rows[row - 1]
    start = min(diagnostic.location.column - 1, len(line))
    end = diagnostic.end_location.column - 1 if diagnostic.end_location.row == row else len(line)
    carets = max(_width(line[start:end]), 1)
    shown = str(report.in_cell(diagnostic.filename, diagnostic.location)[1].row)
    gutter = " " * len(shown)
    bar = paint("|", "blue", bold=True)
    pointer = " " * _width(line[:start]) + paint(
        "^" * carets + " " + diagnostic.code, "red", bold=True
    )
    return [
        f"{gutter} {bar}",
        f"{paint(shown, 'blue', bold=True)} {bar} {line.replace(chr(9), _TAB)}",
        f"{gutter} {bar} {pointer}",
        f"{gutter} {bar}",
        "",
    ]


def _statistics(report: ReportInput, paint: _Painter) -> list[str]:
    found = statistics(report)
    if not found:
        return []
    count_width = max(len(str(item.count)) for item in found)
    code_width = max(len(item.code) for item in found)
    any_fixable = any(item.fixable_count for item in found)
    lines = []
    for item in found:
        marker = "[*] " if item.fixable else "[ ] " if any_fixable else ""
        partly = (
            f" ({item.fixable_count} fixable)" if 0 < item.fixable_count < item.count else ""
        )
        lines.append(
            f"{item.count:>{count_width}}\t{paint(item.code.ljust(code_width), 'red', bold=True)}"
            f"\t{marker}{item.name}{partly}"
        )
    return lines


def summary(report: ReportInput, paint: _Painter | None = None) -> list[str]:
    """The closing lines: counts, then what ``--fix``/``--unsafe-fixes`` would do."""
    paint = paint or _painter(False)
    remaining = len(report.diagnostics)
    fixed = report.fixed
    if remaining == 0 and fixed == 0:
        if report.had_errors:
            return ["No diagnostics in the files that could be checked; see the errors above."]
        return [paint("All checks passed!", "green", bold=True)]
    if fixed and not remaining:
        lines = [f"Fixed {plural(fixed, 'error')}."]
    elif fixed:
        total = fixed + remaining
        lines = [f"Found {plural(total, 'error')} ({fixed} fixed, {remaining} remaining)."]
    else:
        lines = [f"Found {plural(remaining, 'error')}."]
    applicable = 0 if report.is_fix_run else sum(map(report.is_applicable, report.diagnostics))
    hidden = sum(map(report.is_hidden, report.diagnostics))
    extra = f"{plural(hidden, 'hidden fix', 'es')} can be enabled with the `--unsafe-fixes` option"
    if applicable and hidden:
        lines.append(f"[*] {applicable} fixable with the `--fix` option ({extra}).")
    elif applicable:
        lines.append(f"[*] {applicable} fixable with the `--fix` option.")
    elif hidden:
        lines.append(f"No fixes available ({extra}).")
    return lines
