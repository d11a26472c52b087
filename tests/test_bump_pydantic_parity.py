"""Parity with bump-pydantic 0.8.0, Pydantic's own v1 → v2 codemod, on its own test cases.

Its sdist is downloaded on first use (``tests/bump_pydantic.py``; skipped offline) and its
cases are read from it at run time, never copied here:

- every unit case of BP001-BP008 (``tests/unit/test_*.py``: ``before``/``after`` per
  test function) is fixed by our FRL401-FRL407 (unsafe fixes on, as ``app/models.py`` of
  a one-module project), and the result must *mean* the same as bump-pydantic's
  ``after``. Meaning first by text (``ast``-normalised: formatting and comments gone,
  imports compared as a set, ``typing_extensions`` names that *are* the ``typing`` ones
  read as ``typing``), then, when the texts differ, by behaviour: both are executed under
  Pydantic v2 and every model compared (JSON schema, config, fields' required-ness,
  defaults, aliases, frozenness and constraints, and validation of a set of probe inputs).
- bump-pydantic's unit tests run *one* codemod each, while a real run applies them all
  (``gather_codemods``): a BP003 ``after`` still imports ``BaseSettings`` from
  ``pydantic``, a BP008 ``after`` still has ``Field(min_items=...)`` and an
  ``Optional[...]`` field without default, which BP004, BP003 and BP001 would migrate.
  So, besides ``after`` itself, ``after`` completed by our fixer is accepted as the
  reference, but only when that completion used none of the rules that answer the
  case's own BP code (``OWN_RULES``) and the case is not a no-op one (``before ==
  after``): the rule under test is always judged against bump-pydantic's own output.
- the integration project (``tests/integration/cases``: one project of many modules,
  migrated with every rule at once, a base model in one module and its subclass in
  another) is fixed module by module with the whole project's views, and each module
  compared with bump-pydantic's expected module likewise.
- across modules: every unit case whose ``before`` has a model subclassing a model of
  the same module is split (base in ``app/base.py``, subclass in ``app/models.py``,
  importing it), and every case with a ``BaseModel`` subclass is also run with that
  base replaced by ``AppModel(BaseModel)`` from ``app/base.py``: each class comes out as
  it does in one module.
- order: the split projects and the integration project are also fixed one module at a
  time, re-reading the project after each module is written, in both orders: every
  output is the same.

``KNOWN_DIFFERENCES``: the cases where we deliberately differ, with the reason. Every
other case must match; a case listed here that starts matching fails too (so the table
shrinks as rules grow).
"""

from __future__ import annotations

import ast
import re
import sys
import types
import typing
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
import typing_extensions

from fastapi_rules_lint.lint.fixer import FixOutcome, fix_text
from fastapi_rules_lint.lint.linter import LintSettings
from fastapi_rules_lint.project.view import project_views
from fastapi_rules_lint.rules.frl406_optional_field_without_default import OptionalFieldOptions
from tests.bump_pydantic import UnitCase, bump_pydantic_sdist, integration_project, unit_cases

pytestmark = pytest.mark.corpus

PYDANTIC_RULES = frozenset(f"FRL40{n}" for n in range(1, 8))
#: bump-pydantic's BP001 adds `= None` to every `X | None` field; FRL406 does so only in
#: modules showing v1 use, unless `assume-v1` says the whole project is being migrated,
#: which is what running bump-pydantic means.
SETTINGS = LintSettings(
    enabled=PYDANTIC_RULES,
    options={"FRL406": OptionalFieldOptions.model_validate({"assume-v1": True})},
)

#: The rules of ours that answer each bump-pydantic rule.
OWN_RULES: dict[str, frozenset[str]] = {
    "BP001": frozenset({"FRL406"}),  # default None for Optional fields
    "BP002": frozenset({"FRL403"}),  # class Config → model_config
    "BP003": frozenset({"FRL404"}),  # Field arguments
    "BP004": frozenset({"FRL405"}),  # moved imports
    "BP005": frozenset({"FRL405"}),  # GenericModel
    "BP006": frozenset({"FRL405"}),  # __root__ → RootModel
    "BP007": frozenset({"FRL402"}),  # validators
    "BP008": frozenset({"FRL407"}),  # con* → Annotated
}

