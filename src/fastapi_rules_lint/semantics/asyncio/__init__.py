"""Async semantics for the FRL3xx rules:

- ``blocking``: the table of blocking calls (data) and ``find_blocking``;
- ``receivers``: the kind of a receiver (built by a known constructor or annotated);
- ``maybe_blocking``: what a call to unknown code may do;
- ``project_calls``: what calling each project function may block on, computed once per
  project from the model's summaries (``with_call_facts``) and read through the view;
- ``scopes``: per-frame bindings and own-body facts (``Scopes``), fed by
  ``rulebase.tracking.ScopeTracking``.

``blocking`` does not import ``scopes``: ``find_blocking`` takes a ``Callees`` protocol.
The top of ``semantics``: builds on ``semantics.fastapi`` (``ModuleContext``) and
``semantics.python``.
"""
