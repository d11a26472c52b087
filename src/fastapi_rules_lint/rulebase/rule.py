"""The rule base class: one rule is one class carrying its code, docs, options and examples.

A rule is a ``libcst.BatchableCSTVisitor``: the engine batches every enabled rule into a
single traversal. It reads facts from ``self.context`` (names, FastAPI semantics, the
enclosing function) and calls ``self.report(node, ...)``. It never prints, reads files,
or touches the environment; its options are a frozen Pydantic model built from config.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import ClassVar

import libcst as cst

from fastapi_rules_lint.engine.diagnostics import Applicability, DiagnosticTag, ImportRequest
from fastapi_rules_lint.engine.options import NoOptions, RuleOptions
from fastapi_rules_lint.engine.traversal import cached_visitors
from fastapi_rules_lint.semantics.fastapi.context import ModuleContext


class Requires(enum.Flag):
    """Which modules a rule can fire in; the engine skips the others."""

    ANY_MODULE = 0
    FASTAPI = enum.auto()
    PYDANTIC = enum.auto()
    SQLALCHEMY = enum.auto()


_RANGE = re.compile(r"^(\d+):(\d+)(?:-(\d+):(\d+))?$")


def _check_files(path: str, files: Mapping[str, str]) -> None:
    """An example's other modules: relative posix ``.py`` paths, not its own."""
    for name in files:
        is_relative = not name.startswith("/") and ".." not in name.split("/")
        if not (is_relative and "\\" not in name and name.endswith(".py")):
            raise ValueError(f"bad example file {name!r}: use a relative posix path to a .py")
    if path in files:
        raise ValueError(f"the example's own module {path!r} is also among its files")


@dataclass(frozen=True)
class Clean:
    """Example code the rule must not report."""

    code: str
    note: str = ""
    options: dict[str, object] = field(default_factory=dict)
    path: str = "example.py"
    """The module the example's code is (``app/routes.py`` in a project of ``files``)."""
    files: Mapping[str, str] = field(default_factory=dict)
    """The other modules of the example's project: relative posix path → source. Empty:
    the code is linted on its own; else as a module of that project (``project_views``)."""

    def __post_init__(self) -> None:
        _check_files(self.path, self.files)


@dataclass(frozen=True)
class Flagged:
    """Example code the rule reports, at the given ranges (``"row:col"`` or
    ``"row:col-row:col"``, 1-based), optionally with the code its fix produces.
    Ranges and ``fixed`` are those of the module at ``path``; ``files`` are the other
    modules of its project (see ``Clean``), which fixes leave alone."""

    code: str
    at: tuple[str, ...]
    fixed: str | None = None
    unsafe: bool = False
    """Whether ``fixed`` needs ``--unsafe-fixes``."""
    note: str = ""
    options: dict[str, object] = field(default_factory=dict)
    path: str = "example.py"
    files: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check_files(self.path, self.files)
        if not self.at:
            raise ValueError("a flagged example must expect at least one diagnostic")
        for spec in self.at:
            if _RANGE.match(spec) is None:
                raise ValueError(f"bad range {spec!r}: use 'row:col' or 'row:col-row:col'")

    def expected(self) -> tuple[tuple[int, int, int | None, int | None], ...]:
        """The expected ranges as (row, col, end_row, end_col)."""
        parsed = []
        for spec in self.at:
            match = _RANGE.match(spec)
            assert match is not None
            row, col, end_row, end_col = match.groups()
            parsed.append(
                (
                    int(row),
                    int(col),
                    int(end_row) if end_row else None,
                    int(end_col) if end_col else None,
                )
            )
        return tuple(parsed)


Example = Clean | Flagged


@dataclass(frozen=True)
class NodeFix:
    """A fix as a rule describes it: replace nodes of the module (``None`` removes a
    statement), and the imports the result needs. The engine turns it into text edits."""

    message: str
    applicability: Applicability
    replacements: tuple[tuple[cst.CSTNode, cst.CSTNode | None], ...]
    imports: tuple[ImportRequest, ...] = ()
    text_insertions: tuple[tuple[cst.CSTNode, str, bool], ...] = ()
    """(anchor node, text, before?) — raw text placed before or after a node."""


@dataclass(frozen=True)
class Report:
    """What a rule hands to the engine; the engine computes ranges later."""

    rule: type[Rule]
    node: cst.CSTNode
    anchor: cst.CSTNode
    message: str
    fix: NodeFix | None
    statement: int | None = None
    """The top-level statement (index in ``Module.body``) the traversal was in when the
    rule reported; None outside every statement (``leave_Module``). The engine stamps
    it (a rule does not) and generates code only for those statements (positions)."""


class Rule(cst.BatchableCSTVisitor):
    """Base class of every rule. Subclasses set the class variables below and write
    ``visit_*``/``leave_*`` methods; the docstring is the rule's documentation, in
    ruff's sections (What it does / Why is this bad? / Example / Use instead /
    Fix safety / Options)."""

    code: ClassVar[str]
    name: ClassVar[str]
    message: ClassVar[str]
    """A ``str.format`` template: one sentence, backticks around code, no period."""
    summary: ClassVar[str]
    requires: ClassVar[Requires] = Requires.ANY_MODULE
    default_enabled: ClassVar[bool] = True
    fix_availability: ClassVar[str] = "none"
    """``none``, ``safe``, ``unsafe`` or ``sometimes`` (for docs and the rules table)."""
    tags: ClassVar[frozenset[DiagnosticTag]] = frozenset()
    """What the findings are about, for editors (``DiagnosticTag``); most rules: none."""
    options_model: ClassVar[type[RuleOptions]] = NoOptions
    examples: ClassVar[tuple[Example, ...]] = ()

    options: RuleOptions

    def __init__(
        self, context: ModuleContext, options: RuleOptions, sink: Callable[[Report], None]
    ) -> None:
        super().__init__()
        self.context = context
        self.options = options
        self._sink = sink
        self.setup()

    def setup(self) -> None:
        """Initialise per-file state. ``__init__`` (and so ``setup``) runs for every file;
        the engine may re-initialise a cleared object of an earlier file instead of
        building a new one, so keep per-file state in instance attributes only."""

    def report(self, node: cst.CSTNode, *, fix: NodeFix | None = None, **arguments: object) -> None:
        """Report ``node``; ``arguments`` fill the message template."""
        message = self.message.format(**arguments) if arguments else self.message
        self._sink(Report(type(self), node, self.context.anchor, message, fix))

    def report_with_anchor(
        self,
        node: cst.CSTNode,
        anchor: cst.CSTNode,
        *,
        fix: NodeFix | None = None,
        **arguments: object,
    ) -> None:
        """Like ``report``, for a rule that reports later (in ``leave_Module``, once it
        has seen the whole module): ``anchor`` is ``self.context.anchor`` captured when
        ``node`` was visited, so ``# noqa`` works on the same rows."""
        message = self.message.format(**arguments) if arguments else self.message
        self._sink(Report(type(self), node, anchor, message, fix))

    # BatchableCSTVisitor.get_visitors() inspects every member of every instance; rules
    # are built per file, so the method names are cached per class.
    get_visitors = cached_visitors
