"""FRL404 to FRL407: the fixes run under Pydantic v2 and keep what v1 code meant.

Each behaviour case is v1-style source, fixed with FRL404 to FRL407 (unsafe fixes too),
then executed under the installed Pydantic v2 with deprecation warnings as errors; the
same inputs must be accepted or rejected, with the same resulting values, as Pydantic
v1 did on the original source. The v1 results are recorded (pydantic 1.10.27) in
``pydantic_v1_results.json``; set ``FRL_PYDANTIC_V1_PYTHON`` to an interpreter with
``pydantic<2`` to check against it live.

Also: the regex rewrite against Python's ``re.match`` on a battery of patterns, and
the rules across modules (``project_views``).
"""

from __future__ import annotations

import inspect
import json
import os
import re
import subprocess
import warnings
from pathlib import Path
from typing import Any

import pytest

from fastapi_rules_lint.lint.fixer import fix_text
from fastapi_rules_lint.lint.linter import LintSettings, lint_text
from fastapi_rules_lint.lint.textfix import compile_error
from fastapi_rules_lint.project.view import project_views

CODES = frozenset({"FRL404", "FRL405", "FRL406", "FRL407"})
SETTINGS = LintSettings(enabled=CODES)

Outcome = list[Any]


def run_case(source: str, model: str, inputs: list[dict[str, Any]], assign: Any = None) -> Outcome:
    """Build ``model`` from ``source`` and validate each input: ``["ok", {field: repr}]``
    or ``["error", kind]``; then, with ``assign``, whether assigning a field works.
    (Runs under Pydantic v1 too: see ``_run_v1``.)"""
    namespace: dict[str, Any] = {}
    # dont_inherit: this module's `from __future__ import annotations` must not leak in.
    exec(compile(source, "<case>", "exec", dont_inherit=True), namespace)
    cls = namespace[model]
    out: Outcome = []
    for data in inputs:
        try:
            instance = cls(**data)
        except ValueError:  # v1 and v2 ValidationError both subclass ValueError
            out.append(["error"])
            continue
        fields = list(getattr(cls, "model_fields", None) or cls.__fields__)
        values = {}
        for name in fields:
            value = getattr(instance, name)
            if isinstance(value, (set, frozenset)):
                value = sorted(value)
            values[name] = repr(value)
        out.append(["ok", values])
    if assign is not None:
        instance = cls(**assign[0])
        try:
            setattr(instance, assign[1], assign[2])
            out.append(["assigned"])
        except (TypeError, ValueError):
            out.append(["blocked"])
    return out


def _fixed(source: str) -> str:
    outcome = fix_text(source, "models.py", SETTINGS, unsafe=True)
    assert not outcome.refusals, outcome.refusals
    assert compile_error(outcome.text, "models.py") is None
    again = fix_text(outcome.text, "models.py", SETTINGS, unsafe=True)
    assert again.text == outcome.text, "not a fixed point"
    return outcome.text


def _run_v2(source: str, case: dict[str, Any]) -> Outcome:
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        # FRL403's business, not ours: the `class Config` some v1 cases need.
        warnings.filterwarnings("ignore", message=r".*class-based `config`.*")
        return run_case(source, case["model"], case["inputs"], case.get("assign"))


