"""What an ``except`` clause catches and what its body does with the error.

Shared by the error-handling rules (FRL701 swallowed exceptions, FRL702 leaked
exception detail, FRL704 catch-alls in routes). Names are resolved by the caller's
``Resolve`` (``ModuleContext.qualified_names``), so this module stays below
``semantics.fastapi``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import libcst as cst

from fastapi_rules_lint.engine.traversal import OwnScopeVisitor, visit_readonly

Resolve = Callable[[cst.BaseExpression], frozenset[str]]

CATCH_ALL = frozenset({"builtins.Exception", "builtins.BaseException"})

# Logging calls by the receiver's name: `logger.x`, `log.x`, `self._logger.x`,
# `audit_log.x`, `LOGGER.x` — not `catalog.x` or `dialog.x`.
_LOGGER_NAME = re.compile(r"^_*(?:\w+_)?(?:logger|log|logging)$", re.IGNORECASE)
# Calls that record or report an error, by qualified-name prefix.
_REPORTING_PREFIXES = (
    "logging.",
    "structlog.",
    "loguru.",
    "sentry_sdk.capture_",
    "warnings.warn",
    "traceback.print_",
    "traceback.format_",
    "sys.exit",
    "sys.stderr.write",
    "sys.stdout.write",
    "os._exit",
    # these raise: the error is turned into a test failure or skip
    "pytest.fail",
    "pytest.skip",
    "pytest.xfail",
)
_REPORTING_BUILTINS = frozenset({"builtins.print", "builtins.exit", "builtins.quit"})
LOGGER_FACTORIES = frozenset(
    {
        "logging.getLogger",
        "structlog.get_logger",
        "structlog.getLogger",
        "structlog.stdlib.get_logger",
        "loguru.logger.bind",
    }
)


def caught_types(handler: cst.ExceptHandler) -> tuple[cst.BaseExpression, ...]:
    """The exception classes an ``except`` names (empty for a bare ``except:``)."""
    if handler.type is None:
        return ()
    if isinstance(handler.type, cst.Tuple):
        return tuple(element.value for element in handler.type.elements)
    return (handler.type,)


def is_catch_all(handler: cst.ExceptHandler, resolve: Resolve) -> bool:
    """True for ``except:``, ``except Exception:``, ``except BaseException:`` (also
    inside a tuple of classes)."""
    if handler.type is None:
        return True
    return any(not resolve(t).isdisjoint(CATCH_ALL) for t in caught_types(handler))


def caught_name(handler: cst.ExceptHandler) -> str | None:
    """The name ``except ... as name`` binds, or None."""
    if handler.name is not None and isinstance(handler.name.name, cst.Name):
        return handler.name.name.value
    return None


class _BodyFacts(OwnScopeVisitor):
    """What a handler body does, not looking into nested functions and classes."""

    def __init__(self, name: str | None, resolve: Resolve, loggers: frozenset[str]) -> None:
        super().__init__()
        self.name = name
        self.resolve_names = resolve
        self.loggers = loggers
        self.raises: list[cst.Raise] = []
        self.returns: list[cst.Return] = []
        self.is_reported = False
        self.uses_error = False
        self.has_comment = False

    def visit_Raise(self, node: cst.Raise) -> None:
        self.raises.append(node)

    def visit_Comment(self, node: cst.Comment) -> None:
        text = node.value.lstrip("#").strip().lower()
        ignored = ("pragma:", "type:", "noqa", "fastapi-rules:", "pylint:")
        if text and not text.startswith(ignored):
            self.has_comment = True

    def visit_Return(self, node: cst.Return) -> None:
        self.returns.append(node)

    def visit_Del(self, node: cst.Del) -> bool:
        # `del error` forgets the error; it does not handle it.
        return False

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == self.name:
            self.uses_error = True

    def visit_Call(self, node: cst.Call) -> None:
        if self.is_reported:
            return
        if is_reporting_call(node.func, self.resolve_names, self.loggers):
            self.is_reported = True


def is_reporting_call(func: cst.BaseExpression, resolve: Resolve, loggers: frozenset[str]) -> bool:
    """True for a call that logs or reports: ``logger.*``/``log.*``/``logging.*``,
    ``structlog``, ``loguru``, ``sentry_sdk.capture_*``, ``warnings.warn``,
    ``traceback.print_*``/``format_*``, ``print``, ``sys.exit``, a logging handler's
    ``self.handleError(record)``, and any method of a name bound from a logger
    factory (``loggers``)."""
    qualified = resolve(func)
    if any(name.startswith(_REPORTING_PREFIXES) for name in qualified):
        return True
    if not qualified.isdisjoint(_REPORTING_BUILTINS):
        return True
    if not isinstance(func, cst.Attribute):
        return False
    if func.attr.value == "handleError":  # `logging.Handler`'s own error reporting
        return True
    receiver: cst.BaseExpression = func.value
    while True:
        if isinstance(receiver, cst.Call):
            receiver = receiver.func  # `logger.bind(...).info(...)`
        elif isinstance(receiver, cst.Attribute):
            if _LOGGER_NAME.match(receiver.attr.value):
                return True
            receiver = receiver.value
        elif isinstance(receiver, cst.Name):
            return bool(_LOGGER_NAME.match(receiver.value)) or receiver.value in loggers
        else:
            return False


@dataclass(frozen=True)
class HandlerFacts:
    """What an ``except`` body does (nested functions and classes excluded)."""

    raises: tuple[cst.Raise, ...]
    returns: tuple[cst.Return, ...]
    is_reported: bool
    """It logs, warns, prints, sends to Sentry or exits."""
    uses_error: bool
    """It reads the name ``except ... as name`` binds (stores, passes or returns it)."""
    has_comment: bool
    """A comment line in the body (not a ``pragma:``, ``type:``, ``pylint:`` or ``noqa``
    one); a comment on the ``except`` line itself does not count."""


def handler_facts(
    handler: cst.ExceptHandler, resolve: Resolve, loggers: frozenset[str] = frozenset()
) -> HandlerFacts:
    """Facts about ``handler``'s body; ``loggers`` are extra names bound to loggers."""
    facts = _BodyFacts(caught_name(handler), resolve, loggers)
    # The statements only: a comment on the `except` line (a BLE001 suppression, a
    # fixture marker) says the catch is broad on purpose, not that it swallows.
    for statement in handler.body.body:
        visit_readonly(statement, facts)
    return HandlerFacts(
        tuple(facts.raises),
        tuple(facts.returns),
        facts.is_reported,
        facts.uses_error,
        facts.has_comment,
    )


