"""bump-pydantic's own test cases (its sdist, pinned), read at run time, never vendored.

bump-pydantic is Pydantic's own v1 → v2 codemod; its rules BP001-BP008 are the
migrations our FRL401-FRL407 fix. Its sdist is fetched once with ``pip download`` into
``.corpus/`` (git-ignored, like the FastAPI sdist of ``tests/corpus.py``) and unpacked
there; ``bump_pydantic_sdist()`` returns None when it cannot be fetched (offline), so
tests skip cleanly.

Two kinds of cases are extracted, with ``ast``, from its test files:

- ``unit_cases()``: ``tests/unit/test_*.py``, one ``CodemodTest`` class per codemod
  (one BP code). Each test function holds a ``before``/``after`` pair: string literals
  (or ``textwrap.dedent(...)`` of one) bound to names and passed to
  ``self.assertCodemod(before, after)``, or, in ``test_add_default_none.py``, passed to
  ``self.add_default_none(path, code)`` and compared in ``assert module.code == expected``.
  Both texts are normalised as ``CodemodTest.make_fixture_data`` does (dedent, blank
  leading/trailing lines dropped). A test marked ``pytest.mark.xfail`` is kept, with
  its reason: its ``after`` is what bump-pydantic *wants*, not what it does.
- ``integration_project()``: ``tests/integration/cases/*.py``, whose ``Case(source=...,
  expected=...)`` entries are ``File(name, content=[lines])`` / ``Folder(name, ...)``
  literals; together they form one project that bump-pydantic migrates with every rule
  at once (its integration test). Returned as two ``{relative path: text}`` maps.

Run ``python -m tests.bump_pydantic`` to fetch it ahead of time and print a summary.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tarfile
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

BUMP_PYDANTIC_VERSION = "0.8.0"
ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".corpus"

#: The codemod class each unit test module tests → its rule (as in
#: ``bump_pydantic/codemods/__init__.py``, which ``_codemod_rules`` reads).
_CODEMODS_MODULE = "bump_pydantic/codemods/__init__.py"


def bump_pydantic_sdist() -> Path | None:
    """The unpacked sdist folder, downloading it on first use; None when offline."""
    target = CACHE / f"bump_pydantic-{BUMP_PYDANTIC_VERSION}"
    if (target / "tests" / "unit").is_dir():
        return target
    CACHE.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as download:
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--no-binary",
            ":all:",
            "--disable-pip-version-check",
            f"bump-pydantic=={BUMP_PYDANTIC_VERSION}",
            "-d",
            download,
        ]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=300)
        except (subprocess.SubprocessError, OSError):
            return None
        archives = [
            *Path(download).glob("bump_pydantic-*.tar.gz"),
            *Path(download).glob("bump-pydantic-*.tar.gz"),
        ]
        if not archives:
            return None
        with tarfile.open(archives[0]) as archive:
            archive.extractall(CACHE, filter="data")
    return target if (target / "tests" / "unit").is_dir() else None


def fixture_text(code: str) -> str:
    """``libcst.codemod.CodemodTest.make_fixture_data``: dedent, blank lines emptied,
    leading and trailing blank lines dropped, one final newline."""
    lines = ["" if not line.strip() else line for line in textwrap.dedent(code).split("\n")]
    while lines and lines[0] == "":
        lines.pop(0)
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class UnitCase:
    code: str
    """The bump-pydantic rule (``BP001``…)."""
    test: str
    """The test function's name."""
    file: str
    """The test module, relative to the sdist."""
    before: str
    after: str
    xfail: str | None = None
    """bump-pydantic's own xfail reason: ``after`` is its wish, not its behaviour."""

    @property
    def key(self) -> str:
        return f"{self.code}::{self.test}"


def _codemod_rules(root: Path) -> dict[str, str]:
    """Codemod class name → rule code, from ``gather_codemods`` (``if Rule.BP00x not in
    disabled: codemods.append(Class)``)."""
    tree = ast.parse((root / _CODEMODS_MODULE).read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.If) and isinstance(node.test, ast.Compare)):
            continue
        rule = node.test.left
        if not (isinstance(rule, ast.Attribute) and rule.attr.startswith("BP")):
            continue
        for call in ast.walk(node):
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "append"
                and call.args
                and isinstance(call.args[0], ast.Name)
            ):
                found[call.args[0].id] = rule.attr
    return found


