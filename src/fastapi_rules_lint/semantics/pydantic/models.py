"""Which classes are Pydantic models, and which expressions are known to be a model
instance or a model class. Every FRL4xx rule asks here; none re-derives it.

A *model* is a class inheriting (through classes known anywhere in the project)
``pydantic.BaseModel``, ``pydantic_settings.BaseSettings`` or ``sqlmodel.SQLModel``:
the project model (``ModuleView.model_classes``) answers for top-level classes, the
bases written on the class answer for the others.

A *receiver* (the ``x`` of ``x.dict()``) is known when it is:

- a name or dotted name of a model class (``Item``, ``schemas.Item``) → the class;
- ``self``/``cls``, the first parameter of a method of a model class → an instance, or
  the class in a ``@classmethod`` or a (v1 or v2) validator;
- a parameter annotated with a model (also ``Optional[Item]``, ``Item | None``,
  ``Annotated[Item, ...]``; ``type[Item]`` → the class);
- a name every binding of which (in its function, or at module level) is one of these,
  or ``Item(...)``, ``Item.parse_obj(...)``/``Item.model_validate(...)``,
  ``m.copy()``/``m.model_copy()``, or a call of a project function whose return
  annotation is a model (``ModuleView.returns``, awaited or not);
- such a call written directly (``Item(...).dict()``).

Anything else is unknown, and rules stay silent: ``.dict()`` on a value of unknown type
is as likely a ``dict`` subclass or an ORM row as a model. Flow-insensitive: a name
rebound anywhere in its scope to something unknown is unknown everywhere.

It sits beside ``semantics.fastapi`` and so never imports ``ModuleContext``: helpers take
``ModelScopes``, the members of ``ModuleContext`` they read, as a protocol.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import libcst as cst

from fastapi_rules_lint.engine.traversal import visit_readonly
from fastapi_rules_lint.project.model import PYDANTIC_MODELS, SETTINGS_CLASSES
from fastapi_rules_lint.project.view import ModuleView
from fastapi_rules_lint.semantics.python.annotations import EnclosingScopes, unwrap_annotation
from fastapi_rules_lint.semantics.python.literals import string_literal
from fastapi_rules_lint.semantics.python.names import dotted_name
from fastapi_rules_lint.semantics.python.signatures import all_params

MODEL_BASES = PYDANTIC_MODELS | SETTINGS_CLASSES
"""Library classes that are models (qualified names)."""
SETTINGS_BASES = SETTINGS_CLASSES

CLASSMETHOD = frozenset({"builtins.classmethod"})
STATICMETHOD = frozenset({"builtins.staticmethod"})
VALIDATOR_DECORATORS = frozenset(
    {
        "pydantic.validator",
        "pydantic.root_validator",
        "pydantic.class_validators.validator",
        "pydantic.class_validators.root_validator",
        "pydantic.field_validator",
        "pydantic.model_validator",
        "pydantic.functional_validators.field_validator",
        "pydantic.functional_validators.model_validator",
    }
)
"""Decorators whose function receives the class as first argument (v1 validators are
implicit class methods)."""

CONSTRUCTORS = frozenset(
    {
        "parse_obj",
        "parse_raw",
        "parse_file",
        "from_orm",
        "construct",
        "validate",
        "model_validate",
        "model_validate_json",
        "model_validate_strings",
        "model_construct",
    }
)
"""Class methods of a model returning an instance."""
COPIES = frozenset({"copy", "model_copy"})
"""Instance methods of a model returning an instance."""
TYPE_WRAPPERS = frozenset({"builtins.type", "typing.Type", "typing_extensions.Type"})

_MAX_DEPTH = 8

_Source = tuple[cst.BaseExpression | None, cst.BaseExpression | None, cst.ClassDef | None]
"""(annotation, value, class) of one binding of a name; all None: an unknown binding."""
_UNKNOWN: _Source = (None, None, None)


class Receiver(enum.Enum):
    """What a known receiver is."""

    CLASS = "class"
    INSTANCE = "instance"


class _HasView(Protocol):
    @property
    def view(self) -> ModuleView: ...


class ModelScopes(EnclosingScopes, Protocol):
    """What the helpers read of the traversal (``ModuleContext`` provides it)."""

    @property
    def module(self) -> cst.Module: ...

    @property
    def classes(self) -> Sequence[cst.ClassDef]: ...

    @property
    def fastapi(self) -> _HasView: ...

    def qualified_names(self, node: cst.BaseExpression) -> frozenset[str]: ...


# --- classes ---------------------------------------------------------------------------
def names_model_class(expr: cst.BaseExpression, context: ModelScopes) -> bool:
    """``expr`` (a Name/Attribute chain) names a model class: a library model base, or a
    project model through imports and re-exports."""
    return _names_class(expr, context, settings_only=False)


def names_settings_class(expr: cst.BaseExpression, context: ModelScopes) -> bool:
    """``expr`` names a ``BaseSettings`` class (the library's or a project subclass)."""
    return _names_class(expr, context, settings_only=True)


def _names_class(expr: cst.BaseExpression, context: ModelScopes, *, settings_only: bool) -> bool:
    library = SETTINGS_BASES if settings_only else MODEL_BASES
    if not context.qualified_names(expr).isdisjoint(library):
        return True
    dotted = dotted_name(expr)
    if dotted is None:
        return False
    local = _local_sources(dotted.partition(".")[0], context)
    if local is not None:
        # A class defined in a function (tests do it): known through its own bases.
        classes = [class_ for _, _, class_ in local if class_ is not None]
        return (
            "." not in dotted
            and len(classes) == len(local) == 1
            and _is_class_of(classes[0], context, settings_only=settings_only)
        )
    view = context.fastapi.view
    project = view.settings_classes if settings_only else view.model_classes
    return view.canonical(dotted) in project


def _local_sources(name: str, context: ModelScopes) -> Sequence[_Source] | None:
    """The bindings of ``name`` in the innermost enclosing function binding it (empty
    for a parameter or local import), or None when no enclosing function binds it (so
    module facts apply)."""
    for frame in reversed(context.functions):
        if name in frame.locals:
            return ()
        if isinstance(frame.node, cst.FunctionDef):
            found = _bindings(frame.node).get(name)
            if found is not None:
                return found
    return None


def is_model_class(node: cst.ClassDef, context: ModelScopes) -> bool:
    """``node`` defines a model: known to the project model (top-level classes, bases
    in any module) or through the bases written on it."""
    return _is_class_of(node, context, settings_only=False)


def is_settings_class(node: cst.ClassDef, context: ModelScopes) -> bool:
    """``node`` defines a ``BaseSettings`` subclass."""
    return _is_class_of(node, context, settings_only=True)


def _is_class_of(node: cst.ClassDef, context: ModelScopes, *, settings_only: bool) -> bool:
    view = context.fastapi.view
    if any(statement is node for statement in context.module.body):
        own = view.own(node.name.value)
        family = view.settings_classes if settings_only else view.model_classes
        if own is not None and own in family:
            return True
    return any(
        _names_class(base.value, context, settings_only=settings_only) for base in node.bases
    )


def enclosing_model(context: ModelScopes) -> cst.ClassDef | None:
    """The innermost enclosing class when it is a model (a position in its body or in
    one of its methods), else None."""
    if not context.classes:
        return None
    innermost = context.classes[-1]
    return innermost if is_model_class(innermost, context) else None


# --- receivers -------------------------------------------------------------------------
@dataclass(frozen=True)
class KnownModel:
    """A receiver known to be a model class or instance; ``class_node`` is the model's
    definition when this module has it (for questions such as "does it override
    ``dict``?"), else None."""

    kind: Receiver
    class_node: cst.ClassDef | None = None


def is_model_receiver(expr: cst.BaseExpression, context: ModelScopes) -> bool:
    """``expr`` is known to be a model instance or a model class."""
    return known_model(expr, context) is not None


def is_model_instance(expr: cst.BaseExpression, context: ModelScopes) -> bool:
    """``expr`` is known to be a model instance."""
    return model_receiver(expr, context) is Receiver.INSTANCE


def model_receiver(expr: cst.BaseExpression, context: ModelScopes) -> Receiver | None:
    """What ``expr`` is known to be (a model class or instance), or None when unknown."""
    found = known_model(expr, context)
    return found.kind if found is not None else None


def known_model(expr: cst.BaseExpression, context: ModelScopes) -> KnownModel | None:
    """What ``expr`` is known to be, with the model's class when this module defines
    it; None when unknown."""
    return _Resolver(context).expression(expr, 0)


def model_class_node(expr: cst.BaseExpression, context: ModelScopes) -> cst.ClassDef | None:
    """The definition, in this module, of the class ``expr`` names (a Name/Attribute
    chain), when it has one."""
    dotted = dotted_name(expr)
    if dotted is None:
        return None
    local = _local_sources(dotted.partition(".")[0], context)
    if local is not None:
        classes = [class_ for _, _, class_ in local if class_ is not None]
        return classes[0] if "." not in dotted and len(classes) == len(local) == 1 else None
    return _own_class(context.fastapi.view.canonical(dotted), context)


def _own_class(canonical: str | None, context: ModelScopes) -> cst.ClassDef | None:
    view = context.fastapi.view
    if canonical is None or view.module is None:
        return None
    owner, _, name = canonical.rpartition(".")
    if owner != view.module.name:
        return None
    for statement in context.module.body:
        if isinstance(statement, cst.ClassDef) and statement.name.value == name:
            return statement
    return None


class _Resolver:
    def __init__(self, context: ModelScopes) -> None:
        self.context = context

    def named_class(self, expr: cst.BaseExpression, kind: Receiver) -> KnownModel | None:
        if isinstance(expr, (cst.Name, cst.Attribute)) and names_model_class(expr, self.context):
            return KnownModel(kind, model_class_node(expr, self.context))
        return None

    def expression(self, expr: cst.BaseExpression, depth: int) -> KnownModel | None:
        if depth > _MAX_DEPTH:
            return None
        named = self.named_class(expr, Receiver.CLASS)
        if named is not None:
            return named
        if isinstance(expr, cst.Name):
            return self.name(expr.value, depth)
        if isinstance(expr, cst.Call):
            return self.call(expr, depth)
        if isinstance(expr, cst.Await) and isinstance(expr.expression, cst.Call):
            return self.returned(expr.expression)
        return None

    def call(self, call: cst.Call, depth: int) -> KnownModel | None:
        built = self.named_class(call.func, Receiver.INSTANCE)
        if built is not None:
            return built
        func = call.func
        if isinstance(func, cst.Attribute):
            owner = self.expression(func.value, depth + 1)
            method = func.attr.value
            if owner is not None and (
                (owner.kind is Receiver.CLASS and method in CONSTRUCTORS)
                or (owner.kind is Receiver.INSTANCE and method in COPIES)
            ):
                return KnownModel(Receiver.INSTANCE, owner.class_node)
        return self.returned(call)

    def returned(self, call: cst.Call) -> KnownModel | None:
        """A call of a project function whose return annotation is a model."""
        dotted = dotted_name(call.func)
        if dotted is None or _local_sources(dotted.partition(".")[0], self.context) is not None:
            return None
        view = self.context.fastapi.view
        canonical = view.canonical(dotted)
        found = view.returns.get(canonical) if canonical is not None else None
        if found is not None and (found in view.model_classes or found in MODEL_BASES):
            return KnownModel(Receiver.INSTANCE, _own_class(found, self.context))
        return None

    def name(self, name: str, depth: int) -> KnownModel | None:
        for index in range(len(self.context.functions) - 1, -1, -1):
            frame = self.context.functions[index]
            node = frame.node
            if isinstance(node, cst.Lambda):
                if name in frame.locals:
                    return None
                continue
            params = {param.name.value: param for param in all_params(node.params)}
            sources = _bindings(node).get(name)
            if name in params:
                known = self.parameter(node, params[name], frame.class_node)
                if known is None or sources is None:
                    return known
                return self.all_of([known], sources, depth)
            if sources is not None:
                return self.all_of([], sources, depth)
            if name in frame.locals:  # a local import: names_model_class saw it
                return None
        sources = _module_bindings(self.context.module).get(name)
        if sources is None:
            return None
        return self.all_of([], sources, depth)

    def all_of(
        self, found: list[KnownModel], sources: Sequence[_Source], depth: int
    ) -> KnownModel | None:
        """What every binding agrees on, else None."""
        for source in sources:
            known = self.source(source, depth)
            if known is None:
                return None
            found.append(known)
        kinds = {known.kind for known in found}
        classes = {id(known.class_node): known.class_node for known in found}
        if len(kinds) != 1:
            return None
        return KnownModel(kinds.pop(), next(iter(classes.values())) if len(classes) == 1 else None)

    def source(self, source: _Source, depth: int) -> KnownModel | None:
        annotation, value, _ = source
        if annotation is not None:
            return self.annotation(annotation)
        if value is not None:
            return self.expression(value, depth + 1)
        return None

    def parameter(
        self, function: cst.FunctionDef, param: cst.Param, owner: cst.ClassDef | None
    ) -> KnownModel | None:
        if owner is not None and _is_first_parameter(function, param):
            if not is_model_class(owner, self.context):
                return None
            decorator_names = [
                self.context.qualified_names(d.func if isinstance(d, cst.Call) else d)
                for d in (decorator.decorator for decorator in function.decorators)
            ]
            if any(not names.isdisjoint(STATICMETHOD) for names in decorator_names):
                return None
            is_class = any(
                not names.isdisjoint(CLASSMETHOD | VALIDATOR_DECORATORS)
                for names in decorator_names
            )
            return KnownModel(Receiver.CLASS if is_class else Receiver.INSTANCE, owner)
        if param.annotation is None:
            return None
        return self.annotation(param.annotation.annotation)

    def annotation(self, annotation: cst.BaseExpression) -> KnownModel | None:
        """What a value annotated ``annotation`` is."""
        if isinstance(annotation, cst.SimpleString):
            text = string_literal(annotation)
            if text is None:
                return None
            try:
                annotation = cst.parse_expression(text.strip())
            except cst.ParserSyntaxError:
                return None
        inner, _ = unwrap_annotation(annotation, self.context.qualified_names)
        instance = self.named_class(inner, Receiver.INSTANCE)
        if instance is not None:
            return instance
        if (
            isinstance(inner, cst.Subscript)
            and len(inner.slice) == 1
            and isinstance(inner.slice[0].slice, cst.Index)
            and self.context.resolves_to(inner.value, TYPE_WRAPPERS)
        ):
            return self.named_class(inner.slice[0].slice.value, Receiver.CLASS)
        return None


def _is_first_parameter(function: cst.FunctionDef, param: cst.Param) -> bool:
    positional = [*function.params.posonly_params, *function.params.params]
    return bool(positional) and positional[0] is param


# --- bindings --------------------------------------------------------------------------


class _BindingSources(cst.CSTVisitor):
    """Every binding of every name in one scope, nested scopes excluded."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, list[_Source]] = {}

    def _add(self, name: str, source: _Source) -> None:
        self.found.setdefault(name, []).append(source)

    def _unknown(self, target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            self._add(target.value, _UNKNOWN)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._unknown(element.value)
        elif isinstance(target, cst.StarredElement):
            self._unknown(target.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self._add(node.name.value, _UNKNOWN)
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self._add(node.name.value, (None, None, node))
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self._add(target.target.value, (None, node.value, None))
            else:
                self._unknown(target.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if isinstance(node.target, cst.Name):
            self._add(node.target.value, (node.annotation.annotation, None, None))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._unknown(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._unknown(node.target)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._unknown(node.target)

    def visit_AsName(self, node: cst.AsName) -> None:
        self._unknown(node.name)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        if isinstance(node.target, cst.Name):
            self._add(node.target.value, (None, node.value, None))

    def visit_Global(self, node: cst.Global) -> None:
        for item in node.names:
            self._add(item.name.value, _UNKNOWN)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        for item in node.names:
            self._add(item.name.value, _UNKNOWN)

    def visit_Del(self, node: cst.Del) -> None:
        self._unknown(node.target)

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        if node.name is not None:
            self._add(node.name.value, _UNKNOWN)

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        if node.asname is not None:
            self._unknown(node.asname.name)
        else:
            name = dotted_name(node.name)
            if name is not None:
                self._add(name.partition(".")[0], _UNKNOWN)

    def visit_ImportStar(self, node: cst.ImportStar) -> None:
        self._add("*", _UNKNOWN)


@lru_cache(maxsize=64)
def _bindings(function: cst.FunctionDef) -> dict[str, list[_Source]]:
    """The bindings of ``function``'s own scope (parameters excluded). Cached: callers
    must not mutate the result."""
    collector = _BindingSources()
    visit_readonly(function.body, collector)
    return collector.found


@lru_cache(maxsize=1)
def _module_bindings(module: cst.Module) -> dict[str, list[_Source]]:
    """The bindings of the module's own scope. One entry: the module being linted (more
    would keep earlier files' whole trees alive in a worker, issue 13's memory bound)."""
    collector = _BindingSources()
    for statement in module.body:
        visit_readonly(statement, collector)
    return collector.found
