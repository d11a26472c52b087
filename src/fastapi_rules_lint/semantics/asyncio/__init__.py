"""Async semantics for the FRL3xx rules:

- ``blocking``: the table of blocking calls (data); ``blocking_calls``: finding its
  entries in the tree (``find_blocking``);
- ``receivers``: the kind of a receiver (built by a known constructor or annotated);
  ``annotation_kinds``: the kind an annotation names;
- ``maybe_blocking``: what a call to unknown code may do;
- ``project_calls``: what calling each project function may block on, computed once per
  project from the model's summaries (``with_call_facts``) and read through the view;
- ``scopes``: per-frame bindings and own-body facts (``Scopes``), fed by
  ``rulebase.tracking.ScopeTracking``.

``blocking_calls`` does not import ``scopes``: ``find_blocking`` takes a ``Callees``
protocol. ``project_calls`` and what it builds on (``blocking``, ``receivers``,
``maybe_blocking``, ``semantics.python.callgraph``) import no LibCST: the project model
is built without it (``tests/test_warm_runs.py``), so a process that only builds models
and views (the parent of a run whose files are linted elsewhere) never pays for it.
The top of ``semantics``: builds on ``semantics.fastapi`` (``ModuleContext``) and
``semantics.python``.
"""
