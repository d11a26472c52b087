"""The layering contracts in ``pyproject.toml`` (``[tool.importlinter]``) hold: each
layer imports only from the layers below it, and no package or module takes part in an
import cycle. See the docstring of each package's ``__init__.py`` for what it holds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept() -> None:
    executable = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(executable), "--no-cache", "--no-logo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