def _run_v1(python: str, case: dict[str, Any]) -> Outcome:
    program = (
        "import json, sys\nfrom typing import Any\n"
        + inspect.getsource(run_case).replace("Outcome", "list")
        + "\ncase = json.load(sys.stdin)\n"
        "print(json.dumps(run_case(case['source'], case['model'], case['inputs'],"
        " case.get('assign'))))\n"
    )
    done = subprocess.run(
        [python, "-c", program], input=json.dumps(case), capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


CASES: dict[str, dict[str, Any]] = {
    "field-arguments": {
        "source": (
            "from typing import List\n\nfrom pydantic import BaseModel, Field\n\n\n"
            "class Item(BaseModel):\n"
            '    sku: str = Field(..., regex="[A-Z]{3}")\n'
            '    code: str = Field("a", regex=r"a|b\\d")\n'
            '    email: str = Field("a@b.c", regex=r"^[\\w.]+@[\\w]+\\.\\w+$")\n'
            "    tags: List[int] = Field([], min_items=1, max_items=2)\n"
            "    ident: int = Field(0, allow_mutation=False)\n"
            "    other: int = Field(0, allow_mutation=True)\n\n"
            "    class Config:\n"
            "        validate_assignment = True\n"
        ),
        "model": "Item",
        "inputs": [
            {"sku": "ABC", "tags": [1]},
            {"sku": "xABC", "tags": [1]},
            {"sku": "ABCx", "code": "b1x", "tags": [1, 2]},
            {"sku": "ABC", "code": "xb1", "tags": [1]},
            {"sku": "ABC", "code": "ax", "tags": []},
            {"sku": "ABC", "tags": [1, 2, 3]},
            {"sku": "ABC", "tags": [1], "email": "x.y@z.io"},
            {"sku": "ABC", "tags": [1], "email": " x@z.io"},
        ],
        "assign": [{"sku": "ABC", "tags": [1]}, "ident", 5],
    },
    "field-other-mutable": {
        "source": (
            "from pydantic import BaseModel, Field\n\n\n"
            "class Item(BaseModel):\n"
            "    other: int = Field(0, allow_mutation=True)\n\n"
            "    class Config:\n"
            "        validate_assignment = True\n"
        ),
        "model": "Item",
        "inputs": [{}],
        "assign": [{}, "other", 5],
    },
    "constrained-types": {
        "source": (
            "from datetime import date\nfrom decimal import Decimal\n\n"
            "from pydantic import BaseModel, conbytes, condate, condecimal, confloat, conint\n"
            "from pydantic import confrozenset, conlist, conset, constr\n\n\n"
            "class M(BaseModel):\n"
            "    name: constr(strip_whitespace=True, to_lower=True, min_length=2, max_length=5)\n"
            '    slug: constr(strip_whitespace=True, regex="[a-z]+") = "ab"\n'
            "    n: conint(gt=0, le=10, multiple_of=2) = 2\n"
            "    s: conint(strict=True, ge=0) = 0\n"
            "    f: confloat(ge=0.5, lt=2) = 1.0\n"
            '    d: condecimal(max_digits=4, decimal_places=2) = Decimal("1")\n'
            "    items: conlist(int, min_items=1, max_items=3) = [1]\n"
            "    tags: conset(str, max_items=2) = set()\n"
            "    frozen: confrozenset(int, min_items=1) = frozenset({1})\n"
            "    raw: conbytes(min_length=1, max_length=3) = b'a'\n"
            "    day: condate(gt=date(2020, 1, 1)) = date(2021, 1, 1)\n"
            "    code: constr(regex=r'\\d{2}$') = '12'\n"
        ),
        "model": "M",
        "inputs": [
            {"name": "  ABc "},
            {"name": "a"},
            {"name": "abcdef"},
            {"name": "ab", "slug": "  abc "},
            {"name": "ab", "slug": "ab1"},
            {"name": "ab", "slug": "1ab"},
            {"name": "ab", "slug": " xab"},
            {"name": "ab", "slug": "AB"},
            {"name": "ab", "n": 3},
            {"name": "ab", "n": 12},
            {"name": "ab", "n": "4"},
            {"name": "ab", "s": "3"},
            {"name": "ab", "s": 3},
            {"name": "ab", "f": 0.4},
            {"name": "ab", "f": 2},
            {"name": "ab", "d": "12.345"},
            {"name": "ab", "d": "123.4"},
            {"name": "ab", "d": "12.34"},
            {"name": "ab", "items": []},
            {"name": "ab", "items": [1, 2, 3, 4]},
            {"name": "ab", "items": ["2"]},
            {"name": "ab", "tags": ["a", "b", "c"]},
            {"name": "ab", "tags": ["a", "a"]},
            {"name": "ab", "frozen": []},
            {"name": "ab", "raw": ""},
            {"name": "ab", "raw": "abcd"},
            {"name": "ab", "day": "2019-12-31"},
            {"name": "ab", "day": "2020-01-02"},
            {"name": "ab", "code": "123"},
            {"name": "ab", "code": "1234"},
            {"name": "ab", "code": "x12"},
        ],
    },
    "combined": {
        "source": (
            "from typing import List, Optional\n\n"
            "from pydantic import BaseModel, Field, constr\n\n\n"
            "class M(BaseModel):\n"
            '    code: Optional[constr(regex="[A-Z]+", max_length=3)]\n'
            "    tags: Optional[List[str]] = Field(description='t', min_items=1)\n"
        ),
        "model": "M",
        "inputs": [{}, {"code": "AB"}, {"code": "ab"}, {"code": "ABCD"}, {"tags": []}],
    },
    "optional-fields": {
        "source": (
            "from typing import Optional, Union\n\nfrom pydantic import BaseModel, Field\n\n\n"
            "class M(BaseModel):\n"
            "    a: Optional[int]\n"
            "    b: Union[int, None] = Field(description='b')\n"
            "    c: Optional[int] = Field(...)\n"
        ),
        "model": "M",
        "inputs": [{}, {"c": None}, {"a": 1, "b": 2, "c": 3}, {"a": "x", "c": 1}],
    },
}

V1_RESULTS: dict[str, Outcome] = json.loads(
    (Path(__file__).parent / "pydantic_v1_results.json").read_text(encoding="utf-8")
)
"""What Pydantic 1.10.27 did on each original source (``FRL_PYDANTIC_V1_PYTHON=...
python -c 'import tests.test_pydantic_fields as t; t.record()'`` rewrites it)."""


def record() -> None:
    """Re-record ``V1_RESULTS`` with the interpreter in ``FRL_PYDANTIC_V1_PYTHON``."""
    python = _v1_python()
    assert python is not None, "set FRL_PYDANTIC_V1_PYTHON"
    results = {name: _run_v1(python, case) for name, case in CASES.items()}
    path = Path(__file__).parent / "pydantic_v1_results.json"
    path.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _v1_python() -> str | None:
    return os.environ.get("FRL_PYDANTIC_V1_PYTHON") or None


@pytest.mark.parametrize("name", sorted(CASES))
def test_fixed_code_behaves_as_v1(name: str) -> None:
    case = CASES[name]
    fixed = _fixed(case["source"])
    assert fixed != case["source"]
    remaining = [d for d in lint_text(fixed, "models.py", SETTINGS) if d.fix is not None]
    assert not remaining, remaining
    got = _run_v2(fixed, case)
    python = _v1_python()
    expected = _run_v1(python, case) if python is not None else V1_RESULTS.get(name)
    if expected is None:
        pytest.skip("no recorded v1 results for this case; set FRL_PYDANTIC_V1_PYTHON")
    assert got == expected


# --- the regex rewrite -----------------------------------------------------------------
PATTERNS = [
    "abc",
    "^abc",
    "a|b",
    "^a|b",
    "[a-z]+",
    r"\d{2,3}",
    r"(?i)abc",
    r"(ab)+c?",
    r"^[\w.-]+@[\w-]+\.\w+$",
    r"[^x]y",
    r"\Aab",
    r"(?:a|bc)d",
    r"a.c",
    r"[|]x",
    r"(?P<word>\w+)-\d",
    r"a*?b",
]
SAMPLES = ["abc", "xabc", "abcx", "a", "b", "ba", "12", "x123", "ABC", "ab\n", "a@b.io", "a@b.io\n"]
SAMPLES += ["yy", "xy", "ayb", "bcd", "ad", "|x", "abab", "w-1", "aab", "a\nc", "ab_c"]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_anchored_pattern_matches_like_re_match(pattern: str) -> None:
    """v2's ``pattern`` (Rust, searching) accepts what v1's ``re.match`` accepted."""
    from typing import Annotated

    import libcst as cst
    from pydantic import StringConstraints, TypeAdapter

    from fastapi_rules_lint.semantics.pydantic.patterns import Exactness, v2_pattern

    rewrite = v2_pattern(cst.SimpleString(repr(pattern)))
    assert rewrite is not None, pattern
    rewritten = eval(rewrite.literal.value)
    adapter = TypeAdapter(Annotated[str, StringConstraints(pattern=rewritten)])
    for sample in SAMPLES:
        if rewrite.exactness is Exactness.NEAR and sample.endswith("\n"):
            continue  # the documented `$` difference: why such fixes are unsafe
        try:
            adapter.validate_python(sample)
            accepted = True
        except ValueError:
            accepted = False
        assert accepted == bool(re.match(pattern, sample)), (pattern, rewritten, sample)


@pytest.mark.parametrize(
    "pattern",
    [
        *(r"(?=a)b", r"(?<!x)y", r"(a)\1", r"(?P<x>a)(?P=x)", r"ab\Z", r"a{", r"a++"),
        *(r"[[:alpha:]]", r"[a-z&&[^b]]", r"\<a", r"(?#note)a", r"(?>a)", r"[]a]", r"\0"),
    ],
)
def test_no_rewrite_for_patterns_the_engines_read_differently(pattern: str) -> None:
    import libcst as cst

    from fastapi_rules_lint.semantics.pydantic.patterns import v2_pattern

    assert v2_pattern(cst.SimpleString(repr(pattern))) is None


def _fixes(source: str, code: str) -> list[str]:
    found = lint_text(source, "models.py", LintSettings(enabled=frozenset({code})))
    return [d.fix.applicability.value if d.fix else "none" for d in found]


def test_case_change_with_regex_is_unsafe() -> None:
    """v1 lowered the value before matching ``regex``; v2 matches ``pattern`` first."""
    head = "from pydantic import BaseModel, constr\n\n\nclass M(BaseModel):\n"
    assert _fixes(head + '    a: constr(to_lower=True, regex="^[a-z]+")\n', "FRL407") == ["unsafe"]
    assert _fixes(head + '    a: constr(to_lower=True, pattern="[a-z]+")\n', "FRL407") == ["safe"]
    assert _fixes(head + '    a: constr(strip_whitespace=True, regex="^a")\n', "FRL407") == ["safe"]


# --- FRL405: BaseSettings moves, and still reads the environment -----------------------
def test_base_settings_fix_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pydantic_settings")
    source = (
        "from pydantic import BaseModel, BaseSettings, Field\n\n\n"
        "class Settings(BaseSettings):\n    database_url: str = 'sqlite://'\n"
        "    debug: bool = Field(False)\n"
    )
    fixed = fix_text(source, "settings.py", SETTINGS).text
    assert fixed == (
        "from pydantic import BaseModel, Field\n"
        "from pydantic_settings import BaseSettings\n\n\n"
        "class Settings(BaseSettings):\n    database_url: str = 'sqlite://'\n"
        "    debug: bool = Field(False)\n"
    )
    monkeypatch.setenv("DATABASE_URL", "postgresql://db")
    monkeypatch.setenv("DEBUG", "1")
    namespace: dict[str, Any] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        exec(compile(fixed, "<settings>", "exec", dont_inherit=True), namespace)
        settings = namespace["Settings"]()
    assert (settings.database_url, settings.debug) == ("postgresql://db", True)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "from pydantic import (\n    BaseModel,\n    BaseSettings,\n)\n"
            "from pydantic_settings import SettingsConfigDict\n",
            "from pydantic import (\n    BaseModel,\n)\n"
            "from pydantic_settings import SettingsConfigDict, BaseSettings\n",
        ),
        (
            "from pydantic.env_settings import BaseSettings\n",
            "from pydantic_settings import BaseSettings\n",
        ),
        (
            "from pydantic import BaseSettings, BaseModel\n",
            "from pydantic import BaseModel\nfrom pydantic_settings import BaseSettings\n",
        ),
    ],
)
def test_base_settings_import_layouts(source: str, expected: str) -> None:
    assert fix_text(source, "settings.py", SETTINGS).text == expected


