"""Async semantics for the FRL3xx rules:

- ``blocking``: the table of blocking calls (data) and ``find_blocking``;
- ``receivers``: the kind of a receiver (built by a known constructor or annotated);
- ``maybe_blocking``: what a call to unknown code may do;
- ``scopes``: per-frame bindings and own-body facts (``Scopes``), fed by
  ``rulebase.tracking.ScopeTracking``.

``blocking`` does not import ``scopes``: ``find_blocking`` takes a ``Callees`` protocol.
The top of ``semantics``: builds on ``semantics.fastapi`` (``ModuleContext``) and
``semantics.python``.
"""
