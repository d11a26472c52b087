"""Lines a fix made too long are split the way ruff format splits them (``lint.layout``).

Each case fixes a ruff-formatted input and checks the exact output, and that
``ruff format --check`` (with the same line length) accepts it — where the input was
itself accepted.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from fastapi_rules_lint.engine.style import CodeStyle
from fastapi_rules_lint.lint.fixer import fix_text
from fastapi_rules_lint.lint.layout import line_width, wrap_long_lines
from fastapi_rules_lint.lint.linter import LintSettings


def _fix(code: str, codes: set[str], line_length: int = 88) -> str:
    settings = LintSettings(enabled=frozenset(codes), style=CodeStyle(line_length=line_length))
    return fix_text(code, "app.py", settings, unsafe=True).text


def _ruff_accepts(code: str, line_length: int = 88) -> bool:
    command = [sys.executable, "-m", "ruff", "format", "--isolated", "--check"]
    command += ["--line-length", str(line_length), "-"]
    try:
        result = subprocess.run(command, input=code, text=True, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        pytest.skip("ruff is not available")
    if "No module named ruff" in result.stderr:
        pytest.skip("ruff is not installed")
    return result.returncode == 0


_HEAD = "from fastapi import FastAPI, HTTPException, status\n\napp = FastAPI()\n\n\n"
_QUERY = "from fastapi import FastAPI, Query\n\napp = FastAPI()\n\n\n"
_ANNOTATED = (
    "from typing import Annotated\n\nfrom fastapi import FastAPI, Query\n\napp = FastAPI()\n\n\n"
)

CASES = {
    "decorator": (
        {"FRL208"},
        88,
        _HEAD + '@app.post("/items/{item_id}/archive", status_code=status.HTTP_202_ACCEPTED)\n'
        "def archive(item_id: int) -> None:\n"
        '    raise HTTPException(status_code=409, detail="Already archived")\n',
        _HEAD + "@app.post(\n"
        '    "/items/{item_id}/archive",\n'
        "    status_code=status.HTTP_202_ACCEPTED,\n"
        '    responses={status.HTTP_409_CONFLICT: {"description": "Already archived"}},\n'
        ")\n"
        "def archive(item_id: int) -> None:\n"
        '    raise HTTPException(status_code=409, detail="Already archived")\n',
    ),
    "signature": (
        {"FRL202"},
        88,
        _QUERY + '@app.get("/items/")\n'
        "async def read_items(q: str | None = Query(default=None, min_length=3, max_length=50)):\n"
        "    return q\n",
        _ANNOTATED + '@app.get("/items/")\n'
        "async def read_items(\n"
        "    q: Annotated[str | None, Query(min_length=3, max_length=50)] = None,\n"
        "):\n"
        "    return q\n",
    ),
    "multi-line default": (
        {"FRL202"},
        88,
        _QUERY + '@app.get("/items/")\n'
        "async def read_items(\n"
        "    q: str | None = Query(\n"
        '        default=None, min_length=3, max_length=50, pattern="^fixedquery$"\n'
        "    ),\n"
        "):\n"
        "    return q\n",
        _ANNOTATED + '@app.get("/items/")\n'
        "async def read_items(\n"
        "    q: Annotated[\n"
        '        str | None, Query(min_length=3, max_length=50, pattern="^fixedquery$")\n'
        "    ] = None,\n"
        "):\n"
        "    return q\n",
    ),
    "nested one per line": (
        {"FRL202"},
        88,
        _QUERY + '@app.get("/items/")\n'
        "async def read_items(\n"
        "    q: str | None = Query(\n"
        "        default=None,\n"
        '        title="Query string",\n'
        '        description="Query string for the items to search in the database",\n'
        "        min_length=3,\n"
        "    ),\n"
        "):\n"
        "    return q\n",
        _ANNOTATED + '@app.get("/items/")\n'
        "async def read_items(\n"
        "    q: Annotated[\n"
        "        str | None,\n"
        "        Query(\n"
        '            title="Query string",\n'
        '            description="Query string for the items to search in the database",\n'
        "            min_length=3,\n"
        "        ),\n"
        "    ] = None,\n"
        "):\n"
        "    return q\n",
    ),
    "keyword-only star on its own line": (
        {"FRL202"},
        88,
        "from fastapi import Depends, FastAPI, Query\n\napp = FastAPI()\n\n\n"
        "def get_db() -> int:\n    return 1\n\n\n"
        "def make() -> None:\n"
        '    @app.get("/")\n'
        "    def read(\n"
        "        q: str = Query(None),\n"
        "        db: int = Depends(get_db),\n"
        "    ) -> str:\n"
        "        return q\n",
        "from typing import Annotated\n\n"
        "from fastapi import Depends, FastAPI, Query\n\napp = FastAPI()\n\n\n"
        "def get_db() -> int:\n    return 1\n\n\n"
        "def make() -> None:\n"
        '    @app.get("/")\n'
        "    def read(\n"
        "        q: Annotated[str, Query()] = None,\n"
        "        *,\n"
        "        db: Annotated[int, Depends(get_db)],\n"
        "    ) -> str:\n"
        "        return q\n",
    ),
    "custom line length": (
        {"FRL207"},
        60,
        _HEAD + '@app.get("/items/{item_id}")\n'
        "def read(item_id: int) -> None:\n"
        '    raise HTTPException(status_code=404, detail="Gone")\n',
        _HEAD + '@app.get("/items/{item_id}")\n'
        "def read(item_id: int) -> None:\n"
        "    raise HTTPException(\n"
        '        status_code=status.HTTP_404_NOT_FOUND, detail="Gone"\n'
        "    )\n",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_fix_splits_the_lines_it_made_too_long(name: str) -> None:
    codes, line_length, before, expected = CASES[name]
    assert _ruff_accepts(before, line_length)
    fixed = _fix(before, codes, line_length)
    assert fixed == expected
    assert _ruff_accepts(fixed, line_length)
    assert _fix(fixed, codes, line_length) == fixed


def test_the_same_fix_fits_the_default_limit() -> None:
    _, _, before, _ = CASES["custom line length"]
    fixed = _fix(before, {"FRL207"})
    assert 'raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Gone")' in fixed


def test_a_line_already_too_long_stays_as_it_is() -> None:
    long_detail = "This item was not found anywhere, not even in the archive"
    before = (
        _HEAD + '@app.get("/items/{item_id}")\n'
        "def read(item_id: int) -> None:\n"
        f'    raise HTTPException(status_code=404, detail="{long_detail}")\n'
    )
    fixed = _fix(before, {"FRL207"})
    assert fixed == before.replace("status_code=404", "status_code=status.HTTP_404_NOT_FOUND")


def test_lines_the_fix_did_not_change_are_untouched() -> None:
    untouched = (
        '    return {"items": [{"item_id": "Foo"}, {"item_id": "Bar"}, {"item_id": "Baz"}, "x"]}\n'
    )
    before = "def f():\n" + untouched + "\n\ndef g():\n    return call(a, b)\n"
    after = before.replace(
        "call(a, b)", "call(first_argument_name, second_argument_name, third_one, fourth)"
    )
    wrapped = wrap_long_lines(before, after, 60)
    assert untouched in wrapped
    assert "    return call(\n        first_argument_name,\n" in wrapped


def test_nested_brackets_split_from_the_outside_in() -> None:
    before = "x = f(a)\n"
    after = 'x = f(a, {"key": [1, 2, 3], "other": {"deep": "value", "more": "values here"}})\n'
    wrapped = wrap_long_lines(before, after, 40)
    assert wrapped == (
        "x = f(\n"
        "    a,\n"
        "    {\n"
        '        "key": [1, 2, 3],\n'
        '        "other": {\n'
        '            "deep": "value",\n'
        '            "more": "values here",\n'
        "        },\n"
        "    },\n"
        ")\n"
    )
    assert _ruff_accepts(wrapped, 40)


def test_comments_and_pragmas_stay() -> None:
    before = "x = f(\n    a,  # first\n    b,\n)\ny = g(a)  # noqa: E501\n"
    after = before.replace("b,", "bbbbbbbbbbbbbb, ccccccccccccccc,").replace(
        "g(a)", "g(aaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbbbbbbbbb)"
    )
    wrapped = wrap_long_lines(before, after, 30)
    assert wrapped == (
        "x = f(\n    a,  # first\n    bbbbbbbbbbbbbb,\n    ccccccccccccccc,\n)\n"
        "y = g(aaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbbbbbbbbb)  # noqa: E501\n"
    )


def test_statements_the_formatters_parenthesise_are_left_alone() -> None:
    before = "if a:\n    pass\n"
    after = "if some_condition(first_value) and other_condition(second_value):\n    pass\n"
    assert wrap_long_lines(before, after, 40) == after


def test_crlf_and_tab_indented_files_keep_their_style() -> None:
    before = "def f():\r\n\treturn g(a)\r\n"
    after = "def f():\r\n\treturn g(aaaaaaaaaaaa, bbbbbbbbbbbbbbbbbb, ccccccccccccc)\r\n"
    wrapped = wrap_long_lines(before, after, 60)  # a tab counts to the next multiple of 4
    assert wrapped == (
        "def f():\r\n\treturn g(\r\n\t\taaaaaaaaaaaa, bbbbbbbbbbbbbbbbbb, ccccccccccccc\r\n\t)\r\n"
    )


def test_line_width_counts_like_ruff() -> None:
    assert line_width("x = 1  # noqa: E501") == 5
    assert line_width("\tx") == 5
    assert line_width('s = "日本"') == 10


def test_a_multi_line_last_element_opens_its_bracket() -> None:
    before = "x = f(\n    a,  # keep\n    b,\n)\n"
    after = "x = g(first, f(\n    a,  # keep\n    b,\n))\n"
    wrapped = wrap_long_lines(before, after, 88)
    assert wrapped == "x = g(\n    first,\n    f(\n        a,  # keep\n        b,\n    ),\n)\n"
    assert _ruff_accepts(wrapped)


def test_a_multi_line_string_is_not_moved() -> None:
    before = 'x = f("""\ntext\n""")\n'
    after = 'x = g(first, f("""\ntext\n"""))\n'
    assert wrap_long_lines(before, after, 88) == after


def test_positions_are_position_providers() -> None:
    """The layout's character-counting positions are LibCST's ``PositionProvider``
    ranges, node for node (decorators, parameters, hoisted ranges included)."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    from fastapi_rules_lint.lint.brackets import Collector

    code = (
        "# header\n\n"
        "@app.get('/x', responses={404: {'d': 1}})\n"
        "async def f(a: int = Query(1), /, *args: str, b=[1, (2, 3)], **kw: dict) -> None:\n"
        "    x = {k: v for k, v in kw.items()}  # comment\n"
        "    return await g(a, *args, key=x)[0].y\n\n\n"
        "class C(Base, metaclass=M):\n"
        '    """Doc."""\n'
        "    def m(self): return f'{self!r:>{10}}'\n"
    )
    module = cst.parse_module(code)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    collector = Collector(module, [])
    assert all(collector._range(node) == span for node, span in expected.items())


