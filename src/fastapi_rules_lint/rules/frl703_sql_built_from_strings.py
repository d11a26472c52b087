"""FRL703: SQL built with f-strings, ``%``, ``.format()`` or ``+`` sent to a database."""

from __future__ import annotations

import re

import libcst as cst

from fastapi_rules_lint.rulebase.rule import Clean, Flagged, Rule
from fastapi_rules_lint.semantics.python.literals import string_literal
from fastapi_rules_lint.semantics.python.names import assigned_names

TEXT_FUNCTIONS = frozenset(
    {"sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text", "sqlmodel.text"}
)
_EXECUTE_METHODS = frozenset({"execute", "executemany", "exec_driver_sql", "executescript"})
# A statement, not a word: `SELECT … FROM`, `INSERT INTO`, `UPDATE x SET`, `DELETE FROM`.
_ITEM = r"(?:\*|[\w.\"`{}*]+(?:\([^()]*\))?(?:\s+as\s+[\w\"`]+)?)"
SQL = re.compile(
    rf"\bselect\s+(?:distinct\s+)?{_ITEM}(?:\s*,\s*{_ITEM})*\s+from\b"
    r"|\binsert\s+into\b|\bupdate\s+[\w.\"`{}]+\s+set\b|\bdelete\s+from\b",
    re.IGNORECASE,
)


def _literal_text(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString):
        return string_literal(node)
    if isinstance(node, cst.ConcatenatedString):
        left, right = _literal_text(node.left), _literal_text(node.right)
        return None if left is None or right is None else left + right
    return None


def _fstring_text(node: cst.FormattedString) -> str:
    return "".join(
        part.value if isinstance(part, cst.FormattedStringText) else "{}" for part in node.parts
    )


def built_sql(node: cst.BaseExpression) -> bool:
    """True for an SQL statement built by interpolation from a non-literal value."""
    if isinstance(node, cst.FormattedString):
        has_value = any(isinstance(p, cst.FormattedStringExpression) for p in node.parts)
        return has_value and SQL.search(_fstring_text(node)) is not None
    if isinstance(node, cst.BinaryOperation):
        if isinstance(node.operator, cst.Modulo):
            left = node.left
            if isinstance(left, cst.Call) and isinstance(left.func, cst.Attribute):
                left = left.func.value  # `"...".format(a) % b`
            text = _literal_text(left)
            return text is not None and SQL.search(text) is not None
        if isinstance(node.operator, cst.Add):
            parts = _sum_parts(node)
            texts = [_literal_text(p) for p in parts]
            has_value = any(t is None for t in texts)
            joined = "{}".join(t if t is not None else "" for t in texts)
            return has_value and SQL.search(joined) is not None
    if not isinstance(node, cst.Call) or not isinstance(node.func, cst.Attribute):
        return False
    if node.func.attr.value != "format" or not node.args:
        return False
    text = _literal_text(node.func.value)
    return text is not None and SQL.search(text) is not None


def _sum_parts(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        return _sum_parts(node.left) + _sum_parts(node.right)
    if isinstance(node, cst.FormattedString):
        return [cst.SimpleString(repr(_fstring_text(node)))] + [
            cst.Name("_") for p in node.parts if isinstance(p, cst.FormattedStringExpression)
        ]
    return [node]


class SqlBuiltFromStrings(Rule):
    """## What it does
    Finds SQL statements built with an f-string, `%`-formatting, `.format()` or `+`
    and passed to `sqlalchemy.text(...)`, or to an `.execute(...)`,
    `.executemany(...)`, `.executescript(...)` or `.exec_driver_sql(...)` method (a
    session, connection or cursor), directly or through a variable assigned in the same
    function (`query = f"..."` then `db.execute(text(query))`).

    A string counts as SQL when its literal parts hold a statement: `SELECT … FROM`,
    `INSERT INTO`, `UPDATE <table> SET` or `DELETE FROM` (case-insensitive, whole
    words). Strings that only contain a word like "select" ("Please select an
    option") and strings that are not sent to a database (log messages) are never
    reported; nor is `cursor.execute("... %s", (value,))`, which binds parameters.

    Off by default: on real applications most findings interpolate identifiers
    from code (table and column names in migrations, generated bind-parameter names,
    `" AND ".join(conditions)` of `%s` placeholders), which is SQL built from strings
    but no injection; fewer than 95% of a read sample were injection risks. Enable it
    (`extend-select = ["FRL703"]`) to review every string-built statement.

    ## Why is this bad?
    A value interpolated into SQL is SQL injection waiting for the first value with a
    quote in it. Bound parameters keep values out of the statement's text.

    ## Example
    ```python
    db.execute(text(f"SELECT * FROM users WHERE name = '{name}'"))
    ```

    ## Use instead
    ```python
    db.execute(text("SELECT * FROM users WHERE name = :name"), {"name": name})
    ```

    ## Fix safety
    No fix: the parameters and their names need a human.
    """

    code = "FRL703"
    name = "sql-built-from-strings"
    message = "SQL built from strings is passed to `{sink}`; use bound parameters"
    summary = "SQL built with f-strings, `%`, `.format()` or `+` is executed"
    default_enabled = False
    examples = (
        Clean(
            "from sqlalchemy import text\n\ndef f(db, name: str) -> None:\n"
            '    db.execute(text("SELECT * FROM users WHERE name = :name"), {"name": name})\n'
        ),
        Clean(
            "import logging\n\ndef f(table: str) -> None:\n"
            '    logging.info(f"SELECT * FROM {table} took too long")\n',
            note="a log message, not sent to a database",
        ),
        Clean(
            "def f(cursor, choice: str) -> None:\n"
            '    cursor.execute(f"Please select an option from {choice}")\n',
            note="`select` as a word is no statement",
        ),
        Clean(
            "def f(cursor, name: str) -> None:\n"
            '    cursor.execute("SELECT * FROM users WHERE name = %s", (name,))\n',
            note="bound parameters",
        ),
        Flagged(
            "from sqlalchemy import text\n\ndef f(db, name: str) -> None:\n"
            "    db.execute(text(f\"SELECT * FROM users WHERE name = '{name}'\"))\n",
            at=("4:21-4:65",),
        ),
        Flagged(
            "def f(cursor, user_id: str) -> None:\n"
            '    query = "DELETE FROM users WHERE id = " + user_id\n'
            "    cursor.execute(query)\n",
            at=("3:20-3:25",),
            note="built into a variable first",
        ),
        Flagged(
            "def f(conn, table: str, value: str) -> None:\n"
            "    conn.exec_driver_sql(\"UPDATE {} SET name = '%s'\".format(table) % value)\n",
            at=("2:26-2:75",),
            note="`.format()` then `%`",
        ),
    )

    def setup(self) -> None:
        # Per function: names assigned a built SQL string (the last assignment wins).
        self._built: list[dict[str, cst.BaseExpression]] = [{}]

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._built.append({})

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._built.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        is_built = built_sql(node.value)
        for target in node.targets:
            for name in assigned_names(target.target):
                if is_built:
                    self._built[-1][name] = node.value
                else:
                    self._built[-1].pop(name, None)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if self.context.resolves_to(func, TEXT_FUNCTIONS):
            sink = "text"
        elif isinstance(func, cst.Attribute) and func.attr.value in _EXECUTE_METHODS:
            sink = func.attr.value
        else:
            return
        if not node.args or node.args[0].keyword is not None:
            return
        statement = node.args[0].value
        if built_sql(statement) or (
            isinstance(statement, cst.Name) and statement.value in self._built[-1]
        ):
            self.report(statement, sink=sink)