def _string(node: ast.expr, names: dict[str, str]) -> str | None:
    """A string literal, ``textwrap.dedent(literal)``, or a name bound to one."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute | ast.Name)
        and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id) == "dedent"
        and len(node.args) == 1
    ):
        inner = _string(node.args[0], names)
        return None if inner is None else textwrap.dedent(inner)
    return None


def _xfail_reason(function: ast.FunctionDef) -> str | None:
    for decorator in function.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        target = call.func if call is not None else decorator
        if isinstance(target, ast.Attribute) and target.attr == "xfail":
            if call is not None:
                for keyword in call.keywords:
                    if keyword.arg == "reason" and isinstance(keyword.value, ast.Constant):
                        return str(keyword.value.value)
            return "xfail"
    return None


def _function_case(function: ast.FunctionDef) -> tuple[str, str] | None:
    """The ``(before, after)`` pair of one test function, or None when it has none."""
    names: dict[str, str] = {}
    results: dict[str, str] = {}
    """Name bound to ``self.add_default_none(path, code)`` → the code (the input)."""
    before: str | None = None
    after: str | None = None
    for statement in ast.walk(function):
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if not isinstance(target, ast.Name):
                continue
            value = statement.value
            text = _string(value, names)
            if text is not None:
                names[target.id] = text
            elif (
                isinstance(value, ast.Call)
                and isinstance(value.func, ast.Attribute)
                and value.func.attr == "add_default_none"
                and len(value.args) == 2
                and (code := _string(value.args[1], names)) is not None
            ):
                results[target.id] = code
        elif (
            isinstance(statement, ast.Call)
            and isinstance(statement.func, ast.Attribute)
            and statement.func.attr == "assertCodemod"
            and len(statement.args) >= 2
        ):
            before = _string(statement.args[0], names)
            after = _string(statement.args[1], names)
        elif (
            isinstance(statement, ast.Assert)
            and isinstance(statement.test, ast.Compare)
            and isinstance(statement.test.left, ast.Attribute)
            and statement.test.left.attr == "code"
            and isinstance(statement.test.left.value, ast.Name)
            and statement.test.left.value.id in results
            and len(statement.test.comparators) == 1
        ):
            before = results[statement.test.left.value.id]
            after = _string(statement.test.comparators[0], names)
    if before is None or after is None:
        return None
    return fixture_text(before), fixture_text(after)


def unit_cases(root: Path | None = None) -> list[UnitCase]:
    """Every ``before``/``after`` pair of the unit tests of a BP rule; [] offline."""
    root = root if root is not None else bump_pydantic_sdist()
    if root is None:
        return []
    rules = _codemod_rules(root)
    cases: list[UnitCase] = []
    for path in sorted((root / "tests" / "unit").glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {
            alias.asname or alias.name
            for node in tree.body
            if isinstance(node, ast.ImportFrom)
            and (node.module or "").startswith("bump_pydantic.codemods.")
            for alias in node.names
        }
        # The rule of the codemod a ``CodemodTest`` declares as ``TRANSFORM``, else
        # the one codemod the module imports.
        for klass in (node for node in tree.body if isinstance(node, ast.ClassDef)):
            transform = next(
                (
                    statement.value.id
                    for statement in klass.body
                    if isinstance(statement, ast.Assign)
                    and any(
                        isinstance(t, ast.Name) and t.id == "TRANSFORM" for t in statement.targets
                    )
                    and isinstance(statement.value, ast.Name)
                ),
                None,
            )
            candidates = [transform] if transform else sorted(n for n in imported if n in rules)
            codes = {rules[name] for name in candidates if name in rules}
            if len(codes) != 1:
                continue  # BP009, or a helper's tests (class_def_visitor, glob_helpers)
            (code,) = codes
            for function in klass.body:
                if not (
                    isinstance(function, ast.FunctionDef) and function.name.startswith("test_")
                ):
                    continue
                pair = _function_case(function)
                if pair is None:
                    continue
                cases.append(
                    UnitCase(
                        code,
                        function.name,
                        str(path.relative_to(root)),
                        *pair,
                        xfail=_xfail_reason(function),
                    )
                )
    return cases


def _entry(node: ast.expr, prefix: str, into: dict[str, str], names: dict[str, ast.expr]) -> None:
    """A ``File(name, content=[...])`` or ``Folder(name, *entries)`` literal → ``into``
    (``content`` may be a module-level name bound to the list literal)."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
        raise ValueError(f"not a File/Folder literal: {ast.unparse(node)}")
    name = ast.literal_eval(node.args[0])
    if node.func.id == "File":
        content_node = next(
            (k.value for k in node.keywords if k.arg == "content"),
            node.args[1] if len(node.args) > 1 else None,
        )
        if isinstance(content_node, ast.Name):
            content_node = names[content_node.id]
        if (  # ``"""...""".splitlines()``
            isinstance(content_node, ast.Call)
            and isinstance(content_node.func, ast.Attribute)
            and content_node.func.attr == "splitlines"
        ):
            content = str(ast.literal_eval(content_node.func.value)).splitlines()
        else:
            content = [] if content_node is None else ast.literal_eval(content_node)
        into[f"{prefix}{name}"] = "\n".join(content)
    elif node.func.id == "Folder":
        for child in node.args[1:]:
            _entry(child, f"{prefix}{name}/", into, names)
    else:
        raise ValueError(f"not a File/Folder literal: {ast.unparse(node)}")


def integration_project(
    root: Path | None = None, *, exclude: frozenset[str] = frozenset({"custom_types"})
) -> tuple[dict[str, str], dict[str, str]] | None:
    """bump-pydantic's integration project: ``(sources, expected)``, each relative path
    (under ``project/``) → text, from every ``cases/*.py`` module but ``exclude`` (by
    module stem; ``custom_types`` is BP009, not ours) plus the package's empty
    ``__init__.py`` case; None offline."""
    root = root if root is not None else bump_pydantic_sdist()
    if root is None:
        return None
    sources: dict[str, str] = {}
    expected: dict[str, str] = {}
    for path in sorted((root / "tests" / "integration" / "cases").glob("*.py")):
        if path.stem in exclude:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {
            node.targets[0].id: node.value
            for node in tree.body
            if isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        }
        for call in ast.walk(tree):
            if not (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Name)
                and call.func.id == "Case"
            ):
                continue
            keywords = {k.arg: k.value for k in call.keywords}
            _entry(keywords["source"], "project/", sources, names)
            _entry(keywords["expected"], "project/", expected, names)
    return sources, expected


if __name__ == "__main__":
    found = bump_pydantic_sdist()
    if found is None:
        print("offline: the bump-pydantic sdist could not be fetched")
        sys.exit(1)
    print(found)
    from collections import Counter

    print(sorted(Counter(case.code for case in unit_cases(found)).items()))
    project = integration_project(found)
    assert project is not None
    print(f"integration: {len(project[0])} files: {sorted(project[0])}")
