"""FRL401: a Pydantic v1 method (``.dict()``, ``.parse_obj()``, ``__fields__``, …)."""

from __future__ import annotations

import libcst as cst

from fastapi_rules_lint.engine.diagnostics import Applicability, DiagnosticTag
from fastapi_rules_lint.engine.traversal import visit_readonly
from fastapi_rules_lint.rulebase.rule import Clean, Flagged, NodeFix, Requires, Rule
from fastapi_rules_lint.semantics.pydantic.models import (
    KnownModel,
    Receiver,
    known_model,
    model_class_node,
)
from fastapi_rules_lint.semantics.pydantic.v1_api import (
    ATTRIBUTE_RENAMES,
    METHOD_RENAMES,
    POSITIONAL_LIMITS,
    SAFE_ARGUMENTS,
)
from fastapi_rules_lint.semantics.python.names import class_body_names, dotted_name

_BASE = "from pydantic import BaseModel\n\n\nclass Item(BaseModel):\n    name: str\n\n\n"


class PydanticV1Method(Rule):
    """## What it does
    Finds Pydantic v1 model methods — `.dict()`, `.json()`, `.copy()`, `.parse_obj()`,
    `.parse_raw()`, `.parse_file()`, `.from_orm()`, `.schema()`, `.schema_json()`,
    `.construct()`, `.update_forward_refs()`, `.validate()` — and the `__fields__`
    attribute, called on a value known to be a model or a model class.

    A receiver is known when it is a model class (through bases in any module of the
    project, `SQLModel` and `BaseSettings` included), `self`/`cls` in a model's method,
    a parameter or variable annotated with a model, an instance built from one
    (`Item(...)`, `Item.parse_obj(...)`), or the result of a project function whose
    return annotation is a model. `.dict()` on anything else (a `dict` subclass, an ORM
    row, an unknown value) is never reported. Nor is a method the model's class
    defines itself (an override of `dict`, a custom `validate`), when the class or the
    base defining it is in the same module, or a call in a function that also calls
    the v2 method on the same receiver (a shim supporting both Pydantic versions).

    ## Why is this bad?
    Pydantic v2 deprecates these names: each call warns (an error under
    `-W error::DeprecationWarning`), and Pydantic v3 removes them.

    ## Example
    ```python
    def export(item: Item) -> dict[str, object]:
        return item.dict(exclude_none=True)
    ```

    ## Use instead
    ```python
    def export(item: Item) -> dict[str, object]:
        return item.model_dump(exclude_none=True)
    ```

    ## Fix safety
    Safe: a rename to the v2 method (`model_dump`, `model_dump_json`, `model_copy`,
    `model_validate`, `model_validate_json`, `model_json_schema`, `model_construct`,
    `model_rebuild`, `model_fields`), offered only when every argument keeps its meaning
    in v2. No fix for `parse_file` and `schema_json` (no v2 method), for arguments v2
    dropped (`.dict(skip_defaults=...)`, `.json(encoder=...)`, `.copy(include=...)`,
    `update_forward_refs(**localns)`), and for `*args`/`**kwargs`. `x.__fields__` on an
    instance becomes `type(x).model_fields` (reading `model_fields` from an instance is
    deprecated since Pydantic 2.11).

    What changes: v2's deprecated methods are thin wrappers of these, so results and
    validation are the same and the `PydanticDeprecatedSince20` warning goes away, with
    two nuances. `from_orm(x)` raised an error unless the model sets
    `from_attributes=True`; `model_validate(x)` validates `x` anyway (the same result
    on such models). `update_forward_refs()` forced a rebuild; `model_rebuild()`
    rebuilds only a model whose references are not yet resolved (nothing changes for
    one that is complete).
    """

    code = "FRL401"
    name = "pydantic-v1-method"
    message = "`{method}` is the Pydantic v1 API; {advice}"
    summary = "A Pydantic v1 model method or `__fields__` on a known model"
    requires = Requires.PYDANTIC
    fix_availability = "sometimes"
    tags = frozenset({DiagnosticTag.DEPRECATED})
    examples = (
        Clean(
            _BASE + "def export(item: Item) -> dict[str, object]:\n    return item.model_dump()\n"
        ),
        Clean(
            "from pydantic import BaseModel\n\n\n"
            "def export(payload: dict[str, str], row: object) -> object:\n"
            "    return payload.copy(), row.dict()\n",
            note="unknown receivers: a dict, an object",
        ),
        Clean(
            "class Config:\n    def dict(self) -> dict[str, int]:\n        return {}\n\n\n"
            "from pydantic import BaseModel\n\nsettings = Config()\nvalues = settings.dict()\n",
            note="not a model",
        ),
        Clean(
            "from pydantic import BaseModel\n\n\nclass Item(BaseModel):\n    name: str\n\n"
            "    def validate(self) -> bool:\n        return bool(self.name)\n\n\n"
            "def check(item: Item) -> bool:\n    return item.validate()\n",
            note="the model defines its own `validate`",
        ),
        Clean(
            _BASE + "def export(item: Item, is_v2: bool) -> object:\n"
            "    return item.model_dump() if is_v2 else item.dict()\n",
            note="a shim for both Pydantic versions calls the v2 method too",
        ),
        Flagged(
            _BASE + "def export(item: Item) -> dict[str, object]:\n"
            "    return item.dict(exclude_none=True)\n",
            at=("9:12-9:21",),
            fixed=_BASE + "def export(item: Item) -> dict[str, object]:\n"
            "    return item.model_dump(exclude_none=True)\n",
        ),
        Flagged(
            _BASE + "item = Item.parse_obj({'name': 'a'})\n"
            "text = item.json(indent=2)\nfields = Item.__fields__\nschema = Item.schema_json()\n",
            at=("8:8-8:22", "9:8-9:17", "10:10-10:25", "11:10-11:26"),
            fixed=_BASE + "item = Item.model_validate({'name': 'a'})\n"
            "text = item.model_dump_json(indent=2)\nfields = Item.model_fields\n"
            "schema = Item.schema_json()\n",
            note="`schema_json` has no v2 method: no fix",
        ),
        Flagged(
            "from pydantic import BaseModel\n\n\nclass Item(BaseModel):\n    name: str\n\n"
            "    def names(self) -> list[str]:\n        return list(self.__fields__)\n\n"
            "    def clone(self) -> 'Item':\n        return self.copy(update={'name': 'b'})\n",
            at=("8:21-8:36", "11:16-11:25"),
            fixed="from pydantic import BaseModel\n\n\nclass Item(BaseModel):\n    name: str\n\n"
            "    def names(self) -> list[str]:\n        return list(type(self).model_fields)\n\n"
            "    def clone(self) -> 'Item':\n"
            "        return self.model_copy(update={'name': 'b'})\n",
        ),
        Flagged(
            "from app.schemas import ItemOut, load\n\n"
            "out = ItemOut.from_orm(row)\ndata = load().dict(skip_defaults=True)\n",
            at=("3:7-3:23", "4:8-4:19"),
            fixed="from app.schemas import ItemOut, load\n\n"
            "out = ItemOut.model_validate(row)\ndata = load().dict(skip_defaults=True)\n",
            note="models and a function returning one, across modules; `skip_defaults` "
            "has no v2 equivalent",
            path="app/routes.py",
            files={
                "app/__init__.py": "",
                "app/base.py": "from pydantic import BaseModel\n\n\n"
                "class ORMModel(BaseModel):\n    class Config:\n        orm_mode = True\n",
                "app/schemas.py": "from app.base import ORMModel\n\n\n"
                "class ItemOut(ORMModel):\n    name: str\n\n\n"
                "def load() -> ItemOut:\n    return ItemOut(name='a')\n",
            },
        ),
    )

    def setup(self) -> None:
        self._v2_calls: dict[cst.FunctionDef, frozenset[tuple[str, str]]] = {}

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in METHOD_RENAMES:
            return
        method = func.attr.value
        known = known_model(func.value, self.context)
        if known is None or method in self._defined(known):
            return
        if method == "validate" and known.kind is not Receiver.CLASS:
            return  # v1's `validate` is a class method: on an instance, it's the user's
        new = METHOD_RENAMES[method]
        if new is not None and self._is_compatibility_shim(func.value, new):
            return
        if new is None:
            advice = (
                "use `Model.model_validate_json(path.read_text())`"
                if method == "parse_file"
                else "use `json.dumps(Model.model_json_schema())`"
            )
            self.report(func, method=f".{method}()", advice=advice)
            return
        fix = None
        if _arguments_keep_meaning(method, node):
            fix = NodeFix(
                message=f"Use `.{new}()`",
                applicability=Applicability.SAFE,
                replacements=((func.attr, cst.Name(new)),),
            )
        self.report(func, fix=fix, method=f".{method}()", advice=f"use `.{new}()`")

    def visit_Attribute(self, node: cst.Attribute) -> None:
        attribute = node.attr.value
        new = ATTRIBUTE_RENAMES.get(attribute)
        if new is None:
            return
        known = known_model(node.value, self.context)
        if known is None or attribute in self._defined(known):
            return
        if known.kind is Receiver.CLASS or attribute == "__fields_set__":
            replacement: cst.BaseExpression = node.with_changes(attr=cst.Name(new))
        elif isinstance(node.value, cst.Name) and self.context.resolves_to(
            cst.Name("type"), {"builtins.type"}
        ):
            call = cst.Call(func=cst.Name("type"), args=(cst.Arg(node.value),))
            replacement = node.with_changes(value=call, attr=cst.Name(new))
        else:
            self.report(node, method=attribute, advice=f"use `{new}` on the class")
            return
        fix = NodeFix(
            message=f"Use `{new}`",
            applicability=Applicability.SAFE,
            replacements=((node, replacement),),
        )
        self.report(node, fix=fix, method=attribute, advice=f"use `{new}`")

    def _is_compatibility_shim(self, receiver: cst.BaseExpression, new: str) -> bool:
        """The enclosing function also calls ``new`` on the same receiver: code that
        supports both Pydantic versions on purpose (``if is_v2: x.model_dump() else:
        x.dict()``)."""
        frame = self.context.function
        written = dotted_name(receiver)
        if frame is None or written is None or isinstance(frame.node, cst.Lambda):
            return False
        calls = self._v2_calls.get(frame.node)
        if calls is None:
            finder = _MethodCalls()
            visit_readonly(frame.node.body, finder)
            calls = self._v2_calls[frame.node] = frozenset(finder.calls)
        return (written, new) in calls

    def _defined(self, known: KnownModel) -> set[str]:
        """Names the model's class (and its ancestors defined in this module) defines
        itself: an override of `dict`, a custom `validate`."""
        names: set[str] = set()
        pending = [known.class_node] if known.class_node is not None else []
        seen: set[int] = set()
        while pending:
            class_ = pending.pop()
            if id(class_) in seen:
                continue
            seen.add(id(class_))
            names |= _method_names(class_)
            for base in class_.bases:
                found = model_class_node(base.value, self.context)
                if found is not None:
                    pending.append(found)
        return names


def _arguments_keep_meaning(method: str, call: cst.Call) -> bool:
    allowed = SAFE_ARGUMENTS[method]
    positional = 0
    for arg in call.args:
        if arg.star:
            return False
        if arg.keyword is None:
            positional += 1
        elif method != "construct" and arg.keyword.value not in allowed:
            return False
    return positional <= POSITIONAL_LIMITS[method]


def _method_names(class_: cst.ClassDef) -> set[str]:
    """Methods the class defines and fields it declares (a field named `json`)."""
    return class_body_names(class_, with_methods=True)


class _MethodCalls(cst.CSTVisitor):
    """``(receiver, method)`` of every ``receiver.method(...)`` call."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: set[tuple[str, str]] = set()

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Attribute):
            receiver = dotted_name(node.func.value)
            if receiver is not None:
                self.calls.add((receiver, node.func.attr.value))
