"""The checker at scale: a generated application tree (and docs_src), 1..N workers.

Run from the repository root (see ``benchmarks/README.md``)::

    python benchmarks/scale.py                      # 2,000 modules (~390k lines) + docs_src
    python benchmarks/scale.py --modules 300 --repeat 1 --no-docs-src   # a quick look

For each tree, as subprocesses (best of ``--repeat``; wall time and the CPU time of the
run's processes):

- ``check --no-cache --jobs N`` for N = 1..``--max-jobs`` (default: the machine's cores):
  the scaling curve; efficiency = wall(1) / wall(N) (target >= 0.9 N at N = 2);
- ``check`` warm: a run that fills the caches, then the same run again (timed);
- ``check FILE`` right after an edit of the tree's largest module, the caches warm
  (pre-commit's or an editor's case in a large project: the model is built again);
- peak resident memory of the parent and of the largest worker process of each run
  (``getrusage``: the run is started through a small wrapper that reports
  ``RUSAGE_SELF`` and ``RUSAGE_CHILDREN`` maxima; target <= 150 MB per worker);
- ruff (``check --no-cache --select ALL``) and flake8 with flake8-annotations and
  flake8-async (``--select ANN,ASYNC``, -j1 and -jN) over the same tree, from the tools
  virtualenv (``benchmarks/.venv``, see ``run.py``; skipped when it cannot be made).

The generated tree (``benchmarks/generate.py``, seeded) is written once to
``.corpus/bench/generated-<modules>-<seed>/``. ``--json`` writes
``benchmarks/results/scale-*.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import generate  # noqa: E402

BENCH_DIR = ROOT / ".corpus" / "bench"
TIMEOUT = 1800
WRAPPER = """
import resource, sys
from fastapi_rules_lint.interfaces.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exit_:
    code = exit_.code
else:
    code = 0
own = resource.getrusage(resource.RUSAGE_SELF)
children = resource.getrusage(resource.RUSAGE_CHILDREN)
peak = own.ru_maxrss
try:  # ru_maxrss survives exec: it may be the launching process's own peak
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
except (OSError, StopIteration):
    pass
sys.stderr.write(f"\\nRSS-KB {peak} {children.ru_maxrss}\\n")
sys.stderr.write(f"CPU-S {own.ru_utime + own.ru_stime} {children.ru_utime + children.ru_stime}\\n")
sys.exit(code if isinstance(code, int) else 1)
"""
"""Runs the CLI in-process and reports the peak RSS (KiB on Linux) of this process and
of the largest of its worker processes (``RUSAGE_CHILDREN``: the pools have reaped their
workers when the CLI returns). This process's peak is ``VmHWM`` where ``/proc`` has it:
``ru_maxrss`` is carried over ``exec`` on Linux, so with ``vfork`` it reported the
benchmark script's own size (247 MB for every ``docs_src`` run)."""


@dataclass
class Row:
    tree: str
    name: str
    jobs: int | None
    wall: float | None
    cpu: float | None
    parent_mb: float | None = None
    worker_mb: float | None = None
    parent_cpu: float | None = None
    """CPU seconds of the parent process alone (of the run with the least CPU)."""
    workers_cpu: float | None = None
    """CPU seconds of all worker processes together (likewise)."""
    note: str = ""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(
    tree: str,
    name: str,
    command: Sequence[str],
    cwd: Path,
    repeat: int,
    jobs: int | None = None,
    prepare: Sequence[str] | None = None,
) -> Row:
    """Best-of wall and CPU time of ``command``; memory from the wrapper's last line."""
    best_wall = best_cpu = float("inf")
    parent = worker = parent_cpu = workers_cpu = None
    note = ""
    for _ in range(repeat):
        if prepare is not None:
            subprocess.run(list(prepare), cwd=cwd, capture_output=True, timeout=TIMEOUT)
        start_cpu, start_wall = _children_cpu(), time.perf_counter()
        result = subprocess.run(
            list(command), cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT
        )
        wall, cpu = time.perf_counter() - start_wall, _children_cpu() - start_cpu
        if result.returncode not in (0, 1):
            tail = (result.stderr or result.stdout).strip().splitlines()[-1:]
            return Row(tree, name, jobs, None, None, note=f"failed ({result.returncode}): {tail}")
        best_wall = min(best_wall, wall)
        for line in result.stderr.splitlines():
            if line.startswith("CPU-S ") and cpu < best_cpu:
                parent_cpu, workers_cpu = (float(part) for part in line.split()[1:])
            if line.startswith("RSS-KB "):
                own, children = (int(part) / 1024 for part in line.split()[1:])
                parent = max(parent or 0.0, own)
                worker = max(worker or 0.0, children) if jobs != 1 else None
        best_cpu = min(best_cpu, cpu)
        note = f"{len(result.stdout.splitlines())} output lines"
    return Row(tree, name, jobs, best_wall, best_cpu, parent, worker, parent_cpu, workers_cpu, note)


