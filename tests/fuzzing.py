"""The fuzzing harness shared by ``tests/test_fuzz.py`` and ``scripts/fuzz.py``.

Two sources of hostile input go through the same core the CLI runs on each file
(``decode_source`` → the project summary of the module → ``lint_text`` with every rule →
``fix_text`` with unsafe fixes → encoding the fixed text back):

- random programs from hypothesmith (its grammar-based and CST-based strategies);
- mutants of real FastAPI files (the pinned sdist's ``docs_src/``, ``tests/corpus.py``):
  one token deleted, duplicated or changed into another from ``REPLACEMENTS`` — Python
  tokens, keywords, brackets, and the literals CPython rejects but LibCST accepts.

A mutant is named by ``SEED:INDEX``: ``mutant(files, seed, index)`` always builds the
same text from the same corpus, so a failure printed as ``mutant 0:1234`` is replayed
with ``python scripts/fuzz.py --replay 0:1234``.

``check(text)`` is one verdict: ``"ok"``, or a failure kind (``INTERNAL``, ``PARSE``,
``HANG``; ``CRASH`` is given by the script when a worker process dies) with detail.
"""

from __future__ import annotations

import io
import keyword
import random
import signal
import tokenize
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import libcst as cst

from fastapi_rules_lint.engine.source import SourceDecodeError, decode_source
from fastapi_rules_lint.lint.fixer import fix_text
from fastapi_rules_lint.lint.linter import LintSettings, lint_bytes, lint_text
from fastapi_rules_lint.lint.registry import select_codes
from fastapi_rules_lint.lint.textfix import compile_error
from fastapi_rules_lint.project.view import standalone_view

ALL = LintSettings(enabled=select_codes(["ALL"]))
PATH = "app.py"

OK = "ok"
INTERNAL = "internal error"
PARSE = "fix output does not parse"
HANG = "hang"
CRASH = "crash"
FAILURES = (CRASH, HANG, INTERNAL, PARSE)

CI_PROGRAMS = 500
FULL_PROGRAMS = 10_000
CI_MUTANTS = 2_000
FULL_MUTANTS = 50_000
FIX_EVERY = 4
"""In CI every mutant is linted and every FIX_EVERY-th one is fixed too (the fixer lints
first, so a fixed mutant is linted as well); the full campaign fixes every mutant."""
TIME_LIMIT = 20.0
"""Seconds one input may take (the normal is milliseconds; generous for a loaded CI)."""

# Hostile and ordinary replacement tokens. The literals CPython rejects but LibCST
# accepts (issue 14) are here on purpose: an editor buffer mid-typing is full of them.
REPLACEMENTS: tuple[str, ...] = (
    *keyword.kwlist,
    *keyword.softkwlist,
    "print", "self", "app", "router", "Depends", "FastAPI", "APIRouter", "HTTPException",
    "BaseModel", "Field", "Query", "status", "x", "_", "café", "__import__",
    "(", ")", "[", "]", "{", "}", "()", "[]", "{}",
    ":", ",", ".", ";", "=", "==", "!=", "->", "*", "**", "/", "//", "@", ":=", "+=",
    "|", "&", "~", "^", "<<", ">>", "...", "<", ">=", "%", "-", "+", "!", "$", "?", "`",
    "\\", "\n", "\r", "\r\n", "\t", "    ", "\x0c", "\x00", "\ufeff", "#", "# noqa",
    "# noqa: FRL101", "# type: ignore", "# fmt: off",
    "''", '""', "'x'", '"""', "'''", "'\\N{BOGUS}'", "'\\N{LATIN SMALL LETTER A}'",
    "'\\x4'", "'\\x'", "'\\u12'", "'\\U0011ffff'", "'\\777'", "'\\d'", "'\x00'",
    "b'caf\u00e9'", "b'\\x4'", "rb'\\d'", "u'x'", "f'{x}'", "f'{'", "f'{x!z}'",
    "f'{x:{y:{z}}}'", "f'{{}}'", "'unterminated", "b''",
    "0", "1", "-1", "1_000", "0x", "0xG", "1e", "1e999", "1j", "07", "0o8", "0b102",
    "1.e5", "1__0", "10**100", "9" * 5_000, "0" * 5_000 + "1", "1" + "0" * 4_300, "200",
    "404", "0.5",
)

_SKIPPED = {tokenize.ENCODING, tokenize.ENDMARKER}


@dataclass(frozen=True)
class Verdict:
    """What became of one input."""

    kind: str
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.kind == OK


class Timeout(BaseException):
    """One input ran past its time limit (a BaseException: no ``except Exception`` in
    the checker can swallow it)."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ``Timeout`` in the main thread after ``seconds`` of this process's CPU time
    (POSIX; no limit elsewhere). CPU time, not wall time: on a loaded machine the wall
    clock measures the neighbours, and a checker that loops burns CPU anyway (an input
    that blocks without using CPU is caught by the campaign's wall-clock hard limit)."""
    if not hasattr(signal, "setitimer"):
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise Timeout(f"over {seconds:g} s")

    previous = signal.signal(signal.SIGPROF, expired)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def _parses(text: str, must_compile: bool) -> str | None:
    try:
        cst.parse_module(text)
    except Exception as error:  # any failure is the verdict
        return f"LibCST: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
    if must_compile:
        error_text = compile_error(text, PATH)
        if error_text is not None:
            return f"CPython: {error_text}"
    return None