def test_only_the_statements_holding_a_target_are_rebuilt_with_the_module_intact() -> None:
    """Header comments, statements before and after, a footer and a missing final
    newline: the split statement changes, every other byte stays."""
    head = "# a header comment\n\nimport x\n\n\n"
    middle = "def f():\n    return call(a, b)\n\n\n"
    tail = "def g():\n    return 1\n# a footer comment"
    before = head + middle + tail
    after = before.replace("call(a, b)", "call(first_argument_name, second_argument_name, third)")
    wrapped = wrap_long_lines(before, after, 60)
    assert wrapped == (
        head
        + "def f():\n    return call(\n        first_argument_name, second_argument_name, third\n"
        + "    )\n\n\n"
        + tail
    )


def test_two_statements_split_in_the_same_rounds() -> None:
    before = "x = f(a)\n\n\ny = g(b)\n"
    after = (
        "x = f(aaaaaaaaaa, [bbbbbbbbbb, cccccccccc])\n\n\ny = g(dddddddddd, [eeeeeeeeee, ffffff])\n"
    )
    wrapped = wrap_long_lines(before, after, 30)
    assert wrapped == (
        "x = f(\n    aaaaaaaaaa,\n    [bbbbbbbbbb, cccccccccc],\n)\n\n\n"
        "y = g(\n    dddddddddd,\n    [eeeeeeeeee, ffffff],\n)\n"
    )
