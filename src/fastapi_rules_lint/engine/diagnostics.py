"""The values the engine hands to every interface: diagnostics, their ranges and fixes.

Hot internal values are frozen dataclasses; the report layer turns them into Pydantic
models at the edge (JSON, SARIF).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Applicability(str, enum.Enum):
    """How far a fix can be trusted: ``safe`` fixes run with ``--fix``, ``unsafe`` ones
    only with ``--unsafe-fixes``."""

    SAFE = "safe"
    UNSAFE = "unsafe"


class DiagnosticTag(str, enum.Enum):
    """What kind of code a rule's findings are about, for editors to show (the language
    server's ``Unnecessary``, greyed out, and ``Deprecated``, struck through): a rule's
    ``tags``."""

    UNNECESSARY = "unnecessary"
    """Code that does nothing (an unused ``noqa``, a redundant ``response_model``)."""
    DEPRECATED = "deprecated"
    """An API its library deprecated (``on_event``, Pydantic v1, SQLAlchemy 1.x); a
    behaviour change is no deprecation."""


@dataclass(frozen=True, order=True)
class Location:
    """A 1-based row and a 1-based column counted in code points of the line."""

    row: int
    column: int


@dataclass(frozen=True)
class TextEdit:
    """Replace the source between two character offsets with ``content``."""

    start: int
    end: int
    content: str


@dataclass(frozen=True)
class ImportRequest:
    """An import a fix needs: ``from module import name`` (or ``import module`` when
    ``name`` is None)."""

    module: str
    name: str | None = None


@dataclass(frozen=True)
class Fix:
    """A fix as the engine reports it: text edits on the original source plus the
    imports the edited code needs (added by the fixer, merged into existing imports)."""

    applicability: Applicability
    message: str
    edits: tuple[TextEdit, ...]
    imports: tuple[ImportRequest, ...] = ()


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding. Sorts by filename, row, column, code as every report wants."""

    filename: str
    location: Location
    code: str
    end_location: Location = field(compare=False)
    message: str = field(compare=False)
    noqa_row: int = field(compare=False)
    fix: Fix | None = field(default=None, compare=False)

    @property
    def is_fixable(self) -> bool:
        """True when a fix is attached, whatever its applicability."""
        return self.fix is not None
