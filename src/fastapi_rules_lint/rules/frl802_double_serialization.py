"""FRL802: ``json.dumps(m.model_dump())`` serialises a model twice."""

from __future__ import annotations

import libcst as cst

from fastapi_rules_lint.engine.diagnostics import Applicability
from fastapi_rules_lint.rulebase.rule import Clean, Flagged, NodeFix, Requires, Rule
from fastapi_rules_lint.semantics.pydantic.models import is_model_instance

JSON_DUMPS = frozenset({"json.dumps"})
_DUMPS = frozenset({"model_dump", "dict"})
# Keyword arguments `model_dump_json` accepts with the same meaning (`mode` it has not).
_SHARED_KEYWORDS = {
    "model_dump": frozenset(
        {
            "include",
            "exclude",
            "by_alias",
            "exclude_unset",
            "exclude_defaults",
            "exclude_none",
            "round_trip",
            "warnings",
        }
    ),
    "dict": frozenset(
        {"include", "exclude", "by_alias", "exclude_unset", "exclude_defaults", "exclude_none"}
    ),
}

_MODEL = "from pydantic import BaseModel\n\nclass Item(BaseModel):\n    name: str\n\n"


class DoubleSerialization(Rule):
    """## What it does
    Finds `json.dumps(m.model_dump())` and `json.dumps(m.dict())` where `m` is known to
    be a Pydantic model instance (see FRL401 for what "known" means).

    ## Why is this bad?
    The model is first turned into Python objects, then `json.dumps` walks them again
    in pure Python. `m.model_dump_json()` serialises once, in Pydantic's Rust core,
    and handles `datetime`, `UUID`, `Decimal` and nested models that make
    `json.dumps` raise `TypeError`.

    ## Example
    ```python
    payload = json.dumps(item.model_dump())
    ```

    ## Use instead
    ```python
    payload = item.model_dump_json()
    ```

    ## Fix safety
    Unsafe, where the catalogue says safe: the result is equal JSON but not the same
    string, and a string is what callers see (a cache key, a signature, a message
    body, a test's expected text). `json.dumps` writes `", "` and `": "` separators
    and escapes non-ASCII characters (`"\\u00e9"`); `model_dump_json()` is compact and
    writes UTF-8 (`"é"`). It also differs on values: `NaN`/`Infinity` become `null`,
    and serialisers registered for JSON mode only (`@field_serializer(...,
    when_used="json")`) now run. Offered only when `json.dumps` has no other argument
    and the dump's arguments are ones `model_dump_json` accepts (not `mode=`); it
    assumes Pydantic v2 (`.dict()` is v1's name, FRL401). An `import json` the fix
    leaves unused is removed.
    """

    code = "FRL802"
    name = "double-serialization"
    message = (
        "`json.dumps({receiver}.{method}())` serialises the model twice;"
        " use `{receiver}.model_dump_json()`"
    )
    summary = "A model dumped to a dict and then to JSON"
    requires = Requires.PYDANTIC
    fix_availability = "sometimes"
    examples = (
        Clean(
            "import json\n"
            + _MODEL
            + "def dump(item: Item) -> str:\n    return item.model_dump_json()\n"
        ),
        Clean(
            "import json\n\ndef dump(item: dict[str, str]) -> str:\n"
            "    return json.dumps(item.dict())\n",
            note="not known to be a model",
        ),
        Clean(
            "import json\n" + _MODEL + "def dump(item: Item) -> str:\n"
            "    return json.dumps([item.model_dump()])\n",
            note="the dump is only part of the value",
        ),
        Clean(
            "from mylib import json\n" + _MODEL + "def dump(item: Item) -> str:\n"
            "    return json.dumps(item.model_dump())\n",
            note="not the standard library's `json`",
        ),
        Flagged(
            "import json\n" + _MODEL + "def dump(item: Item) -> str:\n"
            "    return json.dumps(item.model_dump(exclude_none=True))\n",
            at=("8:12-8:58",),
            fixed=_MODEL + "def dump(item: Item) -> str:\n"
            "    return item.model_dump_json(exclude_none=True)\n",
            unsafe=True,
            note="the `json` import the fix leaves unused goes",
        ),
        Flagged(
            "from json import dumps\n" + _MODEL + "def dump(name: str) -> str:\n"
            "    item = Item(name=name)\n"
            "    return dumps(item.dict(), indent=2)\n",
            at=("9:12-9:40",),
            fixed="from json import dumps\n" + _MODEL + "def dump(name: str) -> str:\n"
            "    item = Item(name=name)\n"
            "    return dumps(item.dict(), indent=2)\n",
            unsafe=True,
            note="`indent=2`: no fix",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        if not node.args or not self.context.resolves_to(node.func, JSON_DUMPS):
            return
        first = node.args[0]
        dump = first.value
        if first.keyword is not None or first.star or not isinstance(dump, cst.Call):
            return
        method = dump.func
        if not isinstance(method, cst.Attribute) or method.attr.value not in _DUMPS:
            return
        if not is_model_instance(method.value, self.context):
            return
        receiver = self.context.module.code_for_node(method.value)
        self.report(
            node,
            fix=_fix(node, dump, method),
            receiver=receiver if len(receiver) <= 40 else "model",
            method=method.attr.value,
        )


def _fix(node: cst.Call, dump: cst.Call, method: cst.Attribute) -> NodeFix | None:
    if len(node.args) != 1:
        return None
    allowed = _SHARED_KEYWORDS[method.attr.value]
    if any(arg.keyword is None or arg.keyword.value not in allowed for arg in dump.args):
        return None
    replacement = dump.with_changes(func=method.with_changes(attr=cst.Name("model_dump_json")))
    return NodeFix(
        message=f"Use `.model_dump_json()` instead of `json.dumps(... .{method.attr.value}())`",
        applicability=Applicability.UNSAFE,
        replacements=((node, replacement),),
    )
