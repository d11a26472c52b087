"""The engine's own visitors around the rules of one batch, and where rules report.

``EnterContext`` runs first in every batch and ``LeaveContext`` last, so the context
(enclosing functions and classes, noqa anchors, local imports and assignments) is pushed
before any rule's ``visit_*`` and popped after every rule's ``leave_*``. ``Reports`` is
the sink the rules report into: it stamps each report with the top-level statement the
walk is in, so that positions are generated for those statements only
(``engine.statement_positions``).
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from fastapi_rules_lint.engine.traversal import cached_visitors
from fastapi_rules_lint.rulebase.rule import Report
from fastapi_rules_lint.semantics.fastapi.context import ModuleContext


class Reports:
    """Where the rules of one module report: each report is stamped with the top-level
    statement the walk is in (``Report.statement``), which the context visitors track.
    A report made outside every statement (in ``leave_Module``) gets the statement its
    anchor was pushed in, when the anchor is one."""

    __slots__ = ("_anchored", "_body", "_next", "reports", "statement")

    def __init__(self) -> None:
        self.reports: list[Report] = []
        self.statement: int | None = None
        self._body: Sequence[cst.BaseStatement] = ()
        self._next = 0
        self._anchored: dict[int, int] = {}

    def __call__(self, report: Report) -> None:
        statement = self.statement
        if statement is None:
            statement = self._anchored.get(id(report.anchor))
        if statement is not None:
            report = Report(
                report.rule, report.node, report.anchor, report.message, report.fix, statement
            )
        self.reports.append(report)

    def start(self, module: cst.Module) -> None:
        self._body = module.body
        self._next = 0
        self.statement = None
        self._anchored.clear()

    def enter(self, node: cst.CSTNode, anchor: cst.CSTNode) -> None:
        """A statement starts; ``anchor`` is what the context pushes for it."""
        # Top-level statements come in order: a statement is one when it is the next
        # of the module's body (identity, so a miss only costs the positions shortcut).
        index = self._next
        if index < len(self._body) and self._body[index] is node:
            self.statement = index
            self._next = index + 1
        self.anchored(anchor)

    def anchored(self, anchor: cst.CSTNode) -> None:
        """The context pushed ``anchor`` (reports in ``leave_Module`` name it)."""
        if self.statement is not None:
            self._anchored[id(anchor)] = self.statement

    def leave(self, node: cst.CSTNode) -> None:
        if self.statement is not None and self._body[self.statement] is node:
            self.statement = None


class EnterContext(cst.BatchableCSTVisitor):
    """Runs first in the batch: pushes context before any rule's ``visit_*``."""

    def __init__(self, context: ModuleContext, reports: Reports) -> None:
        super().__init__()
        self.context = context
        self.reports = reports

    # Built per file: LibCST's own get_visitors() inspects hundreds of stubs each time.
    get_visitors = cached_visitors

    def visit_Module(self, node: cst.Module) -> None:
        self.reports.start(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.reports.enter(node, node.name)
        self.context.enter_function(node)
        self.context.anchors.append(node.name)

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self.context.enter_function(node)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.reports.enter(node, node.name)
        self.context.enter_class(node)
        self.context.anchors.append(node.name)

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self.reports.enter(node, node)
        self.context.anchors.append(node)

    def visit_Decorator(self, node: cst.Decorator) -> None:
        self.reports.anchored(node)
        self.context.anchors.append(node)

    def _compound(self, node: cst.CSTNode) -> None:
        self.reports.enter(node, node)
        self.context.anchors.append(node)

    visit_If = visit_While = visit_For = visit_With = visit_Try = visit_TryStar = _compound
    visit_Match = _compound

    def visit_Import(self, node: cst.Import) -> None:
        self.context.record_local_import(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self.context.record_local_import(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        if self.context.functions:
            self.context.record_local_assignment([t.target for t in node.targets], node.value)


class LeaveContext(cst.BatchableCSTVisitor):
    """Runs last in the batch: pops context after every rule's ``leave_*``."""

    def __init__(self, context: ModuleContext, reports: Reports) -> None:
        super().__init__()
        self.context = context
        self.reports = reports

    # Built per file: LibCST's own get_visitors() inspects hundreds of stubs each time.
    get_visitors = cached_visitors

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.context.leave_function()
        self.context.anchors.pop()
        self.reports.leave(original_node)

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self.context.leave_function()

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.context.leave_class()
        self.context.anchors.pop()
        self.reports.leave(original_node)

    def _pop_anchor(self, original_node: cst.CSTNode) -> None:
        self.context.anchors.pop()

    def _leave_statement(self, original_node: cst.CSTNode) -> None:
        self.context.anchors.pop()
        self.reports.leave(original_node)

    leave_Decorator = _pop_anchor
    leave_SimpleStatementLine = leave_If = leave_While = leave_For = _leave_statement
    leave_With = leave_Try = leave_TryStar = leave_Match = _leave_statement
