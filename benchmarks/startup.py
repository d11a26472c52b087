"""Startup and warm runs: what an editor or a pre-commit hook waits for (issues 12, 13).

Run from the repository root (see ``benchmarks/README.md``)::

    python benchmarks/startup.py               # best of 5, docs_src of the FastAPI sdist
    python benchmarks/startup.py --repeat 10 --json

Every row is a subprocess run in the benchmark copy of ``docs_src`` (``run.py``'s
``.corpus/bench/``), beside ruff on the same files in the same run, each the best
and the median of N (wall-clock and CPU seconds of the process):

- ``check docs_src`` cold (``--no-cache``), and fully warm (every file a cache hit);
- ``check FILE`` (the largest module of the tree) warm (a hit), and with its
  diagnostics forgotten (the editor's case: the file changed, the project did not);
- ``check FILE`` alone: a copy of it in an empty folder, no cache (a project of one
  module, linted);
- ``python -c pass`` and ``import fastapi_rules_lint.interfaces.cli`` (what ``--version``
  pays; ``check`` imports its pipeline itself): the floor;
- whether the warm run imported LibCST (``-X importtime``; it must not).

In-process, the cost of building the rules: importing them (LibCST included), and
building every rule for one file, the first time and then per file.

The checker measured is the installed one (this checkout's ``src/``) unless
``PYTHONPATH`` names another ``src/`` (a copy, to measure a tree others are editing).
Its bytecode is compiled first, as an installed package's is (with
``PYTHONDONTWRITEBYTECODE=1`` a development tree would otherwise recompile every module on
every run: about 0.1 s of CPU).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.append(str(ROOT / "src"))

from run import CACHE_DIR, bench_root  # noqa: E402

from tests.corpus import fastapi_sdist  # noqa: E402

TARGET = 0.3
"""Issue 12: ``check FILE`` and a fully warm ``check docs_src`` within 0.3 s."""
DEFAULT_FILE = "docs_src/security/tutorial005.py"
"""The largest module of docs_src (182 lines)."""


@dataclass
class Row:
    name: str
    wall: float
    cpu: float
    median_wall: float
    note: str = ""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(
    name: str,
    command: Sequence[str],
    cwd: Path,
    repeat: int,
    prepare: Callable[[], None] = lambda: None,
    note: str = "",
) -> Row:
    """Best and median wall-clock, best CPU, of ``repeat`` runs (``prepare`` before each)."""
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(repeat):
        prepare()
        start_cpu, start = _children_cpu(), time.perf_counter()
        result = subprocess.run(list(command), cwd=cwd, capture_output=True, text=True)
        walls.append(time.perf_counter() - start)
        cpus.append(_children_cpu() - start_cpu)
        if result.returncode not in (0, 1):
            raise SystemExit(f"{name}: exit {result.returncode}: {result.stderr.strip()[-300:]}")
    return Row(name, min(walls), min(cpus), statistics.median(walls), note)


def imports_libcst(command: Sequence[str], cwd: Path) -> bool:
    """Whether ``command`` (a ``python -m ...`` command) imports LibCST."""
    traced = [command[0], "-X", "importtime", *command[1:]]
    result = subprocess.run(traced, cwd=cwd, capture_output=True, text=True)
    return any(line.rstrip().endswith("| libcst") for line in result.stderr.splitlines())


def rule_costs() -> list[tuple[str, float]]:
    """In-process seconds: import the rules, build them for one file (first, then again)."""
    start = time.perf_counter()
    from fastapi_rules_lint.lint.registry import all_rules

    rules = all_rules()
    imported = time.perf_counter() - start
    import libcst as cst

    from fastapi_rules_lint.lint.settings import LintSettings
    from fastapi_rules_lint.project.view import ModuleView
    from fastapi_rules_lint.semantics.fastapi.apps import analyse_module
    from fastapi_rules_lint.semantics.fastapi.context import ModuleContext
    from fastapi_rules_lint.semantics.python.names import build_binding_table

    module = cst.parse_module("from fastapi import FastAPI\napp = FastAPI()\n")
    table = build_binding_table(module)
    view = ModuleView()
    settings = LintSettings(enabled=frozenset(rule.code for rule in rules))

    def build() -> float:
        context = ModuleContext(module, "x.py", table, analyse_module(module, table, view))
        began = time.perf_counter()
        for rule in rules:
            rule(context, settings.options_for(rule), lambda report: None)
        return time.perf_counter() - began

    first = build()
    again = min(build() for _ in range(200))
    return [
        (f"import the {len(rules)} rules (LibCST, semantics)", imported),
        ("build every rule, first file (options, visitor tables)", first),
        ("build every rule, each further file", again),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--file", default=DEFAULT_FILE, help="corpus-relative file")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON too")
    options = parser.parse_args(argv)
    root = bench_root(fastapi_sdist(), ["docs_src"])
    # An installed package has its bytecode compiled (pip does it); a development tree
    # under PYTHONDONTWRITEBYTECODE=1 would recompile every module on every run.
    import fastapi_rules_lint

    compileall.compile_dir(Path(fastapi_rules_lint.__file__).parent, quiet=1)
    python = sys.executable
    cli = [python, "-m", "fastapi_rules_lint", "check", "--exit-zero", "-q"]
    ruff = shutil.which("ruff", path=str(Path(python).parent)) or shutil.which("ruff")
    cache = root / CACHE_DIR

    def forget_diagnostics() -> None:
        for folder in cache.glob("v*"):
            shutil.rmtree(folder, ignore_errors=True)

    subprocess.run([*cli, "docs_src"], cwd=root, capture_output=True)  # fill the caches
    alone = Path(tempfile.mkdtemp(prefix="fastapi-rules-alone-"))
    shutil.copyfile(root / options.file, alone / Path(options.file).name)

    def forget_alone() -> None:
        shutil.rmtree(alone / CACHE_DIR, ignore_errors=True)

    repeat = options.repeat
    rows = [
        timed("python -c pass", [python, "-c", "pass"], root, repeat, note="the floor"),
        timed("import the CLI", [python, "-c", "import fastapi_rules_lint.interfaces.cli"],
              root, repeat),
        timed("check docs_src, cold (--no-cache)", [*cli, "--no-cache", "docs_src"], root,
              max(1, repeat // 2)),
        timed("check docs_src, warm", [*cli, "docs_src"], root, repeat,
              note=f"target ≤ {TARGET} s"),
        timed("check FILE, warm", [*cli, options.file], root, repeat,
              note=f"target ≤ {TARGET} s"),
        timed("check FILE, its diagnostics forgotten", [*cli, options.file], root, repeat,
              forget_diagnostics, note="lints the file; summary cache warm"),
        timed("check FILE alone (empty folder, no cache)", [*cli, Path(options.file).name],
              alone, repeat, forget_alone, note="lints the file"),
    ]
    shutil.rmtree(alone, ignore_errors=True)
    subprocess.run([*cli, "docs_src"], cwd=root, capture_output=True)  # warm again
    if ruff:
        ruff_cli = [ruff, "check", "--exit-zero", "--quiet", "--isolated"]
        rows += [
            timed("ruff: check docs_src, cold", [*ruff_cli, "--no-cache", "docs_src"], root,
                  repeat),
            timed("ruff: check docs_src, warm", [*ruff_cli, "docs_src"], root, repeat),
            timed("ruff: check FILE", [*ruff_cli, "--no-cache", options.file], root, repeat),
        ]
    warm_libcst = imports_libcst([*cli, "docs_src"], root)
    costs = rule_costs()
    print(f"corpus: {root.relative_to(ROOT)}  (python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f})")
    print(f"{'':44} {'best wall':>10} {'median':>8} {'best CPU':>9}")
    for row in rows:
        print(f"{row.name:44} {row.wall:9.3f}s {row.median_wall:7.3f}s {row.cpu:8.3f}s"
              f"  {row.note}")
    print(f"\nwarm check docs_src imports LibCST: {'YES' if warm_libcst else 'no'}")
    print("\nbuilding rules (in-process):")
    for name, seconds in costs:
        print(f"  {name:56} {seconds * 1000:8.2f} ms")
    if options.json:
        payload = {
            "rows": [asdict(row) for row in rows],
            "warm_imports_libcst": warm_libcst,
            "rule_costs": dict(costs),
        }
        print(json.dumps(payload, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
