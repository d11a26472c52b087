"""Small ``ast`` helpers the summarisers share."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import cast


def chain(node: ast.expr) -> str | None:
    """``a.b.c`` for a chain of names and attributes only."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def blocks(statement: ast.stmt) -> Iterator[list[ast.stmt]]:
    """The statement lists nested in a compound statement (its own scope's, so not the
    bodies of ``def``/``class``)."""
    if isinstance(statement, (ast.If, ast.For, ast.AsyncFor, ast.While)):
        yield statement.body
        yield statement.orelse
    elif isinstance(statement, (ast.With, ast.AsyncWith)):
        yield statement.body
    elif isinstance(statement, ast.Try) or type(statement).__name__ == "TryStar":
        block = cast(ast.Try, statement)  # `try`/`except*` (3.11+) have the same fields
        yield block.body
        for handler in block.handlers:
            yield handler.body
        yield block.orelse
        yield block.finalbody
    elif isinstance(statement, ast.Match):
        for case in statement.cases:
            yield case.body
