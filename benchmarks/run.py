"""Benchmark the checker against a bare LibCST parse and traversal, fixit and flake8.

Run from the repository root (see ``benchmarks/README.md``)::

    python benchmarks/run.py                 # docs_src of the pinned FastAPI sdist
    python benchmarks/run.py --corpus docs_src,tests --repeat 5 --json

In one process, over the same decoded texts, each best of ``--repeat`` runs:

- ``parse``: ``libcst.parse_module`` for every file;
- ``parse+traversal``: parse plus one batched traversal with a trivial visitor through
  ``MetadataWrapper(unsafe_skip_copy=True).visit_batched`` — the floor a LibCST linter
  stands on (the visitor lists its one method itself; the ``(stock)`` row shows what
  LibCST's own ``get_visitors`` adds);
- ``checker``: what ``check --no-cache --jobs 1`` does in-process (``check_all``), with
  the default rules and with ALL rules.

Ratios use CPU time (wall time is printed too): on a shared machine wall time mostly
measures the neighbours.

The project model (``runner.workspace``): its cold build (discover, summarise every
module, build the model) against a cold ``checker (ALL)`` pass, which includes it (target
<= 10%), and one file of a warm project (summary cache present, diagnostics cache empty)
against the same file as a project of its own (target <= 1.5x), in-process and as CLI
subprocesses.

Then, as subprocesses over the same tree: our CLI, fixit and flake8 with
flake8-annotations + flake8-async. The external tools live in their own virtualenv
(``--tools-venv``) so their dependencies never touch ours; they are skipped, with the
reason printed, when they cannot be installed (offline) or with ``--no-external``.

The corpus folders are copied (their Python files) to ``.corpus/bench/`` with a
``.fastapi-rules.toml`` of their own, so that they are one project: the sdist itself sits
in this repository's git checkout, whose root (and ``.gitignore``) would otherwise make
every corpus file a project of its own.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Last, so that the checker measured in-process is the one the CLI rows run: the
# installed one (this checkout's src/ in a development install) or ``PYTHONPATH``'s.
sys.path.append(str(ROOT / "src"))

import libcst as cst  # noqa: E402

from fastapi_rules_lint.engine.gc_tuning import tune_for_linting  # noqa: E402
from fastapi_rules_lint.engine.source import SourceDecodeError, decode_source  # noqa: E402
from fastapi_rules_lint.interfaces.worker import Task, Worker, run_tasks  # noqa: E402
from fastapi_rules_lint.lint.linter import LintSettings, lint_text  # noqa: E402
from fastapi_rules_lint.lint.registry import all_rules, select_codes  # noqa: E402
from fastapi_rules_lint.project.model import ProjectModel  # noqa: E402
from fastapi_rules_lint.runner.summaries import CACHE_NAME  # noqa: E402
from fastapi_rules_lint.runner.workspace import Workspace  # noqa: E402
from tests.corpus import FASTAPI_VERSION, fastapi_sdist  # noqa: E402

TOOLS = ("fixit", "flake8", "flake8-annotations", "flake8-async")
QUICK_FILES = 3
SUBPROCESS_TIMEOUT = 900
BENCH_DIR = ROOT / ".corpus" / "bench"
CACHE_DIR = ".fastapi_rules_cache"
"""The default ``cache-dir`` (the benchmark projects' config leaves it alone)."""
MODEL_TARGET = 0.10
SINGLE_FILE_TARGET = 1.5
FLOOR_TARGET = 1.5
"""checker (ALL) / parse+traversal, CPU (issue 13)."""
FLAKE8_TARGET = 10.0
"""flake8 + flake8-annotations + flake8-async CPU / ours (issue 13)."""


@dataclass
class Row:
    """One measured configuration: CPU and wall-clock seconds (best of N each)."""

    name: str
    cpu: float | None
    wall: float | None
    note: str = ""
    group: str = "in-process"


class _StockVisitor(cst.BatchableCSTVisitor):
    """Does the least a rule does: looks at every Name."""

    def __init__(self) -> None:
        super().__init__()
        self.names = 0

    def visit_Name(self, node: cst.Name) -> None:
        self.names += 1


class _TrivialVisitor(_StockVisitor):
    """The same, without LibCST's ``get_visitors`` (``inspect.getmembers`` over some
    900 stub methods: milliseconds per visitor per file), which any linter can avoid."""

    def get_visitors(self) -> Mapping[str, Callable[[cst.CSTNode], None]]:
        return {"visit_Name": self.visit_Name}  # type: ignore[dict-item]


def best_of(repeat: int, action: Callable[[], object]) -> tuple[float, float]:
    """The fastest (CPU seconds, wall seconds) of ``repeat`` runs of ``action``.

    CPU time is the headline: on a shared machine wall time measures the neighbours.
    """
    best_cpu = best_wall = float("inf")
    for _ in range(repeat):
        gc.collect()
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        action()
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
        best_wall = min(best_wall, time.perf_counter() - start_wall)
    return best_cpu, best_wall


def best_of_interleaved(
    repeat: int, actions: Sequence[Callable[[], object]]
) -> list[tuple[float, float]]:
    """``best_of`` for several actions, run in turns (a, b, c, a, b, c, ...): a machine
    whose speed drifts (a neighbour, the CPU's clock) then skews every action alike, not
    whichever ran during the slow spell, so the ratios between them hold."""
    best = [(float("inf"), float("inf"))] * len(actions)
    for _ in range(repeat):
        for index, action in enumerate(actions):
            cpu, wall = best_of(1, action)
            best[index] = (min(best[index][0], cpu), min(best[index][1], wall))
    return best


def as_a_run(action: Callable[[], object]) -> Callable[[], object]:
    """``action`` under the garbage collector setting of a ``check`` run and its workers
    (``engine.gc_tuning``), restored afterwards: the baseline rows keep the default."""

    def run() -> object:
        threshold = gc.get_threshold()
        tune_for_linting()
        try:
            return action()
        finally:
            gc.unfreeze()
            gc.set_threshold(*threshold)

    return run


def bench_root(sdist: Path, parts: Sequence[str]) -> Path:
    """A copy of the Python files of ``parts`` of the sdist, made once, with a
    ``.fastapi-rules.toml`` (default settings) that makes it one project."""
    target = BENCH_DIR / f"{sdist.name}-{'+'.join(parts)}"
    marker = target / ".copied"
    if marker.exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    for part in parts:
        shutil.copytree(
            sdist / part,
            target / part,
            ignore=lambda folder, names: [
                n for n in names if not n.endswith((".py", ".pyi")) and
                not (Path(folder) / n).is_dir()
            ],
        )
    (target / ".fastapi-rules.toml").write_text(
        "# Written by benchmarks/run.py: the project root (default settings).\n",
        encoding="utf-8",
    )
    marker.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return target


def load_corpus(root: Path, parts: Sequence[str], limit: int | None) -> list[tuple[str, str]]:
    """(path relative to ``root``, decoded text) for every Python file, sorted."""
    files = sorted(path for part in parts for path in (root / part).rglob("*.py"))
    if limit is not None:
        files = files[:limit]
    loaded: list[tuple[str, str]] = []
    for path in files:
        try:
            text = decode_source(path.read_bytes()).text
        except SourceDecodeError:
            continue
        loaded.append((str(path.relative_to(root)), text))
    return loaded


def parse_all(corpus: Sequence[tuple[str, str]]) -> None:
    """Bare LibCST parsing."""
    for _, text in corpus:
        cst.parse_module(text)


def parse_and_traverse(
    corpus: Sequence[tuple[str, str]], visitor: type[_StockVisitor] = _TrivialVisitor
) -> None:
    """Parse plus one batched traversal with a trivial visitor."""
    for _, text in corpus:
        module = cst.parse_module(text)
        cst.MetadataWrapper(module, unsafe_skip_copy=True).visit_batched([visitor()])


def check_all(root: Path, corpus: Sequence[tuple[str, str]], settings: LintSettings) -> int:
    """What ``check --no-cache --jobs 1`` does in-process: build the project model (no
    summary cache) and every file's view, then lint the files as the CLI's one-process
    path does (``interfaces.worker.run_tasks``: the risky-file pre-check, batches of files
    per hop to the big-stack thread)."""
    workspace = Workspace(use_cache=False)
    tasks = [
        Task(path, text, settings, workspace.view_for(root / path, text))
        for path, text in corpus
    ]
    return sum(len(outcome.diagnostics) for outcome in run_tasks(Worker(), tasks, jobs=1))


def per_rule_costs(
    root: Path, corpus: Sequence[tuple[str, str]], repeat: int
) -> list[tuple[str, float]]:
    """CPU seconds each rule adds to the engine alone (FRL001: parse, context, walk).

    The engine-alone run is measured again right before each rule and the difference
    is taken pairwise, so a machine whose speed drifts skews one pair, not all.
    Differences under ~0.05 s are noise.
    """
    base_settings = LintSettings(frozenset({"FRL001"}))
    bases: list[float] = []
    costs: list[tuple[str, float]] = []
    for rule in all_rules():
        if rule.code in base_settings.enabled:
            continue
        base = best_of(repeat, partial(check_all, root, corpus, base_settings))[0]
        settings = LintSettings(base_settings.enabled | {rule.code})
        cost = best_of(repeat, partial(check_all, root, corpus, settings))[0] - base
        costs.append((rule.code, cost))
        bases.append(base)
    return [("engine alone (FRL001)", min(bases, default=0.0)), *costs]


def peak_memory(action: Callable[[], object]) -> int:
    """Peak bytes traced by ``tracemalloc`` while ``action`` runs."""
    gc.collect()
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# --- the project model -------------------------------------------------------------------


def model_rows(root: Path, anchor: Path, repeat: int) -> list[Row]:
    """The project model's build: cold (no summary cache: discover, summarise every
    module, build), warm (a new ``Workspace`` reading the summary cache) and the model
    alone (``ProjectModel.build`` from the summaries). Leaves the summary cache filled."""
    cold = best_of(repeat, lambda: Workspace(use_cache=False).project_for(anchor))
    modules = Workspace().project_for(anchor).model.modules  # fills the summary cache
    warm = best_of(repeat, lambda: Workspace().project_for(anchor))
    model = best_of(repeat, lambda: ProjectModel.build(modules))
    cache = root / CACHE_DIR / CACHE_NAME
    size = cache.stat().st_size if cache.exists() else 0
    return [
        Row("project model, cold", *cold, f"{len(modules)} modules: discover+summarise+build",
            "project model"),
        Row("project model, warm", *warm,
            f"summary cache {size / 2**20:.1f} MiB, {size // max(1, len(modules))} B/module",
            "project model"),
        Row("project model, build only", *model, "ProjectModel.build from summaries",
            "project model"),
    ]


def single_file(root: Path, corpus: Sequence[tuple[str, str]], chosen: str | None) -> str:
    """The file of the single-file rows: ``chosen``, else the first that imports FastAPI."""
    if chosen is not None:
        return chosen
    for path, text in corpus:
        if "from fastapi" in text or "import fastapi" in text:
            return path
    return corpus[0][0]


def alone_copy(root: Path, relative: str) -> Path:
    """``relative`` copied into a fresh folder outside any project: a project of its own
    (no settings file, no VCS root: the working folder is the root)."""
    folder = Path(tempfile.mkdtemp(prefix="frl-alone-"))
    target = folder / Path(relative).name
    shutil.copyfile(root / relative, target)
    return target


def single_file_in_process(
    root: Path, relative: str, alone: Path, settings: LintSettings, repeat: int
) -> list[Row]:
    """Lint one file with its warm project's view vs the same file as its own project,
    in-process (each run a new ``Workspace``, as a new CLI process would be)."""
    text = (root / relative).read_text(encoding="utf-8")

    def warm() -> None:
        view = Workspace().view_for(root / relative, text)
        lint_text(text, relative, settings, view)

    def by_itself() -> None:
        view = Workspace(use_cache=False, cwd=alone.parent).view_for(alone, text)
        lint_text(text, alone.name, settings, view)

    Workspace().project_for(root / relative)  # the summary cache is present
    group = "single file (in-process)"
    return [
        Row("file alone (own project)", *best_of(repeat, by_itself), "the reference", group),
        Row("file of the warm project", *best_of(repeat, warm),
            "summary cache read, model built", group),
    ]


def _time_prepared(
    name: str, command: Sequence[str], cwd: Path, repeat: int, prepare: Callable[[], None],
    group: str, note: str,
) -> Row:
    """Like ``time_command``, with ``prepare()`` (untimed) before each run."""
    best_wall = best_cpu = float("inf")
    for _ in range(repeat):
        prepare()
        start_cpu, start_wall = _children_cpu(), time.perf_counter()
        try:
            result = _run(command, cwd)
        except (OSError, subprocess.SubprocessError) as error:
            return Row(name, None, None, f"failed: {error}", group)
        best_wall = min(best_wall, time.perf_counter() - start_wall)
        best_cpu = min(best_cpu, _children_cpu() - start_cpu)
        if result.returncode not in (0, 1):
            detail = (result.stderr or result.stdout).strip().splitlines()
            return Row(name, None, None,
                       f"failed (exit {result.returncode}): {detail[-1] if detail else ''}",
                       group)
    return Row(name, best_cpu, best_wall, note, group)


def single_file_cli(root: Path, relative: str, alone: Path, repeat: int) -> list[Row]:
    """``check FILE`` as a subprocess: in its warm project (summary cache present, the
    diagnostics cache emptied before each run so the file is linted) vs the same file as
    a project of its own (its diagnostics cache emptied too), and ``check --no-cache
    FILE`` in the project (the model built from scratch)."""
    cli = [sys.executable, "-m", "fastapi_rules_lint", "check", "--exit-zero"]
    group = "single file (CLI)"

    def forget_diagnostics(folder: Path) -> Callable[[], None]:
        def forget() -> None:
            for cache in (folder / CACHE_DIR).glob("v*"):  # every format's folder
                shutil.rmtree(cache, ignore_errors=True)

        return forget

    _run([*cli, relative], root)  # fills the summary cache (and stamps this version)
    return [
        _time_prepared("check FILE alone (own project)", [*cli, alone.name], alone.parent,
                       repeat, forget_diagnostics(alone.parent), group, "the reference"),
        _time_prepared("check FILE, warm project", [*cli, relative], root, repeat,
                       forget_diagnostics(root), group,
                       "summary cache present, diagnostics cache empty"),
        _time_prepared("check --no-cache FILE", [*cli, "--no-cache", relative], root, repeat,
                       lambda: None, group, "project model built from scratch"),
    ]


# --- subprocesses ------------------------------------------------------------------------


def _run(command: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(command), cwd=cwd, capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT
    )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_command(
    name: str, command: Sequence[str], cwd: Path, repeat: int, ok_codes: Sequence[int]
) -> Row:
    """Best-of wall-clock and CPU time (all its processes) of a subprocess; a failed run
    is reported, not raised."""
    best_wall = best_cpu = float("inf")
    note = ""
    for _ in range(repeat):
        start_cpu, start_wall = _children_cpu(), time.perf_counter()
        try:
            result = _run(command, cwd)
        except (OSError, subprocess.SubprocessError) as error:
            return Row(name, None, None, f"failed: {error}", "subprocess")
        best_wall = min(best_wall, time.perf_counter() - start_wall)
        best_cpu = min(best_cpu, _children_cpu() - start_cpu)
        if result.returncode not in ok_codes:
            detail = (result.stderr or result.stdout).strip().splitlines()
            last = detail[-1] if detail else ""
            return Row(name, None, None, f"failed (exit {result.returncode}): {last}",
                       "subprocess")
        lines = result.stdout.splitlines()
        # fixit reports a clean run on stderr only.
        note = f"{len(lines)} output lines" if lines else result.stderr.strip()[-60:]
    return Row(name, best_cpu, best_wall, note, "subprocess")


def tools_venv(path: Path) -> tuple[Path | None, str]:
    """The tools virtualenv's bin folder, created on first use; (None, reason) when the
    tools cannot be installed."""
    bin_dir = path / "bin"
    flake8 = bin_dir / "flake8"
    if (bin_dir / "fixit").exists() and flake8.exists():
        version = _run([str(flake8), "--version"], ROOT).stdout
        if "flake8-annotations" in version and "flake8-async" in version:
            return bin_dir, ""
    try:
        if not (bin_dir / "python").exists():
            subprocess.run(
                [sys.executable, "-m", "venv", str(path)], check=True, capture_output=True,
                timeout=SUBPROCESS_TIMEOUT,
            )
        subprocess.run(
            [str(bin_dir / "python"), "-m", "pip", "install", "--quiet",
             "--disable-pip-version-check", "--retries", "1", "--timeout", "15", *TOOLS],
            check=True, capture_output=True, timeout=SUBPROCESS_TIMEOUT,
        )
    except (OSError, subprocess.SubprocessError) as error:
        stderr = getattr(error, "stderr", None) or b""
        detail = stderr.decode(errors="replace").strip().splitlines() or [type(error).__name__]
        return None, f"cannot install {' '.join(TOOLS)} into {path} ({detail[-1][:80]})"
    return bin_dir, ""


def external_rows(
    bin_dir: Path, sdist: Path, targets: Sequence[str], repeat: int
) -> list[Row]:
    """fixit and flake8 + plugins over the same files.

    fixit skips what the enclosing git checkout ignores, and this repository's
    ``.gitignore`` leaves ``.corpus/`` out: it is given a copy of the files outside the
    checkout (made once per run, in the system's temporary folder)."""
    flake8 = [str(bin_dir / "flake8"), "--select", "ANN,ASYNC"]
    with tempfile.TemporaryDirectory(prefix="fastapi-rules-fixit-") as outside:
        for target in targets:
            source, copy = sdist / target, Path(outside) / target
            copy.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, copy)
            else:
                shutil.copy2(source, copy)
        fixit = time_command("fixit lint (all cores)", [str(bin_dir / "fixit"), "lint",
                             *targets], Path(outside), repeat, ok_codes=range(256))
    return [
        fixit,
        time_command("flake8 ANN,ASYNC -j1", [*flake8, "-j1", *targets], sdist, repeat, (0, 1)),
        time_command("flake8 ANN,ASYNC -j2", [*flake8, "-j2", *targets], sdist, repeat, (0, 1)),
    ]