_GENERIC_MODEL = "FRL405: `pydantic.generics.GenericModel` is reported with no fix (documented)"
_ROOT = "FRL405: `__root__` fields are reported with no fix (documented)"
_PAYMENT_MODULE = (
    "`pydantic.payment` is in no Pydantic version (v1's `PaymentCardBrand` is "
    "`pydantic.types.PaymentCardBrand`): we leave the import; and FRL405 has no fix "
    "for the payment card types (documented: `pydantic_extra_types.payment` validates "
    "differently)"
)
_NOT_A_MODEL = (
    "the case never imports `BaseModel`: `Potato` is no known model, and our FRL4xx "
    "rules act on known models only (RULES.md, FRL4xx)"
)

#: Case key (``BP00x::test_name``, or ``integration::project/<file>``) → why our output
#: deliberately differs from bump-pydantic's.
KNOWN_DIFFERENCES: dict[str, str] = {
    # -- documented "no fix" of ours (RULES.md, FRL4xx) --
    "BP003::test_replace_const_by_literal_type": (
        "FRL404: `Field(const=True)` is reported with no fix (documented); bump-"
        "pydantic rewrites the annotation to `Literal[...]`"
    ),
    "integration::project/const_to_literal.py": (
        "FRL404: `Field(const=True)` is reported with no fix (documented)"
    ),
    "BP005::test_generic_model": _GENERIC_MODEL,
    "BP005::test_generic_model_multiple_bases": _GENERIC_MODEL,
    "BP005::test_generic_model_second_base": _GENERIC_MODEL,
    "BP005::test_generic_model_from_pydantic_import_generics": _GENERIC_MODEL,
    "BP006::test_root_model": _ROOT,
    "BP006::test_multiple_root_models": _ROOT,
    "integration::project/root_model.py": _ROOT,
    "BP002::test_extra_inside": (
        "FRL403: no fix when the module touches the class's `Config` (documented); "
        "here `cls.Config = Config` in `__init_subclass__`"
    ),
    "BP002::test_config": (
        "`allow_arbitrary_types` is no Pydantic config key (v1's is "
        "`arbitrary_types_allowed`): FRL403 has no v2 equivalent, so no fix "
        "(documented); bump-pydantic copies it into `ConfigDict`, where v2 ignores it"
        " as v1 did"
    ),
    "BP002::test_reset_config_args": (
        "as BP002::test_config for the first model (`allow_arbitrary_types`); the "
        "second model is fixed as bump-pydantic does"
    ),
    "BP007::test_replace_validator_without_pre": _NOT_A_MODEL,
    "BP007::test_replace_validator_with_pre_false": _NOT_A_MODEL,
    "BP003::test_example_list": (
        "FRL404 moves v1's extra `Field(example=1)` into `json_schema_extra="
        '{"example": 1}` (documented), so the JSON schema keeps v1\'s `example: 1`; '
        "bump-pydantic writes `examples=[1]`, a different schema"
    ),
    "BP004::test_payment_card_brand": _PAYMENT_MODULE,
    "BP004::test_both_payment": _PAYMENT_MODULE,
    # -- bump-pydantic's expected output is wrong --
    "integration::project/con_func.py": (
        "bump-pydantic turns v1 `constr(regex='[a-z]+')` into `pattern='[a-z]+'`, "
        "which v2 searches anywhere (accepts '1a'); v1 matched at the start, so "
        "FRL407 writes `pattern='^[a-z]+'` (the rest of the module is the same)"
    ),
    "BP003::test_field_rename_with_pydantic_import": (
        "bump-pydantic's wish (xfail) replaces `import pydantic` by `from pydantic "
        "import BaseModel, Field` while still using `pydantic.` names (a NameError); "
        "we rename the arguments and keep the import"
    ),
    "BP007::test_reuse_model_validator": (
        "bump-pydantic's wish (xfail), not its behaviour: "
        "`root_validator(pre=True)(f)` outside a class on a function we cannot see; "
        "v2's `model_validator` wants a classmethod-shaped function, so we leave it "
        "(reported)"
    ),
    "integration::project/replace_validator.py": (
        "bump-pydantic writes `@model_validator()` (no `mode`: a TypeError under "
        "Pydantic v2) over the v1 `@root_validator()`; we write "
        '`@model_validator(mode="after")` over `self` (the rest of the module is the same)'
    ),
    "BP007::test_root_validator_after": (
        "bump-pydantic writes `@model_validator()` (no `mode`: a TypeError under "
        "Pydantic v2) over a classmethod taking `values`; we leave the v1 validator "
        "(its body returns nothing: no safe after-validator shape)"
    ),
    "BP007::test_root_validator_as_cst_name": (
        "bump-pydantic's wish (xfail) is a bare `@model_validator`, a TypeError under"
        ' Pydantic v2; we write `@model_validator(mode="after")` over `self`'
    ),
    "BP002::test_inner_comments": (
        "bump-pydantic's wish (xfail) uses `ConfigDict` without importing it; and "
        "`allow_arbitrary_types` is no Pydantic config key, so FRL403 does not fix it"
        " (documented: no v2 equivalent)"
    ),
}


