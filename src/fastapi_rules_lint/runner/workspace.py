"""The projects of a run: which project a file belongs to, and its model, built once.

Every entry point asks the same question of a file — "which project, and what does it
know?" — so every entry point gives the file the same diagnostics. A project is every
Python file under its root (``config.discovery.project_root``) that its settings do not
exclude; the files a run was given are only the ones it reports on. Buffers (stdin, an
editor's unsaved text) replace the file of the same path. A file outside its project's
files (excluded by the settings, or with no importable module name such as
``my-script.py``) is linted as a project of its own, by every entry point alike.

Costs: a project is discovered and summarised once per process; summaries come from the
summary cache (``runner.summaries``) when the file is unchanged, so a warm run given one
file reads only the cache and stats the project's files. Only regular files are read
(a FIFO in the tree would block forever); an unreadable file, or one over
``max-file-size``, is an unparsed module (the model knows nothing about it).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi_rules_lint.config.discovery import project_root
from fastapi_rules_lint.config.loader import ConfigError, LoadedConfig, load_config
from fastapi_rules_lint.engine.source import SourceDecodeError, decode_source
from fastapi_rules_lint.files import (
    Discovery,
    FileAccessError,
    FileTooLargeError,
    MissingPathError,
    read_source,
)
from fastapi_rules_lint.project.modules import ModuleRef, module_ref
from fastapi_rules_lint.project.summary import ModuleSummary
from fastapi_rules_lint.runner.summaries import CachedSummary, SummaryCache, digest

# The model, the views and the summariser are imported by the methods that use them: a
# warm run whose files are all cache hits needs only the fingerprint (``_scan``), and
# importing them (and LibCST, through the call facts) would be most of its time.
if TYPE_CHECKING:
    from fastapi_rules_lint.project.model import ProjectModel
    from fastapi_rules_lint.project.view import ModuleView
    from fastapi_rules_lint.runner.parallel import Pool


@dataclass(frozen=True)
class Project:
    """One project: its root, its model, and which module each of its files is."""

    root: Path
    model: ProjectModel
    refs: Mapping[str, ModuleRef]
    """Absolute, normalised file path → module."""
    fingerprint: str
    """Changes whenever any module's summary changes (diagnostic cache key)."""

    def module_of(self, path: Path) -> ModuleRef | None:
        """The module ``path`` is in this project (None when it is not one of its files)."""
        return self.refs.get(_key(path))


def _key(path: Path) -> str:
    return os.path.normcase(os.path.normpath(os.path.abspath(path)))


@dataclass(frozen=True)
class _Scan:
    """A project's modules and fingerprint, before its model is built."""

    modules: dict[ModuleRef, ModuleSummary]
    refs: dict[str, ModuleRef]
    fingerprint: str
    cache: SummaryCache
    deferred: dict[ModuleRef, tuple[Path, str]]
    """Modules whose cached summary is validated only when the model is built (file,
    cache key): the fingerprint needs only their content hash."""


def _root_config(root: Path) -> LoadedConfig:
    try:
        return load_config(root)
    except ConfigError:
        # The run reports a broken config itself; the model uses the defaults.
        return LoadedConfig(root=root)


