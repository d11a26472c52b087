"""Which calls *may* block (FRL302): everything but what is known not to.

FRL302 reports an ``async def`` route that never awaits only when it also calls
something that could block, so a handler that returns a literal or builds a model stays
quiet. A call is *safe* when it is:

- a builtin (``len``, ``print``, ``dict``) — except the table's ``open``/``input``;
- a constructor: a same-module class, or a qualified name whose last part is
  capitalised (``Item(...)``, ``HTTPException(...)``, ``JSONResponse(...)``);
- into a module known to be pure or non-blocking (``json``, ``math``, ``re``,
  ``datetime``, ``uuid``, ``fastapi``, ``pydantic``, … below; option ``non-blocking-calls``);
- a method whose name is one of the builtin types' (``get``, ``append``, ``join``,
  ``lower``), a Pydantic model's (``model_dump``, ``dict``), a logger's, a request /
  response / background-tasks object's (``url_for``, ``set_cookie``, ``add_task``), or
  an event's or task's (``set``, ``cancel``, ``done``);
- a method of a receiver whose type the blocking table knows (``httpx.Client``,
  ``sqlalchemy.orm.Session``): the table is authoritative there (``db.add(x)`` is not
  I/O, ``db.execute(...)`` is);
- a call on the result of another call (``datetime.now().isoformat()``): the inner call
  decides;
- a call of a local variable or parameter (``callback()``): unknown, so silent.

Anything else may block: a function of a third-party package, a method on a receiver
of unknown type (``service.fetch()``, ``db.query(...)``), a project sync function that
(transitively) calls one of those (``project_calls`` answers for other modules; without
a project model, a function imported from another module may block).
"""

from __future__ import annotations

from collections.abc import Collection

from fastapi_rules_lint.semantics.asyncio.blocking import BLOCKING_CALLS, words
from fastapi_rules_lint.semantics.asyncio.receivers import RESULT_KINDS, is_class_name

NON_BLOCKING_MODULES = frozenset(
    words(
        """
    abc base64 binascii bisect builtins calendar cmath collections contextlib contextvars
    copy dataclasses datetime decimal enum fractions functools hashlib heapq hmac html
    inspect ipaddress itertools json keyword math numbers operator pprint random re
    secrets statistics string struct sys textwrap traceback types typing
    typing_extensions unicodedata urllib.parse uuid warnings weakref zoneinfo
    asyncio logging time fastapi starlette pydantic pydantic_core pydantic_settings
    sqlalchemy sqlmodel annotated_types email_validator jwt jose os.path os.environ
    os.getenv os.getpid os.fspath os.urandom os.cpu_count threading.get_ident
    threading.current_thread pytest opentelemetry
    """
    )
)
"""Module (or function) prefixes whose calls do not block; the blocking table is
checked first, so ``time.sleep`` and ``sqlalchemy.create_engine`` still count."""

BENIGN_METHODS = frozenset(
    words(
        """
    get items keys values pop popitem setdefault update copy clear fromkeys append extend
    insert remove index count sort reverse join split rsplit splitlines strip lstrip
    rstrip lower upper title capitalize casefold replace startswith endswith format
    format_map encode decode find rfind rindex partition rpartition zfill center ljust
    rjust isdigit isalpha isalnum isnumeric isdecimal isspace islower isupper istitle
    isidentifier removeprefix removesuffix expandtabs translate add discard union
    intersection difference symmetric_difference issubset issuperset isdisjoint hex
    bit_length to_bytes from_bytes is_integer isoformat strftime timestamp astimezone
    total_seconds model_dump model_dump_json model_copy model_validate model_validate_json
    model_validate_strings model_json_schema model_construct model_rebuild dict json
    parse_obj parse_raw schema schema_json construct from_orm validate
    debug info warning warn error exception critical log url_for url_path_for
    set_cookie delete_cookie add_task set is_set cancel cancelled done
    """
    )
)
"""Method names of builtin types, Pydantic models, loggers and FastAPI request /
response / background-tasks objects."""


def _table_kinds() -> frozenset[str]:
    kinds = {name.rpartition(".")[0] for name in BLOCKING_CALLS}
    kinds |= {name.rpartition(".")[0] for name in RESULT_KINDS}
    kinds |= set(RESULT_KINDS.values())
    return frozenset(kind for kind in kinds if is_class_name(kind))


TABLE_KINDS = _table_kinds()
"""Receiver types the blocking table speaks for: their other methods do not block."""


def is_under(qualified: str, prefixes: Collection[str]) -> bool:
    """``qualified`` equals one of ``prefixes`` or is inside one (``json.dumps``)."""
    parts = qualified.split(".")
    return any(".".join(parts[:end]) in prefixes for end in range(1, len(parts) + 1))


def is_safe_name(qualified: str, extra: Collection[str] = ()) -> bool:
    """Whether a call to ``qualified`` (after the blocking table said no) is safe."""
    if is_under(qualified, NON_BLOCKING_MODULES) or (extra and is_under(qualified, extra)):
        return True
    owner, _, last = qualified.rpartition(".")
    if is_class_name(qualified) or last in BENIGN_METHODS:
        return True
    return owner in TABLE_KINDS
