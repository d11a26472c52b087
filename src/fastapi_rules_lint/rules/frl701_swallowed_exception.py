"""FRL701: a catch-all ``except`` whose body neither re-raises nor logs."""

from __future__ import annotations

import libcst as cst

from fastapi_rules_lint.rulebase.rule import Clean, Flagged, Rule
from fastapi_rules_lint.semantics.fastapi.routes import is_http_exception, is_response_class
from fastapi_rules_lint.semantics.python.exceptions import (
    LOGGER_FACTORIES,
    handler_facts,
    is_catch_all,
)
from fastapi_rules_lint.semantics.python.names import assigned_names


class SwallowedException(Rule):
    """## What it does
    Finds `except:`, `except Exception:` and `except BaseException:` clauses (also a
    tuple containing `Exception`) whose body does nothing with the error: it neither
    raises (a bare `raise`, `raise Other(...) from error`, any `raise`), nor logs.

    These count as handling the error, so the clause is not reported:
    - a call on a logger: `logger.*`, `log.*`, `logging.*`, `self._logger.*`,
      `audit_log.*` (any receiver named `log`/`logger`/`logging`, optionally with a
      prefix ending in `_`), `structlog.*`, `loguru`, and any name bound from
      `logging.getLogger(...)` or `structlog.get_logger(...)` in the module;
    - `sentry_sdk.capture_exception`/`capture_message`, `warnings.warn`,
      `traceback.print_exc()`/`format_exc()`, `print(...)`,
      `sys.stdout.write`/`sys.stderr.write`, `sys.exit(...)`, a logging handler's
      `self.handleError(record)`, and
      `pytest.fail`/`skip`/`xfail` (more precise than RULES.md: each of these makes
      the failure visible somewhere);
    - using the caught error at all (`except Exception as error:` with `error` stored,
      returned, passed on or put into a message) — it went somewhere;
    - returning a response (`return JSONResponse(status_code=500, ...)`) or raising
      `HTTPException`: the client sees the failure (FRL704 judges that in routes).

    A comment line in the clause's body (`# pragma:`, `# type:`, `# pylint:` and
    `# noqa` comments aside) documents the swallow as deliberate, and the clause is
    not reported; a comment on the `except` line (`# noqa: BLE001`) only says the
    catch is broad on purpose and does not count (more precise than RULES.md: on real
    applications most commented catch-alls were "never let X break Y" decisions).

    Specific exceptions (`except KeyError: pass`) are never reported: catching a named
    error is a decision. Nested functions in the body are not looked into.

    ## Why is this bad?
    A catch-all that does nothing hides every bug below it — a typo's `NameError`, a
    lost database connection, a `KeyboardInterrupt` with a bare `except:` — and leaves
    no trace to debug from.

    ## Example
    ```python
    try:
        send_welcome_email(user)
    except Exception:
        pass
    ```

    ## Use instead
    ```python
    try:
        send_welcome_email(user)
    except Exception:
        logger.exception("welcome email to %s failed", user.id)
    ```
    or catch the specific errors you expect (`except SMTPException:`).

    ## Fix safety
    No fix: what to log, or which errors to catch, needs a human.
    """

    code = "FRL701"
    name = "swallowed-exception"
    message = "`{clause}` swallows every error without re-raising or logging it"
    summary = "A catch-all `except` neither re-raises nor logs"
    examples = (
        Clean(
            "import logging\n\nlogger = logging.getLogger(__name__)\n\n"
            "def f() -> None:\n    try:\n        work()\n    except Exception:\n"
            '        logger.exception("work failed")\n'
        ),
        Clean(
            "def f() -> None:\n    try:\n        work()\n    except Exception:\n"
            "        cleanup()\n        raise\n",
            note="re-raised after cleanup",
        ),
        Clean(
            "def f() -> None:\n    try:\n        work()\n    except KeyError:\n        pass\n",
            note="a specific exception is a decision",
        ),
        Clean(
            "import structlog\n\nslog = structlog.get_logger()\n\n"
            "def f() -> None:\n    try:\n        work()\n    except Exception:\n"
            '        slog.warning("work failed")\n',
            note="a name bound from `structlog.get_logger()`",
        ),
        Clean(
            "import sentry_sdk\n\ndef f() -> None:\n    try:\n        work()\n"
            "    except BaseException:\n        sentry_sdk.capture_exception()\n",
        ),
        Clean(
            "def f() -> list[Exception]:\n    errors = []\n    try:\n        work()\n"
            "    except Exception as error:\n        errors.append(error)\n    return errors\n",
            note="the error is kept",
        ),
        Clean(
            "from fastapi.responses import JSONResponse\n\ndef f() -> JSONResponse:\n"
            "    try:\n        work()\n    except Exception:\n"
            '        return JSONResponse(status_code=500, content={"detail": "failed"})\n'
            "    return JSONResponse({})\n",
            note="the failure becomes an error response (FRL704's concern in a route)",
        ),
        Clean(
            "def f() -> None:\n    try:\n        work()\n    except Exception:\n"
            "        def report() -> None:\n            pass\n"
            '        raise RuntimeError("work failed")\n',
        ),
        Clean(
            "def f() -> None:\n    try:\n        work()\n    except Exception:\n"
            "        # analytics must never break startup\n        pass\n",
            note="a comment documents the swallow as deliberate",
        ),
        Flagged(
            "def f() -> None:\n    try:\n        work()\n    except Exception:\n        pass\n",
            at=("4:12-4:21",),
        ),
        Flagged(
            "def f() -> None:\n    try:\n        work()\n"
            "    except Exception:  # broad on purpose\n        pass  # pragma: no cover\n",
            at=("4:12-4:21",),
            note="a comment on the `except` line and a coverage pragma explain no swallow",
        ),
        Flagged(
            "def f() -> None:\n    for item in items:\n        try:\n            work(item)\n"
            "        except:\n            continue\n",
            at=("5:9-6:21",),
            note="a bare `except:` (reported as the whole clause)",
        ),
        Flagged(
            "def f() -> bool:\n    try:\n        work()\n    except (ValueError, Exception):\n"
            "        return False\n    return True\n",
            at=("4:13-4:34",),
            note="a tuple with `Exception`; returning a default loses the error",
        ),
        Flagged(
            "def f() -> None:\n    try:\n        work()\n    except Exception as error:\n"
            "        del error\n        catalog.clear()\n",
            at=("4:12-4:21",),
            note="`catalog` is not a logger; `del error` does not handle it",
        ),
        Flagged(
            "def f() -> None:\n    try:\n        work()\n"
            "    except Exception:  # noqa: FRL701\n        work()\n"
            "    try:\n        work()\n    except BaseException:\n        ...\n",
            at=("8:12-8:25",),
            note="`# noqa` on the `except` line",
        ),
    )

    def setup(self) -> None:
        self._loggers: set[str] = set()

    def visit_Assign(self, node: cst.Assign) -> None:
        value = node.value
        if isinstance(value, cst.Call) and self.context.resolves_to(value.func, LOGGER_FACTORIES):
            for target in node.targets:
                self._loggers.update(assigned_names(target.target))

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        resolve = self.context.qualified_names
        if not is_catch_all(node, resolve):
            return
        facts = handler_facts(node, resolve, frozenset(self._loggers))
        if facts.raises or facts.is_reported or facts.uses_error or facts.has_comment:
            return
        if any(self._is_response(r.value) for r in facts.returns):
            return
        clause = "except" if node.type is None else f"except {_source(node.type)}"
        target: cst.CSTNode = node.type if node.type is not None else node
        self.report_with_anchor(target, node, clause=clause)

    def _is_response(self, value: cst.BaseExpression | None) -> bool:
        if not isinstance(value, cst.Call):
            return False
        func = value.func
        return is_response_class(func, self.context) or is_http_exception(func, self.context)


def _source(node: cst.BaseExpression) -> str:
    code = cst.Module(body=()).code_for_node(node)
    return f"({code})" if isinstance(node, cst.Tuple) and not node.lpar else code
