"""Module names from file paths, and relative imports made absolute.

A file's *source root* is the first folder above it that is not a package (has no
``__init__.py``, and neither has its parent: a folder without one inside a package is a
namespace subpackage), unless a configured source root (``src = [...]``) holds it: so
``backend/app/api/deps.py`` (``app/`` and ``app/api/`` are packages, ``backend/`` is
not) is ``app.api.deps`` under ``backend/``, as ``python -m`` run from ``backend/``
would import it, and a lone ``main.py`` is ``main`` under its own folder. Top-level
namespace packages (no ``__init__.py`` anywhere) are found through configured roots only.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple


class ModuleRef(NamedTuple):
    """Where a module sits: its source root (posix, relative to the project root; ``.``
    for the root itself) and its dotted name.

    A named tuple, not a frozen dataclass: the model and the views key dictionaries
    by it tens of thousands of times a run, and a tuple hashes and compares in C (a
    dataclass's ``__hash__`` is Python code).
    """

    root: str
    name: str
    is_package: bool = False

    @property
    def package(self) -> str:
        """The package relative imports start from."""
        if self.is_package:
            return self.name
        return self.name.rpartition(".")[0]


def absolute_target(module: ModuleRef, target: str) -> str | None:
    """``..deps.get_db`` imported in ``module`` as an absolute dotted name; None when the
    dots climb above the top-level package."""
    if not target.startswith("."):
        return target
    rest = target.lstrip(".")
    level = len(target) - len(rest)
    parts = module.package.split(".") if module.package else []
    if level - 1 > len(parts):
        return None
    base = parts[: len(parts) - (level - 1)]
    return ".".join([*base, *([rest] if rest else [])]) or None


def module_ref(
    path: Path,
    project_root: Path,
    source_roots: Sequence[Path] = (),
    is_file: Callable[[Path], bool] = Path.is_file,
    packages: dict[Path, tuple[str, tuple[str, ...]]] | None = None,
) -> ModuleRef | None:
    """The module ``path`` (a ``.py``/``.pyi`` file) is, or None when it has no valid name.

    ``packages`` memoises ``package_of`` per folder across calls (a project's files)."""
    absolute = Path(os.path.abspath(path))
    folder = absolute.parent
    found = packages.get(folder) if packages is not None else None
    if found is None:
        found = package_of(folder, project_root, source_roots, is_file)
        if packages is not None:
            packages[folder] = found
    relative, package = found
    stem = absolute.stem
    is_package = stem == "__init__"
    parts = package if is_package else (*package, stem)
    if not parts or not all(part.isidentifier() for part in parts):
        return None
    return ModuleRef(relative, ".".join(parts), is_package)


def package_of(
    folder: Path,
    project_root: Path,
    source_roots: Sequence[Path] = (),
    is_file: Callable[[Path], bool] = Path.is_file,
) -> tuple[str, tuple[str, ...]]:
    """The source root of the modules in ``folder`` (posix, relative to the project
    root) and the dotted package ``folder`` is there (empty at a source root)."""
    root = Path(os.path.abspath(project_root))
    parts: list[str] = []
    configured = [Path(os.path.abspath(r)) for r in source_roots]
    holding = [r for r in configured if r == folder or r in folder.parents]
    if holding:
        # A configured root names everything below it (namespace packages too).
        nearest = max(holding, key=lambda r: len(r.parts))
        parts.extend(reversed(folder.relative_to(nearest).parts))
        folder = nearest
    else:
        while folder != folder.parent and (
            is_file(folder / "__init__.py")
            or (folder != root and is_file(folder.parent / "__init__.py"))
        ):
            # A folder without `__init__.py` inside a package is a namespace subpackage
            # (`open_webui/routers/`): still part of the dotted name.
            parts.append(folder.name)
            folder = folder.parent
    try:
        relative = folder.relative_to(root).as_posix()
    except ValueError:
        relative = folder.as_posix()
    return relative, tuple(reversed(parts))
