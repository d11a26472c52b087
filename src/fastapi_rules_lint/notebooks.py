"""Jupyter notebooks: a notebook ↔ one Python module text, and rows ↔ cell positions.

The engine never sees a notebook. ``Notebook.parse`` turns the code cells into one module
text (what the linter and the fixer work on); ``CellMap`` turns that text's rows back into
``cell N, row R`` for the reports; ``Notebook.write`` puts a fixed module text back into
the notebook's JSON.

Decisions (ruff is the model):
- Cells are numbered 1-based over *all* cells, markdown included, as editors show them.
  Only ``code`` cells are linted; a notebook whose kernel is not Python has none.
- Each code cell is preceded by a marker comment (``_MARKER``) so the fixed text can be
  cut back into cells; a fix that loses or reorders a marker is refused, never guessed.
- IPython syntax is replaced line for line by ``pass  # magic`` (same indentation), so
  rows stay in place: lines starting with ``%``, ``!`` or ``?``, help lines ending with
  ``?`` (``obj?``), ``x = %time f()`` / ``files = !ls`` assignments, the ``\\``
  continuation lines of any of these, and every line of a cell starting with ``%%``.
- ``write`` refuses (``NotebookWriteError``) when a fix changed, re-indented or removed a
  placeholder line (lines inserted beside one are fine): a magic is never rewritten.
  Unchanged cells keep their source value as it was (string or list of lines); a changed
  one keeps its form (string or list). The JSON is written back with the
  notebook's own formatting (indent, key order, ASCII escaping, trailing newline), and a
  notebook whose formatting cannot be reproduced exactly is refused rather than
  reformatted.
- Not a module: a notebook is never part of a project's module graph (it gets a
  standalone view), as nothing can import it.
"""

from __future__ import annotations

import bisect
import difflib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

NOTEBOOK_SUFFIX = ".ipynb"
_MARKER = "# fastapi-rules notebook cell {number}"
_MARKER_LINE = re.compile(r"^# fastapi-rules notebook cell (\d+)\n", re.MULTILINE)
PLACEHOLDER = "pass  # magic"
_MAGIC_START = re.compile(r"\s*(?:[%!?]|[A-Za-z_][\w.]*\s*=\s*[%!])")
_HELP = re.compile(r"\s*[A-Za-z_][\w.]*\s*\?{1,2}\s*$")
_JsonValue = object


class NotebookError(Exception):
    """The file is not a notebook we can read (one line, no path)."""


class NotebookWriteError(Exception):
    """A fixed text cannot be written back into the notebook safely (one line)."""


def is_notebook(name: str) -> bool:
    """True for a ``.ipynb`` file name."""
    return name.lower().endswith(NOTEBOOK_SUFFIX)


@dataclass(frozen=True)
class CellMap:
    """Rows of the module text → (cell number, row in the cell)."""

    starts: tuple[int, ...]
    """The module row of each linted cell's first line (ascending)."""
    numbers: tuple[int, ...]
    """The cell number (1-based over all cells) of each linted cell."""

    def locate(self, row: int) -> tuple[int, int]:
        """``(cell, row)`` of a module row; a marker row counts as its cell's row 1."""
        if not self.starts:
            return 1, row
        index = max(bisect.bisect_right(self.starts, row) - 1, 0)
        return self.numbers[index], max(row - self.starts[index] + 1, 1)


@dataclass(frozen=True)
class _Cell:
    index: int
    """Position in the notebook's ``cells`` list (0-based)."""
    text: str
    """The source, newline-terminated, with placeholders for magics."""
    magics: tuple[tuple[int, str], ...]
    """(row in ``text``, 0-based; the original line) of each placeholder."""
    has_final_newline: bool


def _cell_source(cell: dict[str, _JsonValue]) -> str:
    source = cell.get("source", "")
    if isinstance(source, list) and all(isinstance(part, str) for part in source):
        return "".join(str(part) for part in source)
    if isinstance(source, str):
        return source
    raise NotebookError("a cell's source is neither a string nor a list of strings")


def _mask(source: str) -> tuple[str, tuple[tuple[int, str], ...]]:
    """``source`` with IPython syntax replaced by placeholders, and what they replaced."""
    lines = source.splitlines(keepends=True)
    whole_cell = source.lstrip().startswith("%%")
    masked: list[str] = []
    magics: list[tuple[int, str]] = []
    continuing: str | None = None
    for row, line in enumerate(lines):
        body = line.rstrip("\r\n")
        indent = body[: len(body) - len(body.lstrip())]
        if continuing is not None:
            indent = continuing
        elif whole_cell:
            indent = ""
        elif not (_MAGIC_START.match(body) or _HELP.match(body)):
            masked.append(line if line.endswith("\n") else line + "\n")
            continue
        continuing = indent if body.endswith("\\") and not whole_cell else None
        masked.append(f"{indent}{PLACEHOLDER}\n")
        magics.append((row, line))
    return "".join(masked), tuple(magics)


def _is_python(document: dict[str, _JsonValue]) -> bool:
    metadata = document.get("metadata")
    if not isinstance(metadata, dict):
        return True
    for key, field in (("language_info", "name"), ("kernelspec", "language")):
        section = metadata.get(key)
        if isinstance(section, dict) and isinstance(section.get(field), str):
            return str(section[field]).lower() == "python"
    return True


