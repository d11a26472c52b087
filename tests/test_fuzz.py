"""Fuzzing: hostile input never makes the checker or the fixer fail (issue 14).

Every input goes through what the CLI does with one file (``tests/fuzzing.py``): decode,
summarise, lint with every rule, fix with unsafe fixes. Nothing may raise ("internal
error"), take longer than ``fuzzing.TIME_LIMIT``, or leave fixed code that LibCST (or, when
the input compiled, CPython) rejects.

- Random programs from hypothesmith: 500 in CI (derandomized: the same ones each run),
  10,000 with ``--fuzz-full`` (random; hypothesis shrinks a failure to a small program).
- Mutants of the FastAPI sdist's ``docs_src/`` files (one token deleted, duplicated or
  changed): 2,000 in CI (all linted, every 4th fixed too, ~10 s), 50,000 with
  ``--fuzz-full`` (all fixed). A failure names the mutant (``seed:index``) and how to
  replay it.
- Regression examples: what fuzzing found, kept as plain inputs.

``pytest tests/test_fuzz.py --fuzz-full`` (or ``FASTAPI_RULES_FUZZ_FULL=1``) runs the
full campaign in this process; ``python scripts/fuzz.py`` runs it on every core with a
summary (``docs/fuzzing.md``).
"""

from __future__ import annotations

import os
import warnings

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import fuzzing

MUTANT_SEED = int(os.environ.get("FASTAPI_RULES_FUZZ_SEED", "0"))

_ROUTE = '''from fastapi import FastAPI, HTTPException

app = FastAPI()


@app.get("/items/{item_id}")
async def read_item(item_id: int):
    if item_id == 0:
        raise HTTPException(status_code=404, detail=LITERAL)
    return {"item_id": item_id, "name": LITERAL}
'''

# The literals CPython rejects but LibCST accepts (issue 14 part 2), in a route file, and
# single-token edits of real files like those the mutation fuzzer makes.
REGRESSIONS = {
    "nul in a string": _ROUTE.replace("LITERAL", "'a\x00b'"),
    "bogus named escape": _ROUTE.replace("LITERAL", "'\\N{BOGUS}'"),
    "short hex escape": _ROUTE.replace("LITERAL", "'\\x4'"),
    "non-ascii bytes": _ROUTE.replace("LITERAL", "b'caf\u00e9'"),
    "5,000-digit int": _ROUTE.replace("LITERAL", "9" * 5_000),
    "octal escape past 0o377": _ROUTE.replace("LITERAL", "'\\777'"),
    "raw nul byte": _ROUTE.replace("item_id: int", "item_id: \x00int"),
    "status code literal dropped": _ROUTE.replace("status_code=404", "status_code="),
    "decorator without a call": _ROUTE.replace('@app.get("/items/{item_id}")', "@app.get"),
    "async keyword duplicated": _ROUTE.replace("async def", "async async def"),
    "unterminated f-string": _ROUTE.replace('"item_id"', "f'{"),
    "form feed indent": _ROUTE.replace("    return", "\x0c    return"),
}


@pytest.mark.parametrize("code", REGRESSIONS.values(), ids=REGRESSIONS.keys())
def test_regressions_from_fuzzing(code: str) -> None:
    verdict = fuzzing.check(code)
    assert verdict.ok, f"{verdict.kind}\n{verdict.detail}"


# Found by the mutation fuzzer (mutant 0:2338, ``:`` -> ``b'\x4'`` in a dict display):
# LibCST's parser raises CSTValidationError ("Cannot concatenate string and bytes."), a
# SyntaxError that is not a ParserSyntaxError, for implicit str/bytes concatenation, and
# ``lint_text`` let it out: "internal error", the file's findings lost. CPython rejects the
# code too, so it is FRL001 now: ``lint/linter.py``'s ``_parse`` catches it.
@pytest.mark.parametrize("code", ['x = "a" b"b"\n', 'd = {"k"b"\\x4" "v"}\n'])
def test_str_bytes_concatenation_is_a_syntax_error(code: str) -> None:
    verdict = fuzzing.check(code)
    assert verdict.ok, f"{verdict.kind}\n{verdict.detail}"


# Found by the mutation fuzzer (mutant 0:18901, a newline -> a 5,000-digit int, which
# made ``BaseSettings999...`` a name): sorting the names of an import a fix adds to
# compares digit runs as ints, and ``int()`` of 5,000 digits raises ValueError past
# CPython's limit (4,300). ``rulebase/import_order.py`` compares them without ``int()``.
def test_a_name_with_a_huge_digit_run_in_a_sorted_import() -> None:
    code = _ROUTE.replace("FastAPI, HTTPException", f"FastAPI, HTTPException, A{'9' * 5_000}")
    verdict = fuzzing.check(code.replace("LITERAL", "None"))
    assert verdict.ok, f"{verdict.kind}\n{verdict.detail}"


def test_a_mutant_is_reproducible_from_its_name() -> None:
    files = [fuzzing.CorpusFile("a.py", _ROUTE, fuzzing._tokens(_ROUTE))]
    first = [fuzzing.mutant(files, 3, index) for index in range(50)]
    again = [fuzzing.mutant(files, 3, index) for index in range(50)]
    assert first == again
    assert len({case.text for case in first}) > 25
    assert {case.operation for case in first} == {"delete", "duplicate", "change"}


def test_the_harness_sees_failures() -> None:
    """A fuzzer that cannot fail proves nothing: a raising, a hanging and a silent input
    each get their verdict."""

    def boom() -> None:
        raise RuntimeError("boom")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fuzzing, "standalone_view", lambda text, path: boom())
        assert fuzzing.check(_ROUTE).kind == fuzzing.INTERNAL
        patch.setattr(fuzzing, "standalone_view", lambda text, path: _spin())
        assert fuzzing.check(_ROUTE, seconds=0.2).kind == fuzzing.HANG
    assert fuzzing.check(_ROUTE).ok


def _spin() -> None:
    while True:
        pass


def test_random_programs_never_crash_the_checker(fuzz_full: bool) -> None:
    count = fuzzing.FULL_PROGRAMS if fuzz_full else fuzzing.CI_PROGRAMS

    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        derandomize=not fuzz_full,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.one_of(hypothesmith.from_grammar(), hypothesmith.from_node()))
    def random_program(code: str) -> None:
        verdict = fuzzing.check(code)
        assert verdict.ok, f"{verdict.kind} on {code!r}\n{verdict.detail}"

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # hypothesmith's own compile() calls warn
        random_program()


@pytest.mark.corpus
def test_mutants_of_fastapi_files_never_break_the_checker(fuzz_full: bool) -> None:
    files = fuzzing.corpus()
    if files is None:
        pytest.skip("offline: the FastAPI sdist could not be fetched")
    count = fuzzing.FULL_MUTANTS if fuzz_full else fuzzing.CI_MUTANTS
    fix_every = 1 if fuzz_full else fuzzing.FIX_EVERY
    failures = fuzzing.run_mutants(files, MUTANT_SEED, range(count), fix_every)
    report = "\n\n".join(
        f"{case.describe()}: {verdict.kind}\n{verdict.detail}" for case, verdict in failures[:10]
    )
    assert not failures, f"{len(failures)} of {count} mutants failed:\n{report}"
