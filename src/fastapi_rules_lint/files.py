"""Files: discovery, reading, and safe writes.

Discovery decisions (ruff is the model):
- Folders are walked for ``*.py``, ``*.pyi`` and Jupyter notebooks (``*.ipynb``, as ruff
  does; ``include_notebooks=False`` for the project model, where a notebook is not a
  module); a file named on the command line is
  always checked, whatever its name, ``exclude`` or ``.gitignore`` (pre-commit passes
  files explicitly, and an editor asks about the file it has open).
- ``NEVER_DESCEND`` folders are never entered, whatever the configuration. ``exclude``
  (default: ruff's default excludes, see ``config.DEFAULT_EXCLUDE``) and
  ``extend-exclude`` are gitignore-style patterns relative to the project root. Hidden
  folders are not skipped wholesale (ruff doesn't either): ``.github/scripts`` is code.
- ``.gitignore`` files are honoured in every walked folder and in its parents up to the
  repository root (the nearest folder holding ``.git``); the deepest file that has an
  opinion on a path decides, as in git. A folder named on the command line that git
  ignores is still walked (with only the ``.gitignore`` files inside it). Symlinked
  folders are not followed (no cycles).

Writes are atomic: a temporary file in the same folder, then ``os.replace``. The original
permission bits (and owner, where allowed) are kept; the bytes are written as given, so
the caller's encoding, BOM and newlines survive untouched. A file without write
permission is refused even for root, who could replace it: read-only means "don't touch".
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pathspec

PYTHON_SUFFIXES = (".py", ".pyi")
NOTEBOOK_SUFFIXES = (".ipynb",)
NEVER_DESCEND = frozenset(
    {".git", ".venv", "venv", "node_modules", "__pycache__", "build", "dist", ".tox", ".mypy_cache"}
)


class MissingPathError(Exception):
    """A path named on the command line does not exist."""


class FileAccessError(Exception):
    """A file cannot be read or written; the message is one line naming the file."""


class FileTooLargeError(Exception):
    """A file is over the ``max-file-size`` limit; the message is one line naming it
    (a warning: the file is skipped, the run's exit status is unaffected)."""



def _relative(absolute: str, base: str) -> str | None:
    """``absolute`` relative to the folder ``base`` as a posix path; None if outside."""
    prefix = base if base.endswith(os.sep) else base + os.sep
    if not absolute.startswith(prefix):
        return None
    relative = absolute[len(prefix) :]
    return relative if os.sep == "/" else relative.replace(os.sep, "/")


@dataclass(frozen=True)
class _Ignore:
    """The ``.gitignore`` of the folder ``base`` (an absolute path)."""

    base: str
    spec: pathspec.GitIgnoreSpec

    def decision(self, absolute: str, is_dir: bool) -> bool | None:
        """True (ignored), False (re-included by ``!``) or None (no opinion)."""
        relative = _relative(absolute, self.base)
        if relative is None:
            return None
        return self.spec.check_file(relative + "/" if is_dir else relative).include


def _load_gitignore(folder: str) -> _Ignore | None:
    try:
        with open(os.path.join(folder, ".gitignore"), encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    return _Ignore(folder, pathspec.GitIgnoreSpec.from_lines(lines))


def _is_ignored(ignores: Sequence[_Ignore], absolute: str, is_dir: bool) -> bool:
    for ignore in reversed(ignores):
        decision = ignore.decision(absolute, is_dir)
        if decision is not None:
            return decision
    return False


def _parent_ignores(folder: Path) -> list[_Ignore]:
    """The ``.gitignore`` files above ``folder``, up to its repository root (none when
    ``folder`` is not inside a repository, or is the root itself)."""
    if (folder / ".git").exists():
        return []
    chain: list[Path] = []
    for parent in folder.parents:
        chain.append(parent)
        if (parent / ".git").exists():
            break
    else:
        return []
    found = (_load_gitignore(str(parent)) for parent in reversed(chain))
    return [ignore for ignore in found if ignore is not None]


class Discovery:
    """Finds the Python files of a run."""

    def __init__(
        self,
        root: Path,
        exclude: Iterable[str] = (),
        *,
        respect_gitignore: bool = True,
        include_notebooks: bool = True,
    ) -> None:
        self.root = Path(os.path.abspath(root))
        self._root = str(self.root)
        self.exclude = pathspec.GitIgnoreSpec.from_lines(list(exclude))
        self.respect_gitignore = respect_gitignore
        self.suffixes = PYTHON_SUFFIXES + (NOTEBOOK_SUFFIXES if include_notebooks else ())

    def is_excluded(self, path: Path, is_dir: bool) -> bool:
        """True when ``exclude``/``extend-exclude`` or the built-in list drop ``path``."""
        return self._excluded(os.path.abspath(path), path.name, is_dir)

    def _excluded(self, absolute: str, name: str, is_dir: bool) -> bool:
        if is_dir and name in NEVER_DESCEND:
            return True
        relative = _relative(absolute, self._root) or name
        return self.exclude.match_file(relative + "/" if is_dir else relative)

    def files(self, paths: Sequence[Path], *, force_exclude: bool = False) -> list[Path]:
        """The files to check under ``paths``, sorted, each once. Relative inputs give
        relative results. Raises ``MissingPathError`` for a path that does not exist.
        ``force_exclude`` applies ``exclude`` to explicitly named files too (ruff's
        ``--force-exclude``, for pre-commit runs in projects that exclude fixtures)."""
        found: dict[str, Path] = {}
        for path in paths:
            try:
                is_dir = stat.S_ISDIR(os.stat(path).st_mode)
            except FileNotFoundError:
                raise MissingPathError(f"{path}: no such file or directory") from None
            except OSError:
                # Unreadable (a folder without search permission above it, a broken
                # mount): kept, so reading it is one error line and the run goes on.
                is_dir = False
            if is_dir:
                for file in self._walk(path):
                    found.setdefault(os.path.normpath(os.path.abspath(file)), file)
            else:
                # Named files of any kind are kept: `read_source` refuses what is not a
                # regular file (a FIFO, a device) with one error line.
                absolute = Path(os.path.abspath(path))
                if force_exclude and self._is_excluded_path(absolute):
                    continue
                found.setdefault(os.path.normpath(absolute), path)
        return sorted(found.values(), key=lambda file: file.as_posix())

    def _is_excluded_path(self, path: Path) -> bool:
        """``path`` or one of its folders (below the root) is excluded."""
        if self.is_excluded(path, is_dir=False):
            return True
        return any(
            self.is_excluded(parent, is_dir=True)
            for parent in path.parents
            if parent != self.root and self.root in parent.parents
        )

    def _walk(self, start: Path) -> Iterable[Path]:
        absolute = os.path.abspath(start)
        base_ignores = _parent_ignores(Path(absolute)) if self.respect_gitignore else []
        if _is_ignored(base_ignores, absolute, is_dir=True):
            # A folder named explicitly is wanted even if git ignores it (as in ruff):
            # only the `.gitignore` files inside it apply.
            base_ignores = []
        stack: list[tuple[Path, str, list[_Ignore]]] = [(start, absolute, base_ignores)]
        while stack:
            shown, folder, ignores = stack.pop()
            if self.respect_gitignore:
                own = _load_gitignore(folder)
                if own is not None:
                    ignores = [*ignores, own]
            try:
                with os.scandir(folder) as scan:
                    entries = sorted(scan, key=lambda entry: entry.name)
            except OSError:
                continue
            for entry in entries:
                try:
                    is_dir = entry.is_dir(follow_symlinks=False)
                    is_file = not is_dir and entry.is_file()
                except OSError:
                    continue
                if not is_dir and not (is_file and entry.name.endswith(self.suffixes)):
                    continue
                if self._excluded(entry.path, entry.name, is_dir):
                    continue
                if _is_ignored(ignores, entry.path, is_dir):
                    continue
                if is_dir:
                    stack.append((shown / entry.name, entry.path, ignores))
                else:
                    yield shown / entry.name


def read_source(path: Path, max_size: int | None = None) -> bytes:
    """The bytes of ``path``; ``FileAccessError`` with a one-line message otherwise.

    Only regular files are read: a FIFO, device or socket is refused before it is
    opened (opening a FIFO would wait for a writer forever), and the file is opened
    non-blocking and checked again, in case it was swapped meanwhile. A file over
    ``max_size`` bytes (None or 0: no limit) raises ``FileTooLargeError`` unread."""
    try:
        _check_regular(path, os.stat(path).st_mode)
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise FileAccessError(f"{path}: cannot read file: {_reason(error)}") from None
    with os.fdopen(descriptor, "rb") as stream:
        try:
            info = os.fstat(descriptor)
            _check_regular(path, info.st_mode)
            check_size(path, info.st_size, max_size)
            return stream.read()
        except OSError as error:
            raise FileAccessError(f"{path}: cannot read file: {_reason(error)}") from None


def check_size(path: Path | str, size: int, max_size: int | None) -> None:
    """``FileTooLargeError`` when ``size`` is over ``max_size`` (None or 0: no limit)."""
    if max_size and size > max_size:
        raise FileTooLargeError(
            f"{path}: skipped: {_megabytes(size)} is over max-file-size ({_megabytes(max_size)})"
        )


def _megabytes(size: int) -> str:
    return f"{size} bytes" if size < 1024 * 1024 else f"{size / (1024 * 1024):.1f} MiB"


def _check_regular(path: Path, mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        kind = "a directory"
    elif stat.S_ISFIFO(mode):
        kind = "a FIFO"
    elif stat.S_ISSOCK(mode):
        kind = "a socket"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "a device"
    else:
        kind = "not a regular file"
    raise FileAccessError(f"{path}: cannot read file: it is {kind}, not a regular file")


def write_atomic(path: Path, data: bytes, *, root: Path | None = None) -> None:
    """Replace the content of ``path`` with ``data`` atomically, keeping its mode.

    - A symlink is written through (the link stays a link) only when its target is inside
      ``root`` (the project root) or the link's own folder tree; a link to outside both is
      refused with one error line: ``--fix`` never edits a file outside the tree it was
      asked about.
    - A file with several hard links is refused: replacing it would silently split it
      from its other names, and writing in place would lose atomicity.
    - The temporary file is removed on any exception (Ctrl-C included). Temporary files
      a killed run left behind (``.NAME.XXXXXXXX.tmp`` next to an existing ``NAME``,
      older than an hour) are removed at the next write in that folder.
    """
    target = Path(os.path.realpath(path))  # write through symlinks, don't replace them
    absolute = Path(os.path.abspath(path))
    inside = _inside(target, absolute.parent) or (root is not None and _inside(target, root))
    if target != absolute and not inside:
        raise FileAccessError(
            f"{path}: cannot write file: it is a symlink to {target}, outside the project"
        )
    try:
        info = target.stat()
        if not info.st_mode & stat.S_IWUSR or not os.access(target, os.W_OK):
            raise PermissionError(13, "Permission denied")
        if info.st_nlink > 1:
            raise FileAccessError(
                f"{path}: cannot write file: it has {info.st_nlink} hard links, which"
                " replacing it would break"
            )
        _remove_stale_temporaries(target.parent)
        handle, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=_TEMPORARY_SUFFIX
        )
    except OSError as error:
        raise FileAccessError(f"{path}: cannot write file: {_reason(error)}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, stat.S_IMODE(info.st_mode))
        if hasattr(os, "chown") and (info.st_uid, info.st_gid) != _owner(temporary):
            # Only root may give a file away; keeping the content matters more.
            with contextlib.suppress(OSError):
                os.chown(temporary, info.st_uid, info.st_gid)
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise FileAccessError(f"{path}: cannot write file: {_reason(error)}") from None
        raise


_TEMPORARY_SUFFIX = ".tmp"
_STALE_AFTER_SECONDS = 3600
# `tempfile.mkstemp` names: our prefix `.NAME.`, 8 characters of its alphabet, `.tmp`.
_TEMPORARY_NAME = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp")


def _remove_stale_temporaries(folder: Path) -> None:
    """Remove the temporary files of killed runs in ``folder`` (only our own pattern, only
    next to the file they were for, only regular files older than an hour)."""
    now = time.time()
    try:
        with os.scandir(folder) as scan:
            entries = [entry for entry in scan if entry.name.endswith(_TEMPORARY_SUFFIX)]
    except OSError:
        return
    for entry in entries:
        match = _TEMPORARY_NAME.fullmatch(entry.name)
        if match is None or not os.path.isfile(os.path.join(folder, match["name"])):
            continue
        with contextlib.suppress(OSError):
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and now - info.st_mtime > _STALE_AFTER_SECONDS:
                os.unlink(entry.path)


def _inside(path: Path, folder: Path) -> bool:
    base = os.path.realpath(folder)
    return _relative(str(path), base) is not None or str(path) == base


def _owner(path: str) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_uid, info.st_gid


def _reason(error: OSError) -> str:
    return (error.strerror or str(error)).rstrip(".")
