"""Parse safely: a cheap pre-check before LibCST's native parser, and a big stack for it.

LibCST's native (Rust) parser recurses once per nesting level on the calling thread's
stack and, past what that stack holds, dies with a segfault: no exception, no output,
every other file's findings lost (upstream, Instagram/LibCST). On a main thread's 8 MiB
stack (Linux) that happens from about 2,000 nested brackets, an 8,000-operand ``a and a
and ...`` chain (valid Python), or 20,000 ``elif`` branches; a Windows main thread has
1 MiB. Two defences, measured on CPython 3.11 / LibCST 1.x:

- **A big stack.** ``on_big_stack`` runs the whole lint of a file (parse, traversal,
  rules: the Python side recurses per level too) on one long-lived thread per process
  with a ``STACK_SIZE`` stack (address space only: untouched pages cost no memory) and
  the recursion limit raised, so valid deep code is checked the same on every platform.
  Handing work to that thread costs about 0.1 ms (thread wake-ups, and caches cold on
  the other core), so runs hand it files in batches (``interfaces.worker.BATCH``; a new
  thread per file cost 1.5% of a docs_src run); a process that forks gets its own thread
  (the parent's does not exist in the child).
- **A pre-check** (``precheck``) that refuses, as FRL001, what even the big stack should
  not be asked to parse, at the position where a limit is passed:

  - more than ``MAX_BRACKETS`` (200) nested brackets: CPython's own limit ("too many
    nested parentheses"), so such a file is a syntax error anyway; LibCST's memory grows
    with the square of the depth (1,000 levels: 140 MB; 5,000: 2.7 GB; 20,000:
    OOM-killed);
  - an expression nested more than ``MAX_DEPTH`` (1,000) levels deep — operand chains
    (``a and a and ...``, ``a + a + ...``, ``a.b.b.b``, ``f()()()``, unary
    ``not``/``-``) and brackets counted together (adjacent string literals, a nested
    tree too, do not count: they parse fast, and real modules such as
    ``pydoc_data/topics.py`` concatenate thousands): "nesting too deep for
    the parser (over 1000 levels)"; or more than ``MAX_BRANCHES`` (5,000) ``elif``
    branches in one chain. On the big stack LibCST parses a 50,000-operand ``and`` chain
    and 20,000 ``elif`` branches, but its time grows with the cube of a ``+``/``.``
    chain's length (1,000 operands: 0.4 s; 2,000: 1.7 s; 3,000: 8.6 s; 4,900: over
    100 s), so the limit is set by time, not stack;
  - more than ``MAX_TOKENS`` (200,000) tokens: "file too large to check (N tokens,
    over 200,000)". A lint takes 1.6-3 KB and ~0.4 ms a token (a 200,000-statement
    module, 600,000 tokens: 1.8 GB and 220 s; a 2 MiB module of routes, 700,000 tokens:
    1.1 GB and 270 s), so this caps one file at ~600 MB and about a minute and a half.
    The largest real modules we have seen are a third of it (mypy's ``checker.py``:
    64,000 tokens; generated ``descriptor_pb2.py``: 53,000). It applies everywhere,
    flake8 included (which has no ``max-file-size``); the CLI's ``max-file-size`` (2 MiB by
    default) skips bigger files before they are even read.

  The scan is regular expressions over the text, not a tokenizer: strings and comments
  are skipped, every operator, bracket and keyword operator counts as
  one chain step until a ``,``, ``;`` or ``=`` ends the operand (an over-estimate of the
  tree's depth, never an under-estimate outside f-string replacement fields). A file of
  at most ``MAX_DEPTH`` characters and ``MAX_BRACKETS`` opening brackets cannot reach
  any limit and is not scanned; the scan reads ~2.6 MB/s, about 1% of a lint's time.

What still crashes (an f-string hiding 1,000 nesting levels in a replacement field, a
parser bug) is contained by the process pool (``interfaces.worker``): the crashed file is
one error line and the run goes on.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

MAX_BRACKETS = 200
"""CPython's own limit (its tokenizer's ``MAXLEVEL``): deeper is a syntax error."""
MAX_DEPTH = 1_000
MAX_BRANCHES = 5_000
MAX_TOKENS = 200_000
RISKY_DEPTH = 500
"""Deeper than this, an in-process run checks the file in a child process
(``interfaces.worker``): the main thread's stack alone holds ~2,000 levels on Linux."""
STACK_SIZE = 512 * 1024 * 1024
RECURSION_LIMIT = 20_000
"""Python's default (1,000 frames) is below what real files need: an implicitly
concatenated string of a few hundred parts is a tree that deep. Like black, raise it
(only ever upwards)."""


