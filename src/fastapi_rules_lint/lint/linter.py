"""The engine: decode, parse once, run every enabled rule in one batched traversal,
compute ranges for what was reported, apply suppressions.

Interfaces (CLI, flake8, reporters) call ``lint_source`` and never see a rule.
"""

from __future__ import annotations

import ast
import functools
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import libcst as cst

from fastapi_rules_lint.engine.diagnostics import Diagnostic, Fix, Location
from fastapi_rules_lint.engine.noqa import NO_SUPPRESSIONS, Suppressions, Use, parse_suppressions
from fastapi_rules_lint.engine.options import RuleOptions
from fastapi_rules_lint.engine.parse import on_big_stack, precheck
from fastapi_rules_lint.engine.positions import LineIndex, NodeRanges, node_ranges
from fastapi_rules_lint.engine.source import DecodedSource, SourceDecodeError, decode_source
from fastapi_rules_lint.engine.statement_positions import Needs, statement_ranges
from fastapi_rules_lint.engine.traversal import Batch
from fastapi_rules_lint.lint.context_visitors import EnterContext, LeaveContext, Reports
from fastapi_rules_lint.lint.registry import all_rules
from fastapi_rules_lint.lint.settings import LintSettings as LintSettings
from fastapi_rules_lint.lint.textfix import text_fix
from fastapi_rules_lint.lint.unused_noqa import UNUSED_NOQA, named_rules, unused_noqa
from fastapi_rules_lint.project.view import ModuleView, standalone_view
from fastapi_rules_lint.rulebase.rule import NodeFix, Report, Requires, Rule
from fastapi_rules_lint.semantics.fastapi.apps import analyse_module
from fastapi_rules_lint.semantics.fastapi.context import ModuleContext
from fastapi_rules_lint.semantics.python.names import BindingTable, build_binding_table

SYNTAX_ERROR = "FRL001"


@dataclass(frozen=True)
class LintResult:
    """The diagnostics of one file plus the decoded source they refer to."""

    diagnostics: tuple[Diagnostic, ...]
    source: DecodedSource | None


def _module_requirements(table: BindingTable, uses_fastapi: bool, view: ModuleView) -> Requires:
    found = Requires.ANY_MODULE
    if uses_fastapi:
        found |= Requires.FASTAPI
    # A module that imports only the project's own models (`from .base import
    # ORMModel`) uses Pydantic all the same; likewise for declarative classes.
    if table.imports_module("pydantic", "pydantic_settings", "sqlmodel") or view.model_classes:
        found |= Requires.PYDANTIC
    if (
        table.imports_module("sqlalchemy", "sqlmodel", "flask_sqlalchemy")
        or view.orm_classes
    ):
        found |= Requires.SQLALCHEMY
    return found


def _error(path: str, row: int, column: int, message: str) -> Diagnostic:
    location = Location(row, column)
    return Diagnostic(
        filename=path,
        location=location,
        code=SYNTAX_ERROR,
        end_location=location,
        message=message,
        noqa_row=row,
    )


# CPython's messages for literals LibCST accepts but CPython rejects (bad escapes, non-ASCII
# bytes, NUL bytes, ints past the digit limit). Only these turn a module LibCST parsed into
# FRL001: any other CPython rejection may just be newer grammar than the running Python
# (``type X = int`` or PEP 701 f-strings under 3.11), which LibCST reads correctly.
_REJECTED_LITERALS = (
    "(unicode error)",
    "(value error)",
    "bytes can only contain ASCII",
    "null bytes",
    "integer string conversion",
)


def _cpython_rejection(text: str) -> tuple[str, int, int] | None:
    """CPython's error (message, row, column) when its own parser rejects ``text``."""
    try:
        compile(text, "<lint>", "exec", dont_inherit=True, flags=ast.PyCF_ONLY_AST)
    except SyntaxError as error:
        return error.msg, error.lineno or 1, error.offset or 1
    except ValueError as error:  # NUL bytes on some Python versions
        return str(error), 1, 1
    except (RecursionError, MemoryError, OverflowError):
        return None
    return None


