"""Fix a copy of real FastAPI code with every rule and unsafe fixes, and check the fixer's
guarantees on the result.

Usage (from the repository root)::

    python scripts/fix_corpus.py [--keep DIR] [--json] [PATHS ...]

Without paths it copies the FastAPI sdist's ``docs_src/`` (see ``tests/corpus.py``) and
this repository's ``examples/``. Every file of the copy is fixed with ``fix_text(...,
unsafe=True)`` and ALL rules enabled (the cross-file ``ProjectIndex`` is built from all
files, as ``fastapi-rules check`` does). Then it checks:

1. every file that compiled before still compiles;
2. ``ruff check --select F401,F811,F821,F841`` finds nothing new: per file, the
   (code, message) counts of the fixed copy exceed the original's nowhere;
3. a second fix run changes no byte;
4. no diagnostic with an applicable fix remains, and no fix was refused because its
   result did not parse or compile (a refusal is a bug in the rule that offered it; a
   refused name collision is the fixer's safety net and only counted).

It prints the counts (files changed, fixes applied per code, refusals per code and
reason) and each violation; the exit status is 1 when a guarantee is broken, 2 offline.
``tests/test_fix_corpus.py`` runs it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fastapi_rules_lint.engine.source import SourceDecodeError, decode_source  # noqa: E402
from fastapi_rules_lint.lint.fixer import fix_text, is_applicable  # noqa: E402
from fastapi_rules_lint.lint.linter import LintSettings  # noqa: E402
from fastapi_rules_lint.lint.registry import select_codes  # noqa: E402
from fastapi_rules_lint.lint.textfix import compile_error  # noqa: E402
from fastapi_rules_lint.runner.workspace import Workspace  # noqa: E402
from tests.corpus import fastapi_sdist  # noqa: E402

PYFLAKES = "F401,F811,F821,F841"
_CHUNK = 400
"""Files per ruff invocation."""


@dataclass
class CorpusReport:
    """What fixing the corpus did, and every broken guarantee."""

    files: int = 0
    files_changed: int = 0
    applied: Counter[str] = field(default_factory=Counter)
    refusals: Counter[str] = field(default_factory=Counter)
    """``CODE: reason`` → count."""
    not_compiling: list[str] = field(default_factory=list)
    new_pyflakes: list[str] = field(default_factory=list)
    not_idempotent: list[str] = field(default_factory=list)
    still_fixable: list[str] = field(default_factory=list)
    broken_fixes: list[str] = field(default_factory=list)
    """Refusals whose result did not parse or compile: bugs in a rule's fix."""

    @property
    def is_ok(self) -> bool:
        """True when every guarantee holds."""
        return not (
            self.not_compiling
            or self.new_pyflakes
            or self.not_idempotent
            or self.still_fixable
            or self.broken_fixes
        )


def _copy(sources: Sequence[Path], target: Path) -> list[Path]:
    for source in sources:
        shutil.copytree(source, target / source.name, ignore=shutil.ignore_patterns("__pycache__"))
    return sorted(target.rglob("*.py"))


def _pyflakes(files: Sequence[Path], base: Path) -> dict[str, Counter[tuple[str, str]]]:
    found: dict[str, Counter[tuple[str, str]]] = {}
    for start in range(0, len(files), _CHUNK):
        chunk = [str(path) for path in files[start : start + _CHUNK]]
        command = [sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache",
                   "--select", PYFLAKES, "--output-format", "json", "--exit-zero", *chunk]
        result = subprocess.run(command, capture_output=True, text=True, check=True)
        for item in json.loads(result.stdout or "[]"):
            name = str(Path(item["filename"]).resolve().relative_to(base.resolve()))
            found.setdefault(name, Counter())[(item["code"], item["message"])] += 1
    return found


