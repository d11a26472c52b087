"""Plain Python semantics, no framework: ``names`` (bindings and imports), ``annotations``
(what an annotation is under ``Annotated``/``Optional``, overloads), ``signatures``
(parameters, keeping a signature valid under a fix), ``callgraph`` (same-module calls),
``decorators`` (decorators that keep a call plain), ``branches`` (mutually exclusive
``if``/``match`` branches).

The bottom of ``semantics``: imports nothing from ``semantics.fastapi`` or
``semantics.asyncio``. Helpers that read the traversal take a protocol
(``annotations.EnclosingScopes``), not ``ModuleContext``.
"""
