"""``ScopeTracking``: a rule base whose ``visit_*`` methods keep ``self.scopes`` (see
``semantics.asyncio.scopes``) up to date. A subclass overriding one of them calls
``super()``."""

from __future__ import annotations

import libcst as cst

from fastapi_rules_lint.rulebase.rule import Rule
from fastapi_rules_lint.semantics.asyncio.scopes import Scopes


class ScopeTracking(Rule):
    """A rule base that keeps ``self.scopes`` up to date during the traversal."""

    scopes: Scopes

    def visit_Module(self, node: cst.Module) -> None:
        self.scopes = Scopes(self.context)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scopes.enter_function(node)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._enter_body(node)

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        self._leave_body(original_node)

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self._enter_body(node)

    def leave_SimpleStatementSuite(self, original_node: cst.SimpleStatementSuite) -> None:
        self._leave_body(original_node)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self.scopes.bind(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if not self.scopes.bind_annotated(node.target, node.annotation.annotation):
            self.scopes.bind(node.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self.scopes.bind(node.target, None)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self.scopes.bind(node.target, node.value)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self.scopes.bind(node.asname.name, node.item)

    def visit_For(self, node: cst.For) -> None:
        self.scopes.bind(node.target, None)
        if node.asynchronous is not None:
            self._mark_await()

    def visit_With(self, node: cst.With) -> None:
        if node.asynchronous is not None:
            self._mark_await()

    def visit_CompFor(self, node: cst.CompFor) -> None:
        if node.asynchronous is not None:
            self._mark_await()

    def visit_Await(self, node: cst.Await) -> None:
        self.scopes.awaited.add(node.expression)
        self._mark_await()

    def visit_Yield(self, node: cst.Yield) -> None:
        facts = self.scopes.frame_facts()
        if facts is not None:
            facts.yields = True

    def _mark_await(self) -> None:
        facts = self.scopes.frame_facts()
        if facts is not None:
            facts.awaits = True

    def _enter_body(self, node: cst.BaseSuite) -> None:
        function = self.scopes.bodies.get(node)
        if function is not None:
            self.scopes.in_body.add(function)

    def _leave_body(self, node: cst.BaseSuite) -> None:
        function = self.scopes.bodies.get(node)
        if function is not None:
            self.scopes.in_body.discard(function)
