"""Lines a fix made too long, laid out the way ruff format and black lay them out.

After a fix pass, every line of the new text that is longer than the file's limit
(``CodeStyle.line_length``) and that the fix made so — a line the old text does not
contain, and not one changed in place that was too long already — is split at a bracket:

- a signature (``def f(...)`` on the line) splits its parameters; a decorator, or a
  ``return``/``raise``/assignment/expression statement whose value is a call, subscript
  or collection display, splits that value's brackets (the rightmost outermost one, as
  black's right-hand split does); on a line that is itself one element of a split
  bracket, the element's value is split;
- a split first tries the formatters' "hug": all elements on one indented line, no
  trailing comma (a one-parameter signature gets one, as black and ruff add it); when
  that line is too long too, or the bracket is a collection display, or it already has
  a magic trailing comma, it goes one element per line with a magic trailing comma;
- the closing bracket gets its own line at the opening line's indentation; the new
  lines are checked again, so nested brackets split from the outside in.

Whatever their length, two more kinds of changed lines are split as the formatters
would: a line of a one-element-per-line bracket (it has a magic trailing comma) that a
fix left holding two elements (FRL202's inserted ``*, ``), and a bracket that opens on
a changed line and closes on a later one without a line break after its opening
(``Annotated[str, Query(`` with the call's arguments below: a multi-line last element
forces its bracket open; the element's inner lines move one level in).

Everything else stays as it is: lines that already fit, lines the fix did not change,
lines with a pragma comment (``# noqa``, ``# type: ignore``: splitting would move it off
the line it is about), comments (they stay in the whitespace they were in: a bracket
is split around them or not at all), multi-line strings that would have to move,
statements other than the ones named above (a long condition, an operator chain: the
formatters add parentheses there, a fix does not guess). Splits are made in rounds (every
independent bracket at once). The result must have the same AST as the input, or the
input is returned unchanged.

The cost follows the lines a fix changed, not the module: a text check first (no new
line too long or suspect: nothing to do), then only the top-level statements holding a
target line are positioned (one character-counting code generation of the statement,
the ranges LibCST's ``PositionProvider`` gives) and rebuilt (descending only into the
statements around a split bracket); the AST check parses the changed statements alone.
"""

from __future__ import annotations

import ast
import bisect
import difflib
import re
import unicodedata
from collections.abc import Collection, Sequence
from typing import TypeVar, cast

import libcst as cst

from fastapi_rules_lint.lint import brackets, reindent

MAX_ROUNDS = 50
"""A bound on the rounds of splits of one text (each round splits brackets one level
deeper; the bound only matters for pathological input)."""

_Node = TypeVar("_Node", bound=cst.CSTNode)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_PRAGMA = re.compile(r"\s*#\s*(?:noqa|type:|pyright:|pylint:|nosec|isort:|ruff:|mypy:).*$")
_OPENERS = ("(", "[", "{", ",")


def line_width(line: str) -> int:
    """The width ruff measures: wide characters count two, a tab moves to the next
    multiple of four, a trailing pragma comment (``# noqa``, ``# type:``) not at all."""
    line = _PRAGMA.sub("", line)
    if line.isascii() and "\t" not in line:
        return len(line)
    width = 0
    for char in line:
        if char == "\t":
            width += 4 - width % 4
        else:
            width += 2 if unicodedata.east_asian_width(char) in "WF" else 1
    return width


def wrap_long_lines(before: str, after: str, line_length: int) -> str:
    """``after`` (``before`` with fixes applied) with the lines the fixes made longer
    than ``line_length`` split as the formatters split them (see the module docs)."""
    old_lines = _LINE_BREAK.split(before)
    if not _changed_lines(old_lines, _LINE_BREAK.split(after), line_length, quick=True):
        return after
    try:
        module = cst.parse_module(after)
    except (ValueError, RecursionError, MemoryError, cst.ParserSyntaxError):
        return after
    return _wrapped(old_lines, _Statements(module), after, line_length)[0]


def wrap_module(before: str, module: cst.Module, line_length: int) -> tuple[str, cst.Module]:
    """``wrap_long_lines`` for a tree the caller has (``before`` with fixes applied):
    the code, and a tree of it (``module`` itself when nothing was split)."""
    statements = _Statements(module)
    after = statements.code()
    old_lines = _LINE_BREAK.split(before)
    if not _changed_lines(old_lines, _LINE_BREAK.split(after), line_length, quick=True):
        return after, module
    code, tree = _wrapped(old_lines, statements, after, line_length)
    return code, tree or module


