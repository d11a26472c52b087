"""``semantics.python.module_bindings``: what a module binds at module level, erring on
the side of "bound", and never less than LibCST's ``ScopeProvider`` finds."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import GlobalScope, MetadataWrapper, ScopeProvider

from fastapi_rules_lint.semantics.python.module_bindings import module_bindings

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = Path(__file__).parent.parent / "examples"

SOURCE = """\
import os, a.b.c as abc, x.y
from m import n, o as p
from q import *
v = w = 1
(t1, [t2, *t3]) = z.attr = z[0] = 2
ann: int
ann2: int = 3
v += 1
for loop_var in []:
    with open(f) as (w1, w2), g:
        pass
try:
    pass
except E as caught:
    del doomed
if (walrus := 1):
    [inner for inner in [] if (leak := inner)]
match v:
    case {"k": cap, **rest}:
        pass
    case [first, *others]:
        pass

@decorator(deco_walrus := 1)
def handler(arg=(default_walrus := 2)):
    local = 1
    global declared
    import inside
    (hidden := 3)

class Model(Base, meta=(class_walrus := 4)):
    attribute = 1
    def method(self):
        global from_method

lam = lambda lam_arg: (lam_walrus := lam_arg)
"""


def test_every_module_level_binding_in_order() -> None:
    module = cst.parse_module(SOURCE)
    found = module_bindings(module)
    assert set(found) == {
        "os", "abc", "x.y", "x", "n", "p", "v", "w", "t1", "t2", "t3", "ann", "ann2",
        "loop_var", "w1", "w2", "caught", "doomed", "walrus", "leak", "cap",
        "rest", "first", "others", "deco_walrus", "handler", "default_walrus",
        "declared", "class_walrus", "Model", "from_method", "lam",
    }
    (handler,) = found["handler"]
    assert isinstance(handler, cst.FunctionDef)
    assert isinstance(found["Model"][0], cst.ClassDef)
    assert isinstance(found["p"][0], cst.ImportFrom)
    assert isinstance(found["x"][0], cst.Import)
    assert [type(node).__name__ for node in found["v"]] == ["Name", "Name"]  # `=`, `+=`


def test_global_declarations_bind_even_without_an_assignment() -> None:
    module = cst.parse_module("def f():\n    pass\ndef g():\n    global f\n")
    assert [type(node).__name__ for node in module_bindings(module)["f"]] == [
        "FunctionDef", "Name",
    ]


def _libcst_bindings(module: cst.Module) -> Counter[str]:
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    for scope in wrapper.resolve(ScopeProvider).values():
        if isinstance(scope, GlobalScope):
            return Counter(assignment.name for assignment in scope.assignments)
    return Counter()


@pytest.mark.parametrize(
    "path",
    sorted([*FIXTURES.glob("*.py"), *EXAMPLES.rglob("*.py")]),
    ids=lambda path: path.name,
)
def test_never_fewer_bindings_than_libcst(path: Path) -> None:
    try:
        module = cst.parse_module(path.read_text(encoding="utf-8"))
    except cst.ParserSyntaxError:
        pytest.skip("does not parse")
    ours = Counter({name: len(nodes) for name, nodes in module_bindings(module).items()})
    theirs = _libcst_bindings(module)
    assert not theirs - ours, path
