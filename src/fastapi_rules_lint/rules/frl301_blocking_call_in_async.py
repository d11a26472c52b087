"""FRL301: a blocking call made on the event loop, inside ``async def``."""

from __future__ import annotations

import libcst as cst

from fastapi_rules_lint.rulebase.rule import Clean, Flagged, NodeFix
from fastapi_rules_lint.rulebase.tracking import ScopeTracking
from fastapi_rules_lint.rules._frl301_fix import BlockingCallFixes
from fastapi_rules_lint.semantics.asyncio.blocking import BlockingCallsOptions, BlockingTable
from fastapi_rules_lint.semantics.asyncio.blocking_calls import (
    BlockingMatch,
    display_call,
    find_blocking,
)

_HEAD = "import time\n\nasync def handler() -> None:\n"


class BlockingCallInAsync(ScopeTracking):
    """## What it does
    Finds calls that block the thread, made directly in the body of an `async def`:
    sleeping (`time.sleep`), HTTP (`requests`, `urllib`, `urllib3`, sync `httpx` functions
    and `httpx.Client`), processes (`subprocess`, `os.system`, `os.popen`, `os.spawn*`,
    `os.wait*`), files (`open`, `pathlib.Path` I/O methods, `shutil`, `os` file
    functions), sockets, sync database drivers and sessions (`sqlite3`, `psycopg2`,
    `pymysql`, `pymongo`, `redis`, `sqlalchemy.create_engine`, calls on a sync
    `Session` and on `session.query(...)` results), and `input()`.

    Names are resolved through imports (`import time as t`, `from time import sleep as
    nap`). Method calls are reported when the receiver's type is known: built by a known
    constructor (`s = requests.Session()`, `with httpx.Client() as c`, `p = Path(...)`,
    `conn = sqlite3.connect(...)`, `db = SessionLocal()` with `SessionLocal =
    sessionmaker(...)`) or annotated (`client: httpx.Client`, `db: Session`,
    `Annotated[Session, Depends(get_db)]`), also through the project model: an
    `Annotated` alias imported from another module (`db: SessionDep`), a class
    re-exported by a project module, or a project function's return annotation
    (`session = refetch_db_session()` with `def refetch_db_session() -> Session`). A
    receiver of unknown type is never reported, and building a client or session is not
    itself a blocking call.

    Not reported: calls in a nested sync `def` or a `lambda` (they run wherever they are
    called), functions passed to a thread (`await asyncio.to_thread(time.sleep, 1)`,
    `await run_in_threadpool(f)`, `loop.run_in_executor(None, f)`), awaited calls, and
    plain `def` functions — FastAPI runs `def` routes in its threadpool.

    ## Why is this bad?
    An `async def` route runs on the event loop. While a blocking call waits, the loop
    waits too: every other request on that worker stalls until it returns.

    ## Example
    ```python
    import time
    import requests

    @app.get("/weather")
    async def weather(city: str) -> dict[str, str]:
        time.sleep(1)
        return requests.get(f"https://wttr.in/{city}").json()
    ```

    ## Use instead
    ```python
    import asyncio
    import httpx

    @app.get("/weather")
    async def weather(city: str) -> dict[str, str]:
        await asyncio.sleep(1)
        async with httpx.AsyncClient() as client:
            return (await client.get(f"https://wttr.in/{city}")).json()
    ```
    or declare the route with plain `def`, which FastAPI runs in a threadpool.

    ## Fix safety
    `time.sleep(x)` becomes `await asyncio.sleep(x)`: safe (the coroutine still waits
    as long; other tasks now run meanwhile). Other calls used as a statement or as the
    value of an assignment are moved to a thread: with the helper the module already
    calls (`anyio.to_thread.run_sync` — through `functools.partial` for keyword
    arguments —, `asyncio.to_thread`, `run_in_threadpool`), else `await
    run_in_threadpool(f, *args, **kwargs)` (`fastapi.concurrency`) in FastAPI modules
    and `await asyncio.to_thread(f, ...)` elsewhere. Unsafe: the call now runs in a
    worker thread, concurrently with other tasks (thread-safety, ordering with other
    requests, thread-locals, a limited threadpool). The value and the exceptions of the
    call reach the caller as before.

    No fix inside `finally:`: a cancelled task is cancelled again at the new `await`,
    which would cut the cleanup short (the thread even runs on, unwaited); the
    diagnostic stays. `open()` has no fix: the file object would still be read on the
    loop; use `aiofiles` or `anyio`. No fix where the name the fix needs is bound to
    something else.

    ## Options
    - `extra-blocking-calls` (default `{}`): qualified name → suggested alternative, e.g.
      `{"boto3.client" = "`aioboto3`", "mylib.Client.fetch" = "`mylib.AsyncClient`"}`.
      A method entry applies to receivers built by `mylib.Client(...)` or annotated so.
    - `allowed-blocking-calls` (default `[]`): qualified names or prefixes never reported,
      e.g. `["pathlib.Path.exists", "os"]`.
    """

    code = "FRL301"
    name = "blocking-call-in-async"
    message = "`{call}` blocks the event loop in `async def {function}`; use {alternative}"
    summary = "Blocking call inside `async def`"
    fix_availability = "sometimes"
    options_model = BlockingCallsOptions
    options: BlockingCallsOptions
    examples = (
        Clean("import asyncio\n\nasync def handler() -> None:\n    await asyncio.sleep(1)\n"),
        Clean(
            _HEAD + "    def work() -> None:\n        time.sleep(1)\n\n"
            "    await asyncio.to_thread(work)\n",
            note="nested sync def: runs where it is called",
        ),
        Clean(
            "import asyncio\nimport time\nimport requests\n\nasync def handler() -> None:\n"
            "    await asyncio.to_thread(time.sleep, 1)\n"
            "    loop = asyncio.get_running_loop()\n"
            "    await loop.run_in_executor(None, lambda: requests.get('https://x'))\n",
            note="passed to a thread, lambda",
        ),
        Clean(
            "from fastapi import FastAPI\nfrom fastapi.concurrency import run_in_threadpool\n"
            "import requests\n\napp = FastAPI()\n\n@app.get('/')\nasync def index() -> None:\n"
            "    await run_in_threadpool(requests.get, 'https://x')\n",
        ),
        Clean(
            "import aiofiles\nfrom anyio import Path\n\nasync def handler() -> str:\n"
            "    async with aiofiles.open('data.txt') as f:\n        await f.read()\n"
            "    return await Path('data.txt').read_text()\n",
            note="aiofiles and anyio.Path",
        ),
        Clean(
            "import time\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n@app.get('/')\n"
            "def index() -> None:\n    time.sleep(1)\n",
            note="a def route runs in the threadpool",
        ),
        Clean(
            "async def handler(client, session) -> None:\n    client.get('https://x')\n"
            "    session.execute('select 1')\n",
            note="receivers of unknown type",
        ),
        Clean(
            "import httpx\n\nasync def handler() -> None:\n"
            "    async with httpx.AsyncClient() as client:\n        await client.get('https://x')\n"
            "    session = httpx.Client()\n",
            note="building a client is not a blocking call",
        ),
        Clean(
            "from mylib import sleep\n\nasync def handler() -> None:\n    sleep(1)\n",
            note="not time.sleep",
        ),
        Clean(
            _HEAD + "    time.sleep(1)\n",
            options={"allowed-blocking-calls": ["time"]},
        ),
        Flagged(
            _HEAD + "    time.sleep(1)\n",
            at=("4:5-4:18",),
            fixed="import asyncio\n\nasync def handler() -> None:\n    await asyncio.sleep(1)\n",
            note="`import time` is now unused: the fixer removes it",
        ),
        Flagged(
            "import time as t\nfrom time import sleep as nap\n\nasync def handler() -> None:\n"
            "    t.sleep(1)\n    nap(2)\n",
            at=("5:5-5:15", "6:5-6:11"),
            note="aliases",
        ),
        Flagged(
            "import requests\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n@app.get('/')\n"
            "async def index() -> None:\n    r = requests.get('https://x', timeout=5)\n",
            at=("8:9-8:45",),
            fixed="import requests\nfrom fastapi import FastAPI\n"
            "from fastapi.concurrency import run_in_threadpool\n\napp = FastAPI()\n\n"
            "@app.get('/')\nasync def index() -> None:\n"
            "    r = await run_in_threadpool(requests.get, 'https://x', timeout=5)\n",
            unsafe=True,
        ),
        Flagged(
            "import subprocess\n\nasync def handler() -> None:\n    subprocess.run(['ls'])\n",
            at=("4:5-4:27",),
            fixed="import asyncio\n"
            "import subprocess\n\n"
            "async def handler() -> None:\n"
            "    await asyncio.to_thread(subprocess.run, ['ls'])\n",
            unsafe=True,
            note="outside FastAPI modules: asyncio.to_thread",
        ),
        Flagged(
            "import httpx\nimport requests\n\nasync def handler(client: httpx.Client) -> None:\n"
            "    client.get('https://x')\n    with requests.Session() as s:\n"
            "        s.post('https://x')\n",
            at=("5:5-5:28", "7:9-7:28"),
            note="receivers by annotation and by construction",
        ),
        Flagged(
            "from pathlib import Path\n\nBASE = Path(__file__).parent\n\n"
            "async def handler() -> str:\n    with open('x.txt') as f:\n        f.read()\n"
            "    return (BASE / 'data.txt').read_text()\n",
            at=("6:10-6:23", "8:12-8:43"),
            note="open has no fix; module-level paths",
        ),
        Flagged(
            "from typing import Annotated\nfrom fastapi import Depends\n"
            "from sqlalchemy.orm import Session\n\n"
            "SessionDep = Annotated[Session, Depends()]\n\n"
            "async def handler(db: SessionDep) -> None:\n    db.query(int).filter().first()\n",
            at=("8:5-8:35",),
            note="sync session through an Annotated alias; query terminal",
        ),
        Flagged(
            "from fastapi import APIRouter\nfrom sqlalchemy import text\n\n"
            "from app.deps import SessionDep\n\nrouter = APIRouter()\n\n\n"
            "@router.get('/health')\nasync def health(db: SessionDep) -> int:\n"
            "    return db.execute(text('select 1')).scalar_one()\n",
            at=("11:12-11:40",),
            path="app/routes.py",
            files={
                "app/deps.py": "from collections.abc import Iterator\n"
                "from typing import Annotated\n\n"
                "from fastapi import Depends\nfrom sqlalchemy.orm import Session\n\n"
                "from app.db import SessionLocal\n\n\n"
                "def get_db() -> Iterator[Session]:\n    with SessionLocal() as db:\n"
                "        yield db\n\n\nSessionDep = Annotated[Session, Depends(get_db)]\n",
                "app/db.py": "from sqlalchemy import create_engine\n"
                "from sqlalchemy.orm import sessionmaker\n\n"
                "SessionLocal = sessionmaker(create_engine('sqlite:///app.db'))\n",
            },
            note="`SessionDep` is an `Annotated` alias imported from `app/deps.py`",
        ),
        Flagged(
            "import shutil\nimport time\n\nasync def handler() -> None:\n    try:\n"
            "        await work()\n    finally:\n        time.sleep(1)\n"
            "        shutil.rmtree('tmp')\n",
            at=("8:9-8:22", "9:9-9:29"),
            fixed="import shutil\nimport time\n\nasync def handler() -> None:\n    try:\n"
            "        await work()\n    finally:\n        time.sleep(1)\n"
            "        shutil.rmtree('tmp')\n",
            note="no fix inside `finally:`: cancelled at the new `await`, the cleanup "
            "would stop half-way",
        ),
        Flagged(
            "import anyio\nimport requests\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n"
            "@app.get('/')\nasync def index() -> None:\n"
            "    await anyio.to_thread.run_sync(requests.get, 'https://a')\n"
            "    requests.get('https://b')\n",
            at=("10:5-10:30",),
            fixed="import anyio\nimport requests\nfrom fastapi import FastAPI\n\n"
            "app = FastAPI()\n\n@app.get('/')\nasync def index() -> None:\n"
            "    await anyio.to_thread.run_sync(requests.get, 'https://a')\n"
            "    await anyio.to_thread.run_sync(requests.get, 'https://b')\n",
            unsafe=True,
            note="the module's own thread helper is reused",
        ),
        Flagged(
            "import boto3\n\nasync def handler() -> None:\n    boto3.client('s3')\n",
            at=("4:5-4:23",),
            options={"extra-blocking-calls": {"boto3.client": "`aioboto3`"}},
        ),
    )

    def setup(self) -> None:
        self.table = BlockingTable.from_options(self.options)
        self._statement_values: set[cst.BaseExpression] = set()
        self._finally_owners: list[cst.CSTNode | None] = []
        self._fixes = BlockingCallFixes(self.context)

    def visit_Finally(self, node: cst.Finally) -> None:
        frame = self.context.function
        self._finally_owners.append(frame.node if frame is not None else None)

    def leave_Finally(self, original_node: cst.Finally) -> None:
        self._finally_owners.pop()

    def visit_Expr(self, node: cst.Expr) -> None:
        self._statement_values.add(node.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        super().visit_Assign(node)
        self._statement_values.add(node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        super().visit_AnnAssign(node)
        if node.value is not None:
            self._statement_values.add(node.value)

    def visit_Call(self, node: cst.Call) -> None:
        frame = self.context.function
        if frame is None or not frame.is_async or self.scopes.frame_facts() is None:
            return
        if node in self.scopes.awaited:
            return
        match = find_blocking(node, self.scopes, self.table)
        if match is None:
            return
        self.report(
            node,
            fix=self._fix(node, match),
            call=display_call(node, match.qualified),
            function=frame.name,
            alternative=match.entry.alternative,
        )

    def _fix(self, node: cst.Call, match: BlockingMatch) -> NodeFix | None:
        if node not in self._statement_values:
            return None
        frame = self.context.function
        if frame is not None and frame.node in self._finally_owners:
            return None  # cancelled at the new `await`, the cleanup would stop half-way
        return self._fixes.fix(node, match)