def ours(target: Path, *options: str) -> list[str]:
    return [
        sys.executable,
        "-c",
        WRAPPER,
        "check",
        "--exit-zero",
        "--output-format",
        "json",
        *options,
        str(target),
    ]


def tree_rows(
    label: str, target: Path, cwd: Path, max_jobs: int, repeat: int, tools: Path | None
) -> list[Row]:
    rows: list[Row] = []
    for jobs in range(1, max_jobs + 1):
        command = ours(target, "--no-cache", "--jobs", str(jobs))
        rows.append(timed(label, f"check --no-cache -j{jobs}", command, cwd, repeat, jobs))
        print(_line(rows[-1], rows), flush=True)
    cache = cwd / ".fastapi_rules_cache"
    fill = ours(target, "--jobs", str(max_jobs))
    shutil.rmtree(cache, ignore_errors=True)
    subprocess.run(fill, cwd=cwd, capture_output=True, timeout=TIMEOUT)
    rows.append(timed(label, "check (warm)", fill, cwd, repeat, max_jobs))
    print(_line(rows[-1], rows), flush=True)
    rows.append(edited_file_row(label, target, cwd, repeat))
    print(_line(rows[-1], rows), flush=True)
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    if Path(ruff).exists():
        command = [
            ruff,
            "check",
            "--no-cache",
            "--exit-zero",
            "--isolated",
            "--select",
            "ALL",
            "--output-format",
            "concise",
            str(target),
        ]
        rows.append(timed(label, "ruff check --select ALL (all cores)", command, cwd, repeat))
        print(_line(rows[-1], rows), flush=True)
    if tools is not None:
        flake8 = [str(tools / "flake8"), "--isolated", "--select", "ANN,ASYNC"]
        for jobs in (1, max_jobs):
            rows.append(
                timed(
                    label,
                    f"flake8 ANN,ASYNC -j{jobs}",
                    [*flake8, f"-j{jobs}", str(target)],
                    cwd,
                    repeat,
                )
            )
            print(_line(rows[-1], rows), flush=True)
    return rows


EDIT = "import sys, time; open(sys.argv[1], 'a').write(f'# edited {time.time_ns()}\\n')"
"""Appends a comment no run has seen to the file named (a new edit for each repeat)."""


def edited_file_row(label: str, target: Path, cwd: Path, repeat: int) -> Row:
    """``check FILE`` right after an edit to FILE, in the warm project (what pre-commit
    or an editor's save costs): the file's summary is made again, the others come from
    the summary cache, and the project model is built. The file is restored after."""
    module = max(target.rglob("*.py"), key=lambda path: (path.stat().st_size, str(path)))
    original = module.read_bytes()
    try:
        return timed(
            label,
            "check FILE after an edit (warm)",
            ours(module),
            cwd,
            repeat,
            prepare=[sys.executable, "-c", EDIT, str(module)],
        )
    finally:
        module.write_bytes(original)