def _fix(text: str, path: str, sources: Mapping[str, str]) -> FixOutcome:
    views = project_views(dict(sources))
    return fix_text(text, path, SETTINGS, unsafe=True, project=views[path])


def fix_one(text: str, path: str = "app/models.py") -> FixOutcome:
    return _fix(text, path, {path: text})


# -- meaning -------------------------------------------------------------------------


def _module_of(module: str | None, name: str) -> str | None:
    if module == "typing_extensions" and getattr(typing, name, None) is getattr(
        typing_extensions, name, object()
    ):
        return "typing"
    return module


def normalise(text: str) -> tuple[list[tuple[str, ...]], str]:
    """Imports as a sorted set, the rest ``ast.unparse``d (no comments, one format)."""
    tree = ast.parse(text)
    imports: set[tuple[str, ...]] = set()
    body: list[ast.stmt] = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                module = _module_of(node.module, alias.name) or ""
                imports.add(("from", "." * node.level + module, alias.name, alias.asname or ""))
        elif isinstance(node, ast.Import):
            imports.update(("import", a.name, a.asname or "") for a in node.names)
        else:
            body.append(node)
    return sorted(imports), ast.unparse(ast.Module(body=body, type_ignores=[]))


PROBE_VALUES: list[Any] = [
    None,
    0,
    1,
    -1,
    50,
    101,
    1.5,
    "",
    "a",
    "1a",
    "POTATO",
    "potato",
    "x" * 11,
    True,
    [],
    ["a"],
    ["a"] * 11,
    [1, 2],
    {},
    {"a": 1},
]


def _outcome(model: Any, value: Any) -> tuple[Any, ...]:
    from pydantic import ValidationError

    try:
        instance = model.model_validate(value)
    except ValidationError as error:
        return ("invalid", sorted((repr(e["loc"]), e["type"]) for e in error.errors()))
    except Exception as error:
        return ("error", type(error).__name__)
    try:
        return ("ok", repr(instance.model_dump()))
    except Exception as error:
        return ("ok, dump fails", type(error).__name__)


def _model_meaning(model: Any, field_names: list[str]) -> dict[str, Any]:
    from pydantic import ConfigDict

    meaning: dict[str, Any] = {}
    try:
        meaning["schema"] = model.model_json_schema()
    except Exception as error:
        meaning["schema"] = ("error", type(error).__name__)
    meaning["config"] = {
        k: repr(v) for k, v in model.model_config.items() if k in ConfigDict.__annotations__
    }
    meaning["fields"] = {
        name: (
            info.is_required(),
            repr(info.default),
            info.alias,
            repr(info.validation_alias),
            bool(info.frozen),
            [repr(m) for m in info.metadata],
        )
        for name, info in model.model_fields.items()
    }
    probes: list[Any] = [{}, *PROBE_VALUES]
    probes += [{field: value} for field in field_names for value in PROBE_VALUES]
    probes += [dict.fromkeys(field_names, value) for value in PROBE_VALUES]
    meaning["validation"] = [_outcome(model, probe) for probe in probes]
    return meaning


CASE_MODULE = "bump_pydantic_case"


