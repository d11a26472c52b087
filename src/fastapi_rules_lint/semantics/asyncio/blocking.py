"""The table of blocking calls (FRL301, FRL303): data, not code branches.

Every entry is a qualified name mapped to a category and the async alternative the
message suggests. Functions are keyed by their qualified name (``time.sleep``); methods
by the qualified name of the receiver's type plus the method (``httpx.Client.get``),
where the receiver's type comes from ``receivers`` (built by a known constructor,
or annotated). Users extend the table with ``extra-blocking-calls`` (qualified name →
suggestion; a method entry such as ``mylib.Client.fetch`` works for receivers built by
``mylib.Client(...)`` or annotated ``mylib.Client``) and trim it with
``allowed-blocking-calls`` (qualified names or prefixes such as ``pathlib.Path``).

Constructing a client or session (``requests.Session()``, ``httpx.Client()``,
``Session(engine)``, ``Path(...)``) is not blocking and is not in the table; opening a
connection (``sqlite3.connect``, ``psycopg2.connect``) is.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from fastapi_rules_lint.engine.options import RuleOptions


@dataclass(frozen=True)
class BlockingCall:
    """What a blocking call is and what to use instead (text with backticks)."""

    category: str
    alternative: str


def words(text: str) -> tuple[str, ...]:
    """The whitespace-separated words of ``text`` (compact data tables)."""
    return tuple(text.split())


def _entries(category: str, alternative: str, names: Iterable[str]) -> dict[str, BlockingCall]:
    entry = BlockingCall(category, alternative)
    return dict.fromkeys(names, entry)


def _methods(kind: str, methods: str) -> list[str]:
    return [f"{kind}.{method}" for method in words(methods)]


HTTP_VERBS = "get post put patch delete head options request"
_ASYNC_HTTP = "an async client (`httpx.AsyncClient`)"
_PROCESS = "`asyncio.create_subprocess_exec`"
_FILE = "`aiofiles.open` or `anyio.open_file`"
_PATH = "`anyio.Path` (its methods are awaitable)"
_THREAD = "`run_in_threadpool` (or `asyncio.to_thread`)"
_DBAPI_CONNECTION = "execute executemany executescript commit rollback close"
_DBAPI_CURSOR = "execute executemany fetchone fetchmany fetchall callproc"

# Path methods that touch the file system (ruff's ASYNC230/ASYNC240 lists and more).
PATH_IO_METHODS = (
    "open read_text read_bytes write_text write_bytes touch exists stat lstat chmod lchmod "
    "mkdir rmdir unlink rename replace iterdir glob rglob walk resolve absolute expanduser "
    "owner group readlink symlink_to hardlink_to link_to samefile is_dir is_file "
    "is_mount is_symlink is_socket is_fifo is_block_device is_char_device is_junction "
    "copy copy_into move move_into"
)
SESSION_METHODS = (
    "execute exec scalars scalar get get_one commit flush refresh rollback merge close connection"
)
QUERY_TERMINALS = "all first one one_or_none scalar count get delete update"

BLOCKING_CALLS: Mapping[str, BlockingCall] = MappingProxyType(
    {
        "time.sleep": BlockingCall("sleep", "`await asyncio.sleep(...)`"),
        "builtins.input": BlockingCall("input", "input read outside the event loop"),
        **_entries(
            "http",
            _ASYNC_HTTP,
            [
                *(f"requests.{verb}" for verb in words(HTTP_VERBS)),
                *(f"httpx.{verb}" for verb in words(HTTP_VERBS + " stream")),
                "urllib.request.urlopen",
                "urllib.request.urlretrieve",
                "urllib3.request",
                *_methods("requests.Session", HTTP_VERBS + " send"),
                *_methods("httpx.Client", HTTP_VERBS + " send stream close"),
                *_methods("urllib3.PoolManager", "request urlopen request_encode_url"),
            ],
        ),
        **_entries(
            "process",
            _PROCESS,
            [
                *(
                    f"subprocess.{name}"
                    for name in words(
                        "run call check_call check_output getoutput getstatusoutput Popen"
                    )
                ),
                *(f"os.{name}" for name in words("system popen posix_spawn posix_spawnp")),
                *(f"os.spawn{suffix}" for suffix in words("l le lp lpe v ve vp vpe")),
                *_methods("subprocess.Popen", "wait communicate"),
            ],
        ),
        **_entries(
            "process",
            "`asyncio.create_subprocess_exec` and `await process.wait()`",
            [f"os.{name}" for name in words("wait wait3 wait4 waitid waitpid")],
        ),
        **_entries("file", _FILE, ["builtins.open", "io.open", "io.open_code", "codecs.open"]),
        **_entries("file", _PATH, _methods("pathlib.Path", PATH_IO_METHODS)),
        **_entries(
            "file",
            _THREAD,
            [
                *(
                    f"shutil.{name}"
                    for name in words(
                        "copy copy2 copyfile copytree copyfileobj move rmtree "
                        "make_archive unpack_archive"
                    )
                ),
                *(
                    f"os.{name}"
                    for name in words(
                        "listdir scandir walk remove unlink rename replace mkdir "
                        "makedirs rmdir removedirs"
                    )
                ),
            ],
        ),
        **_entries(
            "socket",
            "`asyncio.open_connection` or `loop.getaddrinfo`",
            [
                *(
                    f"socket.{name}"
                    for name in words(
                        "create_connection getaddrinfo gethostbyname gethostbyname_ex "
                        "gethostbyaddr getfqdn"
                    )
                ),
            ],
        ),
        **_entries(
            "database",
            "`aiosqlite`",
            [
                "sqlite3.connect",
                *_methods("sqlite3.Connection", _DBAPI_CONNECTION),
                *_methods("sqlite3.Cursor", _DBAPI_CURSOR),
            ],
        ),
        **_entries(
            "database",
            "`asyncpg` or `psycopg.AsyncConnection`",
            [
                "psycopg2.connect",
                "psycopg.connect",
                "psycopg.Connection.connect",
                *_methods("psycopg2.extensions.connection", _DBAPI_CONNECTION),
                *_methods("psycopg2.extensions.cursor", _DBAPI_CURSOR),
                *_methods("psycopg.Connection", _DBAPI_CONNECTION),
                *_methods("psycopg.Cursor", _DBAPI_CURSOR),
            ],
        ),
        **_entries(
            "database",
            "`aiomysql` or `asyncmy`",
            [
                "pymysql.connect",
                "mysql.connector.connect",
                *_methods("pymysql.connections.Connection", _DBAPI_CONNECTION),
                *_methods("pymysql.cursors.Cursor", _DBAPI_CURSOR),
            ],
        ),
        **_entries(
            "database",
            "`pymongo.AsyncMongoClient` or `motor`",
            ["pymongo.MongoClient", "pymongo.mongo_client.MongoClient"],
        ),
        **_entries(
            "database",
            "`redis.asyncio.Redis`",
            [
                "redis.Redis",
                "redis.StrictRedis",
                "redis.from_url",
                "redis.Redis.from_url",
                *_methods(
                    "redis.Redis",
                    "get set delete exists expire incr decr hget hset hgetall hdel lpush "
                    "rpush lpop rpop lrange publish ping keys mget mset setex ttl sadd "
                    "smembers zadd zrange execute_command",
                ),
            ],
        ),
        **_entries(
            "database",
            "`sqlalchemy.ext.asyncio.create_async_engine`",
            ["sqlalchemy.create_engine", "sqlalchemy.engine.create_engine"],
        ),
        **_entries(
            "database",
            "`AsyncSession` (`sqlalchemy.ext.asyncio`)",
            [
                *_methods("sqlalchemy.orm.Session", SESSION_METHODS),
                *_methods("sqlalchemy.orm.scoped_session", SESSION_METHODS),
                *_methods("sqlalchemy.orm.Query", QUERY_TERMINALS),
                *_methods("sqlalchemy.engine.Engine", "connect begin"),
                *_methods(
                    "sqlalchemy.engine.Connection",
                    "execute exec_driver_sql scalar scalars commit rollback",
                ),
            ],
        ),
        **_entries(
            "network",
            _THREAD,
            [
                "smtplib.SMTP",
                "smtplib.SMTP_SSL",
                "ftplib.FTP",
                *_methods("smtplib.SMTP", "connect login starttls sendmail send_message quit"),
            ],
        ),
    }
)


class BlockingCallsOptions(RuleOptions):
    """Options of FRL301 and FRL303 (the same table serves both)."""

    extra_blocking_calls: dict[str, str] = {}
    """Qualified name → suggested alternative, added to the table."""
    allowed_blocking_calls: tuple[str, ...] = ()
    """Qualified names (or prefixes: ``os.path``, ``pathlib.Path``) never reported."""


@dataclass(frozen=True)
class BlockingTable:
    """The default table with a rule's options applied."""

    extra: Mapping[str, str]
    allowed: Collection[str]

    @classmethod
    def from_options(cls, options: BlockingCallsOptions) -> BlockingTable:
        """The table a rule uses, given its options."""
        return cls(options.extra_blocking_calls, frozenset(options.allowed_blocking_calls))

    def lookup(self, qualified: str) -> BlockingCall | None:
        """The entry for ``qualified``, unless the options allow it."""
        if self.allowed and self._is_allowed(qualified):
            return None
        suggestion = self.extra.get(qualified)
        if suggestion is not None:
            return BlockingCall("custom", suggestion)
        return BLOCKING_CALLS.get(qualified)

    def _is_allowed(self, qualified: str) -> bool:
        parts = qualified.split(".")
        return any(".".join(parts[:end]) in self.allowed for end in range(1, len(parts) + 1))