def _may_reject_literal(text: str) -> bool:
    """False when CPython cannot reject any literal of ``text`` (every rejection above
    needs an escape, a non-ASCII character, a NUL or a long run of digits): most files,
    which then skip a second full parse."""
    if "\\" in text or "\0" in text or not text.isascii():
        return True
    limit = _int_digit_limit()
    return limit > 0 and len(text) > limit and _digit_run(limit).search(text) is not None


def _int_digit_limit() -> int:
    get_limit: Callable[[], int] | None = getattr(sys, "get_int_max_str_digits", None)
    return get_limit() if get_limit is not None else 0


@functools.lru_cache(maxsize=4)
def _digit_run(limit: int) -> re.Pattern[str]:
    # A decimal literal of more than `limit` digits (underscores allowed between them).
    return re.compile(f"[0-9_]{{{limit + 1},}}")


def _rejected_literal(text: str) -> tuple[str, int, int] | None:
    if not _may_reject_literal(text):
        return None
    rejection = _cpython_rejection(text)
    if rejection is None or not any(part in rejection[0] for part in _REJECTED_LITERALS):
        return None
    detail, row, column = rejection
    if "null bytes" in detail and "\0" in text:
        before = text[: text.index("\0")]
        row = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
    return detail, row, column


def _parse(text: str, path: str) -> cst.Module | Diagnostic:
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        detail = str(error.message).splitlines()[0] if error.message else "invalid syntax"
        row, column = error.raw_line, error.raw_column + 1
    except (RecursionError, MemoryError, ValueError, TypeError, cst.CSTValidationError) as error:
        # The native parser rejects some inputs with plain exceptions (deep nesting,
        # null bytes) and node validation (`"a" b"b"`); they are still "this file
        # cannot be parsed".
        detail, row, column = f"{type(error).__name__}: {error}", 1, 1
    else:
        rejected = _rejected_literal(text)
        if rejected is None:
            return module
        detail, row, column = rejected
        return _error(path, row, column, f"Syntax error: {detail}")
    # CPython's own error is the clearer one (position and wording users know);
    # LibCST's stands, saying so, when this Python accepts what LibCST does not.
    rejection = _cpython_rejection(text)
    if rejection is None:
        return _error(
            path, row, column, f"Cannot be parsed by LibCST (valid Python): {detail}"
        )
    detail, row, column = rejection
    return _error(path, row, column, f"Syntax error: {detail}")


def lint_module(
    module: cst.Module,
    text: str,
    path: str,
    settings: LintSettings,
    project: ModuleView,
) -> list[Diagnostic]:
    """Lint an already parsed module whose code is ``text``."""
    table = build_binding_table(module)
    fastapi = analyse_module(module, table, project)
    available = _module_requirements(table, fastapi.uses_fastapi, project)
    context = ModuleContext(module, path, table, fastapi, settings.enabled)
    judge_noqa = UNUSED_NOQA in settings.enabled and settings.honour_noqa
    suppressions = parse_suppressions(text) if settings.honour_noqa else NO_SUPPRESSIONS
    # FRL002 runs the rules a directive names even when they are off, only to learn
    # whether they would fire there: their reports mark directives used, nothing more.
    # Most files have no directive at all: nothing to name, no scan of every rule.
    judged_only = (
        named_rules(suppressions) - settings.enabled
        if judge_noqa and suppressions.directives
        else frozenset()
    )
    reports = Reports()
    rule_classes = _selected_rules(settings.enabled, judged_only, available)
    if not rule_classes:
        return []
    batch = _take_batch(rule_classes, context, settings, reports)
    try:
        batch.traverse(module)
        return _collect(
            module, text, path, reports.reports, suppressions, judge_noqa, judged_only
        )
    finally:
        _give_back(rule_classes, batch)


# The rules a module runs, per (enabled, judged only, available): a run asks the same
# few questions for every file, and enum flag arithmetic per rule per file adds up.
_SELECTIONS: dict[tuple[frozenset[str], frozenset[str], Requires], tuple[type[Rule], ...]] = {}
_MAX_SELECTIONS = 64


def _selected_rules(
    enabled: frozenset[str], judged_only: frozenset[str], available: Requires
) -> tuple[type[Rule], ...]:
    key = (enabled, judged_only, available)
    found = _SELECTIONS.get(key)
    if found is None:
        found = tuple(
            rule_class
            for rule_class in all_rules()
            if (rule_class.code in enabled or rule_class.code in judged_only)
            and rule_class.requires & available == rule_class.requires
        )
        if len(_SELECTIONS) >= _MAX_SELECTIONS:
            _SELECTIONS.clear()
        _SELECTIONS[key] = found
    return found


