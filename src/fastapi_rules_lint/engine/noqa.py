"""Suppression comments, in ruff's and flake8's spellings.

- ``# noqa`` silences every code on its row; ``# noqa: FRL301, FRL302`` (comma or space
  separated, ``:`` optionally followed by spaces) silences those codes or prefixes.
  Codes are ``[A-Z]+[0-9]+``: parsing stops at the first word that is not one, and the
  rest is an explanation (``# noqa: E501 f-string needed here`` silences E501 only).
  ``# noqa: some text`` (a colon, then no code) and ``# noqa E501`` are bare
  directives, as flake8 reads them. A comment holding two directives
  (``# type: ignore  # noqa: A1  # noqa: B2``) silences the codes of both.
- A diagnostic is silenced by a comment on its own row or on its ``noqa_row`` (the first
  row of the statement it sits in), so one comment covers a multi-line statement. A
  comment on the *last* row of a multi-line logical line (after a closing triple-quoted
  string, a backslash continuation or a closing bracket) counts on its first row too,
  as ruff and flake8 honour it.
- ``# fastapi-rules: noqa`` alone on a line silences the file;
  ``# fastapi-rules: noqa: FRL101`` one code (or prefix) in the file. ``# flake8: noqa``
  silences the file as it does for flake8.

Only real comments count: the source is tokenized (only when it mentions ``noqa`` at
all), so ``"# noqa"`` inside a string does not suppress anything.

``Suppressions.matches`` tells which directive (and which of its codes) silences a
code, so the engine can record what was used and report the rest (FRL002).
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

_DIRECTIVE = re.compile(r"#\s*noqa", re.IGNORECASE)
_CODES = re.compile(
    r":\s*(?P<codes>[A-Z]+[0-9]+(?![A-Z0-9])(?:[\s,]+[A-Z]+[0-9]+(?![A-Z0-9]))*)",
    re.IGNORECASE,
)
_FILE = re.compile(r"#\s*(?:fastapi-rules|flake8)\s*:\s*(?=noqa)", re.IGNORECASE)
_SPLIT = re.compile(r"[\s,]+")
_ANY_NOQA = re.compile("noqa", re.IGNORECASE)


@dataclass(frozen=True)
class Directive:
    """One ``noqa`` directive. ``codes`` is None for a bare one (every code)."""

    row: int
    codes: tuple[str, ...] | None
    is_file: bool
    column: int
    """0-based column of the comment token holding the directive."""
    comment: str
    """The whole comment token."""
    start: int
    end: int
    """The directive's span inside ``comment`` (``# noqa`` through its last code)."""


Use = tuple[int, str | None]
"""(index of a directive, which of its codes) — None for a bare or file-wide one."""


@dataclass(frozen=True)
class Suppressions:
    """The noqa directives of one file and the rows they act on."""

    directives: tuple[Directive, ...] = ()
    by_row: dict[int, tuple[int, ...]] = field(default_factory=dict)
    """Row → indexes of the directives acting on it."""
    is_exact: bool = True
    """False when this Python could not tokenize the file and comments were guessed."""

    def matches(self, code: str, rows: Iterable[int]) -> list[Use]:
        """Every directive code that silences ``code`` on any of ``rows`` or file-wide."""
        found: list[Use] = []
        candidates = [i for i, d in enumerate(self.directives) if d.is_file]
        for row in dict.fromkeys(rows):
            candidates.extend(self.by_row.get(row, ()))
        for index in dict.fromkeys(candidates):
            codes = self.directives[index].codes
            if codes is None:
                found.append((index, None))
            else:
                found.extend((index, token) for token in codes if matches_code(code, token))
        return found

    def is_suppressed(self, code: str, rows: Iterable[int]) -> bool:
        """True when ``code`` is silenced on any of ``rows`` or file-wide."""
        return bool(self.matches(code, rows))


