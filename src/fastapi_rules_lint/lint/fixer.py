"""The fixer: apply non-overlapping fixes, re-parse, re-lint, repeat (bounded).

Each pass takes the applicable fixes of the current diagnostics in source order, keeps
those whose edits do not overlap an earlier one (the others come back, re-computed, in
the next pass), applies their text edits, adds the imports they need
(``rulebase.fix_imports``), removes the imports they made unused
(``rulebase.unused_imports``) and splits the lines they made too long
(``lint.layout``). The result must parse, and must
``compile()`` when the input did (LibCST accepts some code CPython rejects, such as a
parameter without default after one with a default). When it does not, the pass is
retried by bisection: the fixes that fail on their own are refused, the others still
apply. A refused fix is never retried in the same run, and its diagnostic is reported
without a fix. Identical fixes attached to several diagnostics (one migration that
resolves several findings) are applied once and counted for each diagnostic.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from fastapi_rules_lint.engine.diagnostics import (
    Applicability,
    Diagnostic,
    Fix,
    ImportRequest,
    Location,
    TextEdit,
)
from fastapi_rules_lint.engine.parse import is_on_big_stack, on_big_stack
from fastapi_rules_lint.engine.style import CodeStyle
from fastapi_rules_lint.lint import layout
from fastapi_rules_lint.lint.linter import LintSettings, lint_text
from fastapi_rules_lint.lint.textfix import apply_edits, compile_error
from fastapi_rules_lint.project.view import ModuleView
from fastapi_rules_lint.rulebase import fix_imports, unused_imports
from fastapi_rules_lint.semantics.python.names import LOCAL, BindingTable, build_binding_table

MAX_PASSES = 10

_FixKey = tuple[tuple[tuple[str, str], ...], tuple[ImportRequest, ...]]
"""What a fix does, independent of offsets: (replaced text, new text) per edit, imports."""


@dataclass(frozen=True)
class Refusal:
    """A fix the fixer would not apply, and why."""

    code: str
    location: Location
    reason: str


@dataclass(frozen=True)
class FixOutcome:
    """The fixed text, what was fixed, and what remains."""

    text: str
    applied: Counter[str]
    """Code → number of diagnostics fixed."""
    remaining: tuple[Diagnostic, ...]
    """Diagnostics of the final text (a refused fix is not attached to its diagnostic)."""
    refused: tuple[str, ...] = ()
    """Codes with a fix that was refused (the result did not parse or compile, or an
    import it needs would rebind a name)."""
    refusals: tuple[Refusal, ...] = ()
    passes: int = 0

    @property
    def is_changed(self) -> bool:
        """True when any fix was applied."""
        return sum(self.applied.values()) > 0


def is_applicable(fix: Fix | None, *, unsafe: bool) -> bool:
    """True when ``fix`` may be applied under the run's safety setting."""
    if fix is None:
        return False
    return fix.applicability is Applicability.SAFE or unsafe


@dataclass
class _Candidate:
    fix: Fix
    key: _FixKey
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _key(text: str, fix: Fix) -> _FixKey:
    return tuple((text[e.start : e.end], e.content) for e in fix.edits), fix.imports


def _candidates(
    text: str, diagnostics: Sequence[Diagnostic], unsafe: bool, refused: dict[_FixKey, str]
) -> list[_Candidate]:
    grouped: dict[tuple[tuple[TextEdit, ...], tuple[ImportRequest, ...]], _Candidate] = {}
    for diagnostic in diagnostics:
        fix = diagnostic.fix
        if fix is None or not is_applicable(fix, unsafe=unsafe):
            continue
        key = _key(text, fix)
        if key in refused:
            continue
        candidate = grouped.setdefault((fix.edits, fix.imports), _Candidate(fix, key))
        candidate.diagnostics.append(diagnostic)
    return list(grouped.values())


def _trailing_cr(text: str) -> int:
    return len(text) - len(text.rstrip("\r"))


def _conflict(a: TextEdit, b: TextEdit) -> bool:
    if a.start == a.end and b.start == b.end:
        return a.start == b.start  # two insertions at one point: order is ambiguous
    return a.start < b.end and b.start < a.end


def _non_overlapping(candidates: list[_Candidate]) -> list[_Candidate]:
    taken: list[TextEdit] = []
    chosen: list[_Candidate] = []
    for candidate in candidates:
        edits = candidate.fix.edits
        if any(_conflict(edit, other) for edit in edits for other in taken):
            continue
        taken.extend(edits)
        chosen.append(candidate)
    return chosen


