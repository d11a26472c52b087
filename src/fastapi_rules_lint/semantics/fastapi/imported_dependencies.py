"""Which request names project dependencies defined in *other* modules consume.

``dependency_graph`` follows the linted module's own definitions in its syntax tree;
what it imports is answered here from the project model (``ModuleView``): ``Annotated``
aliases (``aliases``) and dependency functions (``dependency_functions``), both with
canonical names, followed recursively across modules. "Cannot know" is None, and a rule
stays silent on it:

- an alias with opaque metadata (a name, maybe an imported marker), or whose marker
  reads another request name (``Path(alias=...)``, ``validation_alias=``: the summary
  records that there is one, not which);
- a ``Depends(f)`` whose ``f`` is outside the project, a callable instance, or a class
  without ``__init__``/``__call__`` in the project;
- a dependency with ``*args``/``**kwargs``, or reading ``path_params`` with a key that
  is not a literal; a literal key (``request.path_params["org_id"]``) is consumed;
- a call named like a FastAPI marker that is not FastAPI's (a project wrapper).

Metadata that is no FastAPI marker (``annotated_types.Ge(1)``, ``Field(...)``) leaves a
plain type: the parameter is read under its own name. A dependency that hands its
``Request`` to a helper reading ``path_params`` is not followed (summaries record the
reads of a function's own body only).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi_rules_lint.project.summary import Annotation, Function, Marker, Param
from fastapi_rules_lint.project.view import ModuleView
from fastapi_rules_lint.semantics.fastapi.params import (
    DEPENDENCY_KINDS,
    PARAMETER_MARKER_NAMES,
    marker_kind,
)

_MAX_ALIAS_DEPTH = 16


@dataclass(frozen=True)
class ImportedDependencies:
    """Request names consumed through the project's aliases and dependencies."""

    view: ModuleView

    def alias(self, written: str) -> str | None:
        """The canonical name of the project ``Annotated`` alias ``written`` (a dotted
        name as written in the linted module) stands for; None when it is none."""
        canonical = self.view.canonical(written)
        return canonical if canonical is not None and canonical in self.view.aliases else None

    def alias_names(self, canonical: str) -> frozenset[str] | None:
        """Names a parameter annotated with the alias ``canonical`` consumes besides its
        own name; None when it cannot be known."""
        return self._annotation_names(self.view.aliases[canonical], None, frozenset())

    def callable_names(self, written: str) -> frozenset[str] | None:
        """Names the dependency ``written`` (as written in the linted module) consumes;
        None when it is not a known project dependency."""
        return self._callable_names(self.view.canonical(written), frozenset())

    # --- recursion over canonical names -----------------------------------------------
    def _callable_names(self, canonical: str | None, seen: frozenset[str]) -> frozenset[str] | None:
        if canonical is None:
            return None
        if canonical in seen:
            return frozenset()
        seen = seen | {canonical}
        functions = self.view.dependency_functions
        function = functions.get(canonical)
        if function is not None:
            return self._function_names(function, seen, skip_first=False)
        # A class: FastAPI calls it (``__init__``); ``Depends(Checker(...))`` is summarised
        # as the class too, so its ``__call__`` may be what runs: take both.
        methods = [
            method
            for name in ("__init__", "__call__")
            if (method := functions.get(f"{canonical}.{name}")) is not None
        ]
        if not methods:
            return None
        found: set[str] = set()
        for method in methods:
            names = self._function_names(method, seen, skip_first=True)
            if names is None:
                return None
            found |= names
        return frozenset(found)

    def _function_names(
        self, function: Function, seen: frozenset[str], *, skip_first: bool
    ) -> frozenset[str] | None:
        if function.reads_any_path_param:
            return None
        found = set(function.path_params_read)
        for param in function.params[1 if skip_first else 0 :]:
            names = self._param_names(param, seen)
            if names is None:
                return None
            found |= names
        return frozenset(found)

    def _param_names(self, param: Param, seen: frozenset[str]) -> frozenset[str] | None:
        if param.is_variadic:
            return None
        names = self._annotation_names(param.annotation, param.default, seen)
        return None if names is None else names | {param.name}

    def _annotation_names(
        self, annotation: Annotation | None, default: Marker | None, seen: frozenset[str]
    ) -> frozenset[str] | None:
        """Names the markers of an annotation (through alias chains) and of a default
        consume."""
        markers = [default] if default is not None else []
        head: str | None = None
        for _ in range(_MAX_ALIAS_DEPTH):
            if annotation is None:
                break
            if annotation.opaque_metadata:
                return None
            markers.extend(annotation.metadata)
            head = annotation.head
            annotation = self.view.aliases.get(head) if head is not None else None
        else:
            return None
        found: set[str] = set()
        for marker in markers:
            kind = marker_kind(marker.callee)
            if kind is None:
                if marker.callee.rpartition(".")[2] in PARAMETER_MARKER_NAMES:
                    return None  # named like a marker, not FastAPI's: a wrapper
                continue
            if marker.has_alias:
                return None
            if kind in DEPENDENCY_KINDS:
                # `Depends()` builds the annotated class.
                names = self._callable_names(marker.dependency or head, seen)
                if names is None:
                    return None
                found |= names
        return frozenset(found)