class Workspace:
    """Builds each project of a run once (see the module docstring)."""

    def __init__(
        self,
        *,
        use_cache: bool = True,
        buffers: Mapping[Path, str] | None = None,
        cwd: Path | None = None,
        jobs: int | None = 1,
        pool: Pool | None = None,
    ) -> None:
        self.use_cache = use_cache
        self.jobs = jobs
        """Processes that summarise a project's changed modules (``runner.parallel``;
        None: as many as pay off). One by default: an editor or flake8 asks per file."""
        self.pool = pool
        """The run's worker processes, when it shares them (``runner.parallel.Pool``)."""
        self._prefetched: dict[str, CachedSummary] = {}
        self.buffers = {_key(path): text for path, text in (buffers or {}).items()}
        self.cwd = cwd
        self._projects: dict[Path, Project] = {}
        self._scans: dict[Path, _Scan] = {}
        self._roots: dict[str, Path] = {}
        """Folder → its project root, for ``fingerprint_for`` (one run's lookups)."""
        self._file_roots: dict[str, Path] = {}
        """Likewise for ``project_for``, found from a file of the folder."""

    def project_for(self, path: Path) -> Project:
        """The project ``path`` belongs to, built on first use."""
        root = self._root_of(path)
        project = self._projects.get(root)
        is_new_buffer = _key(path) in self.buffers and (
            project is None or project.module_of(path) is None
        )
        if project is None or is_new_buffer:
            project = self._build(root, extra=path)
            self._projects[root] = project
        return project

    def _root_of(self, path: Path) -> Path:
        # `project_root` depends only on the folder `path` is or is in (and this run's
        # cwd): every file of a folder has the same root, found once instead of walking
        # the folder's parents with pathlib for every file.
        absolute = os.path.abspath(path)
        folder = absolute if os.path.isdir(absolute) else os.path.dirname(absolute)
        root = self._file_roots.get(folder)
        if root is None:
            root = self._file_roots[folder] = project_root(path, self.cwd)
        return root

    def fingerprint_for(self, path: Path) -> str:
        """``project_for(path).fingerprint`` without building the project's model: a
        warm run's cache lookups need only this (the model costs more than the scan)."""
        absolute = os.path.abspath(path)
        folder = absolute if os.path.isdir(absolute) else os.path.dirname(absolute)
        root = self._roots.get(folder)
        if root is None:  # every file of a folder has the same root
            root = self._roots[folder] = project_root(Path(folder), self.cwd)
        project = self._projects.get(root)
        if project is not None or (self.buffers and _key(path) in self.buffers):
            return self.project_for(path).fingerprint
        scan = self._scans.get(root)
        if scan is None:
            scan = self._scans[root] = self._scan(root, extra=path)
        return scan.fingerprint

    def view_for(self, path: Path, text: str | None = None) -> ModuleView:
        """What ``path``'s project says to it. A file with no importable module name
        (``my-script.py``) is a project of its own, made from ``text``."""
        from fastapi_rules_lint.project.view import module_view, standalone_view

        project = self.project_for(path)
        ref = project.module_of(path)
        if ref is not None:
            return module_view(project.model, ref)
        if text is None:
            text = self.buffers.get(_key(path))
        if text is None:
            try:
                text = decode_source(read_source(path)).text
            except (FileAccessError, SourceDecodeError):
                text = ""
        return standalone_view(text, str(path))

    def view_for_text(self, path: Path, text: str) -> ModuleView:
        """``view_for`` a file whose text a caller already has (flake8, an editor): when
        it differs from the file on disk, the project is built with it as a buffer."""
        try:
            on_disk: str | None = decode_source(read_source(path)).text
        except (FileAccessError, SourceDecodeError):
            on_disk = None
        if on_disk is not None and _same_text(on_disk, text):
            return self.view_for(path, text)
        with_buffer = Workspace(use_cache=self.use_cache, buffers={path: text}, cwd=self.cwd)
        return with_buffer.view_for(path, text)

    def _build(self, root: Path, extra: Path) -> Project:
        scan = self._scans.pop(root, None)
        if scan is None or _key(extra) in self.buffers:
            scan = self._scan(root, extra)
        # The call facts import LibCST (the blocking-call table) too.
        from fastapi_rules_lint.project.model import ProjectModel
        from fastapi_rules_lint.semantics.asyncio.project_calls import with_call_facts

        modules = dict(scan.modules)
        for ref, (path, relative) in scan.deferred.items():
            summary = scan.cache.summary(relative)
            if summary is None:  # an entry that does not validate: summarise again
                summary, _ = self._summary(path, _key(path), relative, scan.cache, None)
            modules[ref] = summary
        scan.cache.save()
        model = with_call_facts(ProjectModel.build(modules))
        return Project(root, model, scan.refs, scan.fingerprint)

    def _scan(self, root: Path, extra: Path) -> _Scan:
        config = _root_config(root)
        settings = config.settings
        discovery = Discovery(
            root, [*settings.exclude, *settings.extend_exclude], include_notebooks=False
        )
        try:
            files = discovery.files([root])
        except MissingPathError:
            files = []
        paths = {_key(file): Path(os.path.abspath(file)) for file in files}
        # An unsaved buffer (stdin, an editor's new file) joins its project; a file the
        # settings exclude stays out even when named (it is linted on its own).
        if _key(extra) in self.buffers and not discovery.is_excluded(extra, is_dir=False):
            paths.setdefault(_key(extra), Path(os.path.abspath(extra)))
        cache = SummaryCache(root / settings.cache_dir if self.use_cache else None)
        source_roots = list(config.source_roots)
        modules: dict[ModuleRef, ModuleSummary] = {}
        deferred: dict[ModuleRef, tuple[Path, str]] = {}
        digests: list[str] = []
        refs: dict[str, ModuleRef] = {}
        kept: set[str] = set()
        markers: dict[Path, bool] = {}
        packages: dict[Path, tuple[str, tuple[str, ...]]] = {}

        def is_package_marker(marker: Path) -> bool:
            # Every module of a folder asks about the same `__init__.py` files.
            found = markers.get(marker)
            if found is None:
                found = markers[marker] = marker.is_file()
            return found

        limit = settings.file_size_limit
        # Each file is stat-ed once, its cache entry looked up once: the prefetch and the
        # loop below both need the answer (a warm scan is mostly this).
        stamps: dict[str, tuple[str, str | None]] = {}
        for key, path in paths.items():
            relative = _relative(path, root)
            stamps[key] = (relative, self._cached_digest(path, key, relative, cache, limit))
        self._prefetch(paths, stamps, limit)
        for key, path in sorted(paths.items()):
            ref = module_ref(path, root, source_roots, is_package_marker, packages)
            if ref is None or ref in modules or ref in deferred:
                continue  # no importable name, or a .pyi beside its .py: the first wins
            relative, content_digest = stamps[key]
            kept.add(relative)
            if content_digest is not None:
                deferred[ref] = (path, relative)
            else:
                summary, content_digest = self._summary(
                    path, key, relative, cache, settings.file_size_limit
                )
                modules[ref] = summary
            refs[key] = ref
            digests.append(f"{ref.root}:{ref.name}:{content_digest}")
        self._prefetched.clear()  # what the loop did not take: files that are no module
        cache.retain(kept)
        cache.save()
        fingerprint = digest("\n".join(digests).encode())
        return _Scan(modules, refs, fingerprint, cache, deferred)

    def _cached_digest(
        self, path: Path, key: str, relative: str, cache: SummaryCache, max_size: int | None
    ) -> str | None:
        """The content hash of an unchanged file the summary cache knows (size and
        modification time match); None otherwise."""
        if key in self.buffers:
            return None
        try:
            status = path.stat()
        except OSError:
            return None
        if not stat.S_ISREG(status.st_mode) or (max_size and status.st_size > max_size):
            return None
        return cache.stamp(relative, status.st_size, status.st_mtime_ns)

    def _prefetch(
        self,
        paths: Mapping[str, Path],
        stamps: Mapping[str, tuple[str, str | None]],
        max_size: int | None,
    ) -> None:
        """Summarise the modules the summary cache does not know in worker processes,
        largest first (``runner.parallel``), when there are enough of them: ``_summary``
        then takes their summaries instead of making them here. Same results as making
        them in this process: only where the work runs changes."""
        from fastapi_rules_lint.runner.parallel import largest_first, map_files, resolve_jobs

        if self.jobs == 1:
            return
        misses: list[Path] = []
        sizes: list[int] = []
        for key, path in sorted(paths.items()):
            if key in self.buffers or stamps[key][1] is not None:
                continue  # a buffer, or a file the summary cache knows
            try:
                size = path.stat().st_size
            except OSError:
                continue
            misses.append(path)
            sizes.append(size)
        if resolve_jobs(self.jobs, len(misses)) < 2:
            return
        order = [misses[index] for index in largest_first(sizes)]
        made = map_files(partial(summarise_file, max_size=max_size), order, self.jobs, self.pool)
        for path, found in zip(order, made, strict=True):
            if found is not None:
                self._prefetched[_key(path)] = found

    def _summary(
        self, path: Path, key: str, relative: str, cache: SummaryCache, max_size: int | None
    ) -> tuple[ModuleSummary, str]:
        from fastapi_rules_lint.project.summarise import summarise

        buffer = self.buffers.get(key)
        if buffer is not None:
            return summarise(buffer), digest(buffer.encode("utf-8", "surrogatepass"))
        try:
            status = path.stat()
        except OSError:
            return ModuleSummary(is_parsed=False), "unreadable"
        if not stat.S_ISREG(status.st_mode):
            return ModuleSummary(is_parsed=False), "unreadable"  # a FIFO would block
        if max_size and status.st_size > max_size:
            return ModuleSummary(is_parsed=False), f"too-large:{status.st_size}"
        cached = cache.get(relative, status.st_size, status.st_mtime_ns)
        if cached is not None:
            return cached.summary, cached.digest
        made = self._prefetched.pop(key, None)
        if made is not None and (made.size, made.mtime_ns) == (status.st_size, status.st_mtime_ns):
            cache.put(relative, made)
            return made.summary, made.digest
        try:
            data = read_source(path, max_size)
        except (FileAccessError, FileTooLargeError):
            return ModuleSummary(is_parsed=False), "unreadable"
        content = digest(data)
        summary = cache.by_digest(relative, content)
        if summary is None:
            try:
                summary = summarise(decode_source(data).text)
            except SourceDecodeError:
                summary = ModuleSummary(is_parsed=False)
        cache.put(relative, CachedSummary(status.st_size, status.st_mtime_ns, content, summary))
        return summary, content


def summarise_file(path: Path, max_size: int | None) -> CachedSummary | None:
    """The summary of one regular, readable, decodable-or-not file within ``max_size``
    (None for any other file: ``Workspace._summary`` decides what it is). Run in worker
    processes by ``Workspace._prefetch``."""
    from fastapi_rules_lint.project.summarise import summarise

    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode) or (max_size and status.st_size > max_size):
            return None
        data = read_source(path, max_size)
    except (OSError, FileAccessError, FileTooLargeError):
        return None
    try:
        summary = summarise(decode_source(data).text)
    except SourceDecodeError:
        summary = ModuleSummary(is_parsed=False)
    return CachedSummary(status.st_size, status.st_mtime_ns, digest(data), summary)


def _same_text(first: str, second: str) -> bool:
    if first == second:
        return True
    return first.replace("\r\n", "\n").replace("\r", "\n") == second.replace(
        "\r\n", "\n"
    ).replace("\r", "\n")


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()

