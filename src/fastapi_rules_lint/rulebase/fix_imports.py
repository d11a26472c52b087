"""Imports for the fixer, done with LibCST's own codemod visitors.

- ``AddImportsVisitor`` merges ``from x import y`` into an existing ``from x import ...``
  and adds nothing already imported at the top of the module.
- ``RemoveImportsVisitor`` removes an import only when scope analysis finds no use. The
  fixer asks it to remove exactly the imports a pass made unused: bound by an import,
  mentioned in the text the pass replaced, referenced before the pass and not after it.
  An import the user left unused is theirs to keep.
- A requested name already bound at module level to something else is a collision: the
  fix that needs it is refused rather than rebinding the name. (Function-local
  shadowing at the fix site is the rule's to check, see ``rulebase.edits.name_use``.)

LibCST's codemod visitors are matcher-decoratable and cost tens of milliseconds each to
build, and ``Codemod.transform_module`` deep-copies the module: so imports are added
by visiting the module directly, and the scope analysis that decides removals runs only
when a pass replaced text naming an imported name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import libcst as cst
from libcst.helpers import get_absolute_module_from_package_for_import
from libcst.metadata import GlobalScope, ImportAssignment, MetadataWrapper, ScopeProvider

from fastapi_rules_lint.engine.diagnostics import ImportRequest
from fastapi_rules_lint.semantics.python.names import import_bindings

# Relative imports resolve against a package; any package deep enough will do, as
# long as removal keys are computed against the same one.
_PACKAGE = ".".join(f"_p{level}" for level in range(12))
ImportKey = tuple[str, str | None, str | None]
"""(absolute module, imported object or None, alias or None)."""


def bound_name(request: ImportRequest) -> str:
    """The name an import request binds."""
    return request.name if request.name is not None else request.module.split(".")[0]


def _qualified(request: ImportRequest) -> str:
    if request.name is None:
        return request.module.split(".")[0]
    return f"{request.module}.{request.name}"


def top_imports(module: cst.Module) -> dict[str, set[str]]:
    """Bound name → qualified names of the imports of the module's leading import block
    (after a docstring): the imports ``AddImportsVisitor`` sees and that run before any
    other code."""
    found: dict[str, set[str]] = {}
    for index, statement in enumerate(module.body):
        if not isinstance(statement, cst.SimpleStatementLine):
            break
        smalls = statement.body
        if all(isinstance(small, (cst.Import, cst.ImportFrom)) for small in smalls):
            for small in smalls:
                assert isinstance(small, (cst.Import, cst.ImportFrom))
                for bound, qualified in import_bindings(small):
                    found.setdefault(bound, set()).add(qualified)
            continue
        is_docstring = index == 0 and len(smalls) == 1 and isinstance(smalls[0], cst.Expr)
        if not is_docstring:
            break
    return found


def import_status(
    request: ImportRequest, top: Mapping[str, set[str]], bindings: Mapping[str, set[str]]
) -> str:
    """``present`` (nothing to add), ``missing`` (add it) or ``collision``, given the
    top import block and every module-level binding (``names.BindingTable``)."""
    name = bound_name(request)
    existing = top.get(name)
    if existing is not None:
        if existing == {_qualified(request)} and bindings.get(name) == existing:
            return "present"
        return "collision"
    return "collision" if name in bindings else "missing"


def add_imports(module: cst.Module, requests: Iterable[ImportRequest]) -> cst.Module:
    """``module`` with the requested imports added (merged, never duplicated)."""
    # Imported here: libcst.codemod pulls in libcst.matchers, half a second of start-up
    # for every `check` run (and every flake8 process) that never fixes anything.
    from libcst.codemod import CodemodContext
    from libcst.codemod.visitors import AddImportsVisitor

    context = CodemodContext(full_package_name=_PACKAGE)
    for request in requests:
        AddImportsVisitor.add_needed_import(context, request.module, request.name)
    # AddImportsVisitor needs no metadata: visiting skips transform_module's deep copy.
    return module.visit(AddImportsVisitor(context))


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
    from libcst.codemod import CodemodContext  # lazily, see add_imports
    from libcst.codemod.visitors import RemoveImportsVisitor

    context = CodemodContext(full_package_name=_PACKAGE)
    for module_name, obj, alias in keys:
        RemoveImportsVisitor.remove_unused_import(context, module_name, obj, alias)
    return RemoveImportsVisitor(context).transform_module(module)


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
