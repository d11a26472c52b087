"""Every entry point gives a file of a project the same diagnostics.

The fixture projects under ``tests/fixtures/projects/`` (see the README there) are small
multi-module FastAPI apps whose diagnostics depend on other modules: routers built in
another module, dependencies referenced with ``Depends()`` only elsewhere, exception
handlers registered in ``main.py``, blocking helpers in ``services/``. Each project is
linted for real, as subprocesses, through every entry point:

- ``whole``: ``fastapi-rules check .`` from the project root — the reference;
- ``file``: ``check FILE``, one run per file, from the project root;
- ``file-from-folder``: ``check NAME`` with the cwd set to the file's own folder;
- ``package-root``: ``check .`` from the folder holding the top-level package when that
  is not the project root (``backend/`` of ``template_layout``);
- ``stdin``: ``check --stdin-filename FILE`` with the source on stdin, from the root
  (``test_stdin_dash_path`` checks that ruff's spelling with a ``-`` path works too);
- ``flake8``: ``flake8 --select FRL`` over the project's files from the root (one
  flake8 run per project: flake8 hands the plugin one file at a time anyway).

Empty files (the ``__init__.py`` of the packages) are compared through the batched
runs only (``package-root``, ``flake8``): one subprocess each per file would double the
test's time to show that nothing is reported for an empty file.

Which rules run: each project's own root config decides (``select = ["ALL"]`` in
``custom_routers`` and ``async_services``; ``extend-select = ["FRL208"]`` on the
defaults in ``template_layout``, which also checks that ``backend/pyproject.toml``,
without a ``[tool.fastapi-rules]`` table, is walked past). No entry point gets
``--select`` on its command line: the flake8 plugin emits exactly the rules the
fastapi-rules config enables, so passing ``--select ALL`` to the CLI alone would make
the comparison meaningless. flake8 runs with ``--isolated`` (the repository's own flake8
config must not leak in).

Compared per file: the set of ``(code, row, column)`` (1-based column; flake8 prints
its 0-based column plus one) must equal ``whole``'s. Filenames are normalised to
project-relative paths first.

``test_expected_project_findings`` documents the target: the ``# error: CODE`` markers
in the project files (the syntax of ``tests/test_fixtures.py``) give the exact multiset
of ``(row, code)`` that ``check .`` must report once the linter understands the whole
project; ``FIX_AVAILABILITY`` pins whether some of them carry a fix.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest

PROJECTS = Path(__file__).resolve().parent / "fixtures" / "projects"
# (code, row, 1-based column)
Key = tuple[str, int, int]
Findings = dict[str, set[Key]]

_CODE = r"[A-Z]+[0-9]+"
_MARKER = re.compile(rf"#\s*error:\s*(?P<codes>{_CODE}(?:\s*,\s*{_CODE})*)")
_SPLIT = re.compile(r"[\s,]+")
_FLAKE8_FORMAT = "%(path)s\t%(row)d\t%(col)d\t%(code)s"
_TIMEOUT = 120

# (project, file, code) -> whether check . must offer a fix for that diagnostic.
FIX_AVAILABILITY: dict[tuple[str, str, str], bool] = {
    # awaited directly by routes/me.py: dropping `async` would break that caller.
    ("async_services", "weather/auth.py", "FRL302"): False,
    # nothing awaits or calls the handler: the unsafe `def` fix is fine.
    ("async_services", "weather/routes/forecasts.py", "FRL302"): True,
}


def project_names() -> list[str]:
    return sorted(p.name for p in PROJECTS.iterdir() if (p / "pyproject.toml").is_file())


def python_files(project: str) -> list[str]:
    """Project-relative posix paths of every ``.py`` file of the project."""
    root = PROJECTS / project
    return sorted(
        path.relative_to(root).as_posix()
        for path in root.rglob("*.py")
        if "__pycache__" not in path.parts
    )


def is_empty(project: str, name: str) -> bool:
    return not (PROJECTS / project / name).read_text(encoding="utf-8").strip()


PER_FILE = ("file", "file-from-folder", "stdin")


def package_root(project: str) -> Path | None:
    """The folder holding the top-level package, when it is not the project root."""
    root = PROJECTS / project
    folders = {(root / name).parts[len(root.parts)] for name in python_files(project)}
    for folder in sorted(folders):
        if (root / folder).is_dir() and not (root / folder / "__init__.py").exists():
            return root / folder
    return None


@dataclass
class Run:
    """One subprocess: what it found per project-relative file, or why it failed."""

    findings: Findings = field(default_factory=dict)
    fixes: dict[tuple[str, str], list[bool]] = field(default_factory=dict)
    error: str | None = None


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("FORCE_COLOR", None)
    env["NO_COLOR"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # leave no __pycache__ in the fixtures
    return env


def _execute(args: Sequence[str], cwd: Path, stdin: str | None = None) -> tuple[str, str | None]:
    command = [sys.executable, *args]
    result = subprocess.run(
        command,
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=_TIMEOUT,
        env=_env(),
    )
    if result.returncode not in (0, 1) or "Traceback" in result.stderr:
        shown = " ".join(args)
        return "", f"`{shown}` in {cwd} exited {result.returncode}:\n{result.stderr.strip()}"
    return result.stdout, None


def _project_relative(project: str, cwd: Path, filename: str) -> str:
    root = PROJECTS / project
    return (cwd / filename).resolve().relative_to(root.resolve()).as_posix()


def run_check(project: str, cwd: Path, *args: str, stdin: str | None = None) -> Run:
    command = ["-m", "fastapi_rules_lint", "check", "--no-cache", "--output-format", "json"]
    stdout, error = _execute([*command, *args], cwd, stdin)
    if error is not None:
        return Run(error=error)
    try:
        diagnostics = json.loads(stdout)
    except json.JSONDecodeError as exc:
        return Run(error=f"no JSON from `check {' '.join(args)}` in {cwd}: {exc}\n{stdout}")
    run = Run()
    for d in diagnostics:
        name = _project_relative(project, cwd, d["filename"])
        key = (d["code"], d["location"]["row"], d["location"]["column"])
        run.findings.setdefault(name, set()).add(key)
        run.fixes.setdefault((name, d["code"]), []).append(d.get("fix") is not None)
    return run


def run_flake8(project: str, files: Sequence[str]) -> Run:
    root = PROJECTS / project
    command = ["-m", "flake8", "--isolated", "--select", "FRL", f"--format={_FLAKE8_FORMAT}"]
    stdout, error = _execute([*command, *files], root)
    if error is not None:
        return Run(error=error)
    run = Run()
    for line in stdout.splitlines():
        path, row, col, code = line.split("\t")
        name = _project_relative(project, root, path)
        run.findings.setdefault(name, set()).add((code, int(row), int(col)))
    return run


@dataclass
class ProjectRuns:
    whole: Run
    # entry point -> file -> the run that covers it
    entries: dict[str, dict[str, Run]]


@cache
def project_runs(project: str) -> ProjectRuns:
    """Every subprocess for one project, run in parallel, once per test session."""
    root = PROJECTS / project
    files = python_files(project)
    jobs: dict[tuple[str, str], Future[Run]] = {}
    with ThreadPoolExecutor(max_workers=max(2, (os.cpu_count() or 2) + 1)) as pool:
        whole = pool.submit(run_check, project, root, ".")
        flake8 = pool.submit(run_flake8, project, files)
        base = package_root(project)
        from_base = pool.submit(run_check, project, base, ".") if base is not None else None
        for name in files:
            if is_empty(project, name):
                continue
            path = root / name
            source = path.read_text(encoding="utf-8")
            jobs["file", name] = pool.submit(run_check, project, root, name)
            jobs["file-from-folder", name] = pool.submit(run_check, project, path.parent, path.name)
            jobs["stdin", name] = pool.submit(
                run_check, project, root, "--stdin-filename", name, stdin=source
            )
        entries: dict[str, dict[str, Run]] = {}
        for (entry, name), future in jobs.items():
            entries.setdefault(entry, {})[name] = future.result()
        entries["flake8"] = dict.fromkeys(files, flake8.result())
        if from_base is not None:
            base_run = from_base.result()
            entries["package-root"] = {
                name: base_run for name in files if (root / name).is_relative_to(base)
            }
        return ProjectRuns(whole=whole.result(), entries=entries)


ENTRIES = ("file", "file-from-folder", "package-root", "stdin", "flake8")


def _cases() -> list[object]:
    cases = []
    for project in project_names():
        base = package_root(project)
        for name in python_files(project):
            for entry in ENTRIES:
                if entry in PER_FILE and is_empty(project, name):
                    continue
                if entry == "package-root" and (
                    base is None or not (PROJECTS / project / name).is_relative_to(base)
                ):
                    continue
                cases.append(pytest.param(project, name, entry, id=f"{project}/{name}-{entry}"))
    return cases


def _describe(keys: set[Key]) -> str:
    return ", ".join(f"{code}@{row}:{col}" for code, row, col in sorted(keys, key=_order))


def _order(key: Key) -> tuple[int, int, str]:
    code, row, col = key
    return row, col, code


def test_projects_exist() -> None:
    names = project_names()
    assert len(names) >= 2, names
    for name in names:
        assert python_files(name), f"{name} has no .py file"
        assert not any(Path(f).name.startswith("test_") for f in python_files(name))


@pytest.mark.parametrize(("project", "name", "entry"), _cases())
def test_entry_point_agrees_with_check_dot(project: str, name: str, entry: str) -> None:
    runs = project_runs(project)
    assert runs.whole.error is None, runs.whole.error
    run = runs.entries[entry][name]
    assert run.error is None, run.error
    expected = runs.whole.findings.get(name, set())
    found = run.findings.get(name, set())
    if found == expected:
        return
    missing, extra = expected - found, found - expected
    pytest.fail(
        f"{project}/{name}: `{entry}` differs from `check .`\n"
        + (f"  only in `check .`: {_describe(missing)}\n" if missing else "")
        + (f"  only in `{entry}`: {_describe(extra)}\n" if extra else ""),
        pytrace=False,
    )


def expected_markers(path: Path) -> Counter[tuple[int, str]]:
    """The ``(row, code)`` multiset of the ``# error:`` markers."""
    expected: Counter[tuple[int, str]] = Counter()
    lines = path.read_text(encoding="utf-8").splitlines()
    for row, line in enumerate(lines, start=1):
        match = _MARKER.search(line)
        if match is not None:
            for code in _SPLIT.split(match.group("codes")):
                expected[(row, code)] += 1
    return expected


