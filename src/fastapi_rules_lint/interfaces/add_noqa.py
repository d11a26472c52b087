"""``--add-noqa``: append ``# noqa: CODE`` to the rows that need it.

A diagnostic is silenced by a comment on its ``noqa_row`` (the first row of its
statement), on the last row of that statement's logical line, or on its own row, so the
comment goes on the first of those that can carry one: a row whose end lies inside a
multi-line string, or is a ``\\`` continuation, cannot (a comment there would be part
of the string, or a syntax error). So a diagnostic inside a multi-line string statement
gets its directive after the closing quotes, where a re-lint honours it. When no row
can carry one, the diagnostic is left alone and counted as skipped.
An existing ``# noqa: A`` on the row is merged (``# noqa: A, B``), keeping its
explanation (``# noqa:A  why`` → ``# noqa: A, B  why``); any other comment is kept and
the directive follows it. Syntax errors (FRL001) get no directive: a noqa cannot
silence them. Only real comments and strings count: the file is tokenized.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from fastapi_rules_lint.engine.diagnostics import Diagnostic
from fastapi_rules_lint.engine.noqa import comment_directives, logical_line_ends
from fastapi_rules_lint.engine.source import DecodedSource
from fastapi_rules_lint.files import FileAccessError, write_atomic
from fastapi_rules_lint.lint.linter import SYNTAX_ERROR

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")
_STARTS = frozenset({"FSTRING_START", "TSTRING_START"})
_ENDS = frozenset({"FSTRING_END", "TSTRING_END"})


@dataclass(frozen=True)
class NoqaResult:
    """The new text, how many rows got a directive, how many diagnostics were skipped."""

    text: str
    added: int
    skipped: int


def _layout(text: str, lines: list[str]) -> tuple[dict[int, tuple[int, str]], set[int]]:
    """Comments by row (column, text), and rows whose line end no comment can follow."""
    comments: dict[int, tuple[int, str]] = {}
    blocked: set[int] = set()
    open_strings: list[int] = []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        name = tokenize.tok_name[token.type]
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = (token.start[1], token.string)
        elif token.type == tokenize.STRING:
            blocked.update(range(token.start[0], token.end[0]))
        elif name in _STARTS:
            open_strings.append(token.start[0])
        elif name in _ENDS and open_strings:
            blocked.update(range(open_strings.pop(), token.end[0]))
    for row, line in enumerate(lines, start=1):
        if line.rstrip().endswith("\\") and row not in comments:
            blocked.add(row)
    return comments, blocked


def _merge(comment: str, codes: set[str]) -> str | None:
    """``comment`` with ``codes`` merged into its noqa; None when it has none."""
    directives = comment_directives(comment)
    if not directives:
        return None
    if any(directive.codes is None for directive in directives):
        return comment  # a bare directive already silences every code
    first = directives[0]
    assert first.codes is not None
    merged = ", ".join(sorted({*first.codes, *codes}))
    return f"{comment[: first.start]}# noqa: {merged}{comment[first.end :]}"


def add_noqa(text: str, diagnostics: Iterable[Diagnostic]) -> NoqaResult:
    """Add noqa directives for ``diagnostics`` to ``text``.

    Raises ``tokenize.TokenError``/``SyntaxError`` when this Python cannot tokenize it."""
    lines = _LINE.findall(text)
    if lines and lines[-1] == "":
        lines.pop()
    comments, blocked = _layout(text, lines)
    statement_ends = logical_line_ends(text)
    wanted: dict[int, set[str]] = {}
    skipped = 0
    for diagnostic in diagnostics:
        if diagnostic.code == SYNTAX_ERROR:
            continue
        statement_end = statement_ends.get(diagnostic.noqa_row, diagnostic.noqa_row)
        candidates = (diagnostic.noqa_row, statement_end, diagnostic.location.row)
        row = next((r for r in candidates if r not in blocked), None)
        if row is None:
            skipped += 1
            continue
        wanted.setdefault(row, set()).add(diagnostic.code)
    added = 0
    for row, codes in sorted(wanted.items()):
        if row > len(lines):
            skipped += len(codes)
            continue
        line = lines[row - 1]
        body = line.rstrip("\r\n")
        newline = line[len(body) :]
        directive = f"# noqa: {', '.join(sorted(codes))}"
        if row in comments:
            column, comment = comments[row]
            merged = _merge(comment, codes)
            new_comment = merged if merged is not None else f"{comment.rstrip()}  {directive}"
            body = body[:column] + new_comment + body[column + len(comment) :]
        else:
            body = f"{body.rstrip()}  {directive}"
        if body + newline != line:
            lines[row - 1] = body + newline
            added += 1
    return NoqaResult("".join(lines), added, skipped)


@dataclass(frozen=True)
class NoqaRun:
    """What ``write_noqa`` did across files."""

    added: int
    skipped: int
    errors: tuple[str, ...]


def write_noqa(
    files: Mapping[str, tuple[Path, DecodedSource]], diagnostics: Iterable[Diagnostic]
) -> NoqaRun:
    """Add directives for ``diagnostics`` to their files (display name → path and
    decoded source) and write the changed ones; problems become one-line errors."""
    by_file: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        by_file.setdefault(diagnostic.filename, []).append(diagnostic)
    added = skipped = 0
    errors: list[str] = []
    for display, found in by_file.items():
        if display not in files:
            continue
        path, source = files[display]
        try:
            result = add_noqa(source.text, found)
            if result.added:
                write_atomic(path, source.encode(result.text))
        except (SyntaxError, tokenize.TokenError) as error:
            errors.append(f"{display}: cannot add noqa directives: cannot tokenize: {error}")
            continue
        except UnicodeEncodeError as error:
            errors.append(f"{display}: cannot add noqa directives: {error}")
            continue
        except FileAccessError as error:
            errors.append(str(error))
            continue
        added += result.added
        skipped += result.skipped
    return NoqaRun(added, skipped, tuple(errors))