@dataclass(frozen=True)
class Loaded:
    models: dict[str, Any]
    deprecations: frozenset[str]
    """Pydantic's deprecation warnings while the module ran (first lines)."""


def _execute(text: str) -> Loaded:
    """The models ``text`` defines, executed in a fresh namespace (``typing``'s names
    predefined: bump-pydantic's cases use ``List``, ``Generic``… unimported)."""
    from pydantic import BaseModel, PydanticDeprecationWarning

    module = types.ModuleType(CASE_MODULE)
    sys.modules[CASE_MODULE] = module  # generic models look their module up
    namespace = module.__dict__
    namespace.update({name: getattr(typing, name) for name in typing.__all__})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        exec(compile(text, "<case>", "exec"), namespace)
    models = {
        name: value
        for name, value in namespace.items()
        if isinstance(value, type)
        and issubclass(value, BaseModel)
        and value.__module__ == CASE_MODULE
    }
    deprecations = frozenset(
        str(w.message).splitlines()[0]
        for w in caught
        if issubclass(w.category, PydanticDeprecationWarning | DeprecationWarning)
        and "pydantic" in (str(w.message) + w.filename).lower()
    )
    return Loaded(models, deprecations)


def _failure(text: str) -> tuple[str, str] | None:
    try:
        _execute(text)
    except Exception as error:
        return type(error).__name__, str(error)
    return None


def semantic_difference(ours: str, theirs: str) -> str | None:
    """None when both texts define the same models with the same behaviour under
    Pydantic v2, ours using no deprecated Pydantic API that theirs does not use (v2
    still runs much of v1, with a deprecation warning: that is not migrated code); else
    what differs. Two texts that do not run cannot be compared by behaviour: they
    differ (even when both fail alike, as many of bump-pydantic's fragments do)."""
    our_failure, their_failure = _failure(ours), _failure(theirs)
    if our_failure is not None or their_failure is not None:
        if our_failure is not None and their_failure is not None:
            return f"neither runs (ours: {our_failure[0]}; bump-pydantic's: {their_failure[0]})"
        if our_failure is not None:
            return f"ours does not run: {our_failure[0]}: {our_failure[1]}"
        assert their_failure is not None
        return f"bump-pydantic's does not run: {their_failure[0]}: {their_failure[1]}"
    mine, other = _execute(ours), _execute(theirs)
    if sorted(mine.models) != sorted(other.models):
        return f"models {sorted(mine.models)} vs {sorted(other.models)}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, our_model in mine.models.items():
            their_model = other.models[name]
            fields = sorted({*our_model.model_fields, *their_model.model_fields})
            our_meaning = _model_meaning(our_model, fields)
            their_meaning = _model_meaning(their_model, fields)
            for aspect in our_meaning:
                if our_meaning[aspect] != their_meaning[aspect]:
                    return (
                        f"{name}: {aspect} differs: {our_meaning[aspect]!r} "
                        f"vs {their_meaning[aspect]!r}"
                    )
    extra = mine.deprecations - other.deprecations
    if extra:
        return f"same behaviour, but ours still uses deprecated Pydantic API: {sorted(extra)}"
    return None


def difference(ours: str, theirs: str) -> str | None:
    """None when ``ours`` means what ``theirs`` means (see the module docstring)."""
    try:
        if normalise(ours) == normalise(theirs):
            return None
    except SyntaxError as error:
        return f"does not parse: {error}"
    return semantic_difference(ours, theirs)


# -- unit cases ------------------------------------------------------------------------


def _cases() -> list[UnitCase]:
    return [case for case in unit_cases() if case.code in OWN_RULES]


CASES = _cases()


def _params(cases: list[Any], ids: Callable[[Any], str]) -> list[Any]:
    if not cases:
        return [
            pytest.param(None, marks=pytest.mark.skip(reason="offline: no bump-pydantic sdist"))
        ]
    return [pytest.param(case, id=ids(case)) for case in cases]


@dataclass(frozen=True)
class Verdict:
    ours: str
    reference: str
    difference: str | None


