"""Whether a function's decorators keep calling it a plain call (``TRANSPARENT_DECORATORS``:
``functools.cache``, ``staticmethod``...): an unknown decorator may change what calling
the function does (``@celery.task``, a decorator moving work to a thread).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import libcst as cst

from fastapi_rules_lint.semantics.python.callgraph import TRANSPARENT_DECORATORS


def has_plain_decorators(
    node: cst.FunctionDef, qualified: Callable[[cst.BaseExpression], frozenset[str]]
) -> bool:
    """No decorators, or only ones that keep calling the function a plain call."""
    return are_plain_decorators(node.decorators, qualified)


def are_plain_decorators(
    decorators: Iterable[cst.Decorator], qualified: Callable[[cst.BaseExpression], frozenset[str]]
) -> bool:
    """``has_plain_decorators`` of some of a function's decorators."""
    for decorator in decorators:
        expression = decorator.decorator
        if isinstance(expression, cst.Call):
            expression = expression.func
        if qualified(expression).isdisjoint(TRANSPARENT_DECORATORS):
            return False
    return True