class _Pass:
    """One pass over one text: checks and applies a set of candidates."""

    def __init__(
        self,
        text: str,
        path: str,
        must_compile: bool,
        style: CodeStyle | None = None,
        own_package: str | None = None,
        module: cst.Module | None = None,
    ) -> None:
        self.text = text
        self.path = path
        self.must_compile = must_compile
        self.style = style or CodeStyle()
        self.own_package = own_package
        """The module's top-level package: first-party, where new imports go."""
        self._module = module
        """A tree of ``text`` (parsed when first needed)."""
        self.trees: dict[str, cst.Module] = {}
        """A tree of each text ``attempt`` made: the next pass's, spared a parse."""
        self._top: dict[str, set[str]] | None = None
        self._table: BindingTable | None = None
        self._before_uses: dict[str, int] = {}

    @property
    def parsed(self) -> cst.Module | None:
        """The tree of ``text`` when one was given or parsed."""
        return self._module

    @property
    def module(self) -> cst.Module:
        if self._module is None:
            self._module = cst.parse_module(self.text)
        return self._module

    @property
    def table(self) -> BindingTable:
        if self._table is None:
            self._table = build_binding_table(self.module)
        return self._table

    def import_status(self, request: ImportRequest) -> str:
        if self._top is None:
            self._top = fix_imports.top_imports(self.module)
        return fix_imports.import_status(request, self._top, self.table.bindings)

    def precheck(self, candidate: _Candidate) -> str | None:
        """Why ``candidate`` cannot apply at all, checked without applying it."""
        edits = candidate.fix.edits
        if any(not 0 <= e.start <= e.end <= len(self.text) for e in edits):
            return "an edit lies outside the file"
        if all(self.text[e.start : e.end] == e.content for e in edits):
            return "the fix changes nothing"
        for request in candidate.fix.imports:
            if self.import_status(request) == "collision":
                name = fix_imports.bound_name(request)
                return f"the import of `{name}` would rebind a name the module already uses"
        return None

    def attempt(self, candidates: Sequence[_Candidate]) -> str | tuple[str]:
        """The fixed text, or ``(reason,)`` when the result is refused."""
        edits = [edit for candidate in candidates for edit in candidate.fix.edits]
        edited = apply_edits(self.text, edits)
        try:
            module = cst.parse_module(edited)
        except (cst.ParserSyntaxError, RecursionError, ValueError, TypeError):
            return ("the result does not parse",)
        added = "\n".join(edit.content for edit in edits)
        missing = list(
            dict.fromkeys(
                request
                for candidate in candidates
                for request in candidate.fix.imports
                # An import the new code does not mention would only be left unused.
                if re.search(rf"\b{re.escape(fix_imports.bound_name(request))}\b", added)
                and self.import_status(request) == "missing"
            )
        )
        if missing:
            module = fix_imports.add_imports(module, missing, self.style, self.own_package)
        replaced, replaced_locals = self._imported_names_in(edits)
        # Scope analysis (the costly part) only for names the pass wrote fewer times.
        replaced = self._fewer_uses(replaced, edited)
        replaced_locals = self._fewer_uses(replaced_locals, edited)
        if replaced_locals:
            module = self._without_local_imports_made_unused(module, replaced_locals)
        if replaced:
            module = self._without_imports_made_unused(module, replaced)
        # Lines the fixes made too long are split as the formatters split them.
        code, module = layout.wrap_module(self.text, module, self.style.line_length)
        # LibCST drops a final lone `\r` (old Mac newline): keep the file's bytes.
        missing_cr = _trailing_cr(edited) - _trailing_cr(code)
        if missing_cr > 0:
            code += "\r" * missing_cr
        if self.must_compile:
            error = compile_error(code, self.path)
            if error is not None:
                return (f"the result does not compile: {error}",)
        if missing_cr <= 0:
            self.trees[code] = module
        return code

    def _imported_names_in(self, edits: Sequence[TextEdit]) -> tuple[set[str], set[str]]:
        """Names mentioned in the text the edits replace that module-level imports, and
        imports inside functions, bind."""
        replaced = "\n".join(self.text[e.start : e.end] for e in edits if e.start < e.end)
        if not replaced:
            return set(), set()
        words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", replaced))
        module_level = {
            name
            for name in words & self.table.bindings.keys()
            if LOCAL not in self.table.bindings[name]
        }
        return module_level, words & unused_imports.local_import_names(self.text)

    def _fewer_uses(self, names: set[str], edited: str) -> set[str]:
        """The ``names`` that ``edited`` mentions fewer times than the text does, as a
        name (not as an attribute after a dot): an import keeps a use the pass did not
        take away, so only those can have become unused."""
        return {
            name
            for name in names
            if unused_imports.name_uses(edited, name) < self._uses_before(name)
        }

    def _uses_before(self, name: str) -> int:
        count = self._before_uses.get(name)
        if count is None:
            count = self._before_uses[name] = unused_imports.name_uses(self.text, name)
        return count

    def _without_local_imports_made_unused(
        self, module: cst.Module, names: set[str]
    ) -> cst.Module:
        targets = unused_imports.made_unused_locally(self.module, module, names)
        if not targets:
            return module
        cleaned = unused_imports.remove_local_imports(module, targets)
        if unused_imports.comments(cleaned) != unused_imports.comments(module):
            return module
        return cleaned

    def _without_imports_made_unused(self, module: cst.Module, names: set[str]) -> cst.Module:
        keys = unused_imports.made_unused(self.module, module, names)
        if not keys:
            return module
        cleaned = unused_imports.remove_imports(module, keys)
        # Removing a whole import line drops the comment lines above it; keeping an
        # import is the lesser harm.
        if unused_imports.comments(cleaned) != unused_imports.comments(module):
            return module
        return cleaned

    def solve(
        self, candidates: list[_Candidate]
    ) -> tuple[str | None, list[_Candidate], list[tuple[_Candidate, str]]]:
        """(text, applied, refused with reasons): bisect until the bad fixes are found."""
        result = self.attempt(candidates)
        if isinstance(result, str):
            return result, candidates, []
        if len(candidates) == 1:
            return None, [], [(candidates[0], result[0])]
        middle = len(candidates) // 2
        left_text, left, left_bad = self.solve(candidates[:middle])
        right_text, right, right_bad = self.solve(candidates[middle:])
        bad = left_bad + right_bad
        if left and right:
            both = self.attempt(left + right)
            if isinstance(both, str):
                return both, left + right, bad
            # Each half works alone but not together: apply one now, the rest next pass.
            return left_text, left, bad
        if left:
            return left_text, left, bad
        return right_text, right, bad


