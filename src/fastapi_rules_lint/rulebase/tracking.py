"""``ScopeTracking``: a rule base whose ``visit_*`` methods keep ``self.scopes`` (see
``semantics.asyncio.scopes``) up to date. A subclass overriding one of them calls
``super()`` first.

The rules of one module share one ``Scopes`` (the async rules ask the same questions):
the first tracking rule of the batch builds and feeds it, the others only read it. In
batch order the feeder's ``visit_*`` runs before theirs, so each still sees the state
its own ``super()`` call would have made.
"""

from __future__ import annotations

import weakref

import libcst as cst

from fastapi_rules_lint.rulebase.rule import Rule
from fastapi_rules_lint.semantics.asyncio.scopes import Scopes

# One Scopes per module being linted, by the id of its context (one per module and per
# lint). Held weakly, by the rules that use it: a Scopes holds its context, so the id
# cannot be reused while the entry lives, and nothing outlives the rules' state.
_SHARED: weakref.WeakValueDictionary[int, Scopes] = weakref.WeakValueDictionary()


class ScopeTracking(Rule):
    """A rule base that keeps ``self.scopes`` up to date during the traversal."""

    scopes: Scopes
    _feeds: bool = False
    """Whether this rule updates the shared ``scopes`` (the first one of the batch)."""

    def visit_Module(self, node: cst.Module) -> None:
        scopes = _SHARED.get(id(self.context))
        if scopes is None or scopes.context is not self.context:
            scopes = _SHARED[id(self.context)] = Scopes(self.context)
            self._feeds = True
        else:
            self._feeds = False
        self.scopes = scopes

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if self._feeds:
            self.scopes.enter_function(node)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        if not self._feeds:
            return
        self._enter_body(node)

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        if not self._feeds:
            return
        self._leave_body(original_node)

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        if not self._feeds:
            return
        self._enter_body(node)

    def leave_SimpleStatementSuite(self, original_node: cst.SimpleStatementSuite) -> None:
        if not self._feeds:
            return
        self._leave_body(original_node)

    def visit_Assign(self, node: cst.Assign) -> None:
        if not self._feeds:
            return
        for target in node.targets:
            self.scopes.bind(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if not self._feeds:
            return
        if not self.scopes.bind_annotated(node.target, node.annotation.annotation):
            self.scopes.bind(node.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if not self._feeds:
            return
        self.scopes.bind(node.target, None)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        if not self._feeds:
            return
        self.scopes.bind(node.target, node.value)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if not self._feeds:
            return
        if node.asname is not None:
            self.scopes.bind(node.asname.name, node.item)

    def visit_For(self, node: cst.For) -> None:
        if not self._feeds:
            return
        self.scopes.bind(node.target, None)
        if node.asynchronous is not None:
            self._mark_await()

    def visit_With(self, node: cst.With) -> None:
        if not self._feeds:
            return
        if node.asynchronous is not None:
            self._mark_await()

    def visit_CompFor(self, node: cst.CompFor) -> None:
        if not self._feeds:
            return
        if node.asynchronous is not None:
            self._mark_await()

    def visit_Await(self, node: cst.Await) -> None:
        if not self._feeds:
            return
        self.scopes.awaited.add(node.expression)
        self._mark_await()

    def visit_Yield(self, node: cst.Yield) -> None:
        if not self._feeds:
            return
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
