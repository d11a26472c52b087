"""Would a reviewer accept our fixes? Fix a copy of FastAPI's own ``docs_src/`` with every
rule and unsafe fixes, then let FastAPI's own tools judge the result.

Usage (from the repository root)::

    python scripts/fix_review.py [--tests] [--keep DIR] [--json]

It copies the pinned FastAPI sdist (``tests/corpus.py``) twice, runs
``fastapi-rules check --select ALL --fix --unsafe-fixes docs_src`` in one copy — the CLI,
as a user would — and compares the two copies under the sdist's own configuration:

1. ``ruff check`` (the sdist's ``[tool.ruff]``: import sorting, bugbear, pyupgrade, …):
   findings in the fixed copy that the original does not have, counted per code;
2. ``ruff format --check``: files the formatter accepted before and flags after;
3. with ``--tests``: the sdist's own ``tests/`` against each copy (in a virtualenv of its
   own, ``.corpus/sdist-venv``, made on first use with the sdist's ``tests`` dependency
   group). Every test whose outcome differs is listed with its cause: the ``docs_src``
   modules it loads that the fix changed, and the codes whose fixes those modules were
   offered. Tests that pin the OpenAPI schema of FRL208's documented responses, or the
   ``DeprecationWarning`` of ``on_event`` (FRL201), are expected to change.

The exit status is 1 when (1) or (2) found anything new, 2 offline; differing tests are
reported, not judged (each needs its cause read). The ruff in this virtualenv is used.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.corpus import CACHE, fastapi_sdist  # noqa: E402

SDIST_VENV = CACHE / "sdist-venv"
_DOCS_MODULE = re.compile(r"docs_src(?:\.\w+)+")


@dataclass
class Review:
    """What fixing ``docs_src`` did, judged by the sdist's own tools."""

    files_changed: int = 0
    new_ruff: Counter[str] = field(default_factory=Counter)
    """Code → findings the fixed copy has beyond the original's (per file)."""
    new_ruff_findings: list[str] = field(default_factory=list)
    ruff_before: int = 0
    ruff_after: int = 0
    format_before: int = 0
    format_after: int = 0
    newly_unformatted: list[str] = field(default_factory=list)
    test_changes: list[str] = field(default_factory=list)
    """``test id: before → after; cause``."""
    tests_run: int = 0

    @property
    def is_clean(self) -> bool:
        """True when ruff and the formatter find nothing new."""
        return not (self.new_ruff or self.newly_unformatted)


def _run(command: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(command), cwd=cwd, capture_output=True, text=True, check=False)


def _fixable_codes(copy: Path) -> dict[str, set[str]]:
    """File → codes offered a fix there, from the checker's JSON report."""
    result = _run(
        [
            sys.executable,
            "-m",
            "fastapi_rules_lint",
            "check",
            "--select",
            "ALL",
            "--no-cache",
            "--exit-zero",
            "--output-format",
            "json",
            "docs_src",
        ],
        copy,
    )
    offered: dict[str, set[str]] = defaultdict(set)
    for item in json.loads(result.stdout or "[]"):
        if item.get("fix"):
            offered[Path(item["filename"]).as_posix()].add(item["code"])
    return offered


def _ruff(copy: Path) -> Counter[tuple[str, str]]:
    result = _run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--no-cache",
            "--exit-zero",
            "--output-format",
            "json",
            "docs_src",
        ],
        copy,
    )
    found: Counter[tuple[str, str]] = Counter()
    for item in json.loads(result.stdout or "[]"):
        name = Path(item["filename"]).resolve().relative_to(copy.resolve()).as_posix()
        found[(name, item["code"] or "syntax")] += 1
    return found


def _unformatted(copy: Path) -> set[str]:
    """Files ``ruff format --check`` would change (ruff >= 0.15 says so per file with
    ``--output-format concise``; older versions print ``Would reformat: path``)."""
    command = [sys.executable, "-m", "ruff", "format", "--check", "--no-cache", "docs_src"]
    result = _run([*command, "--output-format", "concise"], copy)
    if result.returncode == 2:
        result = _run(command, copy)
    names: set[str] = set()
    for line in result.stdout.splitlines():
        if line.startswith("Would reformat: "):
            names.add(line.removeprefix("Would reformat: ").strip())
        elif ": unformatted" in line:
            names.add(line.split(":", 1)[0])
    return names


def _sdist_python(sdist: Path) -> Path:
    """The sdist's test virtualenv (made on first use)."""
    python = SDIST_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(SDIST_VENV)], check=True)
        pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, "--upgrade", "pip"], check=True)
        # `all`: the tests need the optional extras (python-multipart, ...) too.
        subprocess.run(
            [*pip, f"{sdist}[all]", "--group", f"{sdist / 'pyproject.toml'}:tests"], check=True
        )
    return python


