"""FRL502: ``Base = declarative_base()`` instead of ``class Base(DeclarativeBase)``."""

from __future__ import annotations

import libcst as cst

from fastapi_rules_lint.engine.diagnostics import Applicability, DiagnosticTag, ImportRequest
from fastapi_rules_lint.rulebase.edits import NameUse, name_use
from fastapi_rules_lint.rulebase.rule import Clean, Flagged, NodeFix, Requires, Rule
from fastapi_rules_lint.semantics.sqlalchemy.models import DECLARATIVE_BASE, DECLARATIVE_FACTORIES

_ATTRIBUTES = frozenset({"metadata", "type_annotation_map"})
"""``declarative_base()`` arguments that are class attributes of a ``DeclarativeBase``."""


class DeclarativeBaseFunction(Rule):
    """## What it does
    Finds calls of `declarative_base()` (`sqlalchemy.orm` or the older
    `sqlalchemy.ext.declarative`).

    ## Why is this bad?
    SQLAlchemy 2.0 supersedes the function with the `DeclarativeBase` class: type
    checkers understand a class (the function's result is `Any` to them), and it is the
    base the `Mapped[...]`/`mapped_column()` style and its documentation use. The
    `sqlalchemy.ext.declarative` version is deprecated (`MovedIn20Warning`).

    ## Example
    ```python
    from sqlalchemy.orm import declarative_base

    Base = declarative_base()
    ```

    ## Use instead
    ```python
    from sqlalchemy.orm import DeclarativeBase

    class Base(DeclarativeBase):
        pass
    ```

    ## Fix safety
    Safe: the class gives its subclasses the same registry, `metadata`, constructor and
    mapping behaviour (legacy annotations without `Mapped[...]` are rejected by both).
    Offered for a module-level `Base = declarative_base(...)` statement called with no
    arguments or with `metadata=`/`type_annotation_map=` (they become class
    attributes); `declarative_base` is removed from the imports when nothing else uses
    it. No fix for other arguments (`cls=`, `name=`, `constructor=`, `mapper=`,
    `metaclass=`, `class_registry=`, `bind=`, positional ones), which have no
    one-line equivalent, or when `DeclarativeBase` names something else here.
    """

    code = "FRL502"
    name = "declarative-base-function"
    message = "`declarative_base()` is superseded; subclass `DeclarativeBase` instead"
    summary = "`declarative_base()` instead of `class Base(DeclarativeBase)`"
    requires = Requires.SQLALCHEMY
    fix_availability = "sometimes"
    tags = frozenset({DiagnosticTag.DEPRECATED})
    examples = (
        Clean(
            "from sqlalchemy.orm import DeclarativeBase\n\n\n"
            "class Base(DeclarativeBase):\n    pass\n"
        ),
        Clean(
            "from mylib import declarative_base\nimport sqlalchemy\n\nBase = declarative_base()\n",
            note="not SQLAlchemy's",
        ),
        Flagged(
            "from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n",
            at=("3:8-3:26",),
            fixed="from sqlalchemy.orm import DeclarativeBase\n\n"
            "class Base(DeclarativeBase):\n    pass\n",
        ),
        Flagged(
            "from sqlalchemy import MetaData\n"
            "from sqlalchemy.ext.declarative import declarative_base\n\n"
            'metadata = MetaData(schema="app")\n'
            "Base = declarative_base(metadata=metadata)  # the base of every model\n",
            at=("5:8-5:43",),
            fixed="from sqlalchemy import MetaData\n"
            "from sqlalchemy.orm import DeclarativeBase\n\n"
            'metadata = MetaData(schema="app")\n'
            "class Base(DeclarativeBase):  # the base of every model\n"
            "    metadata = metadata\n",
            note="`metadata=` becomes a class attribute; the older import",
        ),
        Flagged(
            "from sqlalchemy.orm import declarative_base\n\n"
            "class Model:\n    pass\n\nBase = declarative_base(cls=Model)\n",
            at=("6:8-6:35",),
            fixed="from sqlalchemy.orm import declarative_base\n\n"
            "class Model:\n    pass\n\nBase = declarative_base(cls=Model)\n",
            note="`cls=`: no fix",
        ),
        Flagged(
            "import sqlalchemy.orm as orm\n\ndef make_base():\n    return orm.declarative_base()\n",
            at=("4:12-4:34",),
            fixed="import sqlalchemy.orm as orm\n\n"
            "def make_base():\n    return orm.declarative_base()\n",
            note="not an assignment: no fix",
        ),
    )

    def setup(self) -> None:
        self._statement: cst.SimpleStatementLine | None = None

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self._statement = node

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine) -> None:
        self._statement = None

    def visit_Call(self, node: cst.Call) -> None:
        if not self.context.resolves_to(node.func, DECLARATIVE_FACTORIES):
            return
        self.report(node, fix=self._fix(node))

    def _fix(self, call: cst.Call) -> NodeFix | None:
        statement = self._statement
        if statement is None or len(statement.body) != 1 or self.context.functions:
            return None
        if self.context.classes:
            return None
        small = statement.body[0]
        if isinstance(small, cst.Assign):
            if len(small.targets) != 1 or small.value is not call:
                return None
            target = small.targets[0].target
        elif isinstance(small, cst.AnnAssign) and small.value is call:
            target = small.target
        else:
            return None
        if not isinstance(target, cst.Name):
            return None
        attributes: list[cst.BaseSmallStatement] = []
        for arg in call.args:
            if arg.keyword is None or arg.keyword.value not in _ATTRIBUTES:
                return None
            attributes.append(
                cst.Assign(
                    targets=(cst.AssignTarget(cst.Name(arg.keyword.value)),), value=arg.value
                )
            )
        use = name_use(self.context, "DeclarativeBase", DECLARATIVE_BASE)
        if use is NameUse.TAKEN:
            return None
        body = [cst.SimpleStatementLine((a,)) for a in attributes] or [
            cst.SimpleStatementLine((cst.Pass(),))
        ]
        new = cst.ClassDef(
            name=target,
            bases=(cst.Arg(cst.Name("DeclarativeBase")),),
            body=cst.IndentedBlock(body=body, header=statement.trailing_whitespace),
            leading_lines=statement.leading_lines,
        )
        imports = (
            (ImportRequest("sqlalchemy.orm", "DeclarativeBase"),) if use is NameUse.FREE else ()
        )
        return NodeFix(
            f"Define `class {target.value}(DeclarativeBase)`",
            Applicability.SAFE,
            ((statement, new),),
            imports,
        )
