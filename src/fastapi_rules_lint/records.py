"""A file of keyed records that is read in part: the layout of both caches.

One line of JSON, the *header*: the writer's own fields (a version, a run key) and
``entries``, each key's small fields with the length of its *body* last; then the
bodies (bytes, usually JSON), back to back, in the header's order.

Why not one JSON document: a cache's bodies are most of it (the summary cache of a
2,000-module project holds 23 MB of summaries, the diagnostics index 10 MB of rows), and
a run that needs the header or a few bodies then parses all of them, and a run that
changed one entry encodes all of them again. Here reading parses the header alone and
slices the bodies (each is parsed when it is needed), and writing copies the bodies it
did not change as they were read.

Nothing in the file is executed (no ``pickle``). ``unpack`` returns None for a file of
any other shape: not a header line of JSON, an entry that is not a list ending in a
length, lengths that do not add up to the file's size. The caller treats that as an
empty cache.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

Entry = tuple[list[object], bytes]
"""A record: its fields (JSON values, in the header) and its body."""


def pack(
    fields: Mapping[str, object], entries: Mapping[str, tuple[Sequence[object], bytes]]
) -> bytes:
    """The file holding ``entries`` under a header with ``fields`` (see the module
    docstring); ``fields`` must not have an ``entries`` key."""
    header = {**fields, "entries": {key: [*own, len(body)] for key, (own, body) in entries.items()}}
    return b"".join([json.dumps(header).encode(), b"\n", *(body for _, body in entries.values())])


def unpack(data: bytes) -> tuple[dict[str, object], dict[str, Entry]] | None:
    """The header's own fields and the entries of a file ``pack`` wrote; None when
    ``data`` is not one (see the module docstring)."""
    end = data.find(b"\n")
    if end < 0:
        return None
    try:
        header = json.loads(data[:end])
    except (ValueError, RecursionError):
        return None
    if not isinstance(header, dict) or not isinstance(header.get("entries"), dict):
        return None
    entries: dict[str, Entry] = {}
    at = end + 1
    for key, own in header.pop("entries").items():
        if not isinstance(own, list) or not own:
            return None
        length = own.pop()
        if type(length) is not int or length < 0 or at + length > len(data):
            return None
        entries[key] = (own, data[at : at + length])
        at += length
    return (header, entries) if at == len(data) else None