def fix_tree(sources: Sequence[Path], work: Path) -> CorpusReport:
    """Copy ``sources`` (folders) under ``work``, fix the copy, check the guarantees."""
    original, fixed = work / "original", work / "fixed"
    originals = _copy(sources, original)
    targets = _copy(sources, fixed)
    settings = LintSettings(enabled=select_codes(["ALL"]))
    decoded = {}
    for path in targets:
        try:
            decoded[path] = decode_source(path.read_bytes())
        except SourceDecodeError:
            continue
    workspace = Workspace(use_cache=False, buffers={p: s.text for p, s in decoded.items()})
    report = CorpusReport(files=len(targets))
    for path, source in decoded.items():
        name = str(path.relative_to(fixed))
        project = workspace.view_for(path, source.text)
        outcome = fix_text(source.text, name, settings, unsafe=True, project=project)
        report.applied += outcome.applied
        for refusal in outcome.refusals:
            report.refusals[f"{refusal.code}: {refusal.reason}"] += 1
            if "does not parse" in refusal.reason or "does not compile" in refusal.reason:
                where = f"{name}:{refusal.location.row}:{refusal.location.column}"
                report.broken_fixes.append(f"{where}: {refusal.code} {refusal.reason}")
        for diagnostic in outcome.remaining:
            if is_applicable(diagnostic.fix, unsafe=True):
                row, column = diagnostic.location.row, diagnostic.location.column
                report.still_fixable.append(f"{name}:{row}:{column}: {diagnostic.code}")
        if outcome.text != source.text:
            report.files_changed += 1
            path.write_bytes(source.encode(outcome.text))
            if compile_error(source.text, name) is None:
                error = compile_error(outcome.text, name)
                if error is not None:
                    report.not_compiling.append(f"{name}: {error}")
        again = fix_text(outcome.text, name, settings, unsafe=True, project=project)
        if again.text != outcome.text:
            report.not_idempotent.append(f"{name}: {dict(again.applied)}")
    before = _pyflakes(originals, original)
    after = _pyflakes(targets, fixed)
    for name, found in sorted(after.items()):
        for (code, message), count in (found - before.get(name, Counter())).items():
            report.new_pyflakes.append(f"{name}: {code} {message} (+{count})")
    return report


def _print(report: CorpusReport) -> None:
    print(f"files: {report.files}, changed: {report.files_changed}")
    print(f"fixes applied: {sum(report.applied.values())}")
    for code, count in sorted(report.applied.items()):
        print(f"  {code}: {count}")
    print(f"fixes refused: {sum(report.refusals.values())}")
    for reason, count in sorted(report.refusals.items()):
        print(f"  {reason}: {count}")
    checks = (
        ("stopped compiling", report.not_compiling),
        ("new pyflakes findings", report.new_pyflakes),
        ("changed by a second run", report.not_idempotent),
        ("diagnostics still fixable", report.still_fixable),
        ("fixes whose result did not parse or compile", report.broken_fixes),
    )
    for title, problems in checks:
        print(f"{title}: {len(problems)}")
        for problem in problems:
            print(f"  {problem}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the check; 0 when every guarantee holds, 1 otherwise, 2 without a corpus."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("paths", nargs="*", type=Path, help="folders to copy and fix")
    parser.add_argument("--keep", type=Path, help="work in this (new) folder and keep it")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    sources: list[Path] = list(args.paths)
    if not sources:
        sdist = fastapi_sdist()
        if sdist is None:
            print("offline: the FastAPI sdist could not be fetched", file=sys.stderr)
            return 2
        sources = [sdist / "docs_src", ROOT / "examples"]
    if args.keep is not None:
        args.keep.mkdir(parents=True)
        report = fix_tree(sources, args.keep)
    else:
        with tempfile.TemporaryDirectory() as work:
            report = fix_tree(sources, Path(work))
    if args.json:
        print(json.dumps(asdict(report), indent=2, sort_keys=True))
    else:
        _print(report)
    return 0 if report.is_ok else 1


if __name__ == "__main__":
    sys.exit(main())
