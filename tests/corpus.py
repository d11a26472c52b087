"""The real-code corpus: the FastAPI sdist (its ``docs_src/`` and ``tests/``), pinned.

Fetched once with ``pip download`` into ``.corpus/`` (git-ignored) and unpacked there;
every later call reuses it. ``fastapi_sdist()`` returns None when it cannot be fetched
(offline), so tests skip cleanly and scripts say so. The unpacked sdist gets an empty
``.fastapi-rules.toml``: ``.corpus/`` is git-ignored, so without a settings file of its
own the sdist would belong to no project (the repository's project skips ignored
files) and every file would be linted alone; with it, the sdist is its own project,
as it is for a user who checks it out. Run ``python -m tests.corpus`` to
fetch it ahead of time and print its path.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

FASTAPI_VERSION = "0.165.0"
ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".corpus"


PROJECT_MARKER = ".fastapi-rules.toml"


def _as_project(target: Path) -> Path:
    marker = target / PROJECT_MARKER
    if not marker.exists():
        marker.write_text("# The unpacked sdist is a project of its own (tests/corpus.py).\n")
    return target


def fastapi_sdist() -> Path | None:
    """The unpacked sdist folder, downloading it on first use; None when offline."""
    target = CACHE / f"fastapi-{FASTAPI_VERSION}"
    if (target / "docs_src").is_dir():
        return _as_project(target)
    CACHE.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as download:
        command = [
            sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
            "--no-binary", ":all:", "--disable-pip-version-check",
            f"fastapi=={FASTAPI_VERSION}", "-d", download,
        ]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=300)
        except (subprocess.SubprocessError, OSError):
            return None
        archives = list(Path(download).glob("fastapi-*.tar.gz"))
        if not archives:
            return None
        with tarfile.open(archives[0]) as archive:
            archive.extractall(CACHE, filter="data")
    return _as_project(target) if (target / "docs_src").is_dir() else None


def corpus_files(*parts: str) -> list[Path]:
    """Python files under the given sdist folders (``docs_src``, ``tests``); [] offline."""
    root = fastapi_sdist()
    if root is None:
        return []
    return sorted(path for part in parts for path in (root / part).rglob("*.py"))


def corpus_roots() -> list[Path] | None:
    """The sdist's ``docs_src`` and ``tests`` folders (the default real-code corpus of
    the comparison scripts); None offline."""
    root = fastapi_sdist()
    return None if root is None else [root / "docs_src", root / "tests"]


if __name__ == "__main__":
    found = fastapi_sdist()
    print(found if found is not None else "offline: the FastAPI sdist could not be fetched")
    sys.exit(0 if found is not None else 1)
