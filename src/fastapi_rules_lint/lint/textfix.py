"""Text edits: turning a rule's ``NodeFix`` into edits of the original source, applying
them, and checking that CPython accepts the result.

The edits must change nothing but the nodes a fix names:
- a replacement is generated with the indentation in effect where the old node was
  (``Module.code_for_node`` starts at column 0, which breaks indented statements);
- new code uses the module's newline (a CRLF file stays CRLF);
- removing a statement or decorator keeps the comment lines above it (LibCST attaches
  them to the node as ``leading_lines``, but they describe the code around it as often
  as the node itself);
- edits of one fix never overlap; a fix whose edits do is dropped, not half-applied.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Sequence

import libcst as cst
from libcst._nodes.internal import CodegenState

from fastapi_rules_lint.engine.diagnostics import Fix, TextEdit
from fastapi_rules_lint.engine.positions import NodeRanges
from fastapi_rules_lint.rulebase.rule import NodeFix


def _with_newline(content: str, newline: str) -> str:
    # Python reads "\r\n" and "\n" alike, also inside string literals, so converting
    # every newline of generated code to the file's own changes no meaning.
    if newline == "\n" or "\n" not in content:
        return content
    return content.replace("\r\n", "\n").replace("\n", newline)


def _generate(module: cst.Module, node: cst.CSTNode, indent: tuple[str, ...]) -> str:
    state = CodegenState(
        default_indent=module.default_indent,
        default_newline=module.default_newline,
        indent_tokens=list(indent),
    )
    node._codegen(state)
    return "".join(state.tokens)


def _after_lines(code: str, start: int, count: int) -> int:
    """The offset after ``count`` lines starting at ``start``."""
    offset = start
    for _ in range(count):
        newline = code.find("\n", offset)
        carriage = code.find("\r", offset)
        if carriage != -1 and (newline == -1 or carriage < newline):
            offset = carriage + (2 if code.startswith("\r\n", carriage) else 1)
        elif newline != -1:
            offset = newline + 1
        else:
            return len(code)
    return offset


def _removal_start(code: str, node: cst.CSTNode, start: int) -> int:
    """Where removing ``node`` starts: after its leading lines when one is a comment."""
    leading = getattr(node, "leading_lines", ())
    if not any(isinstance(line, cst.EmptyLine) and line.comment is not None for line in leading):
        return start
    return _after_lines(code, start, len(leading))


def text_fix(module: cst.Module, fix: NodeFix, ranges: NodeRanges) -> Fix | None:
    """The text edits that apply ``fix`` to the code ``ranges`` was computed on; None
    when a node has no range (not part of this module) or two edits overlap."""
    newline = module.default_newline
    edits: list[TextEdit] = []
    for old, new in fix.replacements:
        span = ranges.inclusive.get(old)
        if span is None:
            return None
        start, end = span
        if new is None:
            edits.append(TextEdit(_removal_start(ranges.code, old, start), end, ""))
            continue
        content = _generate(module, new, ranges.indents.get(old, ()))
        edits.append(TextEdit(start, end, _with_newline(content, newline)))
    for anchor, text, before in fix.text_insertions:
        span = ranges.inclusive.get(anchor)
        if span is None:
            return None
        offset = span[0] if before else span[1]
        edits.append(TextEdit(offset, offset, _with_newline(text, newline)))
    edits = [_within(edit, len(ranges.code), newline) for edit in edits]
    edits.sort(key=lambda edit: (edit.start, edit.end))
    for previous, current in itertools.pairwise(edits):
        if current.start < previous.end or (
            current.start == previous.start and current.end == previous.end == current.start
        ):
            return None
    return Fix(fix.applicability, fix.message, tuple(edits), fix.imports)


def _within(edit: TextEdit, size: int, newline: str) -> TextEdit:
    """An edit of the last line of a file without a final newline: LibCST's ranges end
    one newline past the text there. Clamp to the text, keeping lines apart."""
    if edit.end <= size:
        return edit
    content = edit.content
    if edit.start >= size:
        # An insertion after the last line: it starts a line of its own.
        return TextEdit(size, size, newline + content if content else content)
    if content.endswith(newline):
        content = content[: -len(newline)]  # the replaced line had no newline either
    return TextEdit(edit.start, size, content)


def apply_edits(text: str, edits: Sequence[TextEdit]) -> str:
    """``text`` with non-overlapping ``edits`` applied (insertions before replacements
    that start at the same offset)."""
    parts: list[str] = []
    cursor = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        parts.append(text[cursor : edit.start])
        parts.append(edit.content)
        cursor = edit.end
    parts.append(text[cursor:])
    return "".join(parts)


def compile_error(text: str, path: str) -> str | None:
    """Why CPython rejects ``text`` (None when it compiles)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, path, "exec", dont_inherit=True)
    except SyntaxError as error:
        return f"{error.msg} (line {error.lineno})"
    except (ValueError, RecursionError, MemoryError) as error:
        return f"{type(error).__name__}: {error}"
    return None
