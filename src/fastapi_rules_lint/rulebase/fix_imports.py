"""Adding imports for the fixer: each in its place, merged into an existing statement.

Answers "where does this import go, and how is it written": ``add_imports`` puts each
new import where ruff's isort rules (``I001``) want it (``rulebase.import_order``): a
name joins an existing ``from x import ...`` of the leading import block (in sorted
position when its names are sorted, else last; not with ``force-single-line``, nor into
a list of ``as`` names without ``combine-as-imports``), otherwise a new statement goes
into its section at its sorted position, a new section between its neighbours,
separated by one blank line. A statement longer than the line length is laid out one
name per line with a trailing comma, as ruff does. The leading block's other statements
are left as they are (an unsorted block stays unsorted; the new import goes before the
first statement of its section that sorts after it).

A requested name already bound at module level to something else is a collision
(``import_status``): the fix that needs it is refused rather than rebinding the name.
(Function-local shadowing at the fix site is the rule's to check, see
``rulebase.edits.name_use``.)

Removing the imports a fix left unused is ``rulebase.unused_imports``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import libcst as cst
from libcst.helpers import get_full_name_for_node

from fastapi_rules_lint.engine.diagnostics import ImportRequest
from fastapi_rules_lint.engine.style import CodeStyle
from fastapi_rules_lint.rulebase import import_order
from fastapi_rules_lint.rulebase.import_order import Key
from fastapi_rules_lint.semantics.python.names import import_bindings


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


def split_blanks(
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
        blanks, rest = split_blanks(following.leading_lines)
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
            blanks, _ = split_blanks(leading)
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
