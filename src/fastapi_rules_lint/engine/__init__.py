"""Engine primitives, the bottom layer: everything here imports nothing else of the
package, so every layer above can build on it.

- ``source``: decoding bytes as Python does (BOM, PEP 263 cookie);
- ``traversal``: the batched LibCST traversal every rule shares;
- ``positions``: node → row/column ranges, line index;
- ``noqa``: ``# noqa`` comments;
- ``diagnostics``: what a run reports (``Diagnostic``, ``Fix``, ``TextEdit``, ...);
- ``options``: ``RuleOptions``, the base of every rule's options.

Parsing, rule selection and the lint loop are in ``lint``; the ``Rule`` base is in
``rulebase``, above ``semantics`` because it hands rules a ``ModuleContext``.
"""