def unit_verdict(case: UnitCase) -> Verdict:
    """Ours against bump-pydantic's ``after``, or against ``after`` completed by our
    other rules (see the module docstring)."""
    ours = fix_one(case.before).text
    found = difference(ours, case.after)
    if found is None or case.before == case.after:
        return Verdict(ours, case.after, found)
    completed = fix_one(case.after)
    if completed.is_changed and not set(completed.applied) & OWN_RULES[case.code]:
        return Verdict(ours, completed.text, difference(ours, completed.text))
    return Verdict(ours, case.after, found)


def _report(verdict: Verdict, before: str) -> str:
    return (
        f"{verdict.difference}\n--- before\n{before}--- ours\n{verdict.ours}"
        f"--- bump-pydantic\n{verdict.reference}"
    )


def test_the_cases_are_found() -> None:
    if bump_pydantic_sdist() is None:
        pytest.skip("offline: no bump-pydantic sdist")
    codes = {case.code for case in CASES}
    assert codes == set(OWN_RULES)
    keys = [case.key for case in CASES]
    assert len(keys) == len(set(keys))
    integration = integration_project()
    assert integration is not None
    unknown = {
        key
        for key in KNOWN_DIFFERENCES
        if key not in keys and key.removeprefix("integration::") not in integration[0]
    }
    assert not unknown, f"KNOWN_DIFFERENCES names no case: {sorted(unknown)}"


@pytest.mark.parametrize("case", _params(CASES, lambda case: case.key))
def test_unit_case_means_what_bump_pydantic_writes(case: UnitCase) -> None:
    verdict = unit_verdict(case)
    known = KNOWN_DIFFERENCES.get(case.key)
    if known is not None:
        assert verdict.difference is not None, (
            f"{case.key} now matches bump-pydantic: drop it from KNOWN_DIFFERENCES"
        )
        return
    assert verdict.difference is None, _report(verdict, case.before)


# -- integration project -----------------------------------------------------------------


def _integration() -> tuple[dict[str, str], dict[str, str]] | None:
    return integration_project() if bump_pydantic_sdist() is not None else None


INTEGRATION = _integration()


def fix_project(sources: Mapping[str, str]) -> dict[str, str]:
    """Every module fixed with the views of the unchanged project (one run)."""
    views = project_views(dict(sources))
    return {
        path: fix_text(text, path, SETTINGS, unsafe=True, project=views[path]).text
        for path, text in sources.items()
    }


def fix_in_order(sources: Mapping[str, str], order: list[str]) -> dict[str, str]:
    """Modules fixed one at a time in ``order``, the project re-read after each write."""
    current = dict(sources)
    for path in order:
        current[path] = _fix(current[path], path, current).text
    return current


@pytest.mark.parametrize(
    "path", _params(sorted(INTEGRATION[0]) if INTEGRATION else [], lambda path: path)
)
def test_integration_module_means_what_bump_pydantic_writes(path: str) -> None:
    assert INTEGRATION is not None
    sources, expected = INTEGRATION
    ours = fix_project(sources)[path]
    found = difference(ours, expected[path])
    key = f"integration::{path}"
    if key in KNOWN_DIFFERENCES:
        assert found is not None, f"{key} now matches bump-pydantic: drop it from KNOWN_DIFFERENCES"
        return
    assert found is None, _report(Verdict(ours, expected[path], found), sources[path])


def test_integration_project_order_does_not_matter() -> None:
    if INTEGRATION is None:
        pytest.skip("offline: no bump-pydantic sdist")
    sources = INTEGRATION[0]
    once = fix_project(sources)
    forward = fix_in_order(sources, sorted(sources))
    backward = fix_in_order(sources, sorted(sources, reverse=True))
    assert forward == once
    assert backward == once


# -- across modules ------------------------------------------------------------------------


def _base_names(node: ast.ClassDef) -> set[str]:
    return {ast.unparse(base).split("[")[0] for base in node.bases}


def _classes(text: str) -> dict[str, str]:
    return {
        node.name: ast.dump(node) for node in ast.parse(text).body if isinstance(node, ast.ClassDef)
    }


