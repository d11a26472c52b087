"""What every rule builds on, layered between ``semantics`` and ``rules``:

- ``rule``: the ``Rule`` base class, ``Requires``, the ``Clean``/``Flagged`` examples,
  ``NodeFix`` and ``Report`` (what a rule hands the engine);
- ``tracking``: ``ScopeTracking``, a ``Rule`` that keeps ``semantics.asyncio.scopes``
  up to date;
- ``edits``: building blocks for fixes (is a name free here, appending an argument);
- ``fix_imports``: adding imports to a fixed module (``import_order``: where they go);
- ``unused_imports``: removing the imports a fix left unused.

Above ``semantics`` because a rule reads a ``ModuleContext``; below ``lint``, which
discovers the rules and runs them.
"""