def cli_rows(sdist: Path, targets: Sequence[str], repeat: int) -> list[Row]:
    """Our CLI as a subprocess (default rules; one and two jobs) when it exists."""
    cli = [sys.executable, "-m", "fastapi_rules_lint"]
    try:
        helped = _run([*cli, "check", "--help"], ROOT)
    except (OSError, subprocess.SubprocessError) as error:
        return [Row("fastapi-rules check", None, None, f"skipped: {error}", "subprocess")]
    if helped.returncode != 0:
        return [Row("fastapi-rules check", None, None, "skipped: the CLI is not available",
                    "subprocess")]
    base = [*cli, "check", "--exit-zero"]
    if "--no-cache" in helped.stdout:
        base.append("--no-cache")
    if "--jobs" not in helped.stdout:
        return [time_command("fastapi-rules check", [*base, *targets], sdist, repeat, (0,))]
    return [
        time_command("fastapi-rules check -j1", [*base, "--jobs", "1", *targets], sdist,
                     repeat, (0,)),
        time_command("fastapi-rules check -j2", [*base, "--jobs", "2", *targets], sdist,
                     repeat, (0,)),
    ]


# --- report --------------------------------------------------------------------------------


GROUPS = (
    ("in-process", "x p+t"),
    ("project model", "x chk"),
    ("single file (in-process)", "x alone"),
    ("single file (CLI)", "x alone"),
    ("subprocess", "x ours"),
)
"""Row groups and their ratio columns: CPU against parse+traversal; CPU against a cold
checker (ALL) pass; CPU against the file alone; wall against the file alone; wall
against our CLI with the same number of jobs."""