# --- FRL407 in FastAPI parameters: the rewrite validates the same ----------------------
def test_constrained_parameter_in_a_route_behaves_the_same() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Starlette's deprecation of httpx, on import
        from fastapi.testclient import TestClient

    source = (
        "from fastapi import FastAPI, Query\nfrom pydantic import conint, constr\n\n"
        "app = FastAPI()\n\n\n"
        '@app.get("/items")\n'
        "def items(limit: conint(gt=0, le=50) = 10, q: constr(min_length=2) = Query('ab'))"
        " -> dict[str, object]:\n"
        "    return {'limit': limit, 'q': q}\n"
    )
    fixed = _fixed(source)
    assert "Annotated[int, Field(gt=0, le=50)]" in fixed
    urls = ["/items", "/items?limit=0", "/items?limit=51", "/items?limit=7", "/items?q=a"]
    results = []
    for text in (source, fixed):
        namespace: dict[str, Any] = {}
        exec(compile(text, "<app>", "exec", dont_inherit=True), namespace)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            client = TestClient(namespace["app"])
            results.append([(client.get(url).status_code) for url in urls])
    assert results[0] == results[1]
    assert results[1][:4] == [200, 422, 422, 200]


# --- across modules ---------------------------------------------------------------------
_BASE = "from pydantic import BaseModel\n\n\nclass ORMModel(BaseModel):\n    pass\n"
_PLAIN = "class ORMModel:\n    pass\n"


