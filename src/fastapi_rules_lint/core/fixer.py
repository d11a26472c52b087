"""The fixer: apply non-overlapping fixes, re-parse, re-lint, repeat (bounded).

(First cut: the issue-3 work hardens imports, refusals and reporting.)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import libcst as cst

from fastapi_rules_lint.core.diagnostics import Applicability, Diagnostic, Fix, TextEdit
from fastapi_rules_lint.core.engine import LintSettings, lint_text
from fastapi_rules_lint.core.fastapi import ProjectIndex

MAX_PASSES = 10


@dataclass(frozen=True)
class FixOutcome:
    """The fixed text, what was fixed, and what remains."""

    text: str
    applied: Counter[str]
    """Code → number of fixes applied."""
    remaining: tuple[Diagnostic, ...]
    """Diagnostics of the final text."""
    refused: tuple[str, ...] = ()
    """Codes whose fixes were refused because the result did not parse."""

    @property
    def is_changed(self) -> bool:
        """True when any fix was applied."""
        return sum(self.applied.values()) > 0


def is_applicable(fix: Fix | None, *, unsafe: bool) -> bool:
    """True when ``fix`` may be applied under the run's safety setting."""
    if fix is None:
        return False
    return fix.applicability is Applicability.SAFE or unsafe


def _apply(text: str, fixes: list[tuple[str, Fix]]) -> tuple[str, Counter[str]]:
    """Apply fixes whose edits do not overlap an earlier accepted fix's."""
    accepted: list[tuple[int, int]] = []
    edits: list[TextEdit] = []
    applied: Counter[str] = Counter()
    for code, fix in fixes:
        spans = [(edit.start, edit.end) for edit in fix.edits]
        if any(s < e2 and s2 < e or (s == e == s2 == e2) for s, e in spans for s2, e2 in accepted):
            continue
        accepted.extend(spans)
        edits.extend(fix.edits)
        applied[code] += 1
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        text = text[: edit.start] + edit.content + text[edit.end :]
    return text, applied


def fix_text(
    text: str,
    path: str,
    settings: LintSettings,
    *,
    unsafe: bool = False,
    project: ProjectIndex | None = None,
) -> FixOutcome:
    """Fix ``text`` until nothing fixable is left (at most ``MAX_PASSES`` passes)."""
    applied: Counter[str] = Counter()
    refused: set[str] = set()
    diagnostics = lint_text(text, path, settings, project)
    for _ in range(MAX_PASSES):
        fixes = [
            (d.code, d.fix)
            for d in diagnostics
            if d.fix is not None and d.code not in refused and is_applicable(d.fix, unsafe=unsafe)
        ]
        if not fixes:
            break
        candidate, counts = _apply(text, fixes)
        try:
            cst.parse_module(candidate)
        except cst.ParserSyntaxError:
            refused.update(counts)
            continue
        text = candidate
        applied += counts
        diagnostics = lint_text(text, path, settings, project)
    return FixOutcome(text, applied, tuple(diagnostics), tuple(sorted(refused)))
