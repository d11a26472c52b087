"""Compare our rules' findings with ruff's equivalent rules on real code (recall check).

Usage (from the repository root)::

    python scripts/compare_with_ruff.py \\
        --map FRL101=ANN001,ANN002,ANN003 \\
        --map FRL102=ANN201,ANN202,ANN204,ANN205,ANN206 \\
        --map FRL103=ANN401 [--select-ruff CODES] [--show-extras N] [PATHS ...]

It runs ``ruff check --select <codes> --output-format json --no-cache --isolated`` and
our engine (only the mapped codes enabled, default options) over the same files, then
matches findings by (file, row, our code): a ruff finding of a code mapped to ``FRLxxx``
is *matched* by an ``FRLxxx`` finding on the same row of the same file (as multisets:
two ruff findings on one row need two of ours). For each code it prints ruff's count,
matched, recall, our extra findings, every missed location and a sample of extras.

Row conventions: ruff reports ANN001-003 on the parameter (name) and ANN201-206 on the
function name, as FRL101/FRL102 do, so rows match exactly. For a rule whose row
convention differs from ruff's (a multi-line call reported at its start vs. an
argument), pass ``--statement-match FRLxxx``: both sides' rows are then replaced by the
first row of the innermost statement containing them (a compound statement counts by
its header only; decorators belong to their ``def``/``class``).

Without paths it uses the FastAPI sdist corpus (``docs_src`` and ``tests``, see
``tests/corpus.py``). Without ``--map`` it compares FRL101-FRL103 with flake8-annotations'
codes as above. ``--json`` prints the comparison as JSON; ``--min-recall`` makes the
exit status 1 when a code's recall is lower.
"""

from __future__ import annotations

import argparse
import ast
import json
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fastapi_rules_lint.lint.linter import LintSettings, lint_bytes  # noqa: E402
from fastapi_rules_lint.runner.workspace import Workspace  # noqa: E402

DEFAULT_MAP = {
    "FRL101": ("ANN001", "ANN002", "ANN003"),
    "FRL102": ("ANN201", "ANN202", "ANN204", "ANN205", "ANN206"),
    "FRL103": ("ANN401",),
}
_CHUNK = 400
"""Files per ruff invocation (explicit file lists, so ruff's excludes do not apply)."""

Key = tuple[str, int]
"""(file, row)."""


@dataclass
class CodeComparison:
    """The comparison for one of our codes."""

    code: str
    ruff_codes: tuple[str, ...]
    ruff_count: int = 0
    ours_count: int = 0
    matched: int = 0
    missed: list[str] = field(default_factory=list)
    """``file:row: RUFFCODE message`` for each ruff finding we did not match."""
    extras: list[str] = field(default_factory=list)
    """``file:row:col: message`` for each finding of ours ruff has no match for."""

    @property
    def recall(self) -> float:
        """Matched ruff findings over all ruff findings (1.0 when ruff found none)."""
        return self.matched / self.ruff_count if self.ruff_count else 1.0


@dataclass
class Comparison:
    """The whole run: per-code results plus files our engine crashed on."""

    files: int
    codes: list[CodeComparison]
    crashes: list[str] = field(default_factory=list)
    syntax_errors: list[str] = field(default_factory=list)


def ruff_command() -> list[str] | None:
    """How to run ruff: the one next to this interpreter, else on PATH; None if absent."""
    probe = subprocess.run(
        [sys.executable, "-m", "ruff", "--version"], capture_output=True, check=False
    )
    if probe.returncode == 0:
        return [sys.executable, "-m", "ruff"]
    found = shutil.which("ruff")
    return [found] if found else None


def python_files(paths: Iterable[Path]) -> list[Path]:
    """The ``.py`` files given or found under the given folders, sorted, absolute."""
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found.update(p.resolve() for p in path.rglob("*.py") if p.is_file())
        elif path.suffix == ".py":
            found.add(path.resolve())
    return sorted(found)


