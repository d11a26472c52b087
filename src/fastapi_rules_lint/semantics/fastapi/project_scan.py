"""Cheap text scans of every file in a run, for facts that cross modules.

Exception handlers are usually registered in ``main.py`` while routers raise in
``routes/*.py``; a router's error responses are often declared where it is included.
Parsing every file twice would double the cost, so ``ProjectIndex`` scans the raw text
with regular expressions and a bracket counter. The scans err on the side of *finding
more* (a string that looks like a call counts): the rules use these facts to stay
silent, so a false find costs a missed report, never a false one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

_HANDLER_REFERENCE = re.compile(r"\b(?:add_)?exception_handler\(\s*([A-Za-z_][\w.]*)")
_HANDLER_MAPPING = re.compile(r"\bexception_handlers\s*=\s*\{")
_MAPPING_KEY = re.compile(r"([A-Za-z_][\w.]*)\s*:")
_INCLUDE_ROUTER = re.compile(r"\binclude_router\(\s*([A-Za-z_][\w.]*)")
_ROUTER_CONSTRUCTOR = re.compile(r"\b(?:FastAPI|APIRouter)\(")
_RESPONSES_KEYWORD = re.compile(r"\bresponses\s*=")
_MAX_CALL_LENGTH = 10_000


def _balanced(source: str, start: int) -> str:
    """The text from ``start`` (just after an opening bracket) to its closing bracket."""
    depth = 1
    quote = ""
    end = min(len(source), start + _MAX_CALL_LENGTH)
    index = start
    while index < end:
        char = source[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                return source[start:index]
        index += 1
    return source[start:end]


def _last_name(dotted: str) -> str:
    return dotted.rsplit(".", 1)[-1]


def handled_exception_names(source: str) -> frozenset[str]:
    """Last names of the exception classes ``source`` registers handlers for:
    ``@app.exception_handler(E)``, ``app.add_exception_handler(E, h)``,
    ``FastAPI(exception_handlers={E: h})``."""
    if "exception_handler" not in source:
        return frozenset()
    names = {_last_name(match) for match in _HANDLER_REFERENCE.findall(source)}
    for match in _HANDLER_MAPPING.finditer(source):
        mapping = _balanced(source, match.end())
        names.update(_last_name(key) for key in _MAPPING_KEY.findall(mapping))
    return frozenset(names)


def _calls(source: str, pattern: re.Pattern[str]) -> Iterator[tuple[re.Match[str], str]]:
    for match in pattern.finditer(source):
        opening = source.index("(", match.start())
        yield match, _balanced(source, opening + 1)


def routers_included_with_responses(source: str) -> frozenset[str]:
    """Last names of routers passed to ``include_router(router, ..., responses=...)``."""
    if "include_router" not in source or "responses" not in source:
        return frozenset()
    return frozenset(
        _last_name(match.group(1))
        for match, text in _calls(source, _INCLUDE_ROUTER)
        if _RESPONSES_KEYWORD.search(text)
    )


def constructors_with_responses(source: str) -> int:
    """How many ``FastAPI(...)``/``APIRouter(...)`` calls in ``source`` pass ``responses=``."""
    if "responses" not in source:
        return 0
    return sum(
        1 for _, text in _calls(source, _ROUTER_CONSTRUCTOR) if _RESPONSES_KEYWORD.search(text)
    )


DEPENDENCY_MARKERS = frozenset(
    {"fastapi.Depends", "fastapi.Security", "fastapi.params.Depends", "fastapi.params.Security"}
)

_DEPENDENCY_REFERENCE = re.compile(
    r"\b(?:Depends|Security)\(\s*(?:dependency\s*=\s*)?([A-Za-z_][\w.]*)"
)


# `Depends()` without a callable depends on the annotated class: `p: Paginator = Depends()`
# or `Annotated[Paginator, Depends()]`.
_CLASS_DEPENDENCY = re.compile(
    r":\s*([A-Za-z_][\w.]*)\s*=\s*(?:[\w.]+\.)?(?:Depends|Security)\(\s*\)"
    r"|\bAnnotated\[\s*([A-Za-z_][\w.]*)\s*,\s*(?:[\w.]+\.)?(?:Depends|Security)\(\s*\)"
)


def dependency_references(source: str) -> frozenset[str]:
    """Last names of the callables referenced by ``Depends(...)``/``Security(...)``, and
    of the classes annotated on a ``Depends()`` without one."""
    found = {match.rsplit(".", 1)[-1] for match in _DEPENDENCY_REFERENCE.findall(source)}
    for default_form, annotated_form in _CLASS_DEPENDENCY.findall(source):
        found.add((default_form or annotated_form).rsplit(".", 1)[-1])
    return frozenset(found)


_ANNOTATED_ALIAS = re.compile(
    r"^[ \t]*(?:type[ \t]+)?([A-Za-z_]\w*)[ \t]*(?::[^=\n]*)?=[ \t]*(?:[\w.]+\.)?Annotated\[",
    re.MULTILINE,
)


def annotated_aliases(source: str) -> frozenset[str]:
    """Names assigned an ``Annotated[...]`` type (``ItemDep = Annotated[Item,
    Depends(get_item)]``): imported elsewhere, such an alias may carry a marker."""
    if "Annotated[" not in source:
        return frozenset()
    return frozenset(_ANNOTATED_ALIAS.findall(source))


@dataclass(frozen=True)
class ProjectIndex:
    """Facts gathered across all files of a run before any file is linted."""

    dependency_names: frozenset[str] = frozenset()
    handled_exceptions: frozenset[str] = frozenset()
    """Last names of exception classes some file registers an exception handler for."""
    routers_with_responses: frozenset[str] = frozenset()
    """Last names of routers some file includes with ``include_router(..., responses=)``."""
    constructors_with_responses: int = 0
    """How many ``FastAPI(...)``/``APIRouter(...)`` calls pass ``responses=``."""
    annotated_aliases: frozenset[str] = frozenset()
    """Names some file binds to an ``Annotated[...]`` type (see ``annotated_aliases``)."""

    @classmethod
    def from_sources(cls, sources: Iterable[str]) -> ProjectIndex:
        """Scan the texts of every file in the run."""
        names: set[str] = set()
        handled: set[str] = set()
        routers: set[str] = set()
        constructors = 0
        aliases: set[str] = set()
        for source in sources:
            if "Depends" in source or "Security" in source:
                names |= dependency_references(source)
            aliases |= annotated_aliases(source)
            handled |= handled_exception_names(source)
            routers |= routers_included_with_responses(source)
            constructors += constructors_with_responses(source)
        return cls(
            frozenset(names), frozenset(handled), frozenset(routers), constructors,
            annotated_aliases=frozenset(aliases),
        )
