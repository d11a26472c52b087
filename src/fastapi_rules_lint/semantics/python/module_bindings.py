"""Every name a module binds at module level, with the nodes that bind it, in order.

A question a fix asks before it adds or moves a module-level definition ("is `lifespan`
free?", "is this handler's `def` its only binding?"). LibCST's ``ScopeProvider`` answers
it too, but resolves every scope and access of the module to do so; this is one
read-only walk that looks only at what binds. It errs on the side of "bound":

- assignments (also chained and unpacking), annotated assignments with or without a
  value, augmented assignments, ``for``/``with``/``except`` targets, ``del``, walrus
  targets (a comprehension's walrus binds in the enclosing scope), ``match`` capture
  names and ``type`` aliases, at module level (inside module-level ``if``/``try``/... too);
- ``def`` and ``class`` (the node is the definition itself);
- imports (the node is the import statement; ``import a.b`` binds ``a``, and ``a.b`` as
  LibCST names it); a star import binds nothing we can name;
- a ``global X`` declaration anywhere counts as a binding of ``X`` (the node is its
  name), whether or not its function assigns ``X``.

Names bound inside functions, lambdas, classes and comprehensions belong to those scopes.
"""

from __future__ import annotations

import libcst as cst
from libcst.helpers import get_full_name_for_node

from fastapi_rules_lint.engine.traversal import visit_readonly

Bindings = dict[str, list[cst.CSTNode]]


def module_bindings(module: cst.Module) -> Bindings:
    """Name → the nodes binding it at module level, in source order (see above)."""
    collector = _Collector()
    visit_readonly(module, collector)
    return collector.found


class _Collector(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: Bindings = {}
        self.depth = 0  # nested scopes (function, lambda, class) around the node

    def bind(self, name: str, node: cst.CSTNode) -> None:
        self.found.setdefault(name, []).append(node)

    def bind_target(self, target: cst.BaseExpression) -> None:
        if self.depth:
            return
        if isinstance(target, cst.Name):
            self.bind(target.value, target)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self.bind_target(element.value)
        elif isinstance(target, cst.StarredElement):
            self.bind_target(target.value)
        # `a.b = ...` and `a[0] = ...` bind nothing.

    def nested(self, *parts: cst.CSTNode | None) -> None:
        """Visit ``parts`` (the body of a function, lambda or class) as another scope."""
        self.depth += 1
        for part in parts:
            if part is not None:
                visit_readonly(part, self)
        self.depth -= 1

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        if not self.depth:
            self.bind(node.name.value, node)
        # Decorators, defaults and annotations run in the enclosing scope.
        for decorator in node.decorators:
            visit_readonly(decorator, self)
        visit_readonly(node.params, self)
        if node.returns is not None:
            visit_readonly(node.returns, self)
        self.nested(node.body)
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        visit_readonly(node.params, self)
        self.nested(node.body)
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        if not self.depth:
            self.bind(node.name.value, node)
        for part in (*node.decorators, *node.bases, *node.keywords):
            visit_readonly(part, self)
        self.nested(node.body)
        return False

    def visit_Global(self, node: cst.Global) -> None:
        for item in node.names:
            self.bind(item.name.value, item.name)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self.bind_target(target.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.bind_target(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self.bind_target(node.target)

    def visit_For(self, node: cst.For) -> None:
        self.bind_target(node.target)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self.bind_target(node.asname.name)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self.bind_target(node.name.name)

    def visit_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        if node.name is not None:
            self.bind_target(node.name.name)

    def visit_Del(self, node: cst.Del) -> None:
        self.bind_target(node.target)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self.bind_target(node.target)

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        if node.name is not None:
            self.bind_target(node.name)

    def visit_MatchStar(self, node: cst.MatchStar) -> None:
        if node.name is not None:
            self.bind_target(node.name)

    def visit_MatchMapping(self, node: cst.MatchMapping) -> None:
        if node.rest is not None:
            self.bind_target(node.rest)

    def visit_TypeAlias(self, node: cst.TypeAlias) -> None:
        self.bind_target(node.name)

    def visit_Import(self, node: cst.Import) -> bool:
        if not self.depth:
            for alias in node.names:
                if alias.asname is not None:
                    self._bind_import(alias.asname.name, node)
                else:
                    self._bind_import(alias.name, node)
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        if not self.depth and not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                self._bind_import(alias.asname.name if alias.asname else alias.name, node)
        return False

    def _bind_import(self, name: cst.BaseExpression, node: cst.CSTNode) -> None:
        # `import a.b.c` binds `a`; LibCST also names `a.b.c` and `a.b`: keep those.
        while isinstance(name, cst.Attribute):
            dotted = get_full_name_for_node(name)
            if dotted is not None:
                self.bind(dotted, node)
            name = name.value
        if isinstance(name, cst.Name):
            self.bind(name.value, node)
