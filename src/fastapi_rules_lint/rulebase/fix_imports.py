"""Imports for the fixer: adding them in their place, removing those a fix left unused.

- ``add_imports`` puts each new import where ruff's isort rules (``I001``) want it
  (``rulebase.import_order``): a name joins an existing ``from x import ...`` of the
  leading import block (in sorted position when its names are sorted, else last; not
  with ``force-single-line``, nor into a list of ``as`` names without
  ``combine-as-imports``), otherwise a new statement goes into its section at its sorted
  position, a new section between its neighbours, separated by one blank line. A
  statement longer than the line length is laid out one name per line with a trailing
  comma, as ruff does. The leading block's other statements are left as they are (an
  unsorted block stays unsorted; the new import goes before the first statement of its
  section that sorts after it).
- LibCST's ``RemoveImportsVisitor`` removes an import only when scope analysis finds no use. The
  fixer asks it to remove exactly the imports a pass made unused: bound by an import,
  mentioned in the text the pass replaced, referenced before the pass and not after it.
  An import the user left unused is theirs to keep.
- A requested name already bound at module level to something else is a collision: the
  fix that needs it is refused rather than rebinding the name. (Function-local
  shadowing at the fix site is the rule's to check, see ``rulebase.edits.name_use``.)
- Imports inside functions that a pass made unused are removed too (``import time``
  in the function whose ``time.sleep`` became ``asyncio.sleep``), by node: another
  ``import time`` elsewhere, which the pass did not touch, stays. The next statement
  takes the removed line's blank lines (no blank line left at the top of a body).

LibCST's codemod visitors are matcher-decoratable and cost tens of milliseconds each to
build, and ``Codemod.transform_module`` deep-copies the module, and scope analysis
costs a whole-module traversal: so the scope analysis that decides removals runs only
when a pass replaced text naming an imported name and left that name fewer mentions
(``name_uses``: a fix that keeps every mention of a name keeps its uses).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import libcst as cst
from libcst.helpers import get_absolute_module_from_package_for_import, get_full_name_for_node
from libcst.metadata import (
    GlobalScope,
    ImportAssignment,
    MetadataWrapper,
    Scope,
    ScopeProvider,
)

from fastapi_rules_lint.engine.diagnostics import ImportRequest
from fastapi_rules_lint.engine.style import CodeStyle
from fastapi_rules_lint.rulebase import import_order
from fastapi_rules_lint.rulebase.import_order import Key
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


def add_imports(
    module: cst.Module,
    requests: Iterable[ImportRequest],
    style: CodeStyle | None = None,
    own_package: str | None = None,
) -> cst.Module:
    """``module`` with the requested imports added (merged, never duplicated), each in
    its place (see the module docstring). ``own_package``: the top-level package of the
    module (first-party)."""
    placer = _Placer(module, style or CodeStyle(), own_package)
    for request in dict.fromkeys(requests):
        placer.add(request)
    return placer.result()


def _leading_block(module: cst.Module) -> tuple[int, int]:
    """(index of the first statement of the leading import block, index after it)."""
    body = module.body
    start = 0
    if body and isinstance(body[0], cst.SimpleStatementLine):
        smalls = body[0].body
        if (
            len(smalls) == 1
            and isinstance(smalls[0], cst.Expr)
            and isinstance(smalls[0].value, (cst.SimpleString, cst.ConcatenatedString))
        ):
            start = 1
    end = start
    while end < len(body):
        statement = body[end]
        if not isinstance(statement, cst.SimpleStatementLine) or not all(
            isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body
        ):
            break
        end += 1
    return start, end


def _module_name(node: cst.ImportFrom) -> str | None:
    return get_full_name_for_node(node.module) if node.module is not None else None


def _blank() -> cst.EmptyLine:
    return cst.EmptyLine(indent=False)


def _split_blanks(
    lines: Sequence[cst.EmptyLine],
) -> tuple[list[cst.EmptyLine], list[cst.EmptyLine]]:
    """(the blank lines before the first comment, the rest)."""
    index = 0
    while index < len(lines) and lines[index].comment is None:
        index += 1
    return list(lines[:index]), list(lines[index:])


def _is_definition(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, (cst.FunctionDef, cst.ClassDef))


class _Placer:
    """Adds imports one by one to the leading import block of a module."""

    def __init__(self, module: cst.Module, style: CodeStyle, own_package: str | None) -> None:
        self.module = module
        self.style = style
        self.own_package = own_package
        self.body = list(module.body)
        self.start, self.end = _leading_block(module)

    def result(self) -> cst.Module:
        return self.module.with_changes(body=self.body)

    def _first(self, index: int) -> cst.Import | cst.ImportFrom:
        statement = self.body[index]
        assert isinstance(statement, cst.SimpleStatementLine)
        small = statement.body[0]
        assert isinstance(small, (cst.Import, cst.ImportFrom))
        return small

    def _section_and_key(self, node: cst.Import | cst.ImportFrom) -> tuple[int, Key]:
        style = self.style
        if isinstance(node, cst.Import):
            alias = node.names[0]
            name = alias.evaluated_name
            top = import_order.section(name, 0, style, self.own_package)
            key = import_order.statement_key(
                "import", name, 0, None, alias.evaluated_alias, style
            )
            return top, key
        module = _module_name(node)
        level = len(node.relative)
        first: tuple[str, str | None] | None = None
        if isinstance(node.names, cst.ImportStar):
            first = ("*", None)
        elif node.names:
            ordered = sorted(
                node.names,
                key=lambda a: import_order.member_key(
                    a.evaluated_name, a.evaluated_alias, style
                ),
            )
            first = (ordered[0].evaluated_name, ordered[0].evaluated_alias)
        top = import_order.section(module, level, style, self.own_package)
        return top, import_order.statement_key("from", module, level, first, None, style)

    def add(self, request: ImportRequest) -> None:
        if request.name is not None and not self.style.force_single_line:
            for index in range(self.start, self.end):
                if self._merge(index, request.module, request.name):
                    return
        if request.name is None:
            if self._has_import(request.module):
                return
            text = f"import {request.module}\n"
        else:
            text = f"from {request.module} import {request.name}\n"
        statement = cst.parse_statement(text)
        assert isinstance(statement, cst.SimpleStatementLine)
        self._insert(self._wrapped(statement))

    def _has_import(self, module: str) -> bool:
        for index in range(self.start, self.end):
            statement = self.body[index]
            assert isinstance(statement, cst.SimpleStatementLine)
            for small in statement.body:
                if isinstance(small, cst.Import) and any(
                    alias.evaluated_name == module and alias.asname is None
                    for alias in small.names
                ):
                    return True
        return False

    def _merge(self, index: int, module: str, name: str) -> bool:
        statement = self.body[index]
        assert isinstance(statement, cst.SimpleStatementLine)
        if len(statement.body) != 1:
            return False
        node = statement.body[0]
        if (
            not isinstance(node, cst.ImportFrom)
            or node.relative
            or isinstance(node.names, cst.ImportStar)
            or _module_name(node) != module
        ):
            return False
        names = list(node.names)
        if any(a.evaluated_name == name and a.asname is None for a in names):
            return True  # already there
        if not self.style.combine_as_imports and all(a.asname is not None for a in names):
            return False
        style = self.style
        keys = [import_order.member_key(a.evaluated_name, a.evaluated_alias, style) for a in names]
        new_key = import_order.member_key(name, None, style)
        # Sorted: in its place; otherwise the file's own order, the new name last.
        is_sorted = keys == sorted(keys)
        position = sum(1 for key in keys if key <= new_key) if is_sorted else len(names)
        merged = node.with_changes(names=_with_alias(node, names, position, name))
        self.body[index] = self._wrapped(statement.with_changes(body=[merged]))
        return True

    def _wrapped(self, statement: cst.SimpleStatementLine) -> cst.SimpleStatementLine:
        """``statement`` laid out one name per line when it is too long (ruff's way)."""
        node = statement.body[0]
        if (
            not isinstance(node, cst.ImportFrom)
            or isinstance(node.names, cst.ImportStar)
            or node.lpar is not None
            or statement.trailing_whitespace.comment is not None
        ):
            return statement
        line = cst.Module(body=[statement.with_changes(leading_lines=())]).code.rstrip("\n")
        if len(line) <= self.style.line_length:
            return statement
        indent = cst.ParenthesizedWhitespace(
            first_line=cst.TrailingWhitespace(),
            indent=False,
            last_line=cst.SimpleWhitespace("    "),
        )
        closing = cst.ParenthesizedWhitespace(
            first_line=cst.TrailingWhitespace(), indent=False, last_line=cst.SimpleWhitespace("")
        )
        names = list(node.names)
        laid_out = [
            alias.with_changes(
                comma=cst.Comma(whitespace_after=closing if last else indent)
            )
            for last, alias in ((i == len(names) - 1, a) for i, a in enumerate(names))
        ]
        return statement.with_changes(
            body=[
                node.with_changes(
                    names=laid_out,
                    lpar=cst.LeftParen(whitespace_after=indent),
                    rpar=cst.RightParen(),
                )
            ]
        )

    def _insert(self, statement: cst.SimpleStatementLine) -> None:
        small = statement.body[0]
        assert isinstance(small, (cst.Import, cst.ImportFrom))
        section, key = self._section_and_key(small)
        placed = [
            (index, *self._section_and_key(self._first(index)))
            for index in range(self.start, self.end)
        ]
        same = [(index, k) for index, s, k in placed if s == section]
        if same:
            after = [index for index, k in same if k > key]
            if after:
                self._put_before(after[0], statement, new_section=False)
            else:
                self._put_after(same[-1][0], statement, new_section=False)
            return
        later = [index for index, s, _ in placed if s > section]
        if later:
            self._put_before(later[0], statement, new_section=True)
        elif placed:
            self._put_after(placed[-1][0], statement, new_section=True)
        else:
            self._put_first(statement)

    def _put_before(
        self, index: int, statement: cst.SimpleStatementLine, new_section: bool
    ) -> None:
        following = self.body[index]
        assert isinstance(following, cst.SimpleStatementLine)
        blanks, rest = _split_blanks(following.leading_lines)
        separator = [_blank()] if new_section else []
        self.body[index] = following.with_changes(leading_lines=[*separator, *rest])
        self.body.insert(index, statement.with_changes(leading_lines=blanks))
        self.end += 1

    def _put_after(self, index: int, statement: cst.SimpleStatementLine, new_section: bool) -> None:
        lines = [_blank()] if new_section else []
        self.body.insert(index + 1, statement.with_changes(leading_lines=lines))
        self.end += 1

    def _put_first(self, statement: cst.SimpleStatementLine) -> None:
        """The module's first import: after its docstring, before its code."""
        index = self.start
        lines = [_blank()] if index > 0 else []
        if index < len(self.body):
            following = self.body[index]
            assert isinstance(following, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
            # ruff's isort: two blank lines before a definition after imports, else one
            # (a decorated definition's lines sit before its decorators).
            wanted = 2 if _is_definition(following) else 1
            leading = list(following.leading_lines)
            blanks, _ = _split_blanks(leading)
            if len(blanks) < wanted:
                extra = [_blank()] * (wanted - len(blanks))
                self.body[index] = following.with_changes(leading_lines=[*extra, *leading])
        self.body.insert(index, statement.with_changes(leading_lines=lines))
        self.start = index
        self.end = index + 1


def _with_alias(
    node: cst.ImportFrom, names: list[cst.ImportAlias], position: int, name: str
) -> list[cst.ImportAlias]:
    """``names`` with ``name`` inserted at ``position``, commas laid out like the others."""
    separator = _separator(node, names)
    new = cst.ImportAlias(name=cst.Name(name))
    if position < len(names):
        return [*names[:position], new.with_changes(comma=separator), *names[position:]]
    last = names[-1]
    trailing = last.comma
    if (
        isinstance(trailing, cst.Comma)
        and isinstance(trailing.whitespace_after, cst.ParenthesizedWhitespace)
        and isinstance(separator.whitespace_after, cst.ParenthesizedWhitespace)
    ):
        # One name per line: a comment after the old last name stays with it; the new
        # last name gets a clean trailing comma before the closing parenthesis.
        after = trailing.whitespace_after
        closing = after.with_changes(first_line=cst.TrailingWhitespace())
        after = after.with_changes(last_line=separator.whitespace_after.last_line)
        previous = last.with_changes(comma=trailing.with_changes(whitespace_after=after))
        return [*names[:-1], previous, new.with_changes(comma=cst.Comma(whitespace_after=closing))]
    return [*names[:-1], last.with_changes(comma=separator), new.with_changes(comma=trailing)]


def _separator(node: cst.ImportFrom, names: Sequence[cst.ImportAlias]) -> cst.Comma:
    """The comma between two names of ``node``, without any comment."""
    for alias in names[:-1]:
        comma = alias.comma
        if isinstance(comma, cst.Comma):
            after = comma.whitespace_after
            if isinstance(after, cst.ParenthesizedWhitespace):
                after = after.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=())
            return comma.with_changes(whitespace_after=after)
    opening = node.lpar.whitespace_after if node.lpar is not None else None
    if isinstance(opening, cst.ParenthesizedWhitespace):
        clean = opening.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=())
        return cst.Comma(whitespace_after=clean)
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


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
    from libcst.codemod import CodemodContext  # lazily, see add_imports
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
                _, own = _split_blanks(current.leading_lines)
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
