"""Examples of FRL201, kept apart from the rule: the migration's before/after pairs are
long. No-fix cases are written with ``fixed`` equal to the code (the fixer must leave
them alone, even with unsafe fixes)."""

from __future__ import annotations

from fastapi_rules_lint.rulebase.rule import Clean, Example, Flagged

_CONFLICT = '''from fastapi import FastAPI

from .lifespans import lifespan

app = FastAPI(lifespan=lifespan)


@app.on_event("startup")
def warm_cache() -> None:
    print("never printed")
'''
_ROUTER = '''from fastapi import APIRouter

router = APIRouter()


@router.on_event("shutdown")
async def flush() -> None:
    print("flush")
'''
_LAMBDA = '''from fastapi import FastAPI

app = FastAPI(on_startup=[lambda: print("up")])
'''
_IMPORTED_APP = '''from fastapi import FastAPI

from .main import app


@app.on_event("startup")
def warm_cache() -> None:
    print("warm")
'''
_IMPORTED_HANDLER = '''from fastapi import FastAPI

from .db import connect

DEBUG = True
app = FastAPI()
app.add_event_handler("startup", connect)
if DEBUG:
    app.add_event_handler("shutdown", connect)
'''
_NAME_TAKEN = '''from fastapi import FastAPI

lifespan = "spring"
app = FastAPI()


@app.on_event("startup")
def hello() -> None:
    print(lifespan)
'''

EXAMPLES: tuple[Example, ...] = (
    Clean(
        "from collections.abc import AsyncIterator\n"
        "from contextlib import asynccontextmanager\n\n"
        "from fastapi import FastAPI\n\n\n"
        "@asynccontextmanager\n"
        "async def lifespan(app: FastAPI) -> AsyncIterator[None]:\n"
        "    yield\n\n\n"
        "app = FastAPI(lifespan=lifespan)\n",
        note="already a lifespan",
    ),
    Clean(
        "from fastapi import FastAPI\n\nfrom .bus import make_bus\n\n"
        "app = FastAPI()\nbus = make_bus()\n\n\n"
        '@bus.on_event("startup")\ndef ready() -> None: ...\n',
        note="`on_event` of something that is not an app or router",
    ),
    Clean(
        "from events import Emitter\n\napp = Emitter()\n\n\n"
        '@app.on_event("startup")\ndef ready() -> None: ...\n',
        note="not a FastAPI module",
    ),
    Flagged(
        "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
        '@app.on_event("startup")\nasync def startup() -> None:\n    print("up")\n',
        at=("6:2-6:25",),
        fixed="from collections.abc import AsyncIterator\n"
        "from contextlib import asynccontextmanager\n\n"
        "from fastapi import FastAPI\n\n\n"
        "@asynccontextmanager\n"
        "async def lifespan(app: FastAPI) -> AsyncIterator[None]:\n"
        "    await startup()\n"
        "    yield\n\n\n"
        "app = FastAPI(lifespan=lifespan)\n\n\n"
        'async def startup() -> None:\n    print("up")\n',
        unsafe=True,
        note="the handler is defined after the app: the lifespan calls it at run time",
    ),
    Flagged(
        "from contextlib import contextmanager\n\nfrom fastapi import FastAPI\n\n\n"
        'def connect() -> None:\n    print("connect")\n\n\n'
        'def disconnect() -> None:\n    print("disconnect")\n\n\n'
        'app = FastAPI(title="shop", on_startup=[connect])\n'
        'app.add_event_handler("shutdown", disconnect)\n',
        at=("14:29-14:49", "15:1-15:46"),
        fixed="from collections.abc import AsyncIterator\n"
        "from contextlib import asynccontextmanager, contextmanager\n\n"
        "from fastapi import FastAPI\nfrom fastapi.concurrency import run_in_threadpool\n\n\n"
        'def connect() -> None:\n    print("connect")\n\n\n'
        'def disconnect() -> None:\n    print("disconnect")\n\n\n'
        "@asynccontextmanager\n"
        "async def lifespan(app: FastAPI) -> AsyncIterator[None]:\n"
        "    await run_in_threadpool(connect)\n"
        "    yield\n"
        "    await run_in_threadpool(disconnect)\n\n\n"
        'app = FastAPI(title="shop", lifespan=lifespan)\n',
        unsafe=True,
        note="sync handlers run in the threadpool, off the loop; the import merges into "
        "`from contextlib`",
    ),
    Flagged(
        "import asyncio\n\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
        '@app.on_event("startup")\ndef poll() -> None:\n'
        "    asyncio.get_event_loop().create_task(asyncio.sleep(1))\n",
        at=("8:2-8:25",),
        fixed="import asyncio\nfrom collections.abc import AsyncIterator\n"
        "from contextlib import asynccontextmanager\n\nfrom fastapi import FastAPI\n\n\n"
        "@asynccontextmanager\n"
        "async def lifespan(app: FastAPI) -> AsyncIterator[None]:\n"
        "    poll()\n"
        "    yield\n\n\n"
        "app = FastAPI(lifespan=lifespan)\n\n\n"
        "def poll() -> None:\n    asyncio.get_event_loop().create_task(asyncio.sleep(1))\n",
        unsafe=True,
        note="a sync handler using asyncio may need the loop's thread: called directly",
    ),
    Flagged(_CONFLICT, at=("8:2-8:25",), fixed=_CONFLICT, unsafe=True,
            note="`lifespan=` too: the handler never runs, and there is no fix"),
    Flagged(_ROUTER, at=("6:2-6:29",), fixed=_ROUTER, unsafe=True, note="routers: no fix"),
    Flagged(_LAMBDA, at=("3:15-3:47",), fixed=_LAMBDA, unsafe=True, note="a lambda: no fix"),
    Flagged(_IMPORTED_APP, at=("6:2-6:25",), fixed=_IMPORTED_APP, unsafe=True,
            note="the app is built in another module: no fix"),
    Flagged(_IMPORTED_HANDLER, at=("7:1-7:42", "9:5-9:47"), fixed=_IMPORTED_HANDLER,
            unsafe=True, note="imported handler, conditional registration: no fix"),
    Flagged(_NAME_TAKEN, at=("7:2-7:25",), fixed=_NAME_TAKEN, unsafe=True,
            note="`lifespan` is taken: no fix"),
)
