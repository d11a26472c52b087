"""FRL702: the caught exception's text put into an ``HTTPException`` detail."""

from __future__ import annotations

import libcst as cst

from fastapi_rules_lint.rulebase.rule import Clean, Flagged, Requires, Rule
from fastapi_rules_lint.semantics.fastapi.apps import argument
from fastapi_rules_lint.semantics.fastapi.routes import is_http_exception
from fastapi_rules_lint.semantics.python.exceptions import (
    caught_name,
    caught_types,
    error_text_uses,
    is_catch_all,
)

# Errors whose text describes the client's input, meant to be shown (or the client's
# own HTTPException re-wrapped): their text in a detail is not a leak.
_CLIENT_ERRORS = frozenset(
    {
        "builtins.ValueError",
        "builtins.TypeError",
        "builtins.KeyError",
        "builtins.UnicodeError",
        "builtins.UnicodeDecodeError",
        "json.JSONDecodeError",
        "json.decoder.JSONDecodeError",
        "pydantic.ValidationError",
        "pydantic_core.ValidationError",
        "fastapi.exceptions.RequestValidationError",
        "fastapi.HTTPException",
        "fastapi.exceptions.HTTPException",
        "starlette.exceptions.HTTPException",
    }
)

# Libraries whose errors carry internal text (SQL, hosts, paths, upstream bodies).
_INTERNAL_LIBRARIES = (
    "builtins.",
    "sqlalchemy.",
    "sqlmodel.",
    "psycopg.",
    "psycopg2.",
    "asyncpg.",
    "pymysql.",
    "aiomysql.",
    "sqlite3.",
    "pymongo.",
    "motor.",
    "redis.",
    "httpx.",
    "requests.",
    "aiohttp.",
    "urllib3.",
    "urllib.error.",
    "botocore.",
    "boto3.",
    "grpc.",
    "socket.",
    "ssl.",
    "subprocess.",
    "openai.",
)


class LeakedExceptionDetail(Rule):
    """## What it does
    Finds `HTTPException(..., detail=...)` (positional or keyword) built from the text
    of the exception the enclosing `except ... as error` caught: `str(error)`,
    `repr(error)`, `f"...{error}"`, `error.args`, `"%s" % error`,
    `"{}".format(error)`, also inside a dict or a longer message, and
    `traceback.format_exc()`.

    More precise than RULES.md: only errors that carry internal text are reported —
    a catch-all (`except Exception`, bare `except:`), built-in errors other than the
    ones that describe a client's input, and errors of libraries that carry internal
    text (SQLAlchemy and database drivers, Redis, MongoDB, HTTP clients such as
    `httpx`/`requests`/`aiohttp`, `botocore`, `grpc`, `openai`, sockets,
    `subprocess`). Not reported: `ValueError`, `TypeError`, `KeyError`,
    `UnicodeError`, `json.JSONDecodeError`, Pydantic's `ValidationError` and
    `HTTPException` itself (a message written for the client, re-wrapped), the
    project's own exception classes (their messages are the project's to choose),
    and errors caught by an `except` of another function (a nested `def` has its
    own scope).

    ## Why is this bad?
    An internal error's text reaches the client: SQL statements and table names,
    file paths, hostnames, stack details. It helps an attacker and confuses a user.
    Log the error and send a message written for the client.

    ## Example
    ```python
    try:
        return db.get_item(item_id)
    except Exception as e:
        raise HTTPException(status_code=500, detail=str(e))
    ```

    ## Use instead
    ```python
    try:
        return db.get_item(item_id)
    except Exception:
        logger.exception("reading item %s failed", item_id)
        raise HTTPException(status_code=500, detail="Could not read the item")
    ```

    ## Fix safety
    No fix: the client-facing message needs a human.
    """

    code = "FRL702"
    name = "leaked-exception-detail"
    message = "`{leak}` sends the text of the caught error to the client in `HTTPException`"
    summary = "An `HTTPException` detail built from a caught exception"
    requires = Requires.FASTAPI
    examples = (
        Clean(
            "from fastapi import HTTPException\n\ndef f() -> None:\n    try:\n        work()\n"
            "    except Exception:\n"
            '        raise HTTPException(status_code=500, detail="Could not work")\n'
        ),
        Clean(
            "from fastapi import HTTPException\n\ndef f(text: str) -> int:\n    try:\n"
            "        return int(text)\n    except ValueError as error:\n"
            "        raise HTTPException(status_code=422, detail=str(error))\n",
            note="a `ValueError` describes the client's input",
        ),
        Clean(
            "from fastapi import HTTPException\n\nclass QuotaError(Exception):\n    pass\n\n"
            "def f() -> None:\n    try:\n        work()\n    except QuotaError as error:\n"
            "        raise HTTPException(status_code=429, detail=str(error))\n",
            note="the project's own exception: its message is the project's choice",
        ),
        Clean(
            "from fastapi import HTTPException\n\ndef f(error: Exception) -> None:\n"
            "    try:\n        work()\n    except Exception as e:\n"
            "        raise HTTPException(status_code=500, detail=str(error))\n",
            note="not the caught error",
        ),
        Clean(
            "def f() -> None:\n    try:\n        work()\n    except Exception as error:\n"
            "        raise HTTPException(status_code=500, detail=str(error))\n",
            note="an unknown `HTTPException`",
        ),
        Flagged(
            "from fastapi import HTTPException\n\ndef f() -> None:\n    try:\n        work()\n"
            "    except Exception as e:\n"
            "        raise HTTPException(status_code=500, detail=str(e))\n",
            at=("7:53-7:59",),
        ),
        Flagged(
            "import fastapi\nimport sqlalchemy.exc\n\ndef f() -> None:\n    try:\n"
            "        work()\n    except sqlalchemy.exc.OperationalError as e:\n"
            '        raise fastapi.HTTPException(503, f"database error: {e!r}")\n',
            at=("8:61-8:62",),
            note="a library error, positional detail",
        ),
        Flagged(
            "from fastapi import HTTPException\n\ndef f() -> None:\n    try:\n        work()\n"
            "    except OSError as e:\n"
            '        raise HTTPException(500, detail={"error": e.args[0]})\n',
            at=("7:51-7:57",),
            note="a built-in error with internal text, inside a dict",
        ),
    )

    def setup(self) -> None:
        self._caught: list[str | None] = []

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        # "" for an unnamed clause: only `traceback.format_exc()` can leak from it.
        name = caught_name(node) or ""
        self._caught.append(name if self._is_internal(node) else None)

    def leave_ExceptHandler(self, original_node: cst.ExceptHandler) -> None:
        self._caught.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._caught.append(None)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._caught.pop()

    def visit_Call(self, node: cst.Call) -> None:
        names = {name for name in self._caught[-1:] if name is not None}
        if not names or not is_http_exception(node.func, self.context):
            return
        detail = argument(node, "detail", 1)
        if detail is None:
            return
        for name in names:
            for leak in error_text_uses(detail.value, name, self.context.qualified_names):
                self.report(leak, leak=cst.Module(body=()).code_for_node(leak))

    def _is_internal(self, node: cst.ExceptHandler) -> bool:
        resolve = self.context.qualified_names
        if is_catch_all(node, resolve):
            return True
        for caught in caught_types(node):
            qualified = resolve(caught)
            if not qualified.isdisjoint(_CLIENT_ERRORS):
                continue
            if any(name.startswith(_INTERNAL_LIBRARIES) for name in qualified):
                return True
        return False