# Per tuple of rule classes: a `Batch` of context visitors and rules not in use, made
# ready for each module by re-running `__init__` on a cleared instance (as good as a new
# one). Taken out while a module is linted, so a nested or concurrent lint builds its own.
_BATCHES: dict[tuple[type[Rule], ...], Batch] = {}
_MAX_BATCHES = 32


def _take_batch(
    rule_classes: tuple[type[Rule], ...],
    context: ModuleContext,
    settings: LintSettings,
    reports: Reports,
) -> Batch:
    batch = _BATCHES.pop(rule_classes, None)
    if batch is None:
        visitors: list[cst.BatchableCSTVisitor] = [
            EnterContext(context, reports),
            *(cls(context, settings.options_for(cls), reports) for cls in rule_classes),
            LeaveContext(context, reports),
        ]
        return Batch(visitors)
    # `_give_back` cleared every visitor: re-running `__init__` makes it as good as new.
    enter, *rules, leave = batch.visitors
    enter_init: Callable[..., None] = type(enter).__init__
    enter_init(enter, context, reports)
    options = _options(rule_classes, settings)
    for rule, cls, rule_options in zip(rules, rule_classes, options, strict=True):
        rule_init: Callable[..., None] = cls.__init__
        rule_init(rule, context, rule_options, reports)
    leave_init: Callable[..., None] = type(leave).__init__
    leave_init(leave, context, reports)
    return batch


# The options of a tuple of rule classes under the settings last used with it (a run
# lints every file with one `LintSettings`): looked up once, not per rule per file.
_OPTIONS: dict[tuple[type[Rule], ...], tuple[LintSettings, tuple[RuleOptions, ...]]] = {}


def _options(
    rule_classes: tuple[type[Rule], ...], settings: LintSettings
) -> tuple[RuleOptions, ...]:
    known = _OPTIONS.get(rule_classes)
    if known is not None and known[0] is settings:
        return known[1]
    options = tuple(settings.options_for(cls) for cls in rule_classes)
    if len(_OPTIONS) >= _MAX_BATCHES:
        _OPTIONS.clear()
    _OPTIONS[rule_classes] = (settings, options)
    return options


def _give_back(rule_classes: tuple[type[Rule], ...], batch: Batch) -> None:
    for visitor in batch.visitors:
        visitor.__dict__.clear()  # no module, context or report stays alive
    if len(_BATCHES) < _MAX_BATCHES:
        _BATCHES.setdefault(rule_classes, batch)


def _collect(
    module: cst.Module,
    text: str,
    path: str,
    reports: list[Report],
    suppressions: Suppressions,
    judge_noqa: bool,
    judged_only: frozenset[str],
) -> list[Diagnostic]:
    if not reports and not judge_noqa:
        return []
    used: set[Use] = set()
    diagnostics = (
        _to_diagnostics(module, text, path, reports, suppressions, used, judged_only)
        if reports
        else []
    )
    if judge_noqa and suppressions.directives:
        # After every report went through the filter: `used` is complete.
        for unused in unused_noqa(text, path, suppressions, used):
            if not suppressions.matches(unused.code, (unused.location.row,)):
                diagnostics.append(unused)
    return diagnostics


def _to_diagnostics(
    module: cst.Module,
    text: str,
    path: str,
    reports: Sequence[Report],
    suppressions: Suppressions,
    used: set[Use],
    judged_only: frozenset[str] = frozenset(),
) -> list[Diagnostic]:
    """Ranges and fixes for ``reports``, minus the suppressed ones and those of the
    ``judged_only`` rules; every directive code that matched a report (whether or not
    another one matched too) goes into ``used``."""
    fix_targets = {
        target
        for report in reports
        if report.fix is not None
        for target in _fix_nodes(report.fix)
    }
    lines = LineIndex.of(text)
    ranges = _ranges(module, text, lines, reports, fix_targets)
    if ranges.code is not text:
        lines = LineIndex.of(ranges.code)
    diagnostics: list[Diagnostic] = []
    for report in reports:
        start, end = ranges.syntactic[report.node]
        location = lines.location(start)
        anchor = ranges.syntactic.get(report.anchor) if report.anchor is not module else None
        noqa_row = lines.location(anchor[0]).row if anchor is not None else location.row
        # A node reported from its parent's context (a decorator reported while the
        # `def` is visited) starts its own logical line above the anchor's.
        noqa_row = min(noqa_row, location.row)
        code = report.rule.code
        matches = suppressions.matches(code, (location.row, noqa_row))
        if matches:
            used.update(matches)
            continue
        if code in judged_only:
            continue
        fix = _text_fix(module, report.fix, ranges) if report.fix else None
        diagnostics.append(
            Diagnostic(
                filename=path,
                location=location,
                code=code,
                end_location=lines.location(end),
                message=report.message,
                noqa_row=noqa_row,
                fix=fix,
            )
        )
    return diagnostics


