"""FRL603: ``from module import *``."""

from __future__ import annotations

import libcst as cst

from fastapi_rules_lint.rulebase.rule import Clean, Flagged, Rule
from fastapi_rules_lint.semantics.python.names import dotted_name


class StarImport(Rule):
    """## What it does
    Finds `from module import *`, at module level or inside a function or class, relative
    imports included. Each star import is reported once, on the statement.

    ## Why is this bad?
    A star import hides where a name comes from: a reader (and a type checker, and this
    linter's name resolution) cannot tell which module defines `Depends` or `Item`, a
    later star import silently shadows an earlier one, and every public name of the
    module, including its own imports, lands in this namespace.

    ## Example
    ```python
    from fastapi import *
    from .models import *
    ```

    ## Use instead
    ```python
    from fastapi import Depends, FastAPI
    from .models import Item, User
    ```

    ## Fix safety
    No fix: which names the module uses (and which module each one should come from)
    needs a whole-program answer that a rename-free rewrite cannot guarantee.
    """

    code = "FRL603"
    name = "star-import"
    message = "`from {module} import *` hides where names come from; import the names you use"
    summary = "`from module import *`"
    examples = (
        Clean("from fastapi import Depends, FastAPI\n"),
        Clean("import fastapi\nfrom . import models\n", note="plain and relative module imports"),
        Clean('x = "from os import *"\n', note="inside a string"),
        Flagged("from fastapi import *\n", at=("1:1-1:22",)),
        Flagged(
            "def f() -> None:\n    from .models import *\n",
            at=("2:5-2:26",),
            note="relative, inside a function",
        ),
        Flagged("from .. import *\n", at=("1:1-1:17",), note="the parent package"),
    )

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if not isinstance(node.names, cst.ImportStar):
            return
        module = dotted_name(node.module) if node.module is not None else ""
        self.report(node, module="." * len(node.relative) + (module or ""))
