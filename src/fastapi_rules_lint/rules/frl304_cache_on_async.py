"""FRL304: ``functools.lru_cache``/``cache``/``cached_property`` on an ``async def``."""

from __future__ import annotations

import libcst as cst

from fastapi_rules_lint.rulebase.rule import Clean, Flagged, Rule

CACHES = frozenset({"functools.lru_cache", "functools.cache", "functools.cached_property"})


class CacheOnAsync(Rule):
    """## What it does
    Finds `functools.lru_cache`, `functools.cache` and `functools.cached_property` (bare
    or called, through any import alias) decorating an `async def`.

    ## Why is this bad?
    The decorator caches what calling the function returns: a coroutine object. The
    first `await` runs it; every later call returns the same, already awaited coroutine,
    and awaiting it again raises `RuntimeError: cannot reuse already awaited coroutine`.
    A cached async dependency (`@lru_cache async def get_settings()`) fails on the second
    request.

    ## Example
    ```python
    from functools import lru_cache

    @lru_cache
    async def get_settings() -> Settings:
        return Settings()
    ```

    ## Use instead
    ```python
    @lru_cache
    def get_settings() -> Settings:
        return Settings()
    ```
    or an async-aware cache such as `async_lru.alru_cache`.

    ## Fix safety
    No fix: whether the function should become sync or use an async cache is a choice.
    """

    code = "FRL304"
    name = "cache-on-async"
    message = (
        "`@{decorator}` caches the coroutine of `async def {function}`, "
        "which can be awaited only once"
    )
    summary = "`lru_cache`/`cache` on an `async def`"
    examples = (
        Clean(
            "from functools import lru_cache\n\n@lru_cache\ndef settings() -> int:\n    return 1\n"
        ),
        Clean(
            "from async_lru import alru_cache\n\n@alru_cache\nasync def settings() -> int:\n"
            "    return 1\n",
            note="an async-aware cache",
        ),
        Clean(
            "from mylib import cache\n\n@cache\nasync def settings() -> int:\n    return 1\n",
            note="not functools.cache",
        ),
        Flagged(
            "from functools import lru_cache\n\n@lru_cache(maxsize=1)\n"
            "async def settings() -> int:\n    return 1\n",
            at=("3:1-3:22",),
        ),
        Flagged(
            "import functools as ft\n\nclass Repo:\n    @ft.cached_property\n"
            "    async def items(self) -> list[int]:\n        return []\n\n"
            "    @ft.cache\n    async def count(self) -> int:\n        return 0\n",
            at=("4:5-4:24", "8:5-8:14"),
            note="aliases, methods, cached_property",
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if node.asynchronous is None:
            return
        for decorator in node.decorators:
            expression = decorator.decorator
            if isinstance(expression, cst.Call):
                expression = expression.func
            names = self.context.qualified_names(expression) & CACHES
            if names:
                self.report(
                    decorator,
                    decorator=min(names).removeprefix("functools."),
                    function=node.name.value,
                )