def _line(row: Row, rows: Sequence[Row]) -> str:
    if row.wall is None or row.cpu is None:
        return f"{row.tree:<12} {row.name:<38} {row.note}"
    one = next((r for r in rows if r.tree == row.tree and r.jobs == 1 and r.wall), None)
    speedup = f"{one.wall / row.wall:5.2f}x" if one and one.wall and row.jobs else "      "
    memory = ""
    if row.parent_cpu is not None and row.workers_cpu is not None:
        memory = f"cpu parent {row.parent_cpu:6.2f} s workers {row.workers_cpu:6.2f} s  "
    memory += f"rss parent {row.parent_mb:4.0f} MB" if row.parent_mb else ""
    if row.worker_mb:
        memory += f", worker {row.worker_mb:5.0f} MB"
    return (
        f"{row.tree:<12} {row.name:<38} wall {row.wall:7.2f} s  cpu {row.cpu:7.2f} s  "
        f"{speedup}  {memory}"
    )


def summary(rows: Sequence[Row]) -> list[str]:
    lines = []
    for tree in dict.fromkeys(row.tree for row in rows):
        mine = [row for row in rows if row.tree == tree and row.wall is not None]
        by_name = {row.name: row for row in mine}
        one, two = by_name.get("check --no-cache -j1"), by_name.get("check --no-cache -j2")
        if one and two and one.wall and two.wall:
            lines.append(
                f"{tree}: speed-up at 2 workers {one.wall / two.wall:.2f}x (wall; target >= 1.8x)"
            )
            if one.cpu and two.parent_cpu is not None and two.workers_cpu is not None:
                # On a busy machine wall time measures the neighbours: the speed-up two
                # idle cores would give, from CPU times (the parent's work counted as
                # serial, the workers' split evenly).
                bound = two.parent_cpu + two.workers_cpu / 2
                lines.append(
                    f"{tree}: speed-up at 2 workers from CPU times "
                    f"{one.cpu / bound:.2f}x (j1 CPU / (parent CPU + workers CPU / 2))"
                )
        workers = [row.worker_mb for row in mine if row.worker_mb]
        if workers:
            lines.append(f"{tree}: peak RSS per worker {max(workers):.0f} MB (target <= 150 MB)")
        flake8 = by_name.get("flake8 ANN,ASYNC -j1")
        if one and flake8 and one.cpu and flake8.cpu:
            lines.append(
                f"{tree}: flake8+plugins / checker CPU {flake8.cpu / one.cpu:.1f}x (target >= 10x)"
            )
        warm = by_name.get("check (warm)")
        if warm and warm.wall:
            lines.append(f"{tree}: warm run {warm.wall:.2f} s")
        edited = by_name.get("check FILE after an edit (warm)")
        if edited and edited.wall:
            lines.append(f"{tree}: check FILE after an edit {edited.wall:.2f} s")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modules", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--max-jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-docs-src", action="store_true")
    parser.add_argument("--no-external", action="store_true", help="skip flake8")
    parser.add_argument("--tools-venv", type=Path, default=ROOT / "benchmarks" / ".venv")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--results-dir", type=Path, default=ROOT / "benchmarks" / "results")
    arguments = parser.parse_args(argv)

    tree = BENCH_DIR / f"generated-{arguments.modules}-{arguments.seed}"
    if not (tree / ".fastapi-rules.toml").exists():
        made = generate(tree, arguments.modules, arguments.seed)
        print(f"generated {tree} ({made.line_count} lines)")
    tools: Path | None = None
    if not arguments.no_external:
        from run import tools_venv

        tools, reason = tools_venv(arguments.tools_venv)
        if tools is None:
            print(f"flake8: skipped: {reason}")
    rows = tree_rows("generated", tree / "app", tree, arguments.max_jobs, arguments.repeat, tools)
    if not arguments.no_docs_src:
        from run import bench_root

        from tests.corpus import fastapi_sdist

        sdist = fastapi_sdist()
        if sdist is None:
            print("docs_src: skipped (the FastAPI sdist is not available)")
        else:
            root = bench_root(sdist, ["docs_src"])
            rows += tree_rows(
                "docs_src", root / "docs_src", root, arguments.max_jobs, arguments.repeat, tools
            )
    print()
    for line in summary(rows):
        print(line)
    if arguments.json:
        arguments.results_dir.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        path = arguments.results_dir / f"scale-{stamp}.json"
        path.write_text(json.dumps([asdict(row) for row in rows], indent=2), encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
