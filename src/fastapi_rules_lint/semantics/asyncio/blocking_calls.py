"""Finding ``blocking``'s table entries in the tree: which entry a call matches, and how
a message names the call.

Apart from ``blocking`` (the table, data only), which the project model's call facts
read without LibCST.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import libcst as cst

from fastapi_rules_lint.semantics.asyncio.blocking import BlockingCall, BlockingTable
from fastapi_rules_lint.semantics.python.names import dotted_name


@dataclass(frozen=True)
class BlockingMatch:
    """A call found in the table."""

    qualified: str
    entry: BlockingCall


class Callees(Protocol):
    """What ``find_blocking`` asks of the traversal: ``Scopes`` answers it. A protocol, so
    the table does not import ``scopes`` (which builds on ``receivers``, which builds on
    this module)."""

    def callee_names(self, call: cst.Call) -> frozenset[str]: ...


def find_blocking(call: cst.Call, scopes: Callees, table: BlockingTable) -> BlockingMatch | None:
    """The table entry ``call`` matches, through imports, aliases and receiver kinds."""
    for name in sorted(scopes.callee_names(call)):
        entry = table.lookup(name)
        if entry is not None:
            return BlockingMatch(name, entry)
    return None


def display_call(call: cst.Call, qualified: str) -> str:
    """How a message names a call: as written when it is a dotted name
    (``requests.get()``, ``client.get()``), else by the last two parts of its qualified
    name (``Path.read_text()`` for ``(base / "x").read_text()``)."""
    written = dotted_name(call.func)
    if written is None:
        written = ".".join(qualified.removeprefix("builtins.").split(".")[-2:])
    return f"{written}()"
