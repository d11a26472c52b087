"""Removing the imports a fix left unused, and only those.

Answers "which imports did this pass make unused, and how are they removed":

- LibCST's ``RemoveImportsVisitor`` removes an import only when scope analysis finds no
  use. The fixer asks it to remove exactly the imports a pass made unused
  (``made_unused``): bound by an import, mentioned in the text the pass replaced,
  referenced before the pass and not after it. An import the user left unused is
  theirs to keep.
- Imports inside functions that a pass made unused are removed too (``import time``
  in the function whose ``time.sleep`` became ``asyncio.sleep``), by node
  (``made_unused_locally``, ``remove_local_imports``): another ``import time``
  elsewhere, which the pass did not touch, stays. The next statement takes the removed
  line's blank lines (no blank line left at the top of a body).

LibCST's codemod visitors are matcher-decoratable and cost tens of milliseconds each to
build, and ``Codemod.transform_module`` deep-copies the module, and scope analysis
costs a whole-module traversal: so the scope analysis that decides removals runs only
when a pass replaced text naming an imported name and left that name fewer mentions
(``name_uses``: a fix that keeps every mention of a name keeps its uses).

Adding imports is ``rulebase.fix_imports``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import libcst as cst
from libcst.helpers import get_absolute_module_from_package_for_import
from libcst.metadata import (
    GlobalScope,
    ImportAssignment,
    MetadataWrapper,
    Scope,
    ScopeProvider,
)

from fastapi_rules_lint.rulebase.fix_imports import split_blanks

# Relative imports resolve against a package; any package deep enough will do, as
# long as removal keys are computed against the same one.
_PACKAGE = ".".join(f"_p{level}" for level in range(12))
ImportKey = tuple[str, str | None, str | None]
"""(absolute module, imported object or None, alias or None)."""


def _import_assignments(module: cst.Module) -> dict[str, list[ImportAssignment]]:
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    found: dict[str, list[ImportAssignment]] = {}
    for scope in wrapper.resolve(ScopeProvider).values():
        if isinstance(scope, GlobalScope):
            for assignment in scope.assignments:
                if isinstance(assignment, ImportAssignment):
                    found.setdefault(assignment.name, []).append(assignment)
            break
    return found


class _Strings(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self.text.append(node.value)


def _in_strings(module: cst.Module, names: Iterable[str]) -> set[str]:
    """Names mentioned in a string literal (``__all__``, string annotations): kept."""
    collector = _Strings()
    module.visit(collector)
    text = "\n".join(collector.text)
    return {name for name in names if re.search(rf"\b{re.escape(name)}\b", text)}


def _keys(assignments: Iterable[ImportAssignment]) -> set[ImportKey]:
    keys: set[ImportKey] = set()
    for assignment in assignments:
        node = assignment.node
        if not isinstance(node, (cst.Import, cst.ImportFrom)) or isinstance(
            node.names, cst.ImportStar
        ):
            continue
        for alias in node.names:
            default = alias.evaluated_name
            if isinstance(node, cst.Import):
                default = default.split(".")[0]
            if (alias.evaluated_alias or default) != assignment.name:
                continue
            if isinstance(node, cst.Import):
                keys.add((alias.evaluated_name, None, alias.evaluated_alias))
                continue
            absolute = get_absolute_module_from_package_for_import(_PACKAGE, node)
            if absolute is not None:
                keys.add((absolute, alias.evaluated_name, alias.evaluated_alias))
    return keys


def name_uses(text: str, name: str) -> int:
    """How many times ``text`` mentions ``name``, not after a dot (in comments and
    strings too: an over-estimate of its uses)."""
    return len(re.findall(rf"(?<![\w.]){re.escape(name)}(?!\w)", text))


def made_unused(before: cst.Module, after: cst.Module, names: Iterable[str]) -> set[ImportKey]:
    """Imports binding one of ``names`` that were referenced in ``before`` and are not
    in ``after``. Dotted ``import a.b`` bindings are left alone."""
    now = _import_assignments(after)
    candidates = [
        name
        for name in names
        if "." not in name
        and name in now
        and not any(assignment.references for assignment in now[name])
    ]
    if not candidates:
        return set()
    then = _import_assignments(before)
    lost = {
        name
        for name in candidates
        if any(assignment.references for assignment in then.get(name, ()))
    }
    lost -= _in_strings(after, lost)
    return _keys(assignment for name in lost for assignment in now[name])


def remove_imports(module: cst.Module, keys: Iterable[ImportKey]) -> cst.Module:
    """``module`` without the given imports, each removed only if still unused."""
    from libcst.codemod import CodemodContext  # lazily, see the module docstring
    from libcst.codemod.visitors import RemoveImportsVisitor

    context = CodemodContext(full_package_name=_PACKAGE)
    for module_name, obj, alias in keys:
        RemoveImportsVisitor.remove_unused_import(context, module_name, obj, alias)
    return RemoveImportsVisitor(context).transform_module(module)


# An indented import statement: what it imports (the parenthesized list may span lines).
_INDENTED_IMPORT = re.compile(
    r"^[ \t]+(?:from[ \t]+[\w.]+[ \t]+)?import[ \t]+(\([^)]*\)|[^\n]*)", re.MULTILINE
)
_WORD = re.compile(r"[A-Za-z_]\w*")


def local_import_names(text: str) -> frozenset[str]:
    """The names imports inside functions (indented imports) may bind: a cheap textual
    over-estimate (every word of those statements) that ``made_unused_locally`` checks."""
    return frozenset(
        word
        for found in _INDENTED_IMPORT.finditer(text)
        for word in _WORD.findall(found.group(1))
        if word != "as"
    )


LocalImport = tuple[cst.Import | cst.ImportFrom, str]
"""An import statement inside a function (a node of the module) and a name it binds."""


def _scope_path(scope: Scope) -> tuple[str, ...]:
    path: list[str] = []
    current: Scope = scope
    while not isinstance(current, GlobalScope):
        path.append(getattr(current, "name", None) or type(current).__name__)
        current = current.parent
    return tuple(reversed(path))


def _local_imports(
    module: cst.Module, names: frozenset[str]
) -> dict[tuple[tuple[str, ...], str], list[ImportAssignment]]:
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    resolved = wrapper.resolve(ScopeProvider).values()
    scopes = {id(scope): scope for scope in resolved if scope is not None}
    found: dict[tuple[tuple[str, ...], str], list[ImportAssignment]] = {}
    for scope in scopes.values():
        if isinstance(scope, GlobalScope):
            continue
        path = _scope_path(scope)
        for assignment in scope.assignments:
            if (
                isinstance(assignment, ImportAssignment)
                and assignment.scope is scope
                and assignment.name in names
            ):
                found.setdefault((path, assignment.name), []).append(assignment)
    return found


def made_unused_locally(
    before: cst.Module, after: cst.Module, names: Iterable[str]
) -> list[LocalImport]:
    """Imports inside functions binding one of ``names``, referenced in ``before`` and
    not in ``after`` (matched by function and name; dotted ``import a.b`` left alone,
    and a function holding two imports of one name too)."""
    wanted = frozenset(name for name in names if "." not in name)
    if not wanted:
        return []
    now = _local_imports(after, wanted)
    unused = {
        key: assignments[0]
        for key, assignments in now.items()
        if len(assignments) == 1 and not assignments[0].references
    }
    if not unused:
        return []
    then = _local_imports(before, frozenset(name for _, name in unused))
    lost = {
        key: assignment
        for key, assignment in unused.items()
        if len(then.get(key, ())) == 1 and then[key][0].references
    }
    kept = _in_strings(after, {name for _, name in lost})
    found: list[LocalImport] = []
    for (_, name), assignment in lost.items():
        node = assignment.node
        if name not in kept and isinstance(node, (cst.Import, cst.ImportFrom)):
            found.append((node, name))
    return found


def remove_local_imports(module: cst.Module, targets: Iterable[LocalImport]) -> cst.Module:
    """``module`` without the given names of the given import statements."""
    by_node: dict[int, set[str]] = {}
    for node, name in targets:
        by_node.setdefault(id(node), set()).add(name)
    return module.visit(_RemoveLocal(by_node))


class _RemoveLocal(cst.CSTTransformer):
    def __init__(self, targets: dict[int, set[str]]) -> None:
        super().__init__()
        self.targets = targets
        self.removed: set[int] = set()

    def _kept(
        self, original: cst.Import | cst.ImportFrom, updated: cst.Import | cst.ImportFrom
    ) -> list[cst.ImportAlias] | None:
        names = self.targets.get(id(original))
        if names is None or isinstance(updated.names, cst.ImportStar):
            return None
        kept = []
        for alias in updated.names:
            dotted = isinstance(original, cst.Import) and "." in alias.evaluated_name
            bound = alias.evaluated_alias or _default_bound(original, alias)
            if bound not in names or (dotted and alias.asname is None):
                kept.append(alias)
        if kept and kept[-1] is not updated.names[-1]:
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return kept

    def leave_Import(
        self, original_node: cst.Import, updated_node: cst.Import
    ) -> cst.Import | cst.RemovalSentinel:
        kept = self._kept(original_node, updated_node)
        if kept is None:
            return updated_node
        return updated_node.with_changes(names=kept) if kept else cst.RemoveFromParent()

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom | cst.RemovalSentinel:
        kept = self._kept(original_node, updated_node)
        if kept is None:
            return updated_node
        return updated_node.with_changes(names=kept) if kept else cst.RemoveFromParent()

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        if updated_node.body:
            return updated_node
        self.removed.add(id(original_node))
        return cst.RemoveFromParent()

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        if not updated_node.body:
            # A body of nothing but the import: keep it (the removal would not parse).
            return original_node
        # The next statement takes the removed line's place: its blank lines, not its own
        # (no blank line left at the top of a body, nor two where there was one).
        body: list[cst.BaseStatement] = []
        survivors = iter(updated_node.body)
        gone: Sequence[cst.EmptyLine] | None = None
        for statement in original_node.body:
            if id(statement) in self.removed:
                if gone is None and isinstance(statement, cst.SimpleStatementLine):
                    gone = statement.leading_lines
                continue
            current = next(survivors)
            if gone is not None and isinstance(
                current, (cst.SimpleStatementLine, cst.BaseCompoundStatement)
            ):
                _, own = split_blanks(current.leading_lines)
                current = current.with_changes(leading_lines=[*gone, *own])
                gone = None
            body.append(current)
        return updated_node.with_changes(body=body)


def _default_bound(node: cst.Import | cst.ImportFrom, alias: cst.ImportAlias) -> str:
    name = alias.evaluated_name
    return name.split(".")[0] if isinstance(node, cst.Import) else name


def comments(module: cst.Module) -> list[str]:
    """Every comment of ``module`` in order (to check a transformation kept them)."""
    collector = _Comments()
    module.visit(collector)
    return collector.found


class _Comments(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def visit_Comment(self, node: cst.Comment) -> None:
        self.found.append(node.value)
