"""FastAPI semantics, in dependency order:

- ``http_status``: status codes and their ``status.HTTP_*`` names;
- ``apps``: apps and routers, route registrations, ``FastAPIModule`` (``analyse_module``);
- ``params``: where a handler parameter comes from (markers, aliases, path placeholders);
- ``dependency_graph``: dependencies followed through the module's own definitions;
- ``context``: ``ModuleContext``/``FunctionFrame``, the per-module facts plus the
  traversal's stacks that every rule reads (built from ``apps``, hence here);
- ``routes``: route-level questions that need the context (status codes, documented
  responses, which app a registration belongs to).

What other modules say comes from the project model, as ``project.view.ModuleView``.
Builds on ``semantics.python`` and ``project``; ``semantics.asyncio`` builds on it.
"""