def _project_codes(base: str, module: str, codes: frozenset[str]) -> list[tuple[int, str]]:
    sources = {"app/__init__.py": "", "app/schemas/base.py": base, "app/schemas/items.py": module}
    view = project_views(sources)["app/schemas/items.py"]
    found = lint_text(module, "app/schemas/items.py", LintSettings(enabled=codes), view)
    return [(d.location.row, d.code) for d in found]


def test_models_known_through_another_module() -> None:
    module = (
        "from typing import Optional\n\nfrom .base import ORMModel\n\n\n"
        "class ItemOut(ORMModel):\n    owner: Optional[str]\n    __root__: list[int]\n\n\n"
        "class Child(ItemOut):\n    parent: int | None\n"
    )
    assert _project_codes(_BASE, module, CODES) == [(7, "FRL406"), (8, "FRL405"), (12, "FRL406")]
    # The same names on a class that is not a model: nothing.
    assert _project_codes(_PLAIN, module, CODES) == []


def test_fix_across_modules() -> None:
    module = (
        "from typing import Optional\n\nfrom .base import ORMModel\n\n\n"
        "class ItemOut(ORMModel):\n    owner: Optional[str]\n    tag: str | None\n"
    )
    sources = {"app/__init__.py": "", "app/schemas/base.py": _BASE, "app/schemas/items.py": module}
    view = project_views(sources)["app/schemas/items.py"]
    fixed = fix_text(module, "app/schemas/items.py", SETTINGS, unsafe=True, project=view)
    assert fixed.text == module.replace("Optional[str]\n", "Optional[str] = None\n")
    assert fix_text(module, "app/schemas/items.py", SETTINGS, project=view).text == module
    # While migrating, `assume-v1` covers `X | None` in modules without v1 API calls.
    from fastapi_rules_lint.rules.frl406_optional_field_without_default import (
        OptionalFieldOptions,
    )

    migrating = LintSettings(
        enabled=CODES, options={"FRL406": OptionalFieldOptions(assume_v1=True)}
    )
    fixed = fix_text(module, "app/schemas/items.py", migrating, unsafe=True, project=view)
    assert fixed.text.endswith("owner: Optional[str] = None\n    tag: str | None = None\n")