def _ranges(
    module: cst.Module,
    text: str,
    lines: LineIndex,
    reports: Sequence[Report],
    fix_targets: set[cst.CSTNode],
) -> NodeRanges:
    """The ranges ``reports`` need: from the statements they were reported in when
    that can be trusted (``statement_ranges``), else from the whole module."""
    needs: dict[
        int, tuple[list[cst.CSTNode], list[cst.CSTNode], list[cst.SimpleStatementLine]]
    ] = {}
    for report in reports:
        if report.node is module and report.anchor is module:
            continue  # about the file: at 1:1, no statement needed
        if report.statement is None:
            return node_ranges(module, fix_targets)
        nodes, targets, anchor_lines = needs.setdefault(report.statement, ([], [], []))
        nodes.append(report.node)
        if report.anchor is not module:
            nodes.append(report.anchor)
            if isinstance(report.anchor, cst.SimpleStatementLine):
                anchor_lines.append(report.anchor)
        if report.fix is not None:
            targets.extend(_fix_nodes(report.fix))
    ranges = statement_ranges(
        module,
        text,
        lines.line_starts,
        {index: Needs(*found) for index, found in needs.items()},
    )
    return ranges if ranges is not None else node_ranges(module, fix_targets)


def _fix_nodes(fix: NodeFix) -> list[cst.CSTNode]:
    return [old for old, _ in fix.replacements] + [node for node, _, _ in fix.text_insertions]


def _text_fix(module: cst.Module, fix: NodeFix, ranges: NodeRanges) -> Fix | None:
    return text_fix(module, fix, ranges)


def lint_text(
    text: str,
    path: str = "<stdin>",
    settings: LintSettings | None = None,
    project: ModuleView | None = None,
) -> list[Diagnostic]:
    """Lint decoded source text; FRL001 when it does not parse (or is refused before
    parsing: ``engine.parse``). The work runs on the big-stack thread."""
    settings = settings or LintSettings()
    refusal = precheck(text)
    if refusal is not None:
        refused = _error(path, refusal.row, refusal.column, refusal.message)
        return [refused] if SYNTAX_ERROR in settings.enabled else []
    return on_big_stack(lambda: _lint_text(text, path, settings, project))


def _lint_text(
    text: str, path: str, settings: LintSettings, project: ModuleView | None
) -> list[Diagnostic]:
    parsed = _parse(text, path)
    if isinstance(parsed, Diagnostic):
        return [parsed] if SYNTAX_ERROR in settings.enabled else []
    try:
        diagnostics = lint_module(
            parsed, text, path, settings, project or standalone_view(text, path)
        )
    except RecursionError:
        too_deep = _error(path, 1, 1, "Syntax error: the file is nested too deeply to analyse")
        return [too_deep] if SYNTAX_ERROR in settings.enabled else []
    diagnostics.sort()
    return diagnostics


def lint_bytes(
    data: bytes,
    path: str,
    settings: LintSettings | None = None,
    project: ModuleView | None = None,
) -> LintResult:
    """Lint a file's raw bytes (decoded as Python would decode them)."""
    settings = settings or LintSettings()
    try:
        source = decode_source(data)
    except SourceDecodeError as error:
        diagnostic = _error(path, error.row, error.column, str(error))
        found = (diagnostic,) if SYNTAX_ERROR in settings.enabled else ()
        return LintResult(found, None)
    return LintResult(tuple(lint_text(source.text, path, settings, project)), source)
