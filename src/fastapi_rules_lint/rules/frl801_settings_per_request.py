"""FRL801: a ``BaseSettings`` subclass built on every request."""

from __future__ import annotations

import libcst as cst

from fastapi_rules_lint.engine.diagnostics import Applicability, ImportRequest
from fastapi_rules_lint.rulebase.edits import NameUse, name_use
from fastapi_rules_lint.rulebase.rule import Clean, Flagged, NodeFix, Requires, Rule
from fastapi_rules_lint.semantics.fastapi.context import FunctionFrame
from fastapi_rules_lint.semantics.pydantic.models import names_settings_class
from fastapi_rules_lint.semantics.python.names import dotted_name
from fastapi_rules_lint.semantics.python.signatures import all_params

CACHES = frozenset({"functools.lru_cache", "functools.cache"})
_LRU_CACHE = frozenset({"functools.lru_cache"})

_SETTINGS = (
    "from pydantic_settings import BaseSettings\n\n"
    'class Settings(BaseSettings):\n    app_name: str = "api"\n\n'
)


class SettingsPerRequest(Rule):
    """## What it does
    Finds a `BaseSettings` subclass (`pydantic_settings`, or a project class deriving
    from one in any module) instantiated inside a route handler, or inside a dependency
    that is not decorated with `functools.lru_cache`/`functools.cache`. A dependency
    is a function `Depends(...)` names anywhere in the project, so `get_settings` in a
    `config.py` that imports nothing from FastAPI is one when `main.py` depends on it.

    Not reported: a module-level instance (`settings = Settings()`), a cached
    dependency, and instances built in functions that are neither routes nor
    dependencies (a dependency override in tests, a factory called once at startup).

    ## Why is this bad?
    Building a settings object reads the environment and parses the `.env` file
    again, then validates every field: work repeated on every request for values
    that do not change while the process runs.

    ## Example
    ```python
    def get_settings() -> Settings:
        return Settings()
    ```

    ## Use instead
    ```python
    from functools import lru_cache

    @lru_cache
    def get_settings() -> Settings:
        return Settings()
    ```

    ## Fix safety
    Unsafe: `@lru_cache` is added to a dependency that takes no parameters, is not
    `async` (caching a coroutine breaks the second request, see FRL304), has no
    other decorators and is not a method, adding `from functools import lru_cache`.
    It changes behaviour on purpose: settings changed in the environment while the
    process runs are no longer seen, and tests that patch the environment must call
    `get_settings.cache_clear()`. No fix in route handlers (move the instance to a
    cached dependency by hand).
    """

    code = "FRL801"
    name = "settings-per-request"
    message = (
        "`{settings}(...)` in {kind} `{function}` re-reads the environment on every"
        " request; {advice}"
    )
    summary = "A `BaseSettings` subclass instantiated per request"
    # Not FASTAPI: a `config.py` that defines `get_settings` often imports no fastapi.
    requires = Requires.PYDANTIC
    fix_availability = "sometimes"
    examples = (
        Clean(
            "from functools import lru_cache\nfrom fastapi import Depends, FastAPI\n"
            + _SETTINGS
            + "app = FastAPI()\n\n@lru_cache\ndef get_settings() -> Settings:\n"
            "    return Settings()\n\n"
            '@app.get("/info")\ndef info(settings: Settings = Depends(get_settings)) -> str:\n'
            "    return settings.app_name\n"
        ),
        Clean(
            "import functools\nfrom fastapi import Depends, FastAPI\n"
            + _SETTINGS
            + "app = FastAPI()\nsettings = Settings()\n\n@functools.cache\n"
            "def get_settings() -> Settings:\n    return Settings()\n\n"
            '@app.get("/info")\ndef info(s: Settings = Depends(get_settings)) -> str:\n'
            "    return settings.app_name\n",
            note="a module-level instance; `functools.cache`",
        ),
        Clean(
            "from fastapi import FastAPI\n" + _SETTINGS + "app = FastAPI()\n\n"
            "def get_settings_override() -> Settings:\n"
            '    return Settings(app_name="test")\n',
            note="not a route or a dependency (a test override)",
        ),
        Clean(
            "from fastapi import Depends, FastAPI\nfrom pydantic import BaseModel\n\n"
            'class Item(BaseModel):\n    name: str = ""\n\n'
            "app = FastAPI()\n\n"
            '@app.get("/item")\ndef item() -> Item:\n    return Item()\n',
            note="a plain model, not settings",
        ),
        Flagged(
            "from fastapi import Depends, FastAPI\n" + _SETTINGS + "app = FastAPI()\n\n"
            "def get_settings() -> Settings:\n    return Settings()\n\n"
            '@app.get("/info")\ndef info(settings: Settings = Depends(get_settings)) -> str:\n'
            "    return settings.app_name\n",
            at=("10:12-10:22",),
            fixed="from functools import lru_cache\n\n"
            "from fastapi import Depends, FastAPI\n"
            "from pydantic_settings import BaseSettings\n\n"
            'class Settings(BaseSettings):\n    app_name: str = "api"\n\n'
            "app = FastAPI()\n\n"
            "@lru_cache\ndef get_settings() -> Settings:\n    return Settings()\n\n"
            '@app.get("/info")\ndef info(settings: Settings = Depends(get_settings)) -> str:\n'
            "    return settings.app_name\n",
            unsafe=True,
        ),
        Flagged(
            "from fastapi import FastAPI\n\nfrom .config import Settings\n\napp = FastAPI()\n\n"
            '@app.get("/info")\nasync def info() -> str:\n'
            "    return Settings().app_name\n",
            path="app/main.py",
            files={
                "app/__init__.py": "",
                "app/config.py": "from pydantic_settings import BaseSettings\n\n"
                "class Base(BaseSettings):\n    pass\n\n"
                'class Settings(Base):\n    app_name: str = "api"\n',
            },
            at=("9:12-9:22",),
            note="a route handler; settings known from another module: no fix",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        frame = self.context.function
        if frame is None or not (frame.is_route or self._is_dependency(frame)):
            return
        if not isinstance(frame.node, cst.FunctionDef) or _is_cached(frame, self):
            return
        if not isinstance(node.func, (cst.Name, cst.Attribute)):
            return
        if not names_settings_class(node.func, self.context):
            return
        is_route = frame.is_route
        self.report(
            node,
            fix=None if is_route else self._fix(frame),
            settings=dotted_name(node.func) or "Settings",
            kind="route handler" if is_route else "dependency",
            function=frame.name,
            advice=(
                "build it once (a module-level instance or an `@lru_cache` dependency)"
                if is_route
                else "cache the dependency with `@lru_cache`"
            ),
        )

    def _is_dependency(self, frame: FunctionFrame) -> bool:
        """A dependency: also a top-level function of a module that imports no FastAPI
        (`config.py`), which the project model knows from `Depends(...)` elsewhere."""
        if frame.is_dependency:
            return True
        view = self.context.fastapi.view
        if view.module is None or frame.is_method or len(self.context.functions) != 1:
            return False
        return f"{view.module.name}.{frame.name}" in view.dependencies

    def _fix(self, frame: FunctionFrame) -> NodeFix | None:
        function = frame.node
        if (
            not isinstance(function, cst.FunctionDef)
            or function.asynchronous is not None
            or function.decorators
            or frame.is_method
            or len(self.context.functions) != 1
            or any(True for _ in all_params(function.params))
        ):
            return None
        use = name_use(self.context, "lru_cache", _LRU_CACHE, in_decorator=True)
        if use is NameUse.TAKEN:
            return None
        return NodeFix(
            message="Add `@lru_cache` to the dependency",
            applicability=Applicability.UNSAFE,
            replacements=(),
            imports=(ImportRequest("functools", "lru_cache"),) if use is NameUse.FREE else (),
            text_insertions=(_before_def(function),),
        )


def _before_def(function: cst.FunctionDef) -> tuple[cst.CSTNode, str, bool]:
    """Where ``@lru_cache`` goes: after the blank lines and comments above the ``def``
    (a node's range includes its leading lines)."""
    if function.leading_lines:
        return function.leading_lines[-1], "@lru_cache\n", False
    return function, "@lru_cache\n", True


def _is_cached(frame: FunctionFrame, rule: Rule) -> bool:
    node = frame.node
    if not isinstance(node, cst.FunctionDef):
        return False
    for decorator in node.decorators:
        expression = decorator.decorator
        if isinstance(expression, cst.Call):
            expression = expression.func
        if rule.context.signature_qualified_names(expression) & CACHES:
            return True
    return False
