"""What a receiver is: the type of a value known by construction or by annotation.

``s = requests.Session()``, ``with httpx.Client() as c``, ``p = Path(...)``,
``conn = sqlite3.connect(...)``, ``db = SessionLocal()`` (``SessionLocal =
sessionmaker(...)``), a parameter annotated ``httpx.Client`` or
``Annotated[Session, Depends(get_db)]``: each binds a name to a *kind*, the qualified
name of the value's type (``httpx.Client``, ``sqlalchemy.orm.Session``). A kind comes
from calling a class (a callee whose last name is capitalised), from the small table of
factories below (``sqlite3.connect`` → ``sqlite3.Connection``), or from an annotation.
Anything else is unknown, and rules stay silent about unknown receivers.

Bindings are tracked per function frame through simple assignments (``x = ...``,
``x: T = ...``, tuple-to-tuple), ``with ... as x``, ``:=`` and parameters; a later
assignment to something unknown forgets the kind. Module-level names bound exactly once
are known inside functions. This is flow-insensitive within a frame (a branch that
rebinds a name is seen in source order), which is enough for the straight-line code the
rules look at. Tracking lives in ``semantics.asyncio.scopes``; the kind an annotation
names, in ``semantics.asyncio.annotation_kinds``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from fastapi_rules_lint.semantics.asyncio.blocking import words

# Data and name logic only: the project model's call facts use this module, and a run
# builds the model without importing LibCST (``annotation_kinds`` reads annotations).
if TYPE_CHECKING:
    import libcst as cst

PATH = "pathlib.Path"
SESSION = "sqlalchemy.orm.Session"
QUERY = "sqlalchemy.orm.Query"
LOOP = "asyncio.AbstractEventLoop"


def _aliases(canonical: str, *names: str) -> dict[str, str]:
    return dict.fromkeys(names, canonical)


KIND_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        **_aliases("requests.Session", "requests.sessions.Session"),
        **_aliases("httpx.Client", "httpx._client.Client"),
        **_aliases("httpx.AsyncClient", "httpx._client.AsyncClient"),
        **_aliases(PATH, "pathlib.PosixPath", "pathlib.WindowsPath"),
        **_aliases(SESSION, "sqlmodel.Session", "sqlalchemy.orm.session.Session"),
        **_aliases("sqlalchemy.orm.sessionmaker", "sqlalchemy.orm.session.sessionmaker"),
        **_aliases("sqlalchemy.orm.scoped_session", "sqlalchemy.orm.scoping.scoped_session"),
        **_aliases(
            "sqlalchemy.engine.Engine", "sqlalchemy.Engine", "sqlalchemy.engine.base.Engine"
        ),
        **_aliases(
            "sqlalchemy.engine.Connection",
            "sqlalchemy.Connection",
            "sqlalchemy.engine.base.Connection",
        ),
        **_aliases("redis.Redis", "redis.StrictRedis", "redis.client.Redis"),
        **_aliases("urllib3.PoolManager", "urllib3.poolmanager.PoolManager"),
        **_aliases("starlette.requests.Request", "fastapi.Request", "fastapi.requests.Request"),
        **_aliases(
            "starlette.websockets.WebSocket",
            "fastapi.WebSocket",
            "fastapi.websockets.WebSocket",
        ),
        **_aliases(
            "starlette.datastructures.UploadFile",
            "fastapi.UploadFile",
            "fastapi.datastructures.UploadFile",
        ),
        **_aliases(LOOP, "asyncio.BaseEventLoop", "asyncio.events.AbstractEventLoop"),
    }
)

_QUERY_BUILDERS = (
    "filter filter_by where order_by group_by having limit offset join outerjoin options "
    "distinct select_from with_entities params execution_options"
)

RESULT_KINDS: Mapping[str, str] = MappingProxyType(
    {
        "requests.session": "requests.Session",
        # Classes with lowercase names: calling them builds an instance.
        "sqlalchemy.orm.sessionmaker": "sqlalchemy.orm.sessionmaker",
        "sqlalchemy.orm.scoped_session": "sqlalchemy.orm.scoped_session",
        "sqlite3.connect": "sqlite3.Connection",
        "sqlite3.Connection.cursor": "sqlite3.Cursor",
        "sqlite3.Connection.execute": "sqlite3.Cursor",
        "psycopg2.connect": "psycopg2.extensions.connection",
        "psycopg2.extensions.connection.cursor": "psycopg2.extensions.cursor",
        "psycopg.connect": "psycopg.Connection",
        "psycopg.Connection.connect": "psycopg.Connection",
        "psycopg.Connection.cursor": "psycopg.Cursor",
        "psycopg.Connection.execute": "psycopg.Cursor",
        "pymysql.connect": "pymysql.connections.Connection",
        "pymysql.connections.Connection.cursor": "pymysql.cursors.Cursor",
        "redis.from_url": "redis.Redis",
        "redis.Redis.from_url": "redis.Redis",
        "sqlalchemy.create_engine": "sqlalchemy.engine.Engine",
        "sqlalchemy.engine.create_engine": "sqlalchemy.engine.Engine",
        "sqlalchemy.engine.Engine.connect": "sqlalchemy.engine.Connection",
        "sqlalchemy.engine.Engine.begin": "sqlalchemy.engine.Connection",
        "sqlalchemy.orm.sessionmaker.__call__": SESSION,
        "sqlalchemy.orm.sessionmaker.begin": SESSION,
        "sqlalchemy.orm.scoped_session.__call__": SESSION,
        f"{SESSION}.query": QUERY,
        **{f"{QUERY}.{method}": QUERY for method in words(_QUERY_BUILDERS)},
        **{
            f"{PATH}.{method}": PATH
            for method in words(
                "joinpath with_name with_suffix with_stem absolute resolve "
                "expanduser relative_to cwd home"
            )
        },
        f"{PATH}.parent": PATH,
        "asyncio.get_event_loop": LOOP,
        "asyncio.get_running_loop": LOOP,
        "asyncio.new_event_loop": LOOP,
        "logging.getLogger": "logging.Logger",
    }
)
"""Callable (or ``Kind.method``, ``Kind.__call__``, ``Kind.attribute``) → result kind."""

KNOWN_COROUTINES = frozenset(
    {
        *(
            f"asyncio.{name}"
            for name in words(
                "sleep wait_for wait open_connection start_server "
                "create_subprocess_exec create_subprocess_shell to_thread"
            )
        ),
        "anyio.sleep",
        "anyio.open_file",
        "anyio.to_thread.run_sync",
        "trio.sleep",
        "fastapi.concurrency.run_in_threadpool",
        "starlette.concurrency.run_in_threadpool",
        *(
            f"starlette.requests.Request.{name}"
            for name in words("json body form is_disconnected send_push_promise")
        ),
        *(
            f"starlette.websockets.WebSocket.{name}"
            for name in words(
                "accept close receive send receive_text receive_bytes receive_json "
                "send_text send_bytes send_json"
            )
        ),
        *(f"starlette.datastructures.UploadFile.{name}" for name in words("read write seek close")),
        *(
            f"httpx.AsyncClient.{name}"
            for name in words("get post put patch delete head options request send aclose")
        ),
        *(
            f"sqlalchemy.ext.asyncio.AsyncSession.{name}"
            for name in words(
                "execute scalars scalar get commit flush refresh rollback close delete merge"
            )
        ),
    }
)
"""Coroutine functions and methods (``Kind.method`` for receivers of known type)."""

UNKNOWN_WITH_KEYWORD: Mapping[str, str] = MappingProxyType(
    {"sqlalchemy.orm.sessionmaker": "class_", "sqlalchemy.orm.scoped_session": "scopefunc"}
)
"""Constructors whose result is unknown when a keyword is passed
(``sessionmaker(class_=AsyncSession)`` makes async sessions)."""


def canonical(qualified: str) -> str:
    """The canonical spelling of a kind (``sqlmodel.Session`` → ``sqlalchemy.orm.Session``)."""
    return KIND_ALIASES.get(qualified, qualified)


def canonical_member(qualified: str) -> str:
    """``redis.client.Redis.get`` → ``redis.Redis.get``: canonical kind, same member."""
    if qualified in RESULT_KINDS:
        return qualified
    prefix, _, last = qualified.rpartition(".")
    aliased = canonical(prefix)
    return f"{aliased}.{last}" if aliased != prefix else canonical(qualified)


def is_class_name(qualified: str) -> bool:
    """A capitalised last name that is not an ALL_CAPS constant: by convention, a class."""
    last = qualified.rsplit(".", 1)[-1]
    return last[:1].isupper() and not last.isupper()


def kind_of_callee(call: cst.Call, qualified: str) -> str | None:
    """The kind a call to ``qualified`` returns (a class's instance, a factory's result)."""
    name = canonical(qualified)
    keyword = UNKNOWN_WITH_KEYWORD.get(name)
    if keyword is not None and any(
        arg.keyword is not None and arg.keyword.value == keyword for arg in call.args
    ):
        return None
    result = RESULT_KINDS.get(name)
    if result is not None:
        return result
    return name if is_class_name(name) and not name.startswith("builtins.") else None
