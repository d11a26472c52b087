"""The fixer's guarantees, checked with small purpose-built rules.

The rules below exist only here (the engine's rule list is patched for each test):
each produces one kind of fix the fixer must handle — overlapping edits, a result that
does not parse or does not compile, imports to merge, an import made unused, one fix
shared by several diagnostics, a removed statement under a comment.
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst
import pytest

from fastapi_rules_lint.engine.diagnostics import Applicability, ImportRequest
from fastapi_rules_lint.lint import linter, registry
from fastapi_rules_lint.lint.fixer import FixOutcome, fix_text
from fastapi_rules_lint.lint.linter import LintSettings
from fastapi_rules_lint.project.view import project_views
from fastapi_rules_lint.rulebase.rule import NodeFix, Rule

SAFE = Applicability.SAFE


def _fix(*replacements: tuple[cst.CSTNode, cst.CSTNode | None], **extra: object) -> NodeFix:
    return NodeFix("fix", SAFE, replacements, **extra)  # type: ignore[arg-type]


class WholeStatement(Rule):
    """``foo = foo + 1`` → ``foo = 2`` (overlaps the renames of FRL991)."""

    code, name, message, summary = "FRL990", "whole-statement", "whole", ""

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        small = node.body[0]
        if isinstance(small, cst.Assign) and isinstance(small.value, cst.BinaryOperation):
            new = node.with_changes(body=[small.with_changes(value=cst.Integer("2"))])
            self.report(node, fix=_fix((node, new)))


class RenameFoo(Rule):
    code, name, message, summary = "FRL991", "rename-foo", "rename", ""

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == "foo":
            self.report(node, fix=_fix((node, node.with_changes(value="bar"))))


class BreakCall(Rule):
    """Puts ``(`` before ``breaks()``: the result does not parse."""

    code, name, message, summary = "FRL992", "break-call", "break", ""

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == "breaks":
            self.report(node, fix=_fix(text_insertions=((node, "(", True),)))


class ReturnAtTopLevel(Rule):
    """``nothing = 1`` → ``return 1``: parses, but does not compile at module level."""

    code, name, message, summary = "FRL993", "return-at-top", "return", ""

    def visit_Assign(self, node: cst.Assign) -> None:
        target = node.targets[0].target
        if isinstance(target, cst.Name) and target.value == "nothing":
            self.report(node, fix=_fix((node, cst.Return(value=node.value))))


class TypingDict(Rule):
    """``dict[...]`` → ``Dict[...]`` with ``from typing import Dict``."""

    code, name, message, summary = "FRL994", "typing-dict", "dict", ""

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if isinstance(node.value, cst.Name) and node.value.value == "dict":
            self.report(
                node.value,
                fix=_fix(
                    (node.value, cst.Name("Dict")), imports=(ImportRequest("typing", "Dict"),)
                ),
            )


class GetcwdToDot(Rule):
    """``os.getcwd()`` → ``"."``: may leave ``import os`` unused."""

    code, name, message, summary = "FRL996", "getcwd", "getcwd", ""

    def visit_Call(self, node: cst.Call) -> None:
        if _dotted(node.func) == "os.getcwd":
            self.report(node, fix=_fix((node, cst.SimpleString('"."'))))


class SharedFix(Rule):
    """One fix replacing every ``marker()`` with ``None``, attached to each of them."""

    code, name, message, summary = "FRL997", "shared", "shared", ""

    def setup(self) -> None:
        self.calls: list[cst.Call] = []

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == "marker":
            self.calls.append(node)

    def leave_Module(self, original_node: cst.Module) -> None:
        fix = _fix(*((call, cst.Name("None")) for call in self.calls))
        for call in self.calls:
            self.report(call, fix=fix)


class RemoveStatement(Rule):
    """Removes ``drop_me()`` statements."""

    code, name, message, summary = "FRL998", "remove", "remove", ""

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        small = node.body[0]
        if isinstance(small, cst.Expr) and _dotted(small.value) == "drop_me":
            self.report(node, fix=_fix((node, None)))


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Call):
        return _dotted(node.func)
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return node.value if isinstance(node, cst.Name) else ""


RULES: tuple[type[Rule], ...] = (
    WholeStatement, RenameFoo, BreakCall, ReturnAtTopLevel, TypingDict, GetcwdToDot,
    SharedFix, RemoveStatement,
)


@pytest.fixture(autouse=True)
def _test_rules(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(linter, "all_rules", lambda: RULES)
    yield


def fix(text: str, *codes: str) -> FixOutcome:
    outcome = fix_text(text, "t.py", LintSettings(enabled=frozenset(codes)))
    again = fix_text(outcome.text, "t.py", LintSettings(enabled=frozenset(codes)))
    assert again.text == outcome.text, "not a fixed point"
    return outcome


def test_overlapping_fixes_wait_for_the_next_pass() -> None:
    outcome = fix("foo = foo + 1\n", "FRL990", "FRL991")
    assert outcome.text == "bar = 2\n"
    assert outcome.applied == {"FRL990": 1, "FRL991": 1}
    assert outcome.passes == 2


def test_unparsable_result_is_refused_and_other_fixes_still_apply() -> None:
    outcome = fix("breaks()\nfoo = 1\nfoo = 2\n", "FRL991", "FRL992")
    assert outcome.text == "breaks()\nbar = 1\nbar = 2\n"
    assert outcome.applied == {"FRL991": 2}
    assert outcome.refused == ("FRL992",)
    assert "does not parse" in outcome.refusals[0].reason
    (left,) = outcome.remaining
    assert left.code == "FRL992" and left.fix is None


def test_refused_alone_keeps_the_original() -> None:
    outcome = fix("breaks()  # a comment\n", "FRL992")
    assert outcome.text == "breaks()  # a comment\n"
    assert not outcome.is_changed
    assert outcome.refused == ("FRL992",)


def test_result_must_compile_when_the_input_did() -> None:
    outcome = fix("nothing = 1\n", "FRL993")
    assert outcome.text == "nothing = 1\n"
    assert "does not compile" in outcome.refusals[0].reason


def test_input_that_does_not_compile_is_only_required_to_parse() -> None:
    outcome = fix("def f(a, a): pass\nnothing = 1\n", "FRL993")
    assert outcome.text == "def f(a, a): pass\nreturn 1\n"


def test_import_is_merged_into_an_existing_from_import() -> None:
    outcome = fix("from typing import Any\n\nx: dict[str, Any] = {}\n", "FRL994")
    assert outcome.text == "from typing import Any, Dict\n\nx: Dict[str, Any] = {}\n"


def test_import_is_never_duplicated() -> None:
    text = "from typing import Dict\n\nx: dict[str, int] = {}\ny: dict[str, str] = {}\n"
    outcome = fix(text, "FRL994")
    assert outcome.text == (
        "from typing import Dict\n\nx: Dict[str, int] = {}\ny: Dict[str, str] = {}\n"
    )


def test_import_added_once_for_several_fixes() -> None:
    outcome = fix("x: dict[str, int] = {}\ny: dict[str, str] = {}\n", "FRL994")
    assert outcome.text == (
        "from typing import Dict\n\nx: Dict[str, int] = {}\ny: Dict[str, str] = {}\n"
    )
    assert outcome.applied == {"FRL994": 2}


def test_import_that_would_rebind_a_name_is_refused() -> None:
    text = "Dict = dict\nx: dict[str, int] = {}\n"
    outcome = fix(text, "FRL994")
    assert outcome.text == text
    assert "`Dict`" in outcome.refusals[0].reason


def test_import_made_unused_is_removed_but_not_one_unused_before() -> None:
    outcome = fix("import os\nimport sys\n\nx = os.getcwd()\n", "FRL996")
    assert outcome.text == 'import sys\n\nx = "."\n'


def test_import_still_used_is_kept() -> None:
    text = "import os\n\nx = os.getcwd()\ny = os.sep\n"
    assert fix(text, "FRL996").text == 'import os\n\nx = "."\ny = os.sep\n'


def test_identical_fix_on_several_diagnostics_is_applied_once() -> None:
    outcome = fix("marker()\nx = marker()\n", "FRL997")
    assert outcome.text == "None\nx = None\n"
    assert outcome.applied == {"FRL997": 2}
    assert outcome.passes == 1


def test_removed_statement_keeps_the_comment_above_it() -> None:
    outcome = fix("x = 1\n# about y\ndrop_me()\ny = 2\n", "FRL998")
    assert outcome.text == "x = 1\n# about y\ny = 2\n"


def test_crlf_newlines_are_kept_in_edits_and_new_imports() -> None:
    text = "def f():\r\n    foo = foo + 1\r\n    return foo\r\n\r\nx: dict[str, int] = {}\r\n"
    outcome = fix(text, "FRL990", "FRL994")
    assert outcome.text == (
        "from typing import Dict\r\n\r\n\r\n"
        "def f():\r\n    foo = 2\r\n    return foo\r\n\r\nx: Dict[str, int] = {}\r\n"
    )


def test_replaced_statement_keeps_its_indentation() -> None:
    text = "if True:\n\tif True:\n\t\tfoo = foo + 1\n"
    assert fix(text, "FRL990").text == "if True:\n\tif True:\n\t\tfoo = 2\n"


def test_syntax_error_is_left_alone() -> None:
    outcome = fix("foo = (\n", "FRL991")
    assert outcome.text == "foo = (\n"
    assert not outcome.is_changed


def test_lifespan_migration_uses_the_file_newline_and_indentation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(linter, "all_rules", registry.all_rules)  # the real FRL201
    text = (
        "from fastapi import FastAPI\r\n\r\napp = FastAPI()\r\n\r\n\r\n"
        '@app.on_event("startup")\r\nasync def start():\r\n\tif True:\r\n\t\tprint(1)\r\n'
    )
    outcome = fix_text(text, "t.py", LintSettings(enabled=frozenset({"FRL201"})), unsafe=True)
    assert outcome.text == (
        "from collections.abc import AsyncIterator\r\n"
        "from contextlib import asynccontextmanager\r\n\r\n"
        "from fastapi import FastAPI\r\n\r\n\r\n"
        "@asynccontextmanager\r\n"
        "async def lifespan(app: FastAPI) -> AsyncIterator[None]:\r\n"
        "\tawait start()\r\n\tyield\r\n\r\n\r\n"
        "app = FastAPI(lifespan=lifespan)\r\n\r\n\r\n"
        "async def start():\r\n\tif True:\r\n\t\tprint(1)\r\n"
    )


def test_fix_of_the_last_line_of_a_file_without_a_final_newline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """LibCST's ranges of the last statement reach one newline past such a file's end;
    a fix there still applies, and the file keeps having no final newline."""
    monkeypatch.setattr(linter, "all_rules", registry.all_rules)  # the real FRL403
    source = (
        "from pydantic import BaseModel\n\n\nclass A(BaseModel):\n    x: int\n\n"
        "    class Config:\n        orm_mode = True"
    )
    view = project_views({"app/m.py": source})["app/m.py"]
    settings = LintSettings(enabled=frozenset({"FRL403"}))
    fixed = fix_text(source, "app/m.py", settings, project=view)
    assert not fixed.refusals
    assert fixed.text.endswith("    model_config = ConfigDict(from_attributes=True)")
