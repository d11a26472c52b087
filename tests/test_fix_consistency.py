"""Fixes that must not create work for other rules, or depend on fix order (issue 15,
part 3): FRL201's lifespan is clean under every FRL3xx rule; FRL208's keys keep one
style over successive passes."""

from __future__ import annotations

from fastapi_rules_lint.lint.fixer import fix_text
from fastapi_rules_lint.lint.linter import LintSettings, lint_text
from fastapi_rules_lint.lint.registry import select_codes

ALL = LintSettings(enabled=select_codes(["ALL"]))

BLOCKING_HANDLERS = """import shutil
import time

import requests
from fastapi import FastAPI

app = FastAPI()


@app.on_event("startup")
def warm_up() -> None:
    requests.get("https://example.com/warm", timeout=5)


@app.on_event("shutdown")
def clean_up() -> None:
    time.sleep(0.1)
    shutil.rmtree("/tmp/cache")


@app.on_event("shutdown")
async def close() -> None:
    print("closed")
"""


def test_frl201_lifespan_is_not_reported_by_async_rules() -> None:
    before = {d.code for d in lint_text(BLOCKING_HANDLERS, "app.py", ALL)}
    assert "FRL201" in before
    outcome = fix_text(BLOCKING_HANDLERS, "app.py", ALL, unsafe=True)
    assert "async def lifespan(" in outcome.text
    assert "await run_in_threadpool(warm_up)" in outcome.text
    assert "await run_in_threadpool(clean_up)" in outcome.text
    after = lint_text(outcome.text, "app.py", ALL)
    assert not [d for d in after if d.code.startswith(("FRL3", "FRL201"))], after


def test_frl201_reuses_the_modules_thread_helper() -> None:
    source = (
        BLOCKING_HANDLERS.replace("import shutil\n", "import asyncio\nimport shutil\n")
        + "\n\nasync def other() -> None:\n    await asyncio.to_thread(print, 'x')\n"
    )
    outcome = fix_text(source, "app.py", ALL, unsafe=True)
    assert "await asyncio.to_thread(clean_up)" in outcome.text
    assert "run_in_threadpool" not in outcome.text
    after = lint_text(outcome.text, "app.py", ALL)
    assert not [d for d in after if d.code.startswith(("FRL3", "FRL201"))], after