def render(rows: Sequence[Row], baseline: float) -> str:
    """Plain-text tables, one per group (see ``GROUPS``)."""
    width = max(len(row.name) for row in rows) + 2
    lines: list[str] = []
    for group, ratio_title in GROUPS:
        members = [row for row in rows if row.group == group]
        if not members:
            continue
        lines += ["", f"{group:<{width}}{'cpu s':>9}{'wall s':>9}{ratio_title:>8}  note",
                  "-" * (width + 50)]
        for row in members:
            if row.cpu is None or row.wall is None:
                lines.append(f"{row.name:<{width}}{'-':>9}{'-':>9}{'':>8}  {row.note}")
                continue
            if group == "in-process":
                ratio = row.cpu / baseline if baseline else float("nan")
            elif group != "subprocess":
                ratio = _group_ratio(row, members, rows)
            else:
                ours = _same_jobs_reference(row, rows)
                ratio = row.wall / ours.wall if ours is not None and ours.wall else float("nan")
            lines.append(
                f"{row.name:<{width}}{row.cpu:>9.3f}{row.wall:>9.3f}{ratio:>8.2f}  {row.note}"
            )
    return "\n".join(lines)


def _group_ratio(row: Row, members: Sequence[Row], rows: Sequence[Row]) -> float:
    """CPU against a cold checker (ALL) pass for the model rows; against the group's
    first row (the file alone) for the single-file rows: CPU in-process, wall for CLI
    runs (what a person waits for)."""
    if row.group == "project model":
        reference = next((r for r in rows if r.name == "checker (ALL)"), None)
        if reference is None or not reference.cpu or row.cpu is None:
            return float("nan")
        return row.cpu / reference.cpu
    first = members[0]
    if row.group == "single file (CLI)":
        return row.wall / first.wall if row.wall and first.wall else float("nan")
    return row.cpu / first.cpu if row.cpu and first.cpu else float("nan")