def _files() -> list[object]:
    return [
        pytest.param(project, name, id=f"{project}/{name}")
        for project in project_names()
        for name in python_files(project)
    ]


@pytest.mark.parametrize(("project", "name"), _files())
def test_expected_project_findings(project: str, name: str) -> None:
    """``check .`` reports exactly what the ``# error:`` markers promise."""
    runs = project_runs(project)
    assert runs.whole.error is None, runs.whole.error
    found = Counter((row, code) for code, row, _ in runs.whole.findings.get(name, set()))
    expected = expected_markers(PROJECTS / project / name)
    if found == expected:
        return
    unexpected = sorted((found - expected).elements())
    missing = sorted((expected - found).elements())
    pytest.fail(
        f"{project}/{name}: `check .` differs from the `# error:` markers\n"
        + (f"  unexpected: {', '.join(f'{c}@{r}' for r, c in unexpected)}\n" if unexpected else "")
        + (f"  missing: {', '.join(f'{c}@{r}' for r, c in missing)}\n" if missing else ""),
        pytrace=False,
    )


@pytest.mark.parametrize(
    ("project", "name", "code", "has_fix"),
    [
        pytest.param(*key, has_fix, id=f"{key[0]}/{key[1]}-{key[2]}")
        for key, has_fix in FIX_AVAILABILITY.items()
    ],
)
def test_expected_fix_availability(project: str, name: str, code: str, has_fix: bool) -> None:
    runs = project_runs(project)
    assert runs.whole.error is None, runs.whole.error
    fixes = runs.whole.fixes.get((name, code))
    assert fixes, f"{project}/{name}: `check .` reports no {code}"
    wanted = "a fix" if has_fix else "no fix"
    assert all(fix == has_fix for fix in fixes), f"{project}/{name}: {code} should have {wanted}"


def test_stdin_dash_path() -> None:
    """``--stdin-filename FILE -`` (ruff accepts a ``-`` path for stdin) reports what
    ``--stdin-filename FILE`` reports."""
    project = "async_services"
    name = "weather/routes/admin.py"
    root = PROJECTS / project
    source = (root / name).read_text(encoding="utf-8")
    plain = run_check(project, root, "--stdin-filename", name, stdin=source)
    dash = run_check(project, root, "--stdin-filename", name, "-", stdin=source)
    assert plain.error is None, plain.error
    assert dash.error is None, dash.error
    assert plain.findings.get(name), f"{name} should have diagnostics"
    assert dash.findings == plain.findings
