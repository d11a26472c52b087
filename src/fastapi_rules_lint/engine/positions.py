"""Positions for the few nodes a file reports, without LibCST's ``PositionProvider``.

``PositionProvider`` runs a code generation pass that splits every token on newlines
and stores a range for every node: it costs about as much as the traversal itself. The
engine only needs ranges for the nodes it reports (and the text ranges of the nodes a
fix replaces), and only for files that report something. So we run LibCST's code
generation once with a state that counts characters (``len`` per token), record
offsets, and turn offsets into rows and columns with a line table and ``bisect``.
When the reports say which top-level statements they came from, only those statements
are generated, each from its offset in the text (``engine.statement_positions``).
Syntactic ranges follow ``PositionProvider``'s semantics (whitespace that is not
syntactically significant is excluded); "inclusive" ranges cover everything the node
owns and are what a textual replacement of the node must use.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import ClassVar

import libcst as cst
from libcst._nodes.internal import CodegenState

from fastapi_rules_lint.engine.lines import LineIndex as LineIndex


class NodeOffsets:
    """Syntactic (start, end) offsets by node. Keyed by ``id`` while generating: a
    CSTNode's ``__hash__`` is a Python-level method, and this is one entry per node."""

    __slots__ = ("_by_id",)

    def __init__(self, by_id: dict[int, tuple[int, int]]) -> None:
        self._by_id = by_id

    def __getitem__(self, node: cst.CSTNode) -> tuple[int, int]:
        return self._by_id[id(node)]

    def __contains__(self, node: object) -> bool:
        return id(node) in self._by_id

    def get(self, node: cst.CSTNode) -> tuple[int, int] | None:
        """The offsets of ``node``; None when it was not generated."""
        return self._by_id.get(id(node))


class _SyntacticSpan:
    """``record_syntactic_position`` as a plain context manager: LibCST opens one per
    node, and a generator-based one costs several calls each."""

    __slots__ = ("end_node", "node", "start", "start_node", "state")

    def __init__(
        self,
        state: _OffsetCodegenState,
        node: cst.CSTNode,
        start_node: cst.CSTNode | None,
        end_node: cst.CSTNode | None,
    ) -> None:
        self.state = state
        self.node = node
        self.start_node = start_node
        self.end_node = end_node
        self.start = 0

    def __enter__(self) -> None:
        self.start = self.state.offset

    def __exit__(self, *_: object) -> None:
        state = self.state
        syntactic = state.syntactic
        start, end = self.start, state.offset
        # Some nodes hoist their range from a child (a decorated function starts at
        # its `def`); children are generated first, so their ranges exist here.
        if self.start_node is not None:
            hoisted = syntactic.get(id(self.start_node))
            if hoisted is not None:
                start = hoisted[0]
        if self.end_node is not None:
            hoisted = syntactic.get(id(self.end_node))
            if hoisted is not None:
                end = hoisted[1]
        syntactic[id(self.node)] = (start, end)


@dataclass
class _OffsetCodegenState(CodegenState):
    targets: Collection[cst.CSTNode] = ()
    offset: int = 0
    syntactic: dict[int, tuple[int, int]] = field(default_factory=dict)
    inclusive: dict[cst.CSTNode, tuple[int, int]] = field(default_factory=dict)
    indents: dict[cst.CSTNode, tuple[str, ...]] = field(default_factory=dict)
    _target_ids: frozenset[int] = frozenset()
    _target_starts: dict[int, int] = field(default_factory=dict)
    span_class: ClassVar[type[_SyntacticSpan]] = _SyntacticSpan
    """What records a node's syntactic range (a subclass may stop the generation)."""

    def __post_init__(self) -> None:
        self._target_ids = frozenset(id(target) for target in self.targets)

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self.offset += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self._target_ids:
            self._target_starts[id(node)] = self.offset

    def after_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self._target_ids:
            self.inclusive[node] = (self._target_starts[id(node)], self.offset)
            # Blocks push and pop their indentation symmetrically, so this is also the
            # indentation the node was generated with: a replacement must use it.
            self.indents[node] = tuple(self.indent_tokens)

    def record_syntactic_position(  # type: ignore[override]
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> _SyntacticSpan:
        return self.span_class(self, node, start_node, end_node)


@dataclass
class _EveryNodeCodegenState(_OffsetCodegenState):
    """Records a range for every node, as LibCST's ``PositionProvider`` does: its
    syntactic range where it records one, else all the code it generates (so a range
    hoisted from a child always finds the child's)."""

    _starts: list[int] = field(default_factory=list)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self._starts.append(self.offset)

    def after_codegen(self, node: cst.CSTNode) -> None:
        # A syntactic range recorded inside wins (PositionProvider's rule).
        self.syntactic.setdefault(id(node), (self._starts.pop(), self.offset))


def every_node_offsets(module: cst.Module) -> tuple[dict[int, tuple[int, int]], str]:
    """(``PositionProvider``'s range of every node of ``module`` as offsets, by ``id``;
    the module's code), from one code generation that only counts characters."""
    state = _EveryNodeCodegenState(
        default_indent=module.default_indent, default_newline=module.default_newline
    )
    module._codegen(state)
    return state.syntactic, "".join(state.tokens)


@dataclass(frozen=True)
class NodeRanges:
    """Offsets of the requested nodes in the code the module generates."""

    code: str
    syntactic: NodeOffsets
    inclusive: dict[cst.CSTNode, tuple[int, int]]
    indents: dict[cst.CSTNode, tuple[str, ...]] = field(default_factory=dict)
    """The indentation tokens in effect where each target was generated."""


def node_ranges(module: cst.Module, targets: Collection[cst.CSTNode]) -> NodeRanges:
    """Generate ``module``'s code once and record the offsets of ``targets``.

    Every node gets a syntactic range (hoisting needs its children's); only targets get
    an inclusive range.
    """
    state = _OffsetCodegenState(
        default_indent=module.default_indent,
        default_newline=module.default_newline,
        targets=targets,
    )
    module._codegen(state)
    # A rule about the whole file (its name) reports the module itself: at 1:1, empty,
    # as ruff reports file-level diagnostics (an empty `__init__.py` has no other node).
    state.syntactic.setdefault(id(module), (0, 0))
    return NodeRanges(
        "".join(state.tokens), NodeOffsets(state.syntactic), state.inclusive, state.indents
    )

