"""FRL701-FRL704 beyond their examples: the shared exception helpers and the SQL heuristic."""

from __future__ import annotations

import pytest

from fastapi_rules_lint.lint.linter import LintSettings, lint_text
from fastapi_rules_lint.rules.frl703_sql_built_from_strings import SQL


def _rows(source: str, code: str) -> list[int]:
    settings = LintSettings(enabled=frozenset({code}))
    return [d.location.row for d in lint_text(source, "app.py", settings)]


@pytest.mark.parametrize(
    "text",
    ["Please select an option from the menu", "Select a file from disk", "update your settings"],
)
def test_sql_heuristic_ignores_prose(text: str) -> None:
    assert SQL.search(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * FROM t",
        "select id, name from users",
        "SELECT count(*) FROM x",
        "INSERT INTO t VALUES",
        "UPDATE {} SET a = 1",
        "delete from t",
    ],
)
def test_sql_heuristic_finds_statements(text: str) -> None:
    assert SQL.search(text) is not None


def test_frl703_local_variable_reassigned_to_a_literal_is_clean() -> None:
    source = (
        "def f(cursor, name):\n"
        '    query = f"SELECT * FROM users WHERE name = {name}"\n'
        '    query = "SELECT * FROM users"\n'
        "    cursor.execute(query)\n"
    )
    assert _rows(source, "FRL703") == []


def test_frl701_logger_method_chain_counts_as_logging() -> None:
    source = (
        "def f():\n    try:\n        work()\n    except Exception:\n"
        '        self.log.bind(x=1).warning("failed")\n'
    )
    assert _rows(source, "FRL701") == []


def test_frl702_comparison_on_args_is_not_a_leak() -> None:
    source = (
        "from fastapi import HTTPException\n\ndef f():\n    try:\n        work()\n"
        "    except Exception as e:\n"
        '        raise HTTPException(400, detail="empty" if e.args == ("x",) else "bad")\n'
    )
    assert _rows(source, "FRL702") == []
