"""Declarative models: which classes are mapped, and the SQLAlchemy 1.x → 2.0 tables
for their columns (``Column(Integer)`` → ``Mapped[int]``).

Which classes are declarative is a project fact (``view.orm_classes``: ``DeclarativeBase``
subclasses, ``declarative_base()`` results and the classes on them, through bases in
any module); a class that maps a ``__table__`` (imperative table) is not declarative
for column questions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import libcst as cst

from fastapi_rules_lint.project.model import DECLARATIVE_BASE_FACTORIES
from fastapi_rules_lint.project.view import ModuleView
from fastapi_rules_lint.semantics.python.names import class_body_names

DECLARATIVE_FACTORIES = DECLARATIVE_BASE_FACTORIES | {
    "sqlalchemy.orm.decl_api.declarative_base",
    "sqlalchemy.ext.declarative.api.declarative_base",
}
DECLARATIVE_BASE = frozenset(
    {"sqlalchemy.orm.DeclarativeBase", "sqlalchemy.orm.decl_api.DeclarativeBase"}
)
COLUMN = frozenset(
    {
        "sqlalchemy.Column",
        "sqlalchemy.schema.Column",
        "sqlalchemy.sql.schema.Column",
        "sqlmodel.Column",
    }
)
MAPPED = frozenset({"sqlalchemy.orm.Mapped", "sqlalchemy.orm.base.Mapped"})
MAPPED_COLUMN = frozenset(
    {"sqlalchemy.orm.mapped_column", "sqlalchemy.orm._orm_constructors.mapped_column"}
)
OPTIONAL = frozenset({"typing.Optional"})


@dataclass(frozen=True)
class PythonType:
    """The Python type a column type maps to: ``module.name`` (``builtins`` for ``int``)."""

    module: str
    name: str
    unsure_keyword: str | None = None
    """A keyword of the column type that changes the Python type (``asdecimal``)."""


def _types(python: PythonType, *names: str) -> dict[str, PythonType]:
    found: dict[str, PythonType] = {}
    for name in names:
        for module in ("sqlalchemy", "sqlalchemy.types", "sqlalchemy.sql.sqltypes", "sqlmodel"):
            found[f"{module}.{name}"] = python
    return found


COLUMN_TYPES: Mapping[str, PythonType] = {
    **_types(
        PythonType("builtins", "int"),
        "Integer",
        "SmallInteger",
        "BigInteger",
        "INTEGER",
        "INT",
        "SMALLINT",
        "BIGINT",
    ),
    **_types(
        PythonType("builtins", "str"),
        "String",
        "Text",
        "Unicode",
        "UnicodeText",
        "VARCHAR",
        "NVARCHAR",
        "CHAR",
        "NCHAR",
        "TEXT",
        "CLOB",
    ),
    **_types(PythonType("builtins", "bool"), "Boolean", "BOOLEAN"),
    **_types(PythonType("builtins", "float", "asdecimal"), "Float", "FLOAT", "REAL", "Double"),
    **_types(PythonType("decimal", "Decimal", "asdecimal"), "Numeric", "NUMERIC", "DECIMAL"),
    **_types(PythonType("datetime", "datetime"), "DateTime", "DATETIME", "TIMESTAMP"),
    **_types(PythonType("datetime", "date"), "Date", "DATE"),
    **_types(PythonType("datetime", "time"), "Time", "TIME"),
    **_types(PythonType("datetime", "timedelta"), "Interval"),
    **_types(PythonType("builtins", "bytes"), "LargeBinary", "BLOB"),
    **_types(PythonType("uuid", "UUID", "as_uuid"), "Uuid", "UUID"),
}
"""Column types whose Python type is fixed (``JSON``, ``Enum``, ``ARRAY``... are not)."""


def is_declarative_class(node: cst.ClassDef, view: ModuleView) -> bool:
    """True for a module-level class ``view.orm_classes`` knows, unless it maps a
    ``__table__`` (its columns are the table's)."""
    canonical = view.own(node.name.value)
    if canonical is None or canonical not in view.orm_classes:
        return False
    return "__table__" not in class_body_names(node)