def test_no_constrained_rewrite_when_a_class_attribute_shadows_the_type() -> None:
    source = (
        "from datetime import date\nfrom pydantic import BaseModel, condate\n\n\n"
        "class M(BaseModel):\n    date: date = date(2020, 1, 1)\n"
        "    day: condate(gt=date(2020, 1, 1))\n\n\n"
        "class N(BaseModel):\n    day: condate(gt=date(2020, 1, 1))\n"
    )
    assert _fixes(source, "FRL407") == ["none", "safe"]


def test_unbound_typing_names_are_typing() -> None:
    """A snippet (or `from typing import *`) leaves `Optional` unbound: still typing's."""
    source = "from pydantic import BaseModel\n\n\nclass Potato(BaseModel):\n    a: Optional[str]\n"
    assert _fixes(source, "FRL406") == ["unsafe"]
    bound = "from mylib import Optional\n" + source
    assert _fixes(bound, "FRL406") == []


def test_extra_keywords_keep_the_json_schema() -> None:
    """v1 copied `example=` into the property's schema; so does the fixed v2 code."""
    source = (
        "from pydantic import BaseModel, Field\n\n\n"
        "class M(BaseModel):\n    sku: str = Field(..., example='ABC', max_length=9)\n"
    )
    fixed = _fixed(source)
    assert "json_schema_extra={\"example\": 'ABC'}" in fixed
    namespace: dict[str, Any] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        exec(compile(fixed, "<m>", "exec", dont_inherit=True), namespace)
    schema = namespace["M"].model_json_schema()["properties"]["sku"]
    # pydantic 1.10: {'title': 'Sku', 'example': 'ABC', 'maxLength': 9, 'type': 'string'}
    assert schema == {"title": "Sku", "example": "ABC", "maxLength": 9, "type": "string"}


def test_env_of_a_setting_still_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pydantic_settings")
    source = (
        "from pydantic import BaseSettings, Field\n\n\n"
        "class Settings(BaseSettings):\n    dsn: str = Field('sqlite://', env='DATABASE_URL')\n"
    )
    fixed = _fixed(source)
    assert "validation_alias='DATABASE_URL'" in fixed
    monkeypatch.setenv("DATABASE_URL", "postgresql://db")
    monkeypatch.setenv("DSN", "wrong")
    namespace: dict[str, Any] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        exec(compile(fixed, "<s>", "exec", dont_inherit=True), namespace)
        assert namespace["Settings"]().dsn == "postgresql://db"


def test_nested_unions_with_none_are_optional() -> None:
    head = (
        "from typing import Optional, Union\n\nfrom pydantic import BaseModel\n\n\n"
        "class M(BaseModel):\n"
    )
    assert _fixes(head + "    a: Union[Union[str, None], int]\n", "FRL406") == ["unsafe"]
    assert _fixes(head + "    a: Union[Optional[str], int]\n", "FRL406") == ["unsafe"]
    assert _fixes(head + "    a: Union[Union[str, bytes], int]\n", "FRL406") == []
