"""FRL211: ``HTTPException`` raised with a status below 400."""

from __future__ import annotations

import libcst as cst

from fastapi_rules_lint.rulebase.rule import Clean, Flagged, Requires, Rule
from fastapi_rules_lint.semantics.fastapi.http_status import reason_phrase
from fastapi_rules_lint.semantics.fastapi.routes import (
    is_http_exception,
    is_non_error_exception_status,
    status_argument,
    status_code_of,
)


class NonErrorStatusInHttpException(Rule):
    """## What it does
    Finds `HTTPException(status_code=N)` (FastAPI's or Starlette's, `N` positional or
    keyword) where `N` is an integer literal or a `status.HTTP_*` constant below 400.

    More precise than the catalogue's wording, to stay silent on deliberate uses:
    `204` and `304` are not reported (Starlette's exception handler answers them with
    an empty body, the documented way to say "not modified" from a dependency), nor
    is a 3xx raised with `headers=` that may carry a `Location` (a redirect from a
    dependency, which cannot return a response); a literal `headers={...}` dict without
    a `location` key is still reported.

    ## Why is this bad?
    An exception is how a handler or dependency says "this request failed". With a
    2xx status the client is told it succeeded (with `{"detail": ...}` as the body);
    with a 3xx it is told to go elsewhere, without saying where. Real code answers a
    "not allowed" error with `301` this way by mistake.

    ## Example
    ```python
    if not user.is_admin:
        raise HTTPException(status_code=301, detail="Not allowed")
    ```

    ## Use instead
    ```python
    if not user.is_admin:
        raise HTTPException(status_code=403, detail="Not allowed")
    ```

    ## Fix safety
    No fix: the intended error status needs a human.
    """

    code = "FRL211"
    name = "non-error-status-in-httpexception"
    message = (
        "`HTTPException` raised with status `{code}`{phrase}, which is not an error;"
        " use a 4xx/5xx status (or return a response)"
    )
    summary = "`HTTPException` with a status below 400"
    requires = Requires.FASTAPI
    examples = (
        Clean(
            "from fastapi import HTTPException, status\n\n"
            "def check(ok: bool) -> None:\n"
            "    if not ok:\n"
            "        raise HTTPException(status_code=status.HTTP_403_FORBIDDEN)\n"
        ),
        Clean(
            "from fastapi import HTTPException\n\n"
            "def not_modified(etag: str, current: str) -> None:\n"
            "    if etag == current:\n"
            "        raise HTTPException(status_code=304)\n",
            note="Starlette answers 204/304 with an empty body on purpose",
        ),
        Clean(
            "from fastapi import HTTPException\n\n"
            "def require_login(user: str | None) -> str:\n"
            "    if user is None:\n"
            '        raise HTTPException(302, headers={"Location": "/login"})\n'
            "    return user\n",
            note="a redirect from a dependency",
        ),
        Clean(
            "from fastapi import HTTPException\n\n"
            "def fail(code: int) -> None:\n    raise HTTPException(status_code=code)\n",
            note="an unknown status",
        ),
        Clean(
            "from fastapi import FastAPI\nfrom mylib import HTTPException\n\n"
            "def fail() -> None:\n    raise HTTPException(status_code=200)\n",
            note="not FastAPI's `HTTPException`",
        ),
        Flagged(
            "from fastapi import FastAPI, HTTPException\n\napp = FastAPI()\n\n"
            '@app.delete("/items/{item_id}")\ndef delete(item_id: int, admin: bool) -> None:\n'
            "    if not admin:\n"
            '        raise HTTPException(status_code=301, detail="Not allowed")\n',
            at=("8:41-8:44",),
        ),
        Flagged(
            "from fastapi import status\nfrom starlette.exceptions import HTTPException\n\n"
            "def check() -> None:\n"
            "    raise HTTPException(status.HTTP_200_OK)\n\n"
            "def moved() -> None:\n"
            '    raise HTTPException(307, headers={"X-Reason": "moved"})\n',
            at=("5:25-5:43", "8:25-8:28"),
            note="Starlette's class, a constant, a 3xx without `Location`",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        if not is_http_exception(node.func, self.context):
            return
        arg = status_argument(node, 0)
        if arg is None:
            return
        code = status_code_of(arg.value, self.context)
        if code is None or not is_non_error_exception_status(node, code):
            return
        phrase = reason_phrase(code)
        self.report(arg.value, code=code, phrase=f" ({phrase})" if phrase else "")