def matches_code(code: str, token: str) -> bool:
    """Whether the noqa code ``token`` (a code or a prefix) names ``code``."""
    return code.startswith(token)


NO_SUPPRESSIONS = Suppressions()


@dataclass(frozen=True)
class _Comment:
    row: int
    column: int
    text: str
    alone: bool


def _tokens(text: str) -> Iterator[tokenize.TokenInfo]:
    return tokenize.generate_tokens(io.StringIO(text).readline)


def _scan(text: str) -> tuple[list[_Comment], dict[int, int], bool]:
    """Every comment, the first row of each multi-line logical line by its last row, and
    whether the tokenizer (not a guess) found them."""
    comments: list[_Comment] = []
    first_rows: dict[int, int] = {}
    try:
        start: int | None = None
        for token in _tokens(text):
            if token.type == tokenize.COMMENT:
                alone = not token.line[: token.start[1]].strip()
                comments.append(_Comment(token.start[0], token.start[1], token.string, alone))
            elif token.type == tokenize.NEWLINE:
                if start is not None and start < token.start[0]:
                    first_rows[token.start[0]] = start
                start = None
            elif start is None and token.type not in _NON_CODE:
                start = token.start[0]
    except (tokenize.TokenError, SyntaxError):
        # A file LibCST parses but this Python's tokenizer rejects (newer syntax):
        # fall back to the text after the first `#` of each line.
        comments, first_rows = [], {}
        for row, line in enumerate(text.splitlines(), start=1):
            index = line.find("#")
            if index >= 0:
                comments.append(_Comment(row, index, line[index:], not line[:index].strip()))
        return comments, first_rows, False
    return comments, first_rows, True


_NON_CODE = frozenset(
    {tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING}
)


def logical_line_ends(text: str) -> dict[int, int]:
    """The last row of each multi-line logical line, by its first row."""
    _, first_rows, _ = _scan(text)
    return {first: last for last, first in first_rows.items()}


def _codes(comment: str, at: int) -> tuple[tuple[str, ...] | None, int]:
    """The codes after ``# noqa`` ending at ``at`` (None: bare) and where they end."""
    match = _CODES.match(comment, at)
    if match is None:
        return None, at
    codes = tuple(code.upper() for code in _SPLIT.split(match.group("codes")) if code)
    return codes, match.end()


def _directives(comment: _Comment) -> Iterator[Directive]:
    file_match = _FILE.match(comment.text) if comment.alone else None
    search_from = 0
    if file_match is not None:
        noqa_end = file_match.end() + len("noqa")
        codes, end = _codes(comment.text, noqa_end)
        rest = comment.text[end:]
        if codes is not None or not rest.strip():
            yield Directive(comment.row, codes, True, comment.column, comment.text, 0, end)
            search_from = end
    for match in _DIRECTIVE.finditer(comment.text, search_from):
        codes, end = _codes(comment.text, match.end())
        yield Directive(
            comment.row, codes, False, comment.column, comment.text, match.start(),
            max(end, match.end()),
        )


def comment_directives(comment: str) -> list[Directive]:
    """The line directives of one comment token (``row`` and ``column`` 0)."""
    return list(_directives(_Comment(0, 0, comment, alone=False)))


def parse_suppressions(text: str) -> Suppressions:
    """Collect the noqa directives of ``text``."""
    if _ANY_NOQA.search(text) is None:
        return NO_SUPPRESSIONS
    comments, first_rows, is_exact = _scan(text)
    directives: list[Directive] = []
    by_row: dict[int, list[int]] = {}
    for comment in comments:
        for directive in _directives(comment):
            index = len(directives)
            directives.append(directive)
            if directive.is_file:
                continue
            by_row.setdefault(directive.row, []).append(index)
            first = first_rows.get(directive.row)
            if first is not None:
                by_row.setdefault(first, []).append(index)
    rows = {row: tuple(indexes) for row, indexes in by_row.items()}
    return Suppressions(tuple(directives), rows, is_exact)