@dataclass(frozen=True)
class Refusal:
    """Why a file is not handed to the parser, and where (1-based row and column)."""

    message: str
    row: int
    column: int


_STRING = (
    r"""(?:[rRbBuUfF]{0,2})(?:"""
    r'''"""(?:[^"\\]|\\.|"(?!""))*"""'''
    r"""|'''(?:[^'\\]|\\.|'(?!''))*'''"""
    r"""|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""
)
_SCAN = re.compile(
    rf"(?P<string>{_STRING})"
    r"|(?P<triple>\"\"\"|''')"  # an unterminated triple-quoted string: stop scanning
    r"|(?P<comment>#[^\n]*)"
    r"|(?P<open>[(\[{])|(?P<close>[)\]}])"
    r"|(?P<reset>[,;]|(?<![=!<>:+\-*/%@&|^~])=(?!=))"
    r"|(?P<newline>\n)"
    r"|(?P<step>\*\*|//|<<|>>|[-+*/%@&|^~<>.]|\b(?:and|or|not|in|is|if|else|lambda|await)\b)",
    re.DOTALL,
)
_TOKEN = re.compile(r"\w+|\S")
_BRANCH = re.compile(r"^([ \t]*)(if|elif)\b", re.MULTILINE)


def precheck(text: str) -> Refusal | None:
    """Why ``text`` must not be parsed (see the module docs); None for almost every file."""
    if len(text) <= MAX_DEPTH and _bracket_count(text) <= MAX_BRACKETS:
        return None
    return _too_deep(text) or _too_many_branches(text) or _too_large(text)


def _bracket_count(text: str) -> int:
    return text.count("(") + text.count("[") + text.count("{")


def _position(text: str, offset: int) -> tuple[int, int]:
    row = text.count("\n", 0, offset) + 1
    return row, offset - (text.rfind("\n", 0, offset) + 1) + 1


def is_risky(text: str) -> bool:
    """Whether ``text`` nests more than ``RISKY_DEPTH`` levels (under the pre-check's
    limits, so the big stack holds it, but a main thread's stack might not)."""
    if len(text) < RISKY_DEPTH or depth_bound(text) <= RISKY_DEPTH:
        return False
    deepest, refusal = _scan(text)
    return refusal is None and deepest > RISKY_DEPTH


def _too_deep(text: str) -> Refusal | None:
    if _bracket_count(text) <= MAX_BRACKETS and depth_bound(text) <= MAX_DEPTH:
        return None  # no limit can be passed: nothing to scan for
    return _scan(text)[1]


_STEP_CHARACTERS = tuple("-+*/%@&|^~<>.")
_STEP_WORDS = ("and", "or", "not", "in", "is", "if", "else", "lambda", "await")


def depth_bound(text: str) -> int:
    """An upper bound of ``_scan``'s nesting estimate, from counting characters (C speed,
    some twenty times faster than the scan). Every step the scan counts is one of these
    characters or words, every opening bracket adds at most two levels (a step, and its
    frame starts one deeper), and resets only lower the estimate; counting inside strings,
    comments and longer words only adds. So a file under a limit by this count is under
    it by the scan too (``tests/test_parse_safety.py`` checks it on random texts)."""
    return (
        2 * _bracket_count(text)
        + sum(map(text.count, _STEP_CHARACTERS))
        + sum(map(text.count, _STEP_WORDS))
    )


def _scan(text: str) -> tuple[int, Refusal | None]:
    """The deepest nesting estimate, and the refusal when a limit is passed."""
    # One frame per open bracket: [depth where it opened, steps since the operand began].
    frames: list[list[int]] = [[0, 0]]
    deepest = 0
    for match in _SCAN.finditer(text):
        kind = match.lastgroup
        frame = frames[-1]
        if kind == "step" or kind == "open":
            frame[1] += 1
            depth = frame[0] + frame[1]
            if depth > deepest:
                deepest = depth
            if kind == "open":
                frames.append([depth + 1, 0])
                if len(frames) - 1 > MAX_BRACKETS:
                    row, column = _position(text, match.start())
                    message = f"Syntax error: too many nested parentheses (over {MAX_BRACKETS})"
                    return deepest, Refusal(message, row, column)
            if depth > MAX_DEPTH:
                row, column = _position(text, match.start())
                message = f"nesting too deep for the parser (over {MAX_DEPTH} levels)"
                return deepest, Refusal(message, row, column)
        elif kind == "close":
            if len(frames) > 1:
                frames.pop()
        elif kind == "reset":
            frame[1] = 0
        elif kind == "newline":
            if len(frames) == 1 and not text.endswith("\\", 0, match.start()):
                frame[1] = 0
        elif kind == "triple":
            break  # unterminated: LibCST reports the syntax error
    return deepest, None


def _too_many_branches(text: str) -> Refusal | None:
    # Each `elif` is an `If` nested in the previous one's `orelse`.
    runs: dict[str, int] = {}
    for match in _BRANCH.finditer(text):
        indent, keyword = match.groups()
        if keyword == "if":
            runs[indent] = 0
            continue
        runs[indent] = runs.get(indent, 0) + 1
        if runs[indent] > MAX_BRANCHES:
            row, column = _position(text, match.start(2))
            return Refusal(
                f"nesting too deep for the parser (over {MAX_BRANCHES} `elif` branches)",
                row,
                column,
            )
    return None


def _too_large(text: str) -> Refusal | None:
    if len(text) < MAX_TOKENS:
        return None
    count = sum(1 for _ in _TOKEN.finditer(text))
    if count <= MAX_TOKENS:
        return None
    return Refusal(f"file too large to check ({count:,} tokens, over {MAX_TOKENS:,})", 1, 1)


class _BigStack:
    """One thread with a ``STACK_SIZE`` stack per process (rebuilt after a fork)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid = -1
        self._executor: ThreadPoolExecutor | None = None
        self._thread_ident: int | None = None

    def is_current(self) -> bool:
        return threading.get_ident() == self._thread_ident and self._pid == os.getpid()

    def run(self, function: Callable[[], T]) -> T:
        if self.is_current():
            return function()  # already on the big stack (fix_text calls lint_text)
        return self._executor_for_this_process().submit(function).result()

    def _executor_for_this_process(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None or self._pid != os.getpid():
                previous = threading.stack_size()
                threading.stack_size(STACK_SIZE)
                try:
                    executor = ThreadPoolExecutor(1, thread_name_prefix="fastapi-rules-parse")
                    executor.submit(self._started).result()
                finally:
                    threading.stack_size(previous)
                self._executor = executor
                self._pid = os.getpid()
            return self._executor

    def _started(self) -> None:
        self._thread_ident = threading.get_ident()
        if sys.getrecursionlimit() < RECURSION_LIMIT:
            sys.setrecursionlimit(RECURSION_LIMIT)


_BIG_STACK = _BigStack()


def on_big_stack(function: Callable[[], T]) -> T:
    """``function()``, run on this process's big-stack thread (see the module docs)."""
    return _BIG_STACK.run(function)


def is_on_big_stack() -> bool:
    """Whether this code runs on the big-stack thread already."""
    return _BIG_STACK.is_current()
