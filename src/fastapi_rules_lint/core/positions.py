"""Positions for the few nodes a file reports, without LibCST's ``PositionProvider``.

``PositionProvider`` runs a code generation pass that splits every token on newlines
and stores a range for every node: it costs about as much as the traversal itself. The
engine only needs ranges for the nodes it reports (and the text ranges of the nodes a
fix replaces), and only for files that report something. So we run LibCST's code
generation once with a state that counts characters (``len`` per token), record
offsets, and turn offsets into rows and columns with a line table and ``bisect``.
Syntactic ranges follow ``PositionProvider``'s semantics (whitespace that is not
syntactically significant is excluded); "inclusive" ranges cover everything the node
owns and are what a textual replacement of the node must use.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import libcst as cst
from libcst._nodes.internal import CodegenState

from fastapi_rules_lint.core.diagnostics import Location


@dataclass
class _OffsetCodegenState(CodegenState):
    targets: Collection[cst.CSTNode] = ()
    offset: int = 0
    syntactic: dict[cst.CSTNode, tuple[int, int]] = field(default_factory=dict)
    inclusive: dict[cst.CSTNode, tuple[int, int]] = field(default_factory=dict)
    _starts: list[int] = field(default_factory=list)

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self.offset += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self._starts.append(self.offset)

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self._starts.pop()
        if node in self.targets:
            self.inclusive[node] = (start, self.offset)

    @contextmanager
    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> Iterator[None]:
        start = self.offset
        try:
            yield
        finally:
            end = self.offset
            # Some nodes hoist their range from a child (a decorated function starts at
            # its `def`); children are generated first, so their ranges exist here.
            if start_node is not None and start_node in self.syntactic:
                start = self.syntactic[start_node][0]
            if end_node is not None and end_node in self.syntactic:
                end = self.syntactic[end_node][1]
            self.syntactic[node] = (start, end)


@dataclass(frozen=True)
class LineIndex:
    """Maps character offsets of a source text to 1-based rows and columns."""

    line_starts: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> LineIndex:
        """Index the line starts of ``text`` (``\\n``, ``\\r\\n`` and ``\\r`` newlines)."""
        starts = [0]
        index = 0
        length = len(text)
        while index < length:
            char = text[index]
            if char == "\n":
                starts.append(index + 1)
            elif char == "\r":
                if index + 1 < length and text[index + 1] == "\n":
                    index += 1
                starts.append(index + 1)
            index += 1
        return cls(tuple(starts))

    def location(self, offset: int) -> Location:
        """The row and column of ``offset``."""
        row = bisect.bisect_right(self.line_starts, offset)
        return Location(row, offset - self.line_starts[row - 1] + 1)


@dataclass(frozen=True)
class NodeRanges:
    """Offsets of the requested nodes in the code the module generates."""

    code: str
    syntactic: dict[cst.CSTNode, tuple[int, int]]
    inclusive: dict[cst.CSTNode, tuple[int, int]]


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
    return NodeRanges("".join(state.tokens), state.syntactic, state.inclusive)
