"""The engine's read-only traversal makes exactly the calls ``libcst.visit_batched`` makes."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import ParentNodeProvider

from fastapi_rules_lint.engine import traversal
from fastapi_rules_lint.engine.traversal import walk_batched
from tests.corpus import corpus_files

NODE_TYPES = [
    value
    for value in vars(cst).values()
    if isinstance(value, type)
    and issubclass(value, cst.CSTNode)
    and dataclasses.is_dataclass(value)
]

SNIPPETS = [
    "x = 1\n",
    'f"{a!r:>{width}} {b=} {c:{d}.{e}f} {g}"\n',
    "from . import *\nfrom .a.b import (c as d, e,)\nimport os.path as p, sys\n",
    "@dec\n@other(1)\nasync def f[T: int, *Ts, **P](a, /, b: int = 1, *c, d, **e) -> T:\n"
    "    async with x as y, z:\n        await w\n    async for i in j:\n        yield i\n",
    "match p:\n    case {'k': [1, *rest]} | Point(x=0) if rest:\n        pass\n"
    "    case _:\n        ...\n",
    "try:\n    pass\nexcept* (A, B) as e:\n    raise\nelse:\n    del a[1:2, ::3]\nfinally:\n"
    "    global q\n",
    "lambda a=1, *b, **c: (yield)\nx: list[int] = [i async for i in g() if i]\n"
    "type Alias[T] = dict[str, T]\nwith (a as b, c):\n    print(*a, **{1: 2}, sep='')\n",
    "class C(B, metaclass=M):\n    '''doc'''\n    def m(self): return -self.x ** 2 @ y\n"
    "while not a and b or c < d <= e is not f:  # comment\n    a += 1; b //= 2\n",
]


def _recorder(
    log: list[tuple[str, str, int]], *, field_hooks: bool, types: Collection[str] | None = None
) -> cst.BatchableCSTVisitor:
    """A visitor with the visit/leave methods of ``types`` (all by default), and every
    field hook when asked, logging each call."""

    def logger(kind: str, key: str) -> Callable[[cst.CSTNode], None]:
        return lambda node: log.append((kind, key, id(node)))

    methods: dict[str, Callable[[cst.CSTNode], None]] = {}
    for node_type in NODE_TYPES:
        name = node_type.__name__
        if types is not None and name not in types:
            continue
        methods[f"visit_{name}"] = logger("visit", name)
        methods[f"leave_{name}"] = logger("leave", name)
        for field in dataclasses.fields(node_type) if field_hooks else ():
            methods[f"visit_{name}_{field.name}"] = logger("visit", f"{name}_{field.name}")
            methods[f"leave_{name}_{field.name}"] = logger("leave", f"{name}_{field.name}")

    class Recorder(cst.BatchableCSTVisitor):
        def get_visitors(self) -> Mapping[str, Callable[[cst.CSTNode], None]]:
            return methods

    return Recorder()


NOT_TRIVIA = [t.__name__ for t in NODE_TYPES if t.__name__ not in traversal.TRIVIA]
VISITED_TYPES: list[Collection[str] | None] = [
    None,  # every type: nothing is skipped
    NOT_TRIVIA,  # whitespace and punctuation subtrees are skipped
    [*NOT_TRIVIA, "Comment"],  # only subtrees that cannot hold a comment are skipped
    ["Name", "Comma"],
]


def _assert_same_calls(
    module: cst.Module,
    *,
    field_hooks: bool = False,
    variants: Collection[Collection[str] | None] = tuple(VISITED_TYPES),
) -> None:
    for types in variants:
        expected: list[tuple[str, str, int]] = []
        cst.visit_batched(module, [_recorder(expected, field_hooks=field_hooks, types=types)])
        found: list[tuple[str, str, int]] = []
        walk_batched(module, [_recorder(found, field_hooks=field_hooks, types=types)])
        assert found == expected


class _TriviaChecker(cst.CSTVisitor):
    """Fails when a whitespace/punctuation subtree holds a type TRIVIA does not list."""

    def __init__(self) -> None:
        super().__init__()
        self.inside: list[str] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        name = type(node).__name__
        for outer in self.inside:
            assert name in traversal.TRIVIA[outer], f"{name} inside {outer}"
        if name in traversal.TRIVIA:
            self.inside.append(name)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if type(original_node).__name__ in traversal.TRIVIA:
            self.inside.pop()


@pytest.mark.parametrize("field_hooks", [False, True])
@pytest.mark.parametrize("code", SNIPPETS)
def test_same_calls_as_libcst(code: str, field_hooks: bool) -> None:
    module = cst.parse_module(code)
    _assert_same_calls(module, field_hooks=field_hooks)
    module.visit(_TriviaChecker())


def test_fixtures_same_calls_as_libcst() -> None:
    fixtures = sorted((Path(__file__).parent / "fixtures").rglob("*.py"))
    for path in fixtures:
        try:
            module = cst.parse_module(path.read_bytes())
        except cst.ParserSyntaxError:
            continue
        _assert_same_calls(module, variants=VISITED_TYPES[1:])
        module.visit(_TriviaChecker())


@pytest.mark.corpus
def test_corpus_same_calls_as_libcst() -> None:
    files = corpus_files("docs_src", "tests")
    if not files:
        pytest.skip("the FastAPI sdist is not available (offline)")
    for path in files[::40]:
        _assert_same_calls(cst.parse_module(path.read_bytes()), variants=VISITED_TYPES[1:])
    for path in files[::10]:
        cst.parse_module(path.read_bytes()).visit(_TriviaChecker())


@pytest.mark.parametrize(
    "code", ['f"{a} {b:>{c}}"\n', 'f"{b:>{c}} {a}"\n', 't"{a} {b:>{c}}"\n']
)
def test_optional_field_order_whichever_sample_comes_first(
    code: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The child order of a node type is learnt from the first instance met; an unset
    # format spec must not lose (or misplace) the spec of later instances.
    monkeypatch.setattr(traversal, "_FIELDS", {})
    try:
        module = cst.parse_module(code)
    except cst.ParserSyntaxError:
        pytest.skip("this LibCST does not parse template strings")
    _assert_same_calls(module)


def _pruning_visitor(
    log: list[tuple[str, str, int]], types: Collection[str] | None, prune: Collection[str]
) -> cst.CSTVisitor:
    """A CSTVisitor logging visit/leave of ``types`` whose ``visit_*`` return False for
    the types in ``prune``."""

    def visitor(name: str) -> Callable[[cst.CSTVisitor, cst.CSTNode], bool | None]:
        def method(self: cst.CSTVisitor, node: cst.CSTNode) -> bool | None:
            log.append(("visit", name, id(node)))
            return False if name in prune else None

        return method

    def leaver(name: str) -> Callable[[cst.CSTVisitor, cst.CSTNode], None]:
        return lambda self, node: log.append(("leave", name, id(node)))

    namespace: dict[str, object] = {}
    for node_type in NODE_TYPES:
        name = node_type.__name__
        if types is None or name in types:
            namespace[f"visit_{name}"] = visitor(name)
            namespace[f"leave_{name}"] = leaver(name)
    pruning: type[cst.CSTVisitor] = type("Pruning", (cst.CSTVisitor,), namespace)
    return pruning()


@pytest.mark.parametrize("code", SNIPPETS)
@pytest.mark.parametrize("prune", [(), ("FunctionDef", "Import", "Call"), ("Module",)])
def test_visit_readonly_same_calls_as_node_visit(code: str, prune: tuple[str, ...]) -> None:
    module = cst.parse_module(code)
    for types in VISITED_TYPES:
        expected: list[tuple[str, str, int]] = []
        module.visit(_pruning_visitor(expected, types, prune))
        found: list[tuple[str, str, int]] = []
        traversal.visit_readonly(module, _pruning_visitor(found, types, prune))
        assert found == expected


class _ParentRecorder(cst.BatchableCSTVisitor):
    METADATA_DEPENDENCIES = (ParentNodeProvider,)

    def __init__(self) -> None:
        super().__init__()
        self.parents: list[tuple[int, int]] = []

    def visit_Name(self, node: cst.Name) -> None:
        parent = self.get_metadata(ParentNodeProvider, node)
        self.parents.append((id(node), id(parent)))


def test_traverse_resolves_declared_metadata() -> None:
    module = cst.parse_module(SNIPPETS[3])
    expected = _ParentRecorder()
    cst.MetadataWrapper(module, unsafe_skip_copy=True).visit_batched([expected])
    found = _ParentRecorder()
    traversal.traverse(module, [found])
    assert found.parents == expected.parents
    assert found.parents