def _wrapped(
    old_lines: Sequence[str], statements: _Statements, after: str, line_length: int
) -> tuple[str, cst.Module | None]:
    """The laid-out code and its tree (None: ``after``, unchanged)."""
    try:
        ast.parse(after)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return after, None
    try:
        _split_lines(statements, old_lines, line_length)
    except (cst.CSTValidationError, cst.CSTLogicError, ValueError, TypeError, RecursionError):
        return after, None  # a layout it cannot make is no reason to lose the fix
    result = statements.code()
    if result == after:
        return after, None
    # The same AST as ``after``: top-level statements parse on their own, so comparing
    # the changed ones is comparing the modules.
    try:
        for old, new in statements.changed():
            if ast.dump(ast.parse(old)) != ast.dump(ast.parse(new)):
                return after, None
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return after, None
    return result, statements.tree()


class _Statements:
    """The top-level statements of a module being laid out, with their code (each
    generated once per change, not the whole module's per round)."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self.body: list[cst.SimpleStatementLine | cst.BaseCompoundStatement] = list(module.body)
        self.head = "".join(module.code_for_node(line) for line in module.header)
        self.foot = "".join(module.code_for_node(line) for line in module.footer)
        self.codes = [module.code_for_node(statement) for statement in self.body]
        self.original = list(self.codes)

    def replace(
        self, index: int, statement: cst.SimpleStatementLine | cst.BaseCompoundStatement
    ) -> None:
        self.body[index] = statement
        self.codes[index] = self.module.code_for_node(statement)

    def code(self) -> str:
        """What ``Module.code`` gives for the current statements."""
        code = self.head + "".join(self.codes) + self.foot
        if self.module.has_trailing_newline:
            return code or self.module.default_newline
        for newline in ("\r\n", "\n", "\r"):
            if code.endswith(newline):
                return code[: -len(newline)]
        return code

    def tree(self) -> cst.Module:
        return self.module.with_changes(body=self.body)

    def changed(self) -> list[tuple[str, str]]:
        """(old code, new code) of each statement replaced."""
        pairs = zip(self.original, self.codes, strict=True)
        return [(old, new) for old, new in pairs if old != new]

    def starts(self) -> list[int]:
        """The first line (1-based) of each statement, its leading lines included."""
        starts: list[int] = []
        line = 1 + brackets.newline_count(self.head)
        for code in self.codes:
            starts.append(line)
            line += brackets.newline_count(code)
        return starts


def _split_lines(statements: _Statements, old_lines: Sequence[str], line_length: int) -> None:
    """Split in rounds: each round splits one bracket for every target line whose
    bracket does not share lines with another round's; the next round re-checks.

    The work is per top-level statement: only the statements holding a target line are
    positioned and rebuilt (a group never spans two of them, so each statement's plan is
    the one a whole-module plan would make)."""
    given_up: set[str] = set()
    module = statements.module
    for _ in range(MAX_ROUNDS):
        lines = _LINE_BREAK.split(statements.code())
        changed = _changed_lines(old_lines, lines, line_length, quick=False, given_up=given_up)
        targets = [n + 1 for n in changed]
        if not targets:
            return
        starts = statements.starts()
        by_statement: dict[int, list[int]] = {}
        for line in targets:
            index = bisect.bisect_right(starts, line) - 1
            size = brackets.newline_count(statements.codes[index]) if index >= 0 else 0
            if index >= 0 and line < starts[index] + size:
                by_statement.setdefault(index, []).append(line)
            else:
                given_up.add(lines[line - 1])  # a comment line outside any statement
        for index, wanted in by_statement.items():
            first = starts[index]
            size = brackets.newline_count(statements.codes[index])
            own_lines = lines[first - 1 : first - 1 + size]
            statement = statements.body[index]
            alone = cst.Module(
                body=[statement],
                default_indent=module.default_indent,
                default_newline=module.default_newline,
            )
            splitter = _Splitter(alone, own_lines, line_length)
            plan = splitter.plan([line - first + 1 for line in wanted])
            given_up.update(own_lines[n - 1] for n in splitter.given_up)
            if plan:
                replaced = statement.visit(_Replacer(plan, splitter.enclosing))
                assert isinstance(replaced, cst.SimpleStatementLine | cst.BaseCompoundStatement)
                statements.replace(index, replaced)


def _changed_lines(
    old: Sequence[str],
    new: Sequence[str],
    line_length: int,
    *,
    quick: bool,
    given_up: Collection[str] = (),
) -> list[int]:
    """Indexes of new lines to lay out: too long, or possibly two elements glued on one
    line of a one-per-line bracket; never a line the old text has (nor one in
    ``given_up``), nor a line changed in place that was already too long before."""
    known = set(old)
    found = [
        index
        for index, line in enumerate(new)
        if line not in known
        and line not in given_up
        and (
            line_width(line) > line_length or _may_be_glued(new, index) or _may_open_unbroken(line)
        )
    ]
    if not found or quick:
        return found
    # A line changed in place that was too long before stays so (the project does not
    # keep to the limit there); lines joined or split by a fix are laid out anew.
    blocked: set[int] = set()
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace" and i2 - i1 == j2 - j1:
            blocked.update(
                j1 + offset
                for offset, line in enumerate(old[i1:i2])
                if line_width(line) > line_length
            )
    return [index for index in found if index not in blocked]


def _code_part(line: str) -> str:
    """``line`` without a trailing comment (roughly: a ``#`` in a string cuts it too)."""
    return line.split("#", 1)[0].rstrip()


def _may_open_unbroken(line: str) -> bool:
    """A bracket opens here and closes on a later line, and is not the last thing on
    the line (``Annotated[str, Query(``): perhaps one for the formatters to break."""
    text = _code_part(line)
    unclosed = sum(text.count(c) for c in "([{") - sum(text.count(c) for c in ")]}")
    return unclosed >= 2 or (unclosed == 1 and not text.endswith(("(", "[", "{")))


def _may_be_glued(lines: Sequence[str], index: int) -> bool:
    text = _code_part(lines[index])
    return (
        index > 0
        and text.endswith(",")
        and ", " in text
        and _code_part(lines[index - 1]).endswith(_OPENERS)
    )


def _leading(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _break(indent: str) -> cst.ParenthesizedWhitespace:
    return cst.ParenthesizedWhitespace(indent=True, last_line=cst.SimpleWhitespace(indent))


class _Replacer(cst.CSTTransformer):
    """Puts the planned nodes in place (a signature keeps its updated body); descends
    only into the statements in ``enclosing`` (by ``id``: those around a planned node)."""

    def __init__(self, plan: dict[int, cst.CSTNode], enclosing: set[int]) -> None:
        super().__init__()
        self.plan = plan
        self.enclosing = enclosing

    def on_visit(self, node: cst.CSTNode) -> bool:
        return id(node) in self.enclosing or not isinstance(
            node, cst.SimpleStatementLine | cst.BaseCompoundStatement
        )

    def on_leave(
        self, original_node: _Node, updated_node: _Node
    ) -> _Node | cst.RemovalSentinel | cst.FlattenSentinel[_Node]:
        new = self.plan.get(id(original_node))
        if new is None:
            return updated_node
        if isinstance(new, cst.FunctionDef) and isinstance(updated_node, cst.FunctionDef):
            new = updated_node.with_changes(
                whitespace_before_params=new.whitespace_before_params, params=new.params
            )
        return cast(_Node, new)


class _Splitter:
    """Chooses, for lines of ``module``, the bracket each should be split at."""

    def __init__(self, module: cst.Module, lines: Sequence[str], line_length: int) -> None:
        self.module = module
        self.lines = lines
        self.line_length = line_length
        self.unit = module.default_indent
        self.given_up: set[int] = set()
        """Target lines with no split to make."""
        self.unbroken: dict[int, list[brackets.Group]] = {}
        self.enclosing: set[int] = set()
        """The statements around the planned nodes, by ``id``."""

    def plan(self, targets: Sequence[int]) -> dict[int, cst.CSTNode]:
        """The new node for each bracket to split this round, by ``id`` of the old one:
        one per target line (1-based), none sharing a line with another."""
        collector = brackets.Collector(self.module, targets)
        self.module.visit(collector)
        around: dict[int, list[brackets.Group]] = {}
        on_line: dict[int, list[brackets.Group]] = {}
        wanted = set(targets)
        for group in collector.groups:
            if group.open_line == group.close_line:
                on_line.setdefault(group.open_line, []).append(group)
            elif not brackets.breaks_after_open(group.node):
                # Opens here, ends on a later line: the formatters give it lines.
                if group.is_slot or group.is_signature:
                    self.unbroken.setdefault(group.open_line, []).append(group)
            else:
                for line in wanted.intersection(range(group.open_line + 1, group.close_line)):
                    around.setdefault(line, []).append(group)
        plan: dict[int, cst.CSTNode] = {}
        taken: list[tuple[int, int]] = []
        for line in targets:
            choice = self._choose(line, around.get(line, []), on_line.get(line, []))
            if choice is None:
                self.given_up.add(line)
                continue
            group, new = choice
            region = (group.open_line, group.close_line)
            if any(region[0] <= end and start <= region[1] for start, end in taken):
                continue  # next round
            if new is None:
                self.given_up.add(line)
                continue
            taken.append(region)
            plan[id(group.node)] = new
            self.enclosing.update(collector.enclosing[id(group.node)])
        return plan

    def _choose(
        self, line: int, around: list[brackets.Group], on_line: list[brackets.Group]
    ) -> tuple[brackets.Group, cst.CSTNode | None] | None:
        """The bracket to split for ``line`` and its new node (None: it cannot be)."""
        if _PRAGMA.search(self.lines[line - 1]):
            return None  # a suppression comment must stay on the line it is about
        too_long = line_width(self.lines[line - 1]) > self.line_length
        unbroken = self.unbroken.get(line, [])
        outermost = [g for g in unbroken if not any(brackets.is_inside(g, o) for o in unbroken)]
        if outermost:
            group = min(outermost, key=lambda g: g.span.start.column)
            return group, self._exploded(group)
        if around:
            parent = max(around, key=lambda g: (g.span.start.line, g.span.start.column))
            starts = [span.start.line for span in parent.element_spans]
            if starts.count(line) >= 2 and (too_long or brackets.has_magic_comma(parent)):
                return parent, self._exploded(parent)
            if starts.count(line) != 1:
                return None
        if not too_long:
            return None
        candidates = [g for g in on_line if g.elements]
        chosen = next((g for g in candidates if g.is_signature), None)
        if chosen is None:
            slots = [g for g in candidates if g.is_slot]
            outer = [g for g in slots if not any(brackets.is_inside(g, other) for other in slots)]
            if not outer:
                return None
            chosen = max(outer, key=lambda g: g.span.start.column)
        return chosen, self._split_one_line(chosen)

    def _indent(self, group: brackets.Group) -> str | None:
        """The opening line's indentation relative to the block's (None: less)."""
        block = _leading(self.lines[group.statement_line - 1])
        own = _leading(self.lines[group.open_line - 1])
        return own[len(block) :] if own.startswith(block) else None

    def _split_one_line(self, group: brackets.Group) -> cst.CSTNode | None:
        indent = self._indent(group)
        if indent is None:
            return None
        texts = [brackets.flat_text(self.module, e) for e in group.elements]
        if any(brackets.newline_count(text) for text in texts):
            return None
        inner, closing = _break(indent + self.unit), _break(indent)
        single = len(group.elements) == 1
        trailing = group.is_signature and single
        body = _leading(self.lines[group.open_line - 1]) + self.unit + ", ".join(texts)
        fits = line_width(body + ("," if trailing else "")) <= self.line_length
        hug = not brackets.has_magic_comma(group) and (single or (fits and not group.is_collection))
        if not hug:
            return self._laid_out(group, inner, [inner] * (len(texts) - 1) + [closing], True)
        separators: list[cst.BaseParenthesizableWhitespace] = [cst.SimpleWhitespace(" ")]
        return self._laid_out(group, inner, separators * (len(texts) - 1) + [closing], trailing)

    def _exploded(self, group: brackets.Group) -> cst.CSTNode | None:
        indent = self._indent(group)
        if indent is None:
            return None
        is_broken = brackets.breaks_after_open(group.node)
        last = len(group.elements) - 1
        elements = list(group.elements)
        for index, span in enumerate(group.element_spans):
            if span.end.line == span.start.line:
                continue
            if span.start.line != group.open_line:
                if is_broken:
                    continue  # already on a line of its own, or glued after one: stays
                return None
            # Moved off the opening line: its inner lines move one level in.
            shifted = reindent.shifted(elements[index], self.unit) if index == last else None
            if shifted is None:
                return None
            elements[index] = shifted
        inner, closing = _break(indent + self.unit), _break(indent)
        opening = brackets.after_open(group.node)
        if not isinstance(opening, cst.ParenthesizedWhitespace):
            opening = inner
        after: list[cst.BaseParenthesizableWhitespace] = []
        for index, element in enumerate(group.elements):
            current = brackets.whitespace_after(group.node, element, index == last)
            wanted = closing if index == last else inner
            after.append(current if isinstance(current, cst.ParenthesizedWhitespace) else wanted)
        return self._laid_out(group, opening, after, True, opening=opening, elements=elements)

    def _laid_out(
        self,
        group: brackets.Group,
        first: cst.BaseParenthesizableWhitespace,
        after: Sequence[cst.BaseParenthesizableWhitespace],
        trailing_comma: bool,
        *,
        opening: cst.BaseParenthesizableWhitespace | None = None,
        elements: Sequence[brackets.Element] | None = None,
    ) -> cst.CSTNode | None:
        count = len(group.elements)
        originals = group.elements if elements is None else elements
        if trailing_comma and not brackets.may_end_with_comma(group):
            trailing_comma = count == 1 and brackets.has_magic_comma(group)
        placed_elements: list[brackets.Element] = []
        for index, (element, whitespace) in enumerate(zip(originals, after, strict=True)):
            comma = index < count - 1 or trailing_comma
            if isinstance(element.comma, cst.Comma) and not brackets.is_empty(
                element.comma.whitespace_before
            ):
                return None  # a comment before the comma
            placed = brackets.with_after(element, comma, whitespace)
            if placed is None:
                return None
            placed_elements.append(placed)
        last = placed_elements[-1]
        closing = after[-1] if isinstance(last.comma, cst.MaybeSentinel) else None
        return brackets.rebuild(group.node, opening or first, placed_elements, closing)