def _run(text: str, fix: bool) -> Verdict:
    data = text.encode("utf-8", "surrogatepass")
    try:
        source = decode_source(data)
    except SourceDecodeError:
        lint_bytes(data, PATH, ALL)  # what the CLI does with undecodable bytes
        return Verdict(OK)
    view = standalone_view(source.text, PATH)
    if not fix:
        lint_text(source.text, PATH, ALL, view)
        return Verdict(OK)
    outcome = fix_text(source.text, PATH, ALL, unsafe=True, project=view)
    if outcome.is_changed and outcome.text != source.text:
        broken = _parses(outcome.text, compile_error(source.text, PATH) is None)
        if broken is not None:
            return Verdict(PARSE, broken)
        source.encode(outcome.text)  # the CLI writes it back in the file's encoding
    return Verdict(OK)


def check(text: str, *, fix: bool = True, seconds: float | None = TIME_LIMIT) -> Verdict:
    """Lint ``text`` (and fix it, when ``fix``) as the CLI would, within ``seconds``."""
    try:
        if seconds is None:
            return _run(text, fix)
        with time_limit(seconds):
            return _run(text, fix)
    except Timeout as error:
        return Verdict(HANG, str(error))
    except Exception:  # any exception is the finding
        return Verdict(INTERNAL, traceback.format_exc(limit=-8))


# --- mutants --------------------------------------------------------------------------


@dataclass(frozen=True)
class Mutant:
    """One single-token edit of one corpus file."""

    seed: int
    index: int
    file: str
    """The file's path relative to the sdist."""
    operation: str
    """``delete``, ``duplicate`` or ``change``."""
    row: int
    column: int
    token: str
    replacement: str
    text: str

    @property
    def name(self) -> str:
        return f"{self.seed}:{self.index}"

    def describe(self) -> str:
        edit = _short(self.token)
        if self.operation == "change":
            edit += f" -> {_short(self.replacement)}"
        return (
            f"mutant {self.name} ({self.file}:{self.row}:{self.column} {self.operation} {edit}; "
            f"replay: python scripts/fuzz.py --replay {self.name})"
        )


def _short(token: str) -> str:
    text = repr(token)
    return text if len(text) <= 40 else f"{text[:30]}...({len(token)} chars)"


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    row: int
    column: int


@dataclass(frozen=True)
class CorpusFile:
    """A corpus file's text and the offsets of its tokens."""

    name: str
    text: str
    tokens: tuple[_Token, ...]


def _tokens(text: str) -> tuple[_Token, ...]:
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    found: list[_Token] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in _SKIPPED or token.start == token.end:
                continue
            (row, column), (end_row, end_column) = token.start, token.end
            start, end = starts[row - 1] + column, starts[end_row - 1] + end_column
            if end > start:
                found.append(_Token(start, end, row, column + 1))
    except (tokenize.TokenError, SyntaxError):
        pass  # the tokens before the error are still good boundaries
    return tuple(found)


def load_corpus(root: Path, folder: str = "docs_src") -> list[CorpusFile]:
    """The corpus files under ``root/folder`` with at least one token, in a fixed order."""
    files: list[CorpusFile] = []
    for path in sorted((root / folder).rglob("*.py")):
        text = decode_source(path.read_bytes()).text
        tokens = _tokens(text)
        if tokens:
            files.append(CorpusFile(path.relative_to(root).as_posix(), text, tokens))
    return files


def mutant(files: Sequence[CorpusFile], seed: int, index: int) -> Mutant:
    """Mutant ``index`` of campaign ``seed``: the same corpus always gives the same text."""
    rng = random.Random(f"{seed}:{index}")
    file = files[rng.randrange(len(files))]
    token = file.tokens[rng.randrange(len(file.tokens))]
    original = file.text[token.start : token.end]
    operation = rng.choice(("delete", "duplicate", "change", "change"))
    if operation == "delete":
        replacement = ""
    elif operation == "duplicate":
        replacement = original + rng.choice(("", " ")) + original
    else:
        replacement = rng.choice(REPLACEMENTS)
    text = file.text[: token.start] + replacement + file.text[token.end :]
    return Mutant(
        seed, index, file.name, operation, token.row, token.column, original, replacement, text
    )


@lru_cache(maxsize=1)
def corpus() -> tuple[CorpusFile, ...] | None:
    """The sdist's ``docs_src`` files (None offline)."""
    from tests.corpus import fastapi_sdist

    root = fastapi_sdist()
    return None if root is None else tuple(load_corpus(root))


def run_mutants(
    files: Sequence[CorpusFile],
    seed: int,
    indices: Sequence[int] | range,
    fix_every: int = 1,
    on_failure: Callable[[Mutant, Verdict], None] | None = None,
) -> list[tuple[Mutant, Verdict]]:
    """Check each mutant (fixing every ``fix_every``-th); the failures."""
    failures: list[tuple[Mutant, Verdict]] = []
    for index in indices:
        case = mutant(files, seed, index)
        verdict = check(case.text, fix=index % fix_every == 0)
        if not verdict.ok:
            failures.append((case, verdict))
            if on_failure is not None:
                on_failure(case, verdict)
    return failures