class Notebook:
    """A parsed notebook: its JSON, its module text and the map back to cells."""

    def __init__(self, data: bytes) -> None:
        try:
            raw = data.decode("utf-8-sig")
            document = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise NotebookError(f"not a JSON notebook: {error}") from None
        cells = document.get("cells") if isinstance(document, dict) else None
        if not isinstance(cells, list) or not all(isinstance(cell, dict) for cell in cells):
            raise NotebookError("not an nbformat 4 notebook (no `cells` list)")
        self.raw = raw
        self._cells: list[dict[str, _JsonValue]] = cells
        linted: list[_Cell] = []
        if _is_python(document):
            for index, cell in enumerate(cells):
                if cell.get("cell_type") != "code":
                    continue
                source = _cell_source(cell)
                text, magics = _mask(source)
                ends = source.endswith("\n") or not source
                linted.append(_Cell(index, text, magics, ends))
        self._linted = tuple(linted)
        parts: list[str] = []
        starts: list[int] = []
        row = 1
        for cell in linted:
            parts.append(_MARKER.format(number=cell.index + 1) + "\n")
            starts.append(row + 1)
            parts.append(cell.text)
            row += 1 + cell.text.count("\n")
        self.text = "".join(parts)
        """The module text the linter sees."""
        self.cells = CellMap(tuple(starts), tuple(cell.index + 1 for cell in linted))

    def cell_texts(self, text: str) -> dict[int, str]:
        """Cell number → its part of a (fixed) module text, placeholders included."""
        pieces = _MARKER_LINE.split(text)
        numbers = [int(number) for number in pieces[1::2]]
        if pieces[0].strip() or numbers != list(self.cells.numbers):
            raise NotebookWriteError("a fix moved code across notebook cells")
        return dict(zip(numbers, pieces[2::2], strict=True))

    def fixed_sources(self, text: str) -> dict[int, str]:
        """Cell index (0-based) → new source, for each code cell the fixed ``text`` changes."""
        fixed = self.cell_texts(text)
        changed: dict[int, str] = {}
        for cell in self._linted:
            new = fixed[cell.index + 1]
            if new == cell.text:
                continue
            source = _unmask(cell, new)
            if not cell.has_final_newline and source.endswith("\n"):
                source = source[:-1]
            changed[cell.index] = source
        return changed

    def write(self, text: str) -> bytes:
        """The notebook's bytes with the code cells taken from the fixed module ``text``."""
        changed = self.fixed_sources(text)
        if not changed:
            return self.raw.encode("utf-8")
        document = json.loads(self.raw)  # a fresh copy: this object stays as parsed
        dump = _reproducer(self.raw, document)
        cells = document["cells"]
        for index, source in changed.items():
            old = cells[index].get("source")
            cells[index]["source"] = (
                source.splitlines(keepends=True) if isinstance(old, list) else source
            )
        return dump(document).encode("utf-8")

    def diffs(self, display: str, text: str) -> list[tuple[str, str, str]]:
        """(``path:cell N``, old source, new source) for every code cell ``text`` changes."""
        return [
            (f"{display}:cell {index + 1}", _cell_source(self._cells[index]), source)
            for index, source in self.fixed_sources(text).items()
        ]


def _unmask(cell: _Cell, fixed: str) -> str:
    """Put the magics back into a fixed cell; refuse when a fix touched a placeholder."""
    if not cell.magics:
        return fixed
    before = cell.text.splitlines(keepends=True)
    after = fixed.splitlines(keepends=True)
    restored = list(after)
    magic_rows = dict(cell.magics)
    kept: set[int] = set()
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, first, last, new_first, _ in matcher.get_opcodes():
        if tag != "equal":
            # An inserted line beside a magic is fine (an import after `%load_ext`); a
            # placeholder replaced, re-indented or deleted is not.
            if any(row in magic_rows for row in range(first, last)):
                raise NotebookWriteError("a fix touched a cell's IPython magic")
            continue
        for offset in range(last - first):
            row = first + offset
            if row in magic_rows:
                original = magic_rows[row]
                restored[new_first + offset] = (
                    original if original.endswith("\n") else original + "\n"
                )
                kept.add(row)
    if kept != set(magic_rows):
        raise NotebookWriteError("a fix touched a cell's IPython magic")
    return "".join(restored)


def _reproducer(raw: str, document: dict[str, _JsonValue]) -> _Dump:
    """A serialiser that writes ``document`` back exactly as ``raw`` is written."""
    body = raw.rstrip("\r\n")
    ending = raw[len(body) :]
    indent_match = re.match(r"\{\r?\n([ \t]+)", body)
    indent: str | None = indent_match.group(1) if indent_match else None
    for ensure_ascii in (False, True):
        for separators in ((",", ": "), (", ", ": "), (",", ":")):
            dump = _Dump(indent, ensure_ascii, separators, ending, "\r\n" in body)
            if dump(document) == raw:
                return dump
    raise NotebookWriteError("cannot reproduce the notebook's JSON formatting exactly")


@dataclass(frozen=True)
class _Dump:
    indent: str | None
    ensure_ascii: bool
    separators: tuple[str, str]
    ending: str
    crlf: bool

    def __call__(self, document: object) -> str:
        text = json.dumps(
            document,
            indent=self.indent,
            ensure_ascii=self.ensure_ascii,
            separators=self.separators,
        )
        if self.crlf:
            text = text.replace("\n", "\r\n")
        return text + self.ending


__all__: Sequence[str] = (
    "NOTEBOOK_SUFFIX",
    "CellMap",
    "Notebook",
    "NotebookError",
    "NotebookWriteError",
    "is_notebook",
)