def run_ruff(files: Sequence[Path], codes: Iterable[str]) -> list[dict[str, object]]:
    """Ruff's JSON findings for ``codes`` over ``files`` (default settings, no cache)."""
    command = ruff_command()
    if command is None:
        raise RuntimeError("ruff is not installed")
    selected = ",".join(sorted(set(codes)))
    findings: list[dict[str, object]] = []
    for start in range(0, len(files), _CHUNK):
        chunk = [str(path) for path in files[start : start + _CHUNK]]
        result = subprocess.run(
            [*command, "check", "--select", selected, "--output-format", "json",
             "--no-cache", "--isolated", "--exit-zero", *chunk],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"ruff failed: {result.stderr.strip()}")
        findings.extend(json.loads(result.stdout or "[]"))
    return findings


def statement_starts(text: str) -> dict[int, int]:
    """Row → first row of the innermost statement containing it (compound statements
    by their header; decorators count as their definition's)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return {}
    starts: dict[int, int] = {}
    # Outer statements are visited first, so inner ones overwrite their rows.
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        first = node.lineno
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = min([first, *(d.lineno for d in node.decorator_list)])
        body = getattr(node, "body", None)
        last = node.end_lineno or node.lineno
        if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
            last = max(node.lineno, body[0].lineno - 1)
        for row in range(first, last + 1):
            starts[row] = first
    return starts


def _finding_row(finding: Mapping[str, object]) -> int:
    location = finding.get("location")
    return int(location["row"]) if isinstance(location, dict) else 0


def compare(
    paths: Sequence[Path],
    mapping: Mapping[str, Sequence[str]],
    *,
    select_ruff: Sequence[str] | None = None,
    statement_match: Iterable[str] = (),
) -> Comparison:
    """Run ruff and our engine over ``paths`` and match findings per our code."""
    files = python_files(paths)
    ruff_to_ours: dict[str, list[str]] = {}
    for our_code, ruff_codes in mapping.items():
        for ruff_code in ruff_codes:
            ruff_to_ours.setdefault(ruff_code, []).append(our_code)
    ruff_findings = run_ruff(files, select_ruff or ruff_to_ours.keys())
    texts = {path: path.read_bytes() for path in files}
    workspace = Workspace(use_cache=False)
    settings = LintSettings(enabled=frozenset(mapping))
    by_statement = frozenset(statement_match)
    starts_cache: dict[str, dict[int, int]] = {}

    def row_key(filename: str, row: int, code: str) -> Key:
        if code not in by_statement:
            return (filename, row)
        if filename not in starts_cache:
            data = texts.get(Path(filename))
            text = data.decode("utf-8", "replace") if data is not None else ""
            starts_cache[filename] = statement_starts(text)
        return (filename, starts_cache[filename].get(row, row))

    result = Comparison(files=len(files), codes=[])
    ours: dict[str, Counter[Key]] = {code: Counter() for code in mapping}
    ours_where: dict[str, dict[Key, list[str]]] = {code: {} for code in mapping}
    for path, data in texts.items():
        try:
            view = workspace.view_for(path)
            diagnostics = lint_bytes(data, str(path), settings, view).diagnostics
        except Exception as error:  # a crash is a finding of this script, not its end
            result.crashes.append(f"{path}: {type(error).__name__}: {error}")
            continue
        for diagnostic in diagnostics:
            if diagnostic.code == "FRL001":
                result.syntax_errors.append(f"{path}: {diagnostic.message}")
            if diagnostic.code not in ours:
                continue
            key = row_key(str(path), diagnostic.location.row, diagnostic.code)
            ours[diagnostic.code][key] += 1
            ours_where[diagnostic.code].setdefault(key, []).append(
                f"{path}:{diagnostic.location.row}:{diagnostic.location.column}: "
                f"{diagnostic.message}"
            )
    theirs: dict[str, Counter[Key]] = {code: Counter() for code in mapping}
    theirs_where: dict[str, dict[Key, list[str]]] = {code: {} for code in mapping}
    for finding in ruff_findings:
        ruff_code = str(finding.get("code"))
        for code in ruff_to_ours.get(ruff_code, ()):
            key = row_key(str(finding.get("filename")), _finding_row(finding), code)
            theirs[code][key] += 1
            theirs_where[code].setdefault(key, []).append(
                f"{key[0]}:{_finding_row(finding)}: {ruff_code} {finding.get('message')}"
            )
    for code, ruff_codes in mapping.items():
        item = CodeComparison(code, tuple(ruff_codes))
        item.ruff_count = sum(theirs[code].values())
        item.ours_count = sum(ours[code].values())
        for key in sorted(theirs[code].keys() | ours[code].keys()):
            matched = min(theirs[code][key], ours[code][key])
            item.matched += matched
            item.missed.extend(theirs_where[code].get(key, [])[matched:])
            item.extras.extend(ours_where[code].get(key, [])[matched:])
        result.codes.append(item)
    return result


def _relative(line: str) -> str:
    root = f"{ROOT}/"
    return line[len(root) :] if line.startswith(root) else line


def render(result: Comparison, show_extras: int, show_missed: int | None) -> str:
    """A plain-text report."""
    lines = [f"{result.files} files"]
    for item in result.codes:
        lines.append(
            f"{item.code} vs {','.join(item.ruff_codes)}: ruff {item.ruff_count}, "
            f"matched {item.matched}, recall {item.recall:.1%}, "
            f"ours {item.ours_count}, extra {len(item.extras)}"
        )
        missed = item.missed if show_missed is None else item.missed[:show_missed]
        lines.extend(f"  missed {_relative(line)}" for line in missed)
        if len(missed) < len(item.missed):
            lines.append(f"  ... {len(item.missed) - len(missed)} more missed")
        step = max(1, len(item.extras) // show_extras) if show_extras else 0
        sample = item.extras[::step][:show_extras] if step else []
        lines.extend(f"  extra  {_relative(line)}" for line in sample)
    lines.extend(f"CRASH {_relative(line)}" for line in result.crashes)
    lines.extend(f"syntax error {_relative(line)}" for line in result.syntax_errors)
    return "\n".join(lines)


def _parse_map(values: Sequence[str]) -> dict[str, tuple[str, ...]]:
    mapping: dict[str, tuple[str, ...]] = {}
    for value in values:
        ours, separator, theirs = value.partition("=")
        codes = tuple(code.strip().upper() for code in theirs.split(",") if code.strip())
        if not separator or not ours.strip() or not codes:
            raise SystemExit(f"bad --map {value!r}: use FRLxxx=RUFF1,RUFF2")
        mapping[ours.strip().upper()] = codes
    return mapping


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--map", action="append", default=[], metavar="FRLxxx=R1,R2")
    parser.add_argument("--select-ruff", help="ruff codes to run (default: the mapped ones)")
    parser.add_argument("--statement-match", action="append", default=[], metavar="FRLxxx")
    parser.add_argument("--show-extras", type=int, default=10, metavar="N")
    parser.add_argument("--show-missed", type=int, default=None, metavar="N")
    parser.add_argument("--min-recall", type=float, default=None, metavar="FRACTION")
    parser.add_argument("--json", action="store_true", help="print JSON instead")
    args = parser.parse_args(argv)
    mapping = _parse_map(args.map) if args.map else DEFAULT_MAP
    paths: list[Path] = args.paths
    if not paths:
        from tests.corpus import corpus_roots

        roots = corpus_roots()
        if roots is None:
            print("offline: the FastAPI sdist could not be fetched", file=sys.stderr)
            return 2
        paths = roots
    select = args.select_ruff.split(",") if args.select_ruff else None
    result = compare(paths, mapping, select_ruff=select, statement_match=args.statement_match)
    if args.json:
        print(json.dumps(asdict(result), indent=2))
    else:
        print(render(result, args.show_extras, args.show_missed))
    too_low = args.min_recall is not None and any(
        item.recall < args.min_recall for item in result.codes
    )
    return 1 if too_low or result.crashes else 0


if __name__ == "__main__":
    sys.exit(main())