def split_base_and_subclass(before: str) -> dict[str, str] | None:
    """``before`` split in two modules: the classes that subclass a model class of the
    same module go to ``app/models.py`` (with every import, and the module's other
    names it uses imported from ``app/base.py``); the rest stays in ``app/base.py``.
    None when no class subclasses another of the module."""
    tree = ast.parse(before)
    lines = before.splitlines(keepends=True)
    classes = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    subclasses = [
        node
        for node in tree.body
        if isinstance(node, ast.ClassDef) and _base_names(node) & (classes - {node.name})
    ]
    if not subclasses:
        return None
    imports = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]

    def source(node: ast.stmt) -> str:
        start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        return "".join(lines[start - 1 : node.end_lineno])

    base = [node for node in tree.body if node not in subclasses]
    defined = {
        target.id
        for node in base
        if not isinstance(node, ast.Import | ast.ImportFrom)
        for target in ast.walk(node)
        if isinstance(target, ast.Name) and isinstance(target.ctx, ast.Store)
    } | {node.name for node in base if isinstance(node, ast.ClassDef)}
    used = {name.id for node in subclasses for name in ast.walk(node) if isinstance(name, ast.Name)}
    header = "".join(source(node) for node in imports)
    shared = sorted(defined & used)
    models = header + (f"from app.base import {', '.join(shared)}\n" if shared else "")
    models += "\n\n" + "\n\n".join(source(node) for node in subclasses)
    return {
        "app/base.py": "".join(source(node) + "\n" for node in base),
        "app/models.py": models,
    }


APP_BASE = "from pydantic import BaseModel\n\n\nclass AppModel(BaseModel):\n    pass\n"
_BASE_MODEL = re.compile(r"^(\s*class\s+\w+\s*\((?:[^)]*,\s*)?)(?:pydantic\.)?BaseModel\b", re.M)


def _imports_base_model(before: str) -> bool:
    return any(
        (
            isinstance(node, ast.ImportFrom)
            and node.module == "pydantic"
            and any(alias.name == "BaseModel" and not alias.asname for alias in node.names)
        )
        or (isinstance(node, ast.Import) and any(alias.name == "pydantic" for alias in node.names))
        for node in ast.parse(before).body
    )


def lift_base_model(before: str) -> dict[str, str] | None:
    """``before`` with its models' ``BaseModel`` base replaced by ``AppModel``, a
    ``BaseModel`` subclass of ``app/base.py``; None when no class names ``BaseModel``
    (or ``BaseModel`` is not Pydantic's: some of bump-pydantic's cases never import it)."""
    if not _imports_base_model(before):
        return None
    lifted = _BASE_MODEL.sub(r"\1AppModel", before)
    if lifted == before:
        return None
    return {"app/base.py": APP_BASE, "app/models.py": "from app.base import AppModel\n" + lifted}


SPLIT_CASES = [case for case in CASES if split_base_and_subclass(case.before) is not None]
LIFTED_CASES = [case for case in CASES if lift_base_model(case.before) is not None]


def _order_independent(sources: dict[str, str]) -> dict[str, str]:
    once = fix_project(sources)
    assert fix_in_order(sources, sorted(sources)) == once
    assert fix_in_order(sources, sorted(sources, reverse=True)) == once
    return once


@pytest.mark.parametrize("case", _params(SPLIT_CASES, lambda case: case.key))
def test_subclass_in_another_module_is_fixed_alike(case: UnitCase) -> None:
    sources = split_base_and_subclass(case.before)
    assert sources is not None
    fixed = _order_independent(sources)
    alone = _classes(fix_one(case.before).text)
    split = {**_classes(fixed["app/base.py"]), **_classes(fixed["app/models.py"])}
    assert split == alone, f"--- split\n{fixed['app/base.py']}\n{fixed['app/models.py']}"


@pytest.mark.parametrize("case", _params(LIFTED_CASES, lambda case: case.key))
def test_model_on_a_base_of_another_module_is_fixed_alike(case: UnitCase) -> None:
    sources = lift_base_model(case.before)
    assert sources is not None
    fixed = _order_independent(sources)
    assert fixed["app/base.py"] == APP_BASE
    alone = fix_one(case.before).text
    expected = _classes(_BASE_MODEL.sub(r"\1AppModel", alone))
    assert _classes(fixed["app/models.py"]) == expected, (
        f"--- one module, fixed\n{alone}--- on AppModel, fixed\n{fixed['app/models.py']}"
    )