def _top_level_package(project: ModuleView | None) -> str | None:
    """The top-level package of the module (ruff's ``detect-same-package``); None for a
    module outside any package."""
    if project is None or project.module is None:
        return None
    ref = project.module
    if "." not in ref.name and not ref.is_package:
        return None
    return ref.name.split(".")[0]


def fix_text(
    text: str,
    path: str,
    settings: LintSettings,
    *,
    unsafe: bool = False,
    project: ModuleView | None = None,
) -> FixOutcome:
    """Fix ``text`` until nothing fixable is left (at most ``MAX_PASSES`` passes)."""
    if not is_on_big_stack():  # parses, like lint_text, on the big stack (engine.parse)
        return on_big_stack(lambda: fix_text(text, path, settings, unsafe=unsafe, project=project))
    applied: Counter[str] = Counter()
    refused: dict[_FixKey, str] = {}
    refusals: list[Refusal] = []
    must_compile = compile_error(text, path) is None
    own_package = _top_level_package(project)
    diagnostics = lint_text(text, path, settings, project)
    passes = 0
    tree: cst.Module | None = None
    while passes < MAX_PASSES:
        candidates = _candidates(text, diagnostics, unsafe, refused)
        if not candidates:
            break
        passes += 1
        current = _Pass(text, path, must_compile, settings.style, own_package, tree)

        def refuse(candidate: _Candidate, reason: str) -> None:
            refused[candidate.key] = reason
            refusals.extend(
                Refusal(d.code, d.location, reason) for d in candidate.diagnostics
            )

        ready: list[_Candidate] = []
        for candidate in _non_overlapping(candidates):
            reason = current.precheck(candidate)
            if reason is None:
                ready.append(candidate)
            else:
                refuse(candidate, reason)
        tree = current.parsed  # the text stays when nothing applies
        if not ready:
            continue
        fixed, good, bad = current.solve(ready)
        for candidate, reason in bad:
            refuse(candidate, reason)
        if fixed is None or not good:
            continue
        for candidate in good:
            applied.update(d.code for d in candidate.diagnostics)
        text = fixed
        tree = current.trees.get(fixed)
        diagnostics = lint_text(text, path, settings, project)
    remaining = tuple(
        dataclasses.replace(d, fix=None)
        if d.fix is not None and _key(text, d.fix) in refused
        else d
        for d in diagnostics
    )
    return FixOutcome(
        text=text,
        applied=applied,
        remaining=remaining,
        refused=tuple(sorted({r.code for r in refusals})),
        refusals=tuple(refusals),
        passes=passes,
    )


def apply_fix(
    text: str,
    path: str,
    fix: Fix,
    settings: LintSettings,
    project: ModuleView | None = None,
) -> str | None:
    """``text`` with the one fix ``fix`` applied as a pass of ``fix_text`` applies it
    (its imports added and laid out, imports it left unused removed); None when the
    fixer would refuse it. For an editor's "fix this" action."""
    if not is_on_big_stack():
        return on_big_stack(lambda: apply_fix(text, path, fix, settings, project))
    candidate = _Candidate(fix, _key(text, fix))
    must_compile = compile_error(text, path) is None
    current = _Pass(text, path, must_compile, settings.style, _top_level_package(project))
    if current.precheck(candidate) is not None:
        return None
    fixed, good, _ = current.solve([candidate])
    return fixed if good else None