def is_reraise(node: cst.Raise, name: str | None) -> bool:
    """``raise`` or ``raise error`` (the caught error, unchanged)."""
    if node.exc is None:
        return True
    return name is not None and isinstance(node.exc, cst.Name) and node.exc.value == name


# Attributes of a caught error that carry its internal text.
_DETAIL_ATTRIBUTES = frozenset({"args", "orig", "message", "msg", "strerror", "filename"})


def _is_error_text(node: cst.BaseExpression, name: str) -> bool:
    """``error``, ``error.args``, ``error.args[0]``, ``error.orig`` …"""
    if isinstance(node, cst.Subscript):
        node = node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value in _DETAIL_ATTRIBUTES and _is_error_text(node.value, name)
    return isinstance(node, cst.Name) and node.value == name


def error_text_uses(node: cst.CSTNode, name: str, resolve: Resolve) -> Iterator[cst.BaseExpression]:
    """Expressions under ``node`` that turn the caught error ``name`` into text:
    ``str(e)``, ``repr(e)``, ``f"{e}"``, ``e.args``, ``"%s" % e``, ``"{}".format(e)``,
    ``traceback.format_exc()``."""
    finder = _ErrorTextFinder(name, resolve)
    visit_readonly(node, finder)
    yield from finder.found


class _ErrorTextFinder(cst.CSTVisitor):
    def __init__(self, name: str, resolve: Resolve) -> None:
        super().__init__()
        self.name = name
        self.resolve_names = resolve
        self.found: list[cst.BaseExpression] = []

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Comparison(self, node: cst.Comparison) -> bool:
        # `e.args == (...)` tests the error; it puts no text anywhere.
        return False

    def visit_IfExp(self, node: cst.IfExp) -> bool:
        visit_readonly(node.body, self)
        visit_readonly(node.orelse, self)
        return False

    def visit_Call(self, node: cst.Call) -> bool:
        qualified = self.resolve_names(node.func)
        is_text = bool(qualified & {"builtins.str", "builtins.repr"}) and bool(node.args)
        if is_text and _is_error_text(node.args[0].value, self.name):
            self.found.append(node)
            return False
        if qualified & {"traceback.format_exc", "traceback.format_exception"}:
            self.found.append(node)
            return False
        func = node.func
        is_format = isinstance(func, cst.Attribute) and func.attr.value == "format"
        if is_format and any(_is_error_text(arg.value, self.name) for arg in node.args):
            self.found.append(node)
            return False
        return True

    def visit_FormattedStringExpression(self, node: cst.FormattedStringExpression) -> bool:
        if _is_error_text(node.expression, self.name):
            self.found.append(node.expression)
            return False
        return True

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> bool:
        if not isinstance(node.operator, cst.Modulo):
            return True
        right = node.right
        values = [e.value for e in right.elements] if isinstance(right, cst.Tuple) else [right]
        if any(_is_error_text(value, self.name) for value in values):
            self.found.append(node)
            return False
        return True

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        if node.attr.value == "args" and _is_error_text(node, self.name):
            self.found.append(node)
            return False
        return True
