"""HTTP status codes as ``fastapi.status`` (re-exported ``starlette.status``) names them.

The table is data, not an import: the linter never imports FastAPI at runtime, and the
names must not depend on the Starlette version the linter happens to run with. A test
checks the table against ``starlette.status`` when Starlette is installed.

Four codes were renamed in Starlette 0.48 (RFC 9110): 413, 414, 416 and 422. The
right name depends on the user's Starlette version (the old names warn, the new ones
do not exist before 0.48), so ``constant_name`` gives no name for them and a fix that
would need one is not offered.
"""

from __future__ import annotations

from dataclasses import dataclass

# code, the name after ``HTTP_<code>_``, reason phrase (RFC 9110 wording).
_TABLE = """
100 CONTINUE Continue
101 SWITCHING_PROTOCOLS Switching Protocols
102 PROCESSING Processing
103 EARLY_HINTS Early Hints
200 OK OK
201 CREATED Created
202 ACCEPTED Accepted
203 NON_AUTHORITATIVE_INFORMATION Non-Authoritative Information
204 NO_CONTENT No Content
205 RESET_CONTENT Reset Content
206 PARTIAL_CONTENT Partial Content
207 MULTI_STATUS Multi-Status
208 ALREADY_REPORTED Already Reported
226 IM_USED IM Used
300 MULTIPLE_CHOICES Multiple Choices
301 MOVED_PERMANENTLY Moved Permanently
302 FOUND Found
303 SEE_OTHER See Other
304 NOT_MODIFIED Not Modified
305 USE_PROXY Use Proxy
306 RESERVED Reserved
307 TEMPORARY_REDIRECT Temporary Redirect
308 PERMANENT_REDIRECT Permanent Redirect
400 BAD_REQUEST Bad Request
401 UNAUTHORIZED Unauthorized
402 PAYMENT_REQUIRED Payment Required
403 FORBIDDEN Forbidden
404 NOT_FOUND Not Found
405 METHOD_NOT_ALLOWED Method Not Allowed
406 NOT_ACCEPTABLE Not Acceptable
407 PROXY_AUTHENTICATION_REQUIRED Proxy Authentication Required
408 REQUEST_TIMEOUT Request Timeout
409 CONFLICT Conflict
410 GONE Gone
411 LENGTH_REQUIRED Length Required
412 PRECONDITION_FAILED Precondition Failed
413 CONTENT_TOO_LARGE Content Too Large
414 URI_TOO_LONG URI Too Long
415 UNSUPPORTED_MEDIA_TYPE Unsupported Media Type
416 RANGE_NOT_SATISFIABLE Range Not Satisfiable
417 EXPECTATION_FAILED Expectation Failed
418 IM_A_TEAPOT I'm a Teapot
421 MISDIRECTED_REQUEST Misdirected Request
422 UNPROCESSABLE_CONTENT Unprocessable Content
423 LOCKED Locked
424 FAILED_DEPENDENCY Failed Dependency
425 TOO_EARLY Too Early
426 UPGRADE_REQUIRED Upgrade Required
428 PRECONDITION_REQUIRED Precondition Required
429 TOO_MANY_REQUESTS Too Many Requests
431 REQUEST_HEADER_FIELDS_TOO_LARGE Request Header Fields Too Large
451 UNAVAILABLE_FOR_LEGAL_REASONS Unavailable For Legal Reasons
500 INTERNAL_SERVER_ERROR Internal Server Error
501 NOT_IMPLEMENTED Not Implemented
502 BAD_GATEWAY Bad Gateway
503 SERVICE_UNAVAILABLE Service Unavailable
504 GATEWAY_TIMEOUT Gateway Timeout
505 HTTP_VERSION_NOT_SUPPORTED HTTP Version Not Supported
506 VARIANT_ALSO_NEGOTIATES Variant Also Negotiates
507 INSUFFICIENT_STORAGE Insufficient Storage
508 LOOP_DETECTED Loop Detected
510 NOT_EXTENDED Not Extended
511 NETWORK_AUTHENTICATION_REQUIRED Network Authentication Required
"""

OLD_NAMES = {
    413: "HTTP_413_REQUEST_ENTITY_TOO_LARGE",
    414: "HTTP_414_REQUEST_URI_TOO_LONG",
    416: "HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE",
    422: "HTTP_422_UNPROCESSABLE_ENTITY",
}
"""The names Starlette used before 0.48 for the codes it renamed."""
RENAMED_CODES = frozenset(OLD_NAMES)
"""Codes whose ``fastapi.status`` name depends on the Starlette version."""


@dataclass(frozen=True)
class HttpStatus:
    """One status code of ``fastapi.status``."""

    code: int
    name: str
    """The constant's name: ``HTTP_404_NOT_FOUND``."""
    phrase: str
    """The reason phrase: ``Not Found``."""


def _parse(table: str) -> dict[int, HttpStatus]:
    statuses: dict[int, HttpStatus] = {}
    for line in table.strip().splitlines():
        code, suffix, phrase = line.split(" ", 2)
        statuses[int(code)] = HttpStatus(int(code), f"HTTP_{code}_{suffix}", phrase)
    return statuses


STATUSES = _parse(_TABLE)
"""Every HTTP status ``fastapi.status`` defines, by code."""


def constant_name(code: int) -> str | None:
    """``HTTP_404_NOT_FOUND`` for 404; None for unknown and renamed codes."""
    status = STATUSES.get(code)
    if status is None or code in RENAMED_CODES:
        return None
    return status.name


def reason_phrase(code: int) -> str | None:
    """``Not Found`` for 404; None for codes ``fastapi.status`` does not define."""
    status = STATUSES.get(code)
    return status.phrase if status is not None else None


def code_of_constant(name: str) -> int | None:
    """404 for ``HTTP_404_NOT_FOUND`` (any ``HTTP_<digits>_...`` name, old or new)."""
    prefix, _, rest = name.partition("_")
    digits, _, _ = rest.partition("_")
    if prefix != "HTTP" or len(digits) != 3 or not digits.isdigit():
        return None
    return int(digits)