def _test_outcomes(python: Path, copy: Path) -> dict[str, str]:
    report = copy / "junit.xml"
    _run(
        [
            str(python),
            "-m",
            "pytest",
            "tests",
            "-q",
            "-p",
            "no:cacheprovider",
            "-n",
            "2",
            "-p",
            "no:pytest_logfire",
            "-o",
            "addopts=",
            "--timeout=120",
            f"--junitxml={report}",
        ],
        copy,
    )
    outcomes: dict[str, str] = {}
    if not report.exists():
        return outcomes
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        test_id = f"{case.get('classname')}::{case.get('name')}"
        kinds = {child.tag for child in case}
        outcome = next((k for k in ("error", "failure", "skipped") if k in kinds), "passed")
        outcomes[test_id] = outcome
    return outcomes


def _cause(test_id: str, copy: Path, changed: set[str], offered: dict[str, set[str]]) -> str:
    module = test_id.split("::")[0]
    path = copy / (module.replace(".", "/") + ".py")
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    prefixes = {match.replace(".", "/") for match in _DOCS_MODULE.findall(text)}
    touched = sorted(
        name for name in changed if any(name.startswith(prefix) for prefix in prefixes)
    )
    codes = sorted({code for name in touched for code in offered.get(name, ())})
    if not touched:
        return "loads no changed docs_src module"
    return f"{', '.join(codes) or 'no fixable code'} in {', '.join(touched[:4])}" + (
        f" (+{len(touched) - 4} more)" if len(touched) > 4 else ""
    )


def review(sdist: Path, work: Path, *, run_tests: bool) -> Review:
    """Copy ``sdist`` under ``work`` twice, fix one copy, compare."""
    ignore = shutil.ignore_patterns("__pycache__", "docs", ".fastapi_rules_cache")
    original, fixed = work / "original", work / "fixed"
    shutil.copytree(sdist, original, ignore=ignore)
    shutil.copytree(sdist, fixed, ignore=ignore)
    offered = _fixable_codes(original)
    fixing = _run(
        [
            sys.executable,
            "-m",
            "fastapi_rules_lint",
            "check",
            "--select",
            "ALL",
            "--fix",
            "--unsafe-fixes",
            "--no-cache",
            "--exit-zero",
            "--quiet",
            "docs_src",
        ],
        fixed,
    )
    if fixing.returncode != 0:
        raise SystemExit(f"the fix run failed (exit {fixing.returncode}):\n{fixing.stderr}")
    changed = {
        path.relative_to(fixed).as_posix()
        for path in (fixed / "docs_src").rglob("*.py")
        if path.read_bytes() != (original / path.relative_to(fixed)).read_bytes()
    }
    result = Review(files_changed=len(changed))
    before, after = _ruff(original), _ruff(fixed)
    result.ruff_before, result.ruff_after = sum(before.values()), sum(after.values())
    for (name, code), count in sorted((after - before).items()):
        result.new_ruff[code] += count
        result.new_ruff_findings.append(f"{name}: {code} (+{count})")
    unformatted_before, unformatted_after = _unformatted(original), _unformatted(fixed)
    result.format_before, result.format_after = len(unformatted_before), len(unformatted_after)
    result.newly_unformatted = sorted(unformatted_after - unformatted_before)
    if run_tests:
        python = _sdist_python(sdist)
        outcomes_before = _test_outcomes(python, original)
        outcomes_after = _test_outcomes(python, fixed)
        result.tests_run = len(outcomes_before)
        for test_id in sorted(outcomes_before.keys() | outcomes_after.keys()):
            was, now = outcomes_before.get(test_id, "absent"), outcomes_after.get(test_id, "absent")
            if was != now:
                cause = _cause(test_id, fixed, changed, offered)
                result.test_changes.append(f"{test_id}: {was} → {now}; {cause}")
    return result


def _print(result: Review) -> None:
    print(f"docs_src files changed by the fix: {result.files_changed}")
    print(
        f"ruff findings: {result.ruff_before} before, {result.ruff_after} after; "
        f"new: {sum(result.new_ruff.values())}"
    )
    for code, count in result.new_ruff.most_common():
        print(f"  {code}: {count}")
    for finding in result.new_ruff_findings:
        print(f"    {finding}")
    print(
        f"ruff format --check: {result.format_before} files flagged before, "
        f"{result.format_after} after; newly flagged: {len(result.newly_unformatted)}"
    )
    for name in result.newly_unformatted:
        print(f"  {name}")
    if result.tests_run:
        print(f"sdist tests: {result.tests_run} run; outcomes changed: {len(result.test_changes)}")
        for change in result.test_changes:
            print(f"  {change}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the review; 0 when ruff and the formatter find nothing new, 1 otherwise."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--tests", action="store_true", help="also run the sdist's tests")
    parser.add_argument("--keep", type=Path, help="work in this (new) folder and keep it")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    sdist = fastapi_sdist()
    if sdist is None:
        print("offline: the FastAPI sdist could not be fetched", file=sys.stderr)
        return 2
    if args.keep is not None:
        args.keep.mkdir(parents=True)
        result = review(sdist, args.keep, run_tests=args.tests)
    else:
        with tempfile.TemporaryDirectory() as work:
            result = review(sdist, Path(work), run_tests=args.tests)
    if args.json:
        print(json.dumps(asdict(result), indent=2, sort_keys=True, ensure_ascii=False))
    else:
        _print(result)
    return 0 if result.is_clean else 1


if __name__ == "__main__":
    sys.exit(main())
