"""FRL002 ``unused-noqa``: the engine's report of FRL codes in noqa directives that
silenced nothing.

The linter's suppression filter sees every report before dropping it and records which
directive code matched it (``engine.noqa.Use``); this module turns the directive codes
nobody used into diagnostics, each with a safe fix. Only ``FRL`` codes are judged
(other tools' codes and bare ``# noqa`` are theirs to judge). A code whose rule is off
is judged by running that rule anyway (``named_rules``; its reports only mark
directives used): a ``# noqa: FRL207`` kept for a run that turns FRL207 on is used when
FRL207 would fire there, and dead when it would not, whatever is selected. A code that
names no rule at all (``FRL999``) is always reported. ``FRL002`` itself is never
judged.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator

from fastapi_rules_lint.engine.diagnostics import (
    Applicability,
    Diagnostic,
    Fix,
    Location,
    TextEdit,
)
from fastapi_rules_lint.engine.noqa import Directive, Suppressions, Use, matches_code
from fastapi_rules_lint.engine.positions import LineIndex
from fastapi_rules_lint.lint.registry import all_rules

UNUSED_NOQA = "FRL002"
_PREFIX = "FRL"


def named_rules(suppressions: Suppressions) -> frozenset[str]:
    """The codes of the rules the FRL codes of ``suppressions`` name."""
    tokens = {
        token
        for directive in suppressions.directives
        for token in directive.codes or ()
        if token.startswith(_PREFIX)
    }
    return frozenset(
        rule.code
        for rule in all_rules()
        if rule.code != UNUSED_NOQA and any(matches_code(rule.code, t) for t in tokens)
    )


def _dead_codes(
    index: int, directive: Directive, used: Collection[Use]
) -> tuple[list[str], list[str]]:
    """The directive's unused codes and its unknown ones."""
    known = [rule.code for rule in all_rules() if rule.code != UNUSED_NOQA]
    unused: list[str] = []
    unknown: list[str] = []
    for token in directive.codes or ():
        if not token.startswith(_PREFIX) or token == UNUSED_NOQA or (index, token) in used:
            continue
        covered = [code for code in known if matches_code(code, token)]
        if not covered:
            unknown.append(token)
        else:
            unused.append(token)
    return unused, unknown


def unused_noqa(
    text: str,
    path: str,
    suppressions: Suppressions,
    used: Collection[Use],
) -> Iterator[Diagnostic]:
    """One FRL002 diagnostic per directive holding FRL codes that silenced nothing."""
    if not suppressions.is_exact:
        return  # comments were guessed without the tokenizer: too unsure to report
    lines: LineIndex | None = None
    for index, directive in enumerate(suppressions.directives):
        if directive.codes is None:
            continue
        unused, unknown = _dead_codes(index, directive, used)
        if not unused and not unknown:
            continue
        lines = lines or LineIndex.of(text)
        parts = []
        if unused:
            parts.append("unused: " + ", ".join(f"`{code}`" for code in unused))
        if unknown:
            parts.append("unknown: " + ", ".join(f"`{code}`" for code in unknown))
        column = directive.column + directive.start + 1
        end_column = directive.column + directive.end + 1
        yield Diagnostic(
            filename=path,
            location=Location(directive.row, column),
            code=UNUSED_NOQA,
            end_location=Location(directive.row, end_column),
            message=f"Unused `noqa` directive ({'; '.join(parts)})",
            noqa_row=directive.row,
            fix=_fix(text, lines, directive, {*unused, *unknown}),
        )


def _fix(text: str, lines: LineIndex, directive: Directive, dead: set[str]) -> Fix:
    assert directive.codes is not None
    comment = directive.comment
    kept = [code for code in directive.codes if code not in dead]
    line_start = lines.line_starts[directive.row - 1]
    comment_start = line_start + directive.column
    comment_end = comment_start + len(comment)
    if kept:
        # Only the code list changes: the directive's spelling and explanation stay.
        first = comment.upper().index(directive.codes[0], directive.start)
        new = f"{comment[:first]}{', '.join(kept)}{comment[directive.end :]}"
        edit = TextEdit(comment_start, comment_end, new)
    else:
        # The directive and its explanation go (up to another `#` in the comment).
        tail = comment[directive.end :]
        hash_at = tail.find("#")
        rest = [comment[: directive.start].rstrip(), tail[hash_at:] if hash_at >= 0 else ""]
        new = "  ".join(part for part in rest if part)
        if new and new != "#":
            edit = TextEdit(comment_start, comment_end, new)
        else:
            edit = _remove_comment(text, lines, directive.row, comment_start, comment_end)
    return Fix(Applicability.SAFE, "Remove the unused `noqa` codes", (edit,))


def _remove_comment(
    text: str, lines: LineIndex, row: int, comment_start: int, comment_end: int
) -> TextEdit:
    """Remove a comment and the blanks before it, or its whole line when it is alone."""
    line_start = lines.line_starts[row - 1]
    before = text[line_start:comment_start]
    if not before.strip():
        next_start = lines.line_starts[row] if row < len(lines.line_starts) else len(text)
        return TextEdit(line_start, next_start, "")
    return TextEdit(line_start + len(before.rstrip()), comment_end, "")
