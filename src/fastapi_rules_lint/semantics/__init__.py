"""What code means, answered once for every rule. Layered (an import-linter contract in
``pyproject.toml`` keeps it so), top to bottom:

- ``asyncio``: the blocking-call table, receivers, what may block, per-frame bindings;
- ``fastapi``: apps and routers, routes, parameters, dependencies, status codes, the
  cross-file index, and ``ModuleContext`` (the facts and traversal stacks a rule reads);
- ``python``: names and imports, annotations, signatures, call graph, branches.

Builds on ``engine`` (and ``project``); knows nothing of rules or the lint loop.
"""
