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
- ``checker``: ``lint_text`` with the default rules and with ALL rules.

Ratios use CPU time (wall time is printed too): on a shared machine wall time mostly
measures the neighbours.

Then, as subprocesses over the same tree: our CLI, fixit and flake8 with
flake8-annotations + flake8-async. The external tools live in their own virtualenv
(``--tools-venv``) so their dependencies never touch ours; they are skipped, with the
reason printed, when they cannot be installed (offline) or with ``--no-external``.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

import libcst as cst  # noqa: E402

from fastapi_rules_lint.engine.source import SourceDecodeError, decode_source  # noqa: E402
from fastapi_rules_lint.lint.linter import LintSettings, lint_text  # noqa: E402
from fastapi_rules_lint.lint.registry import all_rules, select_codes  # noqa: E402
from fastapi_rules_lint.runner.workspace import Workspace  # noqa: E402
from tests.corpus import FASTAPI_VERSION, fastapi_sdist  # noqa: E402

TOOLS = ("fixit", "flake8", "flake8-annotations", "flake8-async")
QUICK_FILES = 3
SUBPROCESS_TIMEOUT = 900


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


def check_all(corpus: Sequence[tuple[str, str]], settings: LintSettings) -> int:
    """What the CLI does in-process: index the project, lint every file."""
    workspace = Workspace(use_cache=False)
    return sum(
        len(lint_text(text, path, settings, workspace.view_for(Path(path), text)))
        for path, text in corpus
    )


def per_rule_costs(corpus: Sequence[tuple[str, str]], repeat: int) -> list[tuple[str, float]]:
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
        base = best_of(repeat, partial(check_all, corpus, base_settings))[0]
        settings = LintSettings(base_settings.enabled | {rule.code})
        costs.append((rule.code, best_of(repeat, partial(check_all, corpus, settings))[0] - base))
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
    """fixit and flake8 + plugins over the same files."""
    flake8 = [str(bin_dir / "flake8"), "--select", "ANN,ASYNC"]
    return [
        time_command("fixit lint (all cores)", [str(bin_dir / "fixit"), "lint", *targets],
                     sdist, repeat, ok_codes=range(256)),
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


def render(rows: Sequence[Row], baseline: float) -> str:
    """Plain-text tables. In-process ratios are CPU time against parse+traversal;
    subprocess ratios are wall time against our CLI with the same number of jobs."""
    width = max(len(row.name) for row in rows) + 2
    lines: list[str] = []
    for group, ratio_title in (("in-process", "x p+t"), ("subprocess", "x ours")):
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
            else:
                ours = _same_jobs_reference(row, rows)
                ratio = row.wall / ours.wall if ours is not None and ours.wall else float("nan")
            lines.append(
                f"{row.name:<{width}}{row.cpu:>9.3f}{row.wall:>9.3f}{ratio:>8.2f}  {row.note}"
            )
    return "\n".join(lines)


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
    sdist = fastapi_sdist()
    if sdist is None:
        print("skipped: the FastAPI sdist could not be fetched (offline?)", file=sys.stderr)
        return 1
    parts = [part.strip() for part in arguments.corpus.split(",") if part.strip()]
    corpus = load_corpus(sdist, parts, arguments.limit)
    repeat = max(1, arguments.repeat)
    default = LintSettings()
    everything = LintSettings(enabled=select_codes(["ALL"]))
    all_rules()  # rule discovery (imports) is start-up cost, not per-file work
    print(f"fastapi {FASTAPI_VERSION} {'+'.join(parts)}: {len(corpus)} files, best of {repeat}, "
          f"{len(default.enabled)} default / {len(everything.enabled)} rules, "
          f"Python {platform.python_version()}, libcst {_version('libcst')}")

    found = check_all(corpus, everything)  # warm-up: imports, caches, pydantic models
    rows = [
        Row("parse", *best_of(repeat, lambda: parse_all(corpus))),
        Row("parse+traversal", *best_of(repeat, lambda: parse_and_traverse(corpus)),
            "the baseline"),
        Row("parse+traversal (stock)",
            *best_of(repeat, lambda: parse_and_traverse(corpus, _StockVisitor)),
            "LibCST's own get_visitors()"),
        Row("checker (default)", *best_of(repeat, lambda: check_all(corpus, default))),
        Row("checker (ALL)", *best_of(repeat, lambda: check_all(corpus, everything)),
            f"{found} diagnostics"),
    ]
    baseline = rows[1].cpu or 0.0
    memory = {
        "checker_all_tracemalloc_peak_bytes": peak_memory(lambda: check_all(corpus, everything)),
        "parse_traversal_tracemalloc_peak_bytes": peak_memory(
            lambda: parse_and_traverse(corpus)),
    }
    targets = [path for path, _ in corpus] if arguments.limit is not None else parts
    if not arguments.no_cli:
        rows += cli_rows(sdist, targets, repeat)
    if not arguments.no_external:
        bin_dir, reason = tools_venv(arguments.tools_venv)
        if bin_dir is None:
            rows.append(Row("fixit / flake8", None, None, f"skipped: {reason}", "subprocess"))
        else:
            rows += external_rows(bin_dir, sdist, targets, repeat)
    memory["max_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    print(render(rows, baseline))
    for name in ("checker (default)", "checker (ALL)"):
        checker = next(row.cpu for row in rows if row.name == name) or 0.0
        print(f"\n{name} / parse+traversal = {checker / baseline:.2f}x CPU (target <= 2x)", end="")
    print(f"\npeak memory: checker (ALL) "
          f"{memory['checker_all_tracemalloc_peak_bytes'] / 2**20:.1f} MiB traced "
          f"(parse+traversal {memory['parse_traversal_tracemalloc_peak_bytes'] / 2**20:.1f} MiB)"
          f", process max RSS {memory['max_rss_bytes'] / 2**20:.0f} MiB")
    per_rule: list[tuple[str, float]] = []
    if arguments.per_rule:
        per_rule = per_rule_costs(corpus, repeat)
        print("\nper rule (CPU s added to the engine alone; x p+t)")
        for name, cost in [per_rule[0], *sorted(per_rule[1:], key=lambda item: -item[1])]:
            print(f"  {name:<24}{cost:>8.3f}{cost / baseline:>8.2f}")
    if arguments.json:
        _write_json(arguments.results_dir, parts, len(corpus), repeat, rows, memory, per_rule)
    return 0


def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "?"


def _write_json(
    directory: Path, parts: Sequence[str], files: int, repeat: int, rows: Sequence[Row],
    memory: dict[str, int], per_rule: Sequence[tuple[str, float]],
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
    }
    target.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"results written to {target}")


if __name__ == "__main__":
    sys.exit(main())