def target_lines(rows: Sequence[Row]) -> dict[str, float]:
    """The project model's targets: (cold model build) / (cold checker ALL) <= 10%;
    (one file of a warm project) / (the file alone) <= 1.5x."""
    by_name = {row.name: row for row in rows}
    ratios: dict[str, float] = {}

    def ratio(key: str, top: str, bottom: str, attribute: str) -> None:
        first, second = by_name.get(top), by_name.get(bottom)
        if first is None or second is None:
            return
        numerator, denominator = getattr(first, attribute), getattr(second, attribute)
        if numerator is not None and denominator:
            ratios[key] = numerator / denominator

    ratio("model_cold_over_checker_all_cpu", "project model, cold", "checker (ALL)", "cpu")
    ratio("single_file_warm_over_alone_in_process_cpu", "file of the warm project",
          "file alone (own project)", "cpu")
    ratio("single_file_warm_over_alone_cli_wall", "check FILE, warm project",
          "check FILE alone (own project)", "wall")
    ratio("single_file_warm_over_alone_cli_cpu", "check FILE, warm project",
          "check FILE alone (own project)", "cpu")
    ratio("single_file_no_cache_over_alone_cli_wall", "check --no-cache FILE",
          "check FILE alone (own project)", "wall")
    return ratios


def _same_jobs_reference(row: Row, rows: Sequence[Row]) -> Row | None:
    """Our CLI run with as many jobs as ``row`` (``-jN``), else with the most jobs
    (fixit uses every core)."""
    ours = [c for c in rows if c.name.startswith("fastapi-rules check") and c.wall]
    jobs = row.name.rsplit(" ", 1)[-1]
    for candidate in ours:
        if candidate.name == f"fastapi-rules check {jobs}":
            return candidate
    return ours[-1] if ours else None


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default="docs_src",
                        help="comma-separated sdist folders (docs_src, tests)")
    parser.add_argument("--tree", type=Path, default=None,
                        help="measure this folder (its top-level folders) instead of the sdist, "
                             "e.g. .corpus/bench/generated-2000-13 from scale.py")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N files")
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK_FILES} files, one run, no external tools (smoke test)")
    parser.add_argument("--no-external", action="store_true", help="skip fixit and flake8")
    parser.add_argument("--no-cli", action="store_true", help="skip our CLI subprocess")
    parser.add_argument("--tools-venv", type=Path, default=ROOT / "benchmarks" / ".venv",
                        help="virtualenv for fixit/flake8 (created on first use)")
    parser.add_argument("--per-rule", action="store_true",
                        help="also measure the CPU time each rule adds to the engine")
    parser.add_argument("--no-project", action="store_true",
                        help="skip the project model and single-file measurements")
    parser.add_argument("--single-file", default=None,
                        help="corpus-relative file for the single-file rows (default: the "
                             "first that imports FastAPI)")
    parser.add_argument("--json", action="store_true", help="write results as JSON")
    parser.add_argument("--results-dir", type=Path, default=ROOT / "benchmarks" / "results")
    arguments = parser.parse_args(argv)
    if arguments.quick:
        arguments.limit = arguments.limit or QUICK_FILES
        arguments.repeat = 1
        arguments.no_external = True
    return arguments


