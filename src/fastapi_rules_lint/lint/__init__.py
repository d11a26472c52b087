"""Linting and fixing one module, the layer above ``rules``:

- ``linter``: ``lint_text``/``lint_bytes``: decode, parse, build the ``ModuleContext``,
  run every selected rule in one batched traversal, apply ``# noqa``, make diagnostics;
- ``registry``: rule discovery (imports every module of ``rules``) and selection;
- ``textfix``: a rule's ``NodeFix`` as text edits of the original source;
- ``fixer``: ``fix_text``: apply fixes in passes until nothing changes.

Above ``rules`` because the registry imports them; ``config``, ``report``, ``cache``
and ``interfaces`` build on it.
"""
