"""Measure the project model on real FastAPI applications (see ``benchmarks/README.md``).

Usage (from the repository root, with the project's virtualenv)::

    python scripts/measure_projects.py                   # every app, full report
    python scripts/measure_projects.py --apps prefect,opal-server --sample 10
    python scripts/measure_projects.py --no-before       # skip the before/after tables

Pinned versions of real applications are downloaded once from PyPI (``pip download
--no-deps``, the wheel: it holds the ``.py`` sources) into ``.corpus/apps/`` (git-ignored)
and only their ``.py``/``.pyi`` files are unpacked. The FastAPI sdist of
``tests/corpus.py`` (its ``docs_src/`` and ``tests/``) is measured too, from a copy of
its Python files in ``.corpus/apps/fastapi-<version>/``.

The project: each unpacked distribution gets a ``.fastapi-rules.toml`` (``select =
["ALL"]``) at its root. Project root discovery is config file → VCS root → working
folder, and ``.corpus/`` sits inside this repository's git checkout, so without a config
file the root would be *this repository*, whose ``.gitignore`` leaves ``.corpus/`` out:
every app file would be linted as a project of its own. With the file, the project is
the whole distribution, as in the app's own repository (``prefect/server`` sees the rest
of ``prefect``); the reports are about the app folders only.

For each app:

(a) route handlers: decorators ``@<owner>.<get|post|...|websocket>(`` the engine treats
    as routes (the linter's own ``ModuleContext`` and traversal, fed the project view of
    each module) vs an independent regex count of the same decorators in the text, and
    the ``ast`` count the summaries keep; owners the engine misses are listed.
(b) consistency: ``check --no-cache --output-format json --select ALL <app folders>``
    once, then the same on each of a deterministic sample of files (files with routes
    first, ordered by a hash of their path) and ``--stdin-filename`` on the first few of
    them: files whose (code, row, column) multisets differ from the whole run's.
(c) rule counts with ``--select ALL`` now vs before the project model (commit
    ``f9e7d58``, run from a git worktree with ``PYTHONPATH=<worktree>/src``).
(d) model build time in-process: cold (``Workspace(use_cache=False)``), first run with
    the summary cache (building and writing it) and warm (a new ``Workspace`` reading
    it); modules, the model's own build time, the summary cache's size.

Output: a markdown report on stdout and in ``benchmarks/results/projects.md``
(git-ignored). Offline (nothing can be downloaded) it says so and exits 0.

The checker measured is the one this script imports, in-process and as the CLI
(``PYTHONPATH``): this checkout's ``src/`` unless ``PYTHONPATH`` names another, so a
tree being edited can be measured from a copy: ``cp -r src /tmp/snap && PYTHONPATH=/tmp/snap
python scripts/measure_projects.py``.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
# Last: an installed checker or ``PYTHONPATH`` (a snapshot of src/, say) comes first.
sys.path.append(str(ROOT / "src"))

import libcst as cst  # noqa: E402

import fastapi_rules_lint  # noqa: E402
from fastapi_rules_lint.config.loader import load_config  # noqa: E402
from fastapi_rules_lint.engine.source import SourceDecodeError, decode_source  # noqa: E402
from fastapi_rules_lint.engine.traversal import cached_visitors, traverse  # noqa: E402
from fastapi_rules_lint.files import Discovery  # noqa: E402

# The engine's own context visitors: the measurement runs exactly what the linter runs.
from fastapi_rules_lint.lint.context_visitors import (  # noqa: E402
    EnterContext,
    LeaveContext,
    Reports,
)
from fastapi_rules_lint.project.model import ProjectModel  # noqa: E402
from fastapi_rules_lint.runner.summaries import CACHE_NAME  # noqa: E402
from fastapi_rules_lint.runner.workspace import Project, Workspace  # noqa: E402
from fastapi_rules_lint.semantics.fastapi.apps import ROUTE_METHODS, analyse_module  # noqa: E402
from fastapi_rules_lint.semantics.fastapi.context import ModuleContext  # noqa: E402
from fastapi_rules_lint.semantics.python.names import build_binding_table  # noqa: E402
from tests.corpus import FASTAPI_VERSION, fastapi_sdist  # noqa: E402

APPS_DIR = ROOT / ".corpus" / "apps"
RESULTS = ROOT / "benchmarks" / "results" / "projects.md"
BEFORE_REF = "f9e7d58"
BEFORE_WORKTREE = Path("/tmp/frl-before")
CONFIG_NAME = ".fastapi-rules.toml"
CONFIG_TEXT = '# Written by scripts/measure_projects.py: the project root.\nselect = ["ALL"]\n'
COMPLETE = ".unpacked"
TIMEOUT = 1800
NOW_SRC = Path(fastapi_rules_lint.__file__).resolve().parent.parent
"""The checker measured: the one imported here, also run as the CLI (``PYTHONPATH``)."""

ROUTE_DECORATOR = re.compile(
    r"^[ \t]*@[ \t]*([A-Za-z_][\w.]*)\.(" + "|".join(sorted(ROUTE_METHODS)) + r")[ \t]*\(",
    re.MULTILINE,
)


@dataclass(frozen=True)
class App:
    """A pinned application and the folders of it that are measured."""

    name: str
    distribution: str
    version: str
    folders: tuple[str, ...]
    """Posix paths relative to the unpacked root."""


APPS = (
    App("open-webui", "open-webui", "0.12.4", ("open_webui",)),
    App("prefect", "prefect", "3.9.1", ("prefect/server",)),
    App("airflow", "apache-airflow-core", "3.3.2", ("airflow/api_fastapi",)),
    App("opal-server", "opal-server", "0.9.9", ("opal_server",)),
)
SDIST = App("fastapi", "fastapi", FASTAPI_VERSION, ("docs_src", "tests"))


# --- fetching --------------------------------------------------------------------------


def _is_python(name: str) -> bool:
    return name.endswith((".py", ".pyi"))


def _safe(name: str) -> PurePosixPath | None:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts:
        return None
    return path


def _unpack(archive: Path, target: Path) -> None:
    """Only the Python files of a wheel (as laid out) or an sdist (its top folder
    stripped)."""
    if archive.suffix == ".whl" or archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as opened:
            strip = archive.suffix == ".zip"
            for info in opened.infolist():
                path = _safe(info.filename)
                if path is None or info.is_dir() or not _is_python(info.filename):
                    continue
                if any(part.endswith(".dist-info") for part in path.parts):
                    continue
                if strip:
                    path = PurePosixPath(*path.parts[1:])
                destination = target / path
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(opened.read(info))
        return
    with tarfile.open(archive) as opened:
        for member in opened.getmembers():
            path = _safe(member.name)
            if path is None or not member.isfile() or not _is_python(member.name):
                continue
            extracted = opened.extractfile(member)
            if extracted is None:
                continue
            destination = target / PurePosixPath(*path.parts[1:])
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(extracted.read())


def fetch(app: App) -> tuple[Path | None, str]:
    """The unpacked root of ``app`` (downloaded on first use); (None, why) when not."""
    target = APPS_DIR / f"{app.distribution}-{app.version}"
    if (target / COMPLETE).exists():
        return target, ""
    if app is SDIST:
        sdist = fastapi_sdist()
        if sdist is None:
            return None, "the FastAPI sdist could not be fetched (offline?)"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(
            sdist, target,
            ignore=lambda folder, names: [
                n for n in names if not _is_python(n) and not (Path(folder) / n).is_dir()
            ],
        )
    else:
        APPS_DIR.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=APPS_DIR) as download:
            command = [
                sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                "--disable-pip-version-check", "--retries", "1", "--timeout", "30",
                f"{app.distribution}=={app.version}", "-d", download,
            ]
            try:
                subprocess.run(command, check=True, capture_output=True, timeout=900)
            except (OSError, subprocess.SubprocessError) as error:
                stderr = getattr(error, "stderr", None) or b""
                lines = stderr.decode(errors="replace").strip().splitlines()
                return None, f"pip download failed: {lines[-1] if lines else error}"
            archives = sorted(Path(download).iterdir())
            if not archives:
                return None, "pip download produced nothing"
            shutil.rmtree(target, ignore_errors=True)
            _unpack(archives[0], target)
    (target / CONFIG_NAME).write_text(CONFIG_TEXT, encoding="utf-8")
    (target / COMPLETE).write_text(f"{app.distribution}=={app.version}\n", encoding="utf-8")
    return target, ""


# --- in-process: model build (d) and route counts (a) ----------------------------------


def _timed(action: Callable[[], Project]) -> tuple[float, float, Project]:
    gc.collect()
    cpu, wall = time.process_time(), time.perf_counter()
    project = action()
    return time.process_time() - cpu, time.perf_counter() - wall, project


def _best(repeat: int, action: Callable[[], Project]) -> tuple[float, float, Project]:
    runs = [_timed(action) for _ in range(repeat)]
    return min(r[0] for r in runs), min(r[1] for r in runs), runs[-1][2]


@dataclass
class Build:
    """Model build costs of one app (seconds: CPU, wall)."""

    modules: int
    unparsed: int
    cold: tuple[float, float]
    first_cached: tuple[float, float]
    warm: tuple[float, float]
    model_only: tuple[float, float]
    cache_bytes: int


def measure_build(root: Path, anchor: Path, repeat: int) -> tuple[Build, Project]:
    """(d): ``anchor`` is any file of the project."""
    cache_file = root / ".fastapi_rules_cache" / CACHE_NAME
    cold_cpu, cold_wall, project = _best(
        repeat, lambda: Workspace(use_cache=False).project_for(anchor)
    )
    cache_file.unlink(missing_ok=True)
    first_cpu, first_wall, _ = _timed(lambda: Workspace().project_for(anchor))
    warm_cpu, warm_wall, project = _best(repeat, lambda: Workspace().project_for(anchor))
    modules = project.model.modules
    gc.collect()
    model_runs = []
    for _ in range(repeat):
        cpu, wall = time.process_time(), time.perf_counter()
        ProjectModel.build(modules)
        model_runs.append((time.process_time() - cpu, time.perf_counter() - wall))
    size = cache_file.stat().st_size if cache_file.exists() else 0
    build = Build(
        modules=len(modules),
        unparsed=sum(1 for summary in modules.values() if not summary.is_parsed),
        cold=(cold_cpu, cold_wall),
        first_cached=(first_cpu, first_wall),
        warm=(warm_cpu, warm_wall),
        model_only=(min(r[0] for r in model_runs), min(r[1] for r in model_runs)),
        cache_bytes=size,
    )
    return build, project


class _RouteCounter(cst.BatchableCSTVisitor):
    """Reads the frames the engine pushes: the routes of every ``def``."""

    get_visitors = cached_visitors

    def __init__(self, context: ModuleContext) -> None:
        super().__init__()
        self.context = context
        self.owners: Counter[str] = Counter()
        self.registrations = 0

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        frame = self.context.function
        if frame is None or frame.node is not node:
            return
        for route in frame.routes:
            if route.decorator is not None:
                self.owners[route.owner] += 1
            else:
                self.registrations += 1


@dataclass
class FileRoutes:
    """Route decorators in one file: by owner as written."""

    engine: Counter[str]
    regex: Counter[str]
    registrations: int
    ast_count: int


def engine_routes(text: str, path: Path, workspace: Workspace) -> tuple[Counter[str], int]:
    """Route decorators (by owner) and ``add_api_route`` registrations the engine sees."""
    try:
        module = cst.parse_module(text)
    except (cst.ParserSyntaxError, RecursionError, ValueError, TypeError):
        return Counter(), 0
    view = workspace.view_for(path, text)
    table = build_binding_table(module)
    context = ModuleContext(module, str(path), table, analyse_module(module, table, view))
    counter = _RouteCounter(context)
    reports = Reports()
    traverse(module, [EnterContext(context, reports), counter, LeaveContext(context, reports)])
    return counter.owners, counter.registrations


def count_routes(
    root: Path, files: Sequence[Path], workspace: Workspace, project: Project
) -> dict[str, FileRoutes]:
    """(a) for every file (keyed by its posix path relative to ``root``)."""
    found: dict[str, FileRoutes] = {}
    for path in files:
        try:
            text = decode_source(path.read_bytes()).text
        except (OSError, SourceDecodeError):
            continue
        engine, registrations = engine_routes(text, path, workspace)
        regex = Counter(match.group(1) for match in ROUTE_DECORATOR.finditer(text))
        ref = project.module_of(path)
        summary = project.model.modules.get(ref) if ref is not None else None
        ast_count = summary.route_decorators if summary is not None else 0
        found[path.relative_to(root).as_posix()] = FileRoutes(
            engine, regex, registrations, ast_count
        )
    return found


# --- subprocesses: consistency (b) and before/after (c) --------------------------------

Key = tuple[str, int, int]


@dataclass
class Run:
    """One CLI run: its diagnostics by file, or why it failed."""

    by_file: dict[str, list[tuple[str, int, int, str]]] = field(default_factory=dict)
    error: str = ""
    wall: float = 0.0


def cli(
    src: Path, root: Path, arguments: Sequence[str], stdin: bytes | None = None
) -> Run:
    """``python -m fastapi_rules_lint check --no-cache --output-format json --select ALL
    --exit-zero ...`` in ``root`` with ``src`` first on the path."""
    command = [
        sys.executable, "-m", "fastapi_rules_lint", "check", "--no-cache",
        "--output-format", "json", "--select", "ALL", "--exit-zero", *arguments,
    ]
    environment = {**os.environ, "PYTHONPATH": str(src)}
    start = time.perf_counter()
    try:
        result = subprocess.run(
            command, cwd=root, input=stdin, capture_output=True, timeout=TIMEOUT,
            env=environment,
        )
    except (OSError, subprocess.SubprocessError) as error:
        return Run(error=str(error))
    wall = time.perf_counter() - start
    if result.returncode != 0:
        lines = result.stderr.decode(errors="replace").strip().splitlines()
        return Run(error=f"exit {result.returncode}: {lines[-1] if lines else ''}", wall=wall)
    try:
        diagnostics = json.loads(result.stdout or b"[]")
    except ValueError as error:
        return Run(error=f"unreadable JSON: {error}", wall=wall)
    run = Run(wall=wall)
    for item in diagnostics:
        name = Path(item["filename"]).as_posix()
        location = item["location"]
        run.by_file.setdefault(name, []).append(
            (item["code"], location["row"], location["column"], item["message"])
        )
    return run


def keys(found: Iterable[tuple[str, int, int, str]]) -> list[Key]:
    """(code, row, column), sorted (a multiset)."""
    return sorted((code, row, column) for code, row, column, _ in found)


@dataclass
class Consistency:
    """(b) for one app."""

    sampled: int = 0
    stdin: int = 0
    differing: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    file_walls: list[float] = field(default_factory=list)


def sample(relative: Sequence[str], routes: dict[str, FileRoutes], size: int) -> list[str]:
    """Files with routes first, each group in the order of a hash of its path."""

    def order(name: str) -> str:
        return hashlib.blake2b(name.encode(), digest_size=8).hexdigest()

    has_routes = {n for n in relative if n in routes and sum(routes[n].engine.values()) > 0}
    with_routes = sorted(has_routes, key=order)
    others = sorted((n for n in relative if n not in has_routes), key=order)
    return [*with_routes, *others][:size]


def consistency(
    root: Path, whole: Run, chosen: Sequence[str], stdin_count: int, jobs: int
) -> Consistency:
    """(b): each chosen file alone (and the first ``stdin_count`` through stdin)."""
    src = NOW_SRC
    found = Consistency(sampled=len(chosen), stdin=min(stdin_count, len(chosen)))

    def one(job: tuple[str, bool]) -> tuple[str, bool, Run]:
        name, through_stdin = job
        if through_stdin:
            data = (root / name).read_bytes()
            return name, True, cli(src, root, ["--stdin-filename", name], stdin=data)
        return name, False, cli(src, root, [name])

    jobs_list = [(name, False) for name in chosen]
    jobs_list += [(name, True) for name in chosen[:stdin_count]]
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for name, through_stdin, run in pool.map(one, jobs_list):
            how = "stdin" if through_stdin else "file"
            if run.error:
                found.errors.append(f"{name} ({how}): {run.error}")
                continue
            if not through_stdin:
                found.file_walls.append(run.wall)
            alone = keys(d for file in run.by_file.values() for d in file)
            together = keys(whole.by_file.get(name, []))
            if alone != together:
                only_alone = sorted((Counter(alone) - Counter(together)).elements())
                only_whole = sorted((Counter(together) - Counter(alone)).elements())
                found.differing.append(
                    f"{name} ({how}): only alone {only_alone[:5]}, only in the whole run "
                    f"{only_whole[:5]}"
                )
    return found


def before_src(worktree: Path, ref: str) -> tuple[Path | None, str]:
    """The ``src`` of the commit before the project model (a worktree, made once)."""
    if not (worktree / "src" / "fastapi_rules_lint").is_dir():
        command = ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(worktree), ref]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=120)
        except (OSError, subprocess.SubprocessError) as error:
            return None, f"cannot make a worktree of {ref} at {worktree}: {error}"
    return worktree / "src", ""


def rule_codes(src: Path) -> frozenset[str]:
    """The rule codes a checker knows (its ``rules`` command); empty when it fails."""
    command = [sys.executable, "-m", "fastapi_rules_lint", "rules"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=120,
                                env={**os.environ, "PYTHONPATH": str(src)})
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(re.findall(r"^(FRL\d+)\b", result.stdout, re.MULTILINE))


# --- report ----------------------------------------------------------------------------


@dataclass
class AppResult:
    """Everything measured for one app."""

    app: App
    root: Path
    files: int = 0
    build: Build | None = None
    routes: dict[str, FileRoutes] = field(default_factory=dict)
    consistency: Consistency | None = None
    now: Run | None = None
    before: Run | None = None
    note: str = ""


def _seconds(pair: tuple[float, float]) -> str:
    return f"{pair[0]:.2f} / {pair[1]:.2f}"


def render_routes(results: Sequence[AppResult]) -> list[str]:
    lines = [
        "## (a) Route handlers",
        "",
        "Decorators `@<owner>.<get|post|put|patch|delete|options|head|trace|api_route|"
        "websocket>(` in the app folders: those the engine treats as routes (its own "
        "context, fed the project view) vs a regex over the text and the `ast` count the "
        "summaries keep. `add_api_route` registrations are counted apart.",
        "",
        "| app | files | engine | regex | engine / regex | ast (summaries) | engine-only "
        "| add_api_route |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    misses: list[str] = []
    for result in results:
        if result.build is None:
            continue
        engine = sum(sum(r.engine.values()) for r in result.routes.values())
        regex = sum(sum(r.regex.values()) for r in result.routes.values())
        ast_count = sum(r.ast_count for r in result.routes.values())
        extra = sum(sum((r.engine - r.regex).values()) for r in result.routes.values())
        registrations = sum(r.registrations for r in result.routes.values())
        ratio = f"{engine / regex:.1%}" if regex else "-"
        lines.append(
            f"| {result.app.name} | {len(result.routes)} | {engine} | {regex} | {ratio} "
            f"| {ast_count} | {extra} | {registrations} |"
        )
        missed: Counter[str] = Counter()
        where: dict[str, list[str]] = {}
        for name, routes in sorted(result.routes.items()):
            for owner, count in (routes.regex - routes.engine).items():
                missed[owner] += count
                where.setdefault(owner, []).append(name)
        if missed:
            misses.append(f"- {result.app.name}: " + "; ".join(
                f"`{owner}` x{count} ({', '.join(where[owner][:3])}"
                f"{', …' if len(where[owner]) > 3 else ''})"
                for owner, count in missed.most_common(8)
            ))
    if misses:
        lines += ["", "Decorators the regex finds and the engine does not (owner as written):",
                  "", *misses]
    return lines


def render_consistency(results: Sequence[AppResult]) -> list[str]:
    lines = [
        "## (b) Consistency: whole run vs one file",
        "",
        "`check --no-cache --output-format json --select ALL <app folders>` once, then "
        "`check ... FILE` for each sampled file (files with routes first) and "
        "`--stdin-filename FILE` for the first of them; a file differs when its "
        "(code, row, column) multiset differs from the whole run's.",
        "",
        "| app | whole run s | files | stdin | differing | errors | one file s (median) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    details: list[str] = []
    for result in results:
        found = result.consistency
        if found is None or result.now is None:
            continue
        median = statistics.median(found.file_walls) if found.file_walls else float("nan")
        lines.append(
            f"| {result.app.name} | {result.now.wall:.1f} | {found.sampled} | {found.stdin} "
            f"| {len(found.differing)} | {len(found.errors)} | {median:.2f} |"
        )
        details += [f"- {result.app.name}: {line}" for line in found.differing + found.errors]
    if details:
        lines += ["", *details]
    return lines


def render_rules(
    results: Sequence[AppResult], examples: int, old_codes: frozenset[str]
) -> list[str]:
    lines = [
        "## (c) Diagnostics per rule, `--select ALL`: before the project model "
        f"(`{BEFORE_REF}`) vs now",
        "",
        "`-` before: a rule the old checker does not have (not counted in *total, shared "
        "rules*). Below each table, a few diagnostics that appeared (*new*) or disappeared "
        "(*gone*), matched by (rule, file, row, column), for the shared rules.",
    ]
    for result in results:
        if result.now is None:
            continue
        lines += ["", f"### {result.app.name} ({', '.join(result.app.folders)})", ""]
        if result.now.error:
            lines.append(f"now: {result.now.error}")
            continue
        if result.before is None or result.before.error:
            why = result.before.error if result.before is not None else "not run"
            lines.append(f"before: {why}")
        now = Counter(d[0] for file in result.now.by_file.values() for d in file)
        before = (
            Counter(d[0] for file in result.before.by_file.values() for d in file)
            if result.before is not None and not result.before.error
            else Counter()
        )
        lines += ["| rule | before | now | Δ |", "|---|---:|---:|---:|"]
        shared_now = shared_before = 0
        for code in sorted(now.keys() | before.keys()):
            if old_codes and code not in old_codes:
                lines.append(f"| {code} | - | {now[code]} | |")
                continue
            shared_now += now[code]
            shared_before += before[code]
            delta = now[code] - before[code]
            lines.append(f"| {code} | {before[code]} | {now[code]} | {delta:+d} |")
        lines.append(f"| **total, shared rules** | {shared_before} | {shared_now} "
                     f"| {shared_now - shared_before:+d} |")
        lines.append(f"| total | {sum(before.values())} | {sum(now.values())} | |")
        if result.before is not None and not result.before.error and examples:
            lines += _changes(result.before, result.now, examples, old_codes)
    return lines


def _changes(before: Run, now: Run, examples: int, old_codes: frozenset[str]) -> list[str]:
    """A few diagnostics of the shared rules that appeared or disappeared, per rule."""

    def located(run: Run) -> dict[tuple[str, str, int, int], str]:
        return {
            (code, name, row, column): message
            for name, found in run.by_file.items()
            for code, row, column, message in found
        }

    old, new = located(before), located(now)
    lines: list[str] = []
    for label, first, second in (("new", new, old), ("gone", old, new)):
        by_rule: dict[str, list[str]] = {}
        for key in sorted(first.keys() - second.keys()):
            code, name, row, column = key
            if old_codes and code not in old_codes:
                continue
            by_rule.setdefault(code, []).append(f"{name}:{row}:{column} {first[key]}")
        for code, found in sorted(by_rule.items()):
            shown = "; ".join(f"`{item}`" for item in found[:examples])
            more = f" (+{len(found) - examples} more)" if len(found) > examples else ""
            lines.append(f"- {label} {code} x{len(found)}: {shown}{more}")
    return ["", *lines] if lines else []


def render_build(results: Sequence[AppResult]) -> list[str]:
    lines = [
        "## (d) Project model build",
        "",
        "In-process, `Workspace(...).project_for(file)`: discover, summarise every module "
        "(`ast`), build the model. CPU / wall seconds, best of `--repeat` (the first run "
        "with the cache: one run). *model only*: `ProjectModel.build` from the summaries.",
        "",
        "| app | modules | unparsed | cold (no cache) | first run (writes cache) | warm (cache) "
        "| model only | cache bytes | bytes / module |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        build = result.build
        if build is None:
            continue
        per_module = build.cache_bytes / build.modules if build.modules else 0
        lines.append(
            f"| {result.app.name} | {build.modules} | {build.unparsed} | {_seconds(build.cold)} "
            f"| {_seconds(build.first_cached)} | {_seconds(build.warm)} "
            f"| {_seconds(build.model_only)} | {build.cache_bytes:,} | {per_module:,.0f} |"
        )
    return lines


def render(
    results: Sequence[AppResult], skipped: Sequence[str], examples: int,
    old_codes: frozenset[str],
) -> str:
    import platform

    head = [
        "# The project model on real applications",
        "",
        f"`scripts/measure_projects.py`, {time.strftime('%Y-%m-%d %H:%M')}, Python "
        f"{platform.python_version()}, {os.cpu_count()} CPUs. Checker measured: `{NOW_SRC}`; "
        f"before: `{BEFORE_REF}`. Load average at the end: "
        f"{', '.join(f'{load:.1f}' for load in os.getloadavg())}.",
        "",
        "| app | version | project root (unpacked) | app folders | files in the folders |",
        "|---|---|---|---|---:|",
    ]
    for result in results:
        head.append(
            f"| {result.app.name} | {result.app.distribution}=={result.app.version} "
            f"| `{result.root.relative_to(ROOT).as_posix()}` | {', '.join(result.app.folders)} "
            f"| {result.files} |"
        )
    head += [f"- skipped: {line}" for line in skipped]
    sections = [
        head,
        render_routes(results),
        render_consistency(results),
        render_rules(results, examples, old_codes),
        render_build(results),
    ]
    return "\n\n".join("\n".join(section) for section in sections) + "\n"


# --- main --------------------------------------------------------------------------------


def app_files(root: Path, folders: Sequence[str]) -> list[Path]:
    """The files ``check <folders>`` lints (its own discovery, the app's settings)."""
    settings = load_config(root).settings
    discovery = Discovery(root, [*settings.exclude, *settings.extend_exclude])
    return sorted(Path(os.path.abspath(p)) for p in discovery.files([root / f for f in folders]))


def measure(app: App, root: Path, arguments: argparse.Namespace, before: Path | None,
            ) -> AppResult:
    result = AppResult(app, root)
    files = app_files(root, app.folders)
    result.files = len(files)
    if not files:
        result.note = "no Python files in the app folders"
        return result
    print(f"[{app.name}] model build ({len(files)} files in {', '.join(app.folders)})",
          file=sys.stderr)
    result.build, project = measure_build(root, files[0], arguments.repeat)
    print(f"[{app.name}] route handlers", file=sys.stderr)
    result.routes = count_routes(root, files, Workspace(), project)
    print(f"[{app.name}] whole run", file=sys.stderr)
    result.now = cli(NOW_SRC, root, list(app.folders))
    if result.now.error:
        result.note = f"whole run failed: {result.now.error}"
    elif arguments.sample:
        relative = [path.relative_to(root).as_posix() for path in files]
        chosen = sample(relative, result.routes, arguments.sample)
        print(f"[{app.name}] {len(chosen)} files alone, {arguments.stdin} through stdin",
              file=sys.stderr)
        result.consistency = consistency(root, result.now, chosen, arguments.stdin,
                                         arguments.jobs)
    if before is not None:
        print(f"[{app.name}] before ({BEFORE_REF})", file=sys.stderr)
        result.before = cli(before, root, list(app.folders))
    return result


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    names = [app.name for app in (*APPS, SDIST)]
    parser.add_argument("--apps", default=",".join(names),
                        help=f"comma-separated, among {', '.join(names)} (default: all)")
    parser.add_argument("--sample", type=int, default=40,
                        help="files checked alone per app (default 40; 0 skips (b))")
    parser.add_argument("--stdin", type=int, default=10,
                        help="of them, also checked through --stdin-filename (default 10)")
    parser.add_argument("--jobs", type=int, default=2, help="concurrent CLI runs in (b)")
    parser.add_argument("--repeat", type=int, default=3, help="best of N for (d)")
    parser.add_argument("--no-before", action="store_true", help="skip the before runs in (c)")
    parser.add_argument("--before-ref", default=BEFORE_REF)
    parser.add_argument("--before-worktree", type=Path, default=BEFORE_WORKTREE)
    parser.add_argument("--examples", type=int, default=3,
                        help="appeared/disappeared diagnostics shown per rule in (c)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    wanted = {name.strip() for name in arguments.apps.split(",") if name.strip()}
    apps = [app for app in (*APPS, SDIST) if app.name in wanted]
    unknown = wanted - {app.name for app in apps}
    if unknown:
        print(f"unknown apps: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    before: Path | None = None
    skipped: list[str] = []
    if not arguments.no_before:
        before, why = before_src(arguments.before_worktree, arguments.before_ref)
        if before is None:
            skipped.append(f"before runs: {why}")
    fetched: list[tuple[App, Path]] = []
    for app in apps:
        root, why = fetch(app)
        if root is None:
            print(f"skipped {app.name}: {why}", file=sys.stderr)
            skipped.append(f"{app.name}: {why}")
        else:
            fetched.append((app, root))
    if not fetched:
        print("skipped: no application could be downloaded (offline?)", file=sys.stderr)
        return 0
    results = [measure(app, root, arguments, before) for app, root in fetched]
    skipped += [f"{r.app.name}: {r.note}" for r in results if r.note]
    old_codes = rule_codes(before) if before is not None else frozenset()
    report = render(results, skipped, arguments.examples, old_codes)
    print(report)
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(report, encoding="utf-8")
    print(f"report written to {arguments.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