def main(argv: Sequence[str] | None = None) -> int:
    """Run every measurement and print the table."""
    arguments = parse_arguments(argv)
    if arguments.tree is not None:
        root = arguments.tree.resolve()
        parts = sorted(entry.name for entry in root.iterdir() if entry.is_dir())
    else:
        sdist = fastapi_sdist()
        if sdist is None:
            print("skipped: the FastAPI sdist could not be fetched (offline?)", file=sys.stderr)
            return 1
        parts = [part.strip() for part in arguments.corpus.split(",") if part.strip()]
        root = bench_root(sdist, parts)
    corpus = load_corpus(root, parts, arguments.limit)
    repeat = max(1, arguments.repeat)
    default = LintSettings()
    everything = LintSettings(enabled=select_codes(["ALL"]))
    all_rules()  # rule discovery (imports) is start-up cost, not per-file work
    tree = root.name if arguments.tree is not None else f"fastapi {FASTAPI_VERSION}"
    print(f"{tree} {'+'.join(parts)}: {len(corpus)} files, best of {repeat}, "
          f"{len(default.enabled)} default / {len(everything.enabled)} rules, "
          f"Python {platform.python_version()}, libcst {_version('libcst')}")

    found = check_all(root, corpus, everything)  # warm-up: imports, caches, pydantic models
    # In turns, so that the ratios to the baseline survive a machine whose speed drifts.
    parse, floor, stock, checker_default, checker_all = best_of_interleaved(repeat, [
        lambda: parse_all(corpus),
        lambda: parse_and_traverse(corpus),
        lambda: parse_and_traverse(corpus, _StockVisitor),
        as_a_run(lambda: check_all(root, corpus, default)),
        as_a_run(lambda: check_all(root, corpus, everything)),
    ])
    rows = [
        Row("parse", *parse),
        Row("parse+traversal", *floor, "the baseline"),
        Row("parse+traversal (stock)", *stock, "LibCST's own get_visitors()"),
        Row("checker (default)", *checker_default),
        Row("checker (ALL)", *checker_all,
            f"{found} diagnostics; includes the cold project model"),
    ]
    baseline = rows[1].cpu or 0.0
    memory = {
        "checker_all_tracemalloc_peak_bytes": peak_memory(
            lambda: check_all(root, corpus, everything)),
        "parse_traversal_tracemalloc_peak_bytes": peak_memory(
            lambda: parse_and_traverse(corpus)),
    }
    if not arguments.no_project:
        rows += model_rows(root, root / corpus[0][0], repeat)
        chosen = single_file(root, corpus, arguments.single_file)
        alone = alone_copy(root, chosen)
        try:
            rows += single_file_in_process(root, chosen, alone, default, repeat)
            if not arguments.no_cli:
                rows += single_file_cli(root, chosen, alone, repeat)
        finally:
            shutil.rmtree(alone.parent, ignore_errors=True)
        print(f"single file: {chosen}")
    targets = [path for path, _ in corpus] if arguments.limit is not None else parts
    if not arguments.no_cli:
        rows += cli_rows(root, targets, repeat)
    if not arguments.no_external:
        bin_dir, reason = tools_venv(arguments.tools_venv)
        if bin_dir is None:
            rows.append(Row("fixit / flake8", None, None, f"skipped: {reason}", "subprocess"))
        else:
            rows += external_rows(bin_dir, root, targets, repeat)
    memory["max_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    print(render(rows, baseline))
    for name in ("checker (default)", "checker (ALL)"):
        checker = next(row.cpu for row in rows if row.name == name) or 0.0
        print(f"\n{name} / parse+traversal = {checker / baseline:.2f}x CPU "
              f"(target <= {FLOOR_TARGET:g}x, issue 13)", end="")
    by_name = {row.name: row for row in rows}
    for jobs in ("-j1", "-j2"):
        ours, theirs = by_name.get(f"fastapi-rules check {jobs}"), by_name.get(
            f"flake8 ANN,ASYNC {jobs}")
        if ours and theirs and ours.cpu and theirs.cpu:
            print(f"\nflake8 ANN,ASYNC {jobs} / fastapi-rules check {jobs} = "
                  f"{theirs.cpu / ours.cpu:.1f}x CPU (target >= {FLAKE8_TARGET:g}x)", end="")
    checker_all = by_name.get("checker (ALL)")
    flake8_j1 = by_name.get("flake8 ANN,ASYNC -j1")
    if checker_all and flake8_j1 and checker_all.cpu and flake8_j1.cpu:
        print(f"\nflake8 ANN,ASYNC -j1 / checker (ALL) in-process = "
              f"{flake8_j1.cpu / checker_all.cpu:.1f}x CPU (target >= {FLAKE8_TARGET:g}x)",
              end="")
    print(f"\npeak memory: checker (ALL) "
          f"{memory['checker_all_tracemalloc_peak_bytes'] / 2**20:.1f} MiB traced "
          f"(parse+traversal {memory['parse_traversal_tracemalloc_peak_bytes'] / 2**20:.1f} MiB)"
          f", process max RSS {memory['max_rss_bytes'] / 2**20:.0f} MiB")
    ratios = target_lines(rows)
    for key, label, target, unit in (
        ("model_cold_over_checker_all_cpu", "project model cold / checker (ALL) cold",
         MODEL_TARGET, "CPU"),
        ("single_file_warm_over_alone_in_process_cpu",
         "one file of a warm project / the file alone, in-process", SINGLE_FILE_TARGET, "CPU"),
        ("single_file_warm_over_alone_cli_wall",
         "check FILE (warm project) / check FILE alone, CLI", SINGLE_FILE_TARGET, "wall"),
    ):
        if key in ratios:
            print(f"{label} = {ratios[key]:.2f}x {unit} (target <= {target:g}x)")
    per_rule: list[tuple[str, float]] = []
    if arguments.per_rule:
        per_rule = per_rule_costs(root, corpus, repeat)
        print("\nper rule (CPU s added to the engine alone; x p+t)")
        for name, cost in [per_rule[0], *sorted(per_rule[1:], key=lambda item: -item[1])]:
            print(f"  {name:<24}{cost:>8.3f}{cost / baseline:>8.2f}")
    if arguments.json:
        _write_json(arguments.results_dir, parts, len(corpus), repeat, rows, memory, per_rule,
                    ratios)
    return 0


def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "?"


def _write_json(
    directory: Path, parts: Sequence[str], files: int, repeat: int, rows: Sequence[Row],
    memory: dict[str, int], per_rule: Sequence[tuple[str, float]], ratios: dict[str, float],
) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = directory / f"benchmark-{stamp}.json"
    payload = {
        "fastapi_version": FASTAPI_VERSION,
        "corpus": list(parts),
        "files": files,
        "repeat": repeat,
        "python": platform.python_version(),
        "libcst": _version("libcst"),
        "machine": platform.machine(),
        "rows": [asdict(row) for row in rows],
        "memory": memory,
        "per_rule_cpu_seconds": dict(per_rule),
        "ratios": ratios,
    }
    target.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"results written to {target}")


if __name__ == "__main__":
    sys.exit(main())
