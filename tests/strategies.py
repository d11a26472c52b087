"""Hypothesis strategies that build FastAPI-shaped modules.

A module is assembled from parts in a valid order: imports; helpers (sync/async, with
and without annotations, literal defaults, returning a value or not, sometimes
blocking); startup/shutdown handlers (sync/async) registered with ``@app.on_event``,
``app.add_event_handler`` or ``FastAPI(on_startup=[...])``; the app (sometimes with
``lifespan=``) and a router, each sometimes carrying its own handlers; routes with path
parameters, ``Query``/``Depends`` defaults, dict and tuple returns. Every generated
module is valid Python that compiles; rules fire on many of its parts.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

LITERALS = st.sampled_from(["0", "1.5", '"x"', "True", "None", "b''", "-3"])
RETURNS = st.sampled_from(
    [None, "return", "return None", "return 1", 'return "done"', "return {'a': 1}", "yield 1"]
)
EVENTS = ("startup", "shutdown")


@dataclass(frozen=True)
class _Function:
    name: str
    is_async: bool
    params: tuple[tuple[str, str | None, str | None], ...]
    """(name, annotation, default)."""
    returns: str | None
    blocking: bool
    annotated_return: bool

    def code(self, decorators: tuple[str, ...] = ()) -> str:
        parts = []
        seen_default = False
        for name, annotation, default in self.params:
            if default is None and seen_default:
                default = "None"
            seen_default = seen_default or default is not None
            text = name + (f": {annotation}" if annotation else "")
            if default is not None:
                text += f" = {default}" if annotation else f"={default}"
            parts.append(text)
        head = "async def" if self.is_async else "def"
        arrow = " -> object" if self.annotated_return else ""
        body = []
        if self.blocking:
            body.append("time.sleep(0)" if self.is_async else "print('work')")
        if self.returns is not None and not (self.is_async and self.returns == "yield 1"):
            body.append(self.returns)
        lines = [*decorators, f"{head} {self.name}({', '.join(parts)}){arrow}:"]
        lines += [f"    {line}" for line in body or ["pass"]]
        return "\n".join(lines) + "\n"


@st.composite
def functions(draw: st.DrawFn, name: str, *, callable_bare: bool = False) -> _Function:
    """A function; ``callable_bare``: every parameter has a default (event handlers)."""
    count = draw(st.integers(0, 0 if callable_bare else 3))
    params = []
    for index in range(count):
        annotation = draw(st.sampled_from([None, "int", "str"]))
        default = draw(st.one_of(st.none(), LITERALS))
        params.append((f"p{index}", annotation, default))
    return _Function(
        name=name,
        is_async=draw(st.booleans()),
        params=tuple(params),
        returns=draw(RETURNS),
        blocking=draw(st.booleans()),
        annotated_return=draw(st.booleans()),
    )


@st.composite
def routes(draw: st.DrawFn, index: int, owners: tuple[str, ...], helpers: tuple[str, ...]) -> str:
    owner = draw(st.sampled_from(owners))
    method = draw(st.sampled_from(["get", "post", "put", "delete"]))
    has_path_param = draw(st.booleans())
    path = f"/r{index}/{{item_id}}" if has_path_param else f"/r{index}"
    params = ["item_id: int"] if has_path_param else []
    if draw(st.booleans()):
        params.append('q: str = Query(None)')
    if helpers and draw(st.booleans()):
        params.append(f"dep=Depends({draw(st.sampled_from(helpers))})")
    is_async = draw(st.booleans())
    body = draw(
        st.sampled_from(
            [
                "return {'id': 1}",
                "return {'detail': 'missing'}, 404",
                "raise HTTPException(status_code=404, detail='no')",
                "return [1, 2]",
            ]
        )
    )
    extra = "    time.sleep(0)\n" if is_async and draw(st.booleans()) else ""
    head = "async def" if is_async else "def"
    return (
        f'@{owner}.{method}("{path}")\n{head} route_{index}({", ".join(params)}):\n'
        f"{extra}    {body}\n"
    )


@st.composite
def fastapi_modules(draw: st.DrawFn) -> str:
    """Source code of a FastAPI-shaped module."""
    blocks: list[str] = [
        "import time\n"
        "from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query\n"
    ]
    helpers = [
        draw(functions(f"helper_{index}")) for index in range(draw(st.integers(0, 3)))
    ]
    blocks += [helper.code() for helper in helpers]
    handler_count = draw(st.integers(0, 4))
    ways = st.sampled_from(["decorator", "call", "keyword", "router"])
    handlers = [
        (
            draw(functions(f"on_event_{index}", callable_bare=True)),
            draw(st.sampled_from(EVENTS)),
            draw(ways),
        )
        for index in range(handler_count)
    ]
    for handler, _, way in handlers:
        if way in ("call", "keyword"):
            blocks.append(handler.code())
    keywords = []
    for event in EVENTS:
        names = [h.name for h, e, way in handlers if way == "keyword" and e == event]
        if names:
            keywords.append(f"on_{event}=[{', '.join(names)}]")
    if draw(st.integers(0, 9)) == 0:
        keywords.append("lifespan=None")
    if draw(st.booleans()):
        keywords.insert(0, 'title="demo"')
    blocks.append(f"app = FastAPI({', '.join(keywords)})\nrouter = APIRouter()\n")
    for handler, event, way in handlers:
        if way in ("decorator", "router"):
            owner = "app" if way == "decorator" else "router"
            blocks.append(handler.code((f'@{owner}.on_event("{event}")',)))
        elif way == "call":
            blocks.append(f'app.add_event_handler("{event}", {handler.name})\n')
    plain = tuple(h.name for h in helpers if not h.params and h.returns != "yield 1")
    for index in range(draw(st.integers(0, 3))):
        blocks.append(draw(routes(index, ("app", "router"), plain)))
    blocks.append("app.include_router(router)\n")
    return "\n\n".join(blocks)


@st.composite
def event_modules(draw: st.DrawFn) -> str:
    """A runnable app whose startup/shutdown handlers record their calls in ``CALLS``:
    keyword lists, single and stacked ``on_event`` decorators, sync and async."""
    blocks = ["from fastapi import FastAPI\n\nCALLS: list[str] = []\n"]
    keyword_handlers: dict[str, list[str]] = {event: [] for event in EVENTS}
    decorated: list[tuple[str, bool, list[str]]] = []
    for index in range(draw(st.integers(1, 5))):
        name = f"handler_{index}"
        is_async = draw(st.booleans())
        events = draw(st.lists(st.sampled_from(EVENTS), min_size=1, max_size=2))
        if draw(st.booleans()):
            for event in events:
                keyword_handlers[event].append(name)
            decorated.append((name, is_async, []))
        else:
            decorated.append((name, is_async, events))
    for name, is_async, events in decorated:
        if not events:
            head = "async def" if is_async else "def"
            blocks.append(f"{head} {name}() -> None:\n    CALLS.append({name!r})\n")
    keywords = [f"on_{e}=[{', '.join(names)}]" for e, names in keyword_handlers.items() if names]
    blocks.append(f"app = FastAPI({', '.join(keywords)})\n")
    for name, is_async, events in decorated:
        if events:
            head = "async def" if is_async else "def"
            decorators = "".join(f'@app.on_event("{event}")\n' for event in events)
            blocks.append(f"{decorators}{head} {name}() -> None:\n    CALLS.append({name!r})\n")
    return "\n\n".join(blocks)
