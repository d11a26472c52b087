"""``ProjectModel.definition`` answers from a per-module index: the same precedence as
looking each kind up in turn (function, then class and its methods, then assignment;
the first of each kind wins)."""

from __future__ import annotations

from fastapi_rules_lint.project.model import ProjectModel
from fastapi_rules_lint.project.modules import ModuleRef
from fastapi_rules_lint.project.summarise import summarise

SOURCE = """
X = 1
def X(): ...
class C:
    def m(self): ...
    def m(self, other): ...
class C:
    def n(self): ...
Y = 1
Y = 2
class Y: ...
"""


def test_definition_precedence() -> None:
    ref = ModuleRef(".", "app")
    model = ProjectModel.build({ref: summarise(SOURCE)})
    found = model.definition("app.X")
    assert found is not None and found.function is not None  # function before assignment
    method = model.definition("app.C.m")
    assert method is not None and method.function is not None
    assert [param.name for param in method.function.params] == ["self"]  # the first `m`
    assert model.definition("app.C.n") is None  # only the first class `C` is looked in
    class_ = model.definition("app.Y")
    assert class_ is not None and class_.class_ is not None  # class before assignment
    assert model.definition("app.C.m.x") is None
    assert model.definition("app.X.m") is None
    assert model.definition("app.missing") is None
    assert model.definition("app.C.m") == method  # answered again, equal
