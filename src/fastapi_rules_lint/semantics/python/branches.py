"""Which branch of which ``if``/``try``/``match`` a statement sits in.

Rules that compare two registrations in source order ("the same route twice", "a
middleware added after CORS") must not compare statements that never both run:
``if DEBUG: @app.get("/x") ... else: @app.get("/x") ...`` registers one route. A rule
mixes ``BranchTracking`` in and asks ``self.branch_path``; ``are_exclusive(a, b)``
tells whether two paths are alternatives.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

BranchPath = tuple[tuple[int, int], ...]
"""(id of the ``if``/``try``/``match`` node, branch index) from outermost to innermost."""


WITH_BLOCK = -1
"""The branch index of a ``with`` body."""


def are_exclusive(first: BranchPath, second: BranchPath) -> bool:
    """True when the two paths take different branches of the same statement, or one
    is inside a ``with`` block the other is not in: a ``with`` body may stop early
    (``with pytest.raises(...)`` expects it to), so it is compared only with itself."""
    first_branches, second_branches = dict(first), dict(second)
    for owner, index in second:
        if owner in first_branches:
            if first_branches[owner] != index:
                return True
        elif index == WITH_BLOCK:
            return True
    return any(index == WITH_BLOCK and owner not in second_branches for owner, index in first)


class BranchTracking(cst.BatchableCSTVisitor):
    """A mixin for rules: keeps ``branch_path`` current during the traversal.

    Branch bodies are recorded when their statement is visited and pushed when the
    body itself is visited, so the path is right for everything inside. A ``try``'s
    body and its ``else`` are one branch (both run on success); each handler is
    another. A ``with`` body is a branch of its own (see ``are_exclusive``).
    ``finally`` and loop bodies are not branches. Call ``setup_branches``
    from the rule's ``setup``.
    """

    def setup_branches(self) -> None:
        """Initialise the per-file state."""
        self._pending: dict[int, tuple[int, int]] = {}
        self._path: list[tuple[int, int]] = []
        self._pushed: list[int] = []
        self._protected: set[int] = set()
        self._protected_depth = 0

    @property
    def branch_path(self) -> BranchPath:
        """The branches enclosing the node being visited."""
        return tuple(self._path)

    def _expect(self, body: cst.CSTNode, owner: cst.CSTNode, index: int) -> None:
        self._pending[id(body)] = (id(owner), index)

    def _enter(self, node: cst.CSTNode) -> None:
        branch = self._pending.pop(id(node), None)
        if branch is not None:
            self._path.append(branch)
            self._pushed.append(id(node))
            if id(node) in self._protected:
                self._protected_depth += 1

    def _leave(self, node: cst.CSTNode) -> None:
        if self._pushed and self._pushed[-1] == id(node):
            self._pushed.pop()
            self._path.pop()
            if id(node) in self._protected:
                self._protected_depth -= 1

    def visit_If(self, node: cst.If) -> None:
        self._enter(node)  # an `elif` is the `else` branch of its parent `if`
        self._expect(node.body, node, 0)
        if isinstance(node.orelse, cst.Else):
            self._expect(node.orelse.body, node, 1)
        elif node.orelse is not None:
            self._expect(node.orelse, node, 1)

    def leave_If(self, original_node: cst.If) -> None:
        self._leave(original_node)

    def visit_Try(self, node: cst.Try) -> None:
        self._expect_try(node, node.body, [h.body for h in node.handlers], node.orelse)

    def visit_TryStar(self, node: cst.TryStar) -> None:
        self._expect_try(node, node.body, [h.body for h in node.handlers], node.orelse)

    def _expect_try(
        self,
        node: cst.CSTNode,
        body: cst.BaseSuite,
        handler_bodies: Sequence[cst.BaseSuite],
        orelse: cst.Else | None,
    ) -> None:
        self._expect(body, node, 0)
        if handler_bodies:
            self._protected.add(id(body))
        for index, handler_body in enumerate(handler_bodies, start=1):
            self._expect(handler_body, node, index)
        if orelse is not None:
            self._expect(orelse.body, node, 0)

    def visit_With(self, node: cst.With) -> None:
        self._expect(node.body, node, WITH_BLOCK)

    def visit_Match(self, node: cst.Match) -> None:
        for index, case in enumerate(node.cases):
            self._expect(case.body, node, index)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._enter(node)

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        self._leave(original_node)

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self._enter(node)

    def leave_SimpleStatementSuite(self, original_node: cst.SimpleStatementSuite) -> None:
        self._leave(original_node)

    def in_try_body(self) -> bool:
        """True inside the body of a ``try`` with handlers, where an exception raised
        by a fix's new code could be caught and change what the code does."""
        return self._protected_depth > 0
