"""One project, one answer on real code: every file of the FastAPI sdist's ``docs_src/``
(hundreds of apps, several of them multi-module packages such as
``bigger_applications/app``) gets the same diagnostics from ``check docs_src``, from
``check FILE ...`` runs given the files in batches, and from ``--stdin-filename``.

Runs the CLI for real, as subprocesses, with ``--no-cache`` (every run builds the
project model itself). Skipped offline.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from tests.corpus import fastapi_sdist

Findings = dict[str, set[tuple[str, int, int]]]

pytestmark = pytest.mark.corpus


def _check(root: Path, *args: str, stdin: str | None = None) -> Findings:
    command = [sys.executable, "-m", "fastapi_rules_lint", "check", "--no-cache"]
    command += ["--select", "ALL", "--output-format", "json", "--exit-zero", *args]
    result = subprocess.run(
        command, cwd=root, input=stdin, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    found: Findings = defaultdict(set)
    for diagnostic in json.loads(result.stdout):
        name = Path(diagnostic["filename"]).as_posix()
        location = diagnostic["location"]
        found[name].add((diagnostic["code"], location["row"], location["column"]))
    return found


def test_docs_src_files_get_the_same_diagnostics_from_every_entry_point() -> None:
    root = fastapi_sdist()
    if root is None:
        pytest.skip("the FastAPI sdist is not available (offline)")
    files = sorted(path.relative_to(root).as_posix() for path in (root / "docs_src").rglob("*.py"))
    whole = _check(root, "docs_src")
    assert sum(len(found) for found in whole.values()) > 1000  # not vacuous
    by_file: Findings = defaultdict(set)
    batch = 160
    for start in range(0, len(files), batch):
        for name, found in _check(root, *files[start : start + batch]).items():
            by_file[name] |= found
    differing = [name for name in files if whole.get(name, set()) != by_file.get(name, set())]
    assert differing == []
    packages = [name for name in files if "/app/" in name][:8]
    assert packages, "the multi-module apps of docs_src are part of the sample"
    for name in packages:
        text = (root / name).read_text(encoding="utf-8")
        buffered = _check(root, "--stdin-filename", name, stdin=text)
        assert buffered.get(name, set()) == whole.get(name, set()), name
