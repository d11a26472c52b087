"""FRL503: a ``Column(...)`` attribute on a declarative model instead of ``mapped_column``."""

from __future__ import annotations

import libcst as cst

from fastapi_rules_lint.engine.diagnostics import Applicability, DiagnosticTag, ImportRequest
from fastapi_rules_lint.rulebase.edits import NameUse, name_use
from fastapi_rules_lint.rulebase.rule import Clean, Flagged, NodeFix, Requires, Rule
from fastapi_rules_lint.semantics.python.annotations import class_level_names
from fastapi_rules_lint.semantics.sqlalchemy.models import (
    COLUMN,
    COLUMN_TYPES,
    MAPPED,
    MAPPED_COLUMN,
    OPTIONAL,
    PythonType,
    is_declarative_class,
)

_MODELS = (
    "from sqlalchemy import Column, ForeignKey, Integer, String\n"
    "from sqlalchemy.orm import DeclarativeBase\n\n\n"
    "class Base(DeclarativeBase):\n    pass\n\n\n"
)


class UntypedColumn(Rule):
    """## What it does
    Finds `name = Column(...)` attributes of a declarative model: a class on a
    `DeclarativeBase` subclass or a `declarative_base()` result, also through bases in
    other modules. Classes mapping a `__table__` (imperative tables), mixins not on a
    base, `Column`s inside `Table(...)`, and attributes already annotated
    (`name: str = Column(...)`, a typed legacy form) are not reported.

    ## Why is this bad?
    In SQLAlchemy 2.0 style, `name: Mapped[int] = mapped_column(...)` tells type
    checkers what `User.name` and `user.name` are; a `Column` attribute is `Any` (or a
    `Column`) to them, so typos and wrong types in queries and assignments go unseen.

    ## Example
    ```python
    class User(Base):
        __tablename__ = "users"
        id = Column(Integer, primary_key=True)
        name = Column(String(50), nullable=False)
        nickname = Column(String(50))
    ```

    ## Use instead
    ```python
    class User(Base):
        __tablename__ = "users"
        id: Mapped[int] = mapped_column(Integer, primary_key=True)
        name: Mapped[str] = mapped_column(String(50), nullable=False)
        nickname: Mapped[Optional[str]] = mapped_column(String(50))
    ```

    ## Fix safety
    Unsafe: the table is the same — `mapped_column()` takes `Column`'s arguments, all
    of them are kept, and the annotation is `Optional[...]` exactly when the column is
    nullable (explicit `nullable=`, else nullable unless `primary_key=True`, as
    `Column` decides; `mapped_column` reads nullability from the annotation when the
    argument is absent). But the annotation is new typing information: type checkers
    may now report code that used the attribute loosely. Offered for the column types
    whose Python type is fixed: `Integer`/`SmallInteger`/`BigInteger` → `int`,
    `String`/`Text`/`Unicode`/`UnicodeText` → `str`, `Boolean` → `bool`, `Float` →
    `float`, `Numeric` → `decimal.Decimal`, `DateTime`/`Date`/`Time`/`Interval` →
    `datetime.*`, `LargeBinary` → `bytes`, `Uuid` → `uuid.UUID` (imports added). No fix
    when the type is elsewhere (`JSON`, `Enum`, a custom type, a type inferred from a
    `ForeignKey`), when `nullable=`/`primary_key=` or `asdecimal=`/`as_uuid=` are not
    literals the fix can read, or when a name it must write is taken here (also by an
    attribute of the class: the annotation is evaluated in the class body).
    """

    code = "FRL503"
    name = "untyped-column"
    message = (
        "`{attribute} = Column(...)` is untyped; "
        "use `{attribute}: Mapped[...] = mapped_column(...)`"
    )
    summary = "A `Column(...)` model attribute instead of `Mapped[...] = mapped_column(...)`"
    requires = Requires.SQLALCHEMY
    fix_availability = "sometimes"
    tags = frozenset({DiagnosticTag.DEPRECATED})
    examples = (
        Clean(
            "from sqlalchemy import Column, Integer, MetaData, Table\n\n"
            'users = Table("users", MetaData(), Column("id", Integer, primary_key=True))\n'
        ),
        Clean(
            "from sqlalchemy import Column, Integer\n\n\n"
            "class TimestampMixin:\n    created = Column(Integer)\n",
            note="a mixin not on a declarative base",
        ),
        Clean(
            _MODELS + "class User(Base):\n"
            '    __table__ = Base.metadata.tables["users"]\n'
            "    id = Column(Integer, primary_key=True)\n",
            note="an imperative `__table__`",
        ),
        Flagged(
            _MODELS + "class User(Base):\n"
            '    __tablename__ = "users"\n'
            "    id = Column(Integer, primary_key=True)\n"
            "    name = Column(String(50), nullable=False, index=True)\n"
            "    nickname = Column(String(50))\n"
            '    team_id = Column(Integer, ForeignKey("teams.id"), nullable=True)\n',
            at=("11:5-11:43", "12:5-12:58", "13:5-13:34", "14:5-14:69"),
            unsafe=True,
            fixed="from typing import Optional\n\n"
            "from sqlalchemy import ForeignKey, Integer, String\n"
            "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\n"
            "class Base(DeclarativeBase):\n    pass\n\n\n"
            "class User(Base):\n"
            '    __tablename__ = "users"\n'
            "    id: Mapped[int] = mapped_column(Integer, primary_key=True)\n"
            "    name: Mapped[str] = mapped_column(String(50), nullable=False, index=True)\n"
            "    nickname: Mapped[Optional[str]] = mapped_column(String(50))\n"
            "    team_id: Mapped[Optional[int]] = mapped_column(\n"
            '        Integer, ForeignKey("teams.id"), nullable=True\n    )\n',
        ),
        Flagged(
            "import sqlalchemy as sa\nfrom datetime import datetime\n"
            "from sqlalchemy.orm import declarative_base\n\n"
            "Base = declarative_base()\n\n\n"
            "class Event(Base):\n"
            '    __tablename__ = "events"\n'
            '    id = sa.Column("event_id", sa.BigInteger, primary_key=True)\n'
            "    at = sa.Column(sa.DateTime(timezone=True), default=datetime.utcnow)\n"
            "    payload = sa.Column(sa.JSON)\n",
            at=("10:5-10:64", "11:5-11:72", "12:5-12:33"),
            unsafe=True,
            fixed="import sqlalchemy as sa\nfrom datetime import datetime\n"
            "from typing import Optional\n"
            "from sqlalchemy.orm import Mapped, declarative_base, mapped_column\n\n"
            "Base = declarative_base()\n\n\n"
            "class Event(Base):\n"
            '    __tablename__ = "events"\n'
            '    id: Mapped[int] = mapped_column("event_id", sa.BigInteger, '
            "primary_key=True)\n"
            "    at: Mapped[Optional[datetime]] = mapped_column(\n"
            "        sa.DateTime(timezone=True), default=datetime.utcnow\n    )\n"
            "    payload = sa.Column(sa.JSON)\n",
            note="module aliases, a column name, `datetime` already imported; `JSON`: no fix",
        ),
        Flagged(
            "import datetime\n\nfrom sqlalchemy import Boolean, Column, Date\n\n"
            "from app.db import Base\n\n\n"
            "class Task(Base):\n"
            '    __tablename__ = "tasks"\n'
            "    done = Column(Boolean, nullable=False, default=False)\n"
            "    due = Column(Date)\n",
            at=("10:5-10:58", "11:5-11:23"),
            unsafe=True,
            fixed="import datetime\n"
            "from typing import Optional\n\n"
            "from sqlalchemy import Boolean, Date\n"
            "from sqlalchemy.orm import Mapped, mapped_column\n\n"
            "from app.db import Base\n\n\n"
            "class Task(Base):\n"
            '    __tablename__ = "tasks"\n'
            "    done: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)\n"
            "    due: Mapped[Optional[datetime.date]] = mapped_column(Date)\n",
            path="app/models.py",
            files={
                "app/db.py": "from sqlalchemy.orm import DeclarativeBase\n\n"
                "class Base(DeclarativeBase):\n    pass\n"
            },
            note="the base lives in another module; `import datetime`",
        ),
        Clean(
            "from sqlalchemy import Column, Integer\n\nfrom app.db import Base\n\n\n"
            "class Mixin:\n    id = Column(Integer, primary_key=True)\n\n\n"
            "class Other(Mixin):\n    pass\n",
            path="app/models.py",
            files={
                "app/db.py": "from sqlalchemy.orm import DeclarativeBase\n\n"
                "class Base(DeclarativeBase):\n    pass\n"
            },
            note="classes not on the base",
        ),
    )

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if self.context.functions or len(self.context.classes) != 1:
            return
        if not is_declarative_class(node, self.context.fastapi.view):
            return
        reserved = class_level_names(node)
        for statement in node.body.body:
            if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
                continue
            small = statement.body[0]
            if not isinstance(small, cst.Assign) or len(small.targets) != 1:
                continue
            target = small.targets[0].target
            value = small.value
            if not isinstance(target, cst.Name) or not isinstance(value, cst.Call):
                continue
            if not self.context.resolves_to(value.func, COLUMN):
                continue
            self.report(
                small,
                fix=self._fix(small, target, value, reserved),
                attribute=target.value,
            )

    def _fix(
        self, statement: cst.Assign, target: cst.Name, call: cst.Call, reserved: set[str]
    ) -> NodeFix | None:
        python = self._python_type(call)
        nullable = _is_nullable(call)
        if python is None or nullable is None:
            return None
        imports: list[ImportRequest] = []
        written = self._type_name(python, reserved, imports)
        if written is None:
            return None
        inner: cst.BaseExpression = cst.parse_expression(written)
        if nullable:
            optional = self._name("Optional", "typing", OPTIONAL, reserved, imports)
            if optional is None:
                return None
            inner = _subscript(cst.Name(optional), inner)
        mapped = self._name("Mapped", "sqlalchemy.orm", MAPPED, reserved, imports)
        function = self._name("mapped_column", "sqlalchemy.orm", MAPPED_COLUMN, reserved, imports)
        if mapped is None or function is None:
            return None
        new = cst.AnnAssign(
            target=target,
            annotation=cst.Annotation(_subscript(cst.Name(mapped), inner)),
            value=call.with_changes(func=cst.Name(function)),
        )
        return NodeFix(
            f"Use `{target.value}: Mapped[{written}] = mapped_column(...)`",
            Applicability.UNSAFE,
            ((statement, new),),
            tuple(imports),
        )

    def _python_type(self, call: cst.Call) -> PythonType | None:
        """The Python type of the column's SQL type (positional after an optional name
        string, or ``type_=``); None when it is not in the table."""
        positional = [arg for arg in call.args if arg.keyword is None]
        if any(arg.star for arg in call.args):
            return None
        type_arg: cst.BaseExpression | None = None
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == "type_":
                type_arg = arg.value
        if type_arg is None:
            if positional and isinstance(
                positional[0].value, (cst.SimpleString, cst.ConcatenatedString)
            ):
                positional = positional[1:]
            if not positional:
                return None
            type_arg = positional[0].value
        type_call = type_arg if isinstance(type_arg, cst.Call) else None
        head = type_call.func if type_call is not None else type_arg
        found = {COLUMN_TYPES[n] for n in self.context.qualified_names(head) if n in COLUMN_TYPES}
        if len(found) != 1:
            return None
        (python,) = found
        if python.unsure_keyword is not None and type_call is not None:
            if any(
                arg.keyword is not None and arg.keyword.value == python.unsure_keyword
                for arg in type_call.args
            ):
                return None
            if python.unsure_keyword == "asdecimal" and len(type_call.args) > 2:
                return None  # Numeric(precision, scale, asdecimal) positionally
            if python.unsure_keyword == "as_uuid" and type_call.args:
                return None
        return python

    def _type_name(
        self, python: PythonType, reserved: set[str], imports: list[ImportRequest]
    ) -> str | None:
        if python.module == "builtins":
            if python.name in reserved:
                return None
            use = name_use(self.context, python.name, frozenset({f"builtins.{python.name}"}))
            return python.name if use is not NameUse.TAKEN else None
        qualified = f"{python.module}.{python.name}"
        use = NameUse.TAKEN
        if python.name not in reserved:
            use = name_use(self.context, python.name, frozenset({qualified}))
            if use is NameUse.BOUND:
                return python.name
        if python.module not in reserved:
            module_use = name_use(self.context, python.module, frozenset({python.module}))
            if module_use is NameUse.BOUND:
                return qualified
            if module_use is NameUse.FREE:
                imports.append(ImportRequest(python.module))
                return qualified
        if use is NameUse.FREE:
            imports.append(ImportRequest(python.module, python.name))
            return python.name
        return None

    def _name(
        self,
        name: str,
        module: str,
        meaning: frozenset[str],
        reserved: set[str],
        imports: list[ImportRequest],
    ) -> str | None:
        if name in reserved:
            return None
        use = name_use(self.context, name, meaning)
        if use is NameUse.TAKEN:
            return None
        if use is NameUse.FREE:
            imports.append(ImportRequest(module, name))
        return name


def _subscript(value: cst.BaseExpression, element: cst.BaseExpression) -> cst.Subscript:
    return cst.Subscript(value=value, slice=(cst.SubscriptElement(cst.Index(element)),))


def _literal(node: cst.BaseExpression) -> bool | None:
    if isinstance(node, cst.Name) and node.value in {"True", "False"}:
        return node.value == "True"
    return None


def _is_nullable(call: cst.Call) -> bool | None:
    """Whether ``Column(...)`` makes a nullable column; None when it cannot be read."""
    keywords = {arg.keyword.value: arg.value for arg in call.args if arg.keyword is not None}
    if "nullable" in keywords:
        return _literal(keywords["nullable"])
    if "primary_key" in keywords:
        primary_key = _literal(keywords["primary_key"])
        return None if primary_key is None else not primary_key
    return True
