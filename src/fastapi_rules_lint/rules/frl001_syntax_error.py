"""FRL001: the file cannot be parsed or decoded."""

from __future__ import annotations

from fastapi_rules_lint.rulebase.rule import Clean, Flagged, Rule


class SyntaxErrorRule(Rule):
    """## What it does
    Reports a file that cannot be decoded or parsed, at the error position.

    ## Why is this bad?
    No other rule can check a file that does not parse; the run goes on with the other
    files and exits with status 1.

    A file is also reported, without being parsed, when it would not be safe to hand to
    the parser: more than 200 nested brackets ("too many nested parentheses", CPython's
    own limit), an expression nested over 1,000 levels deep or over 5,000 `elif`
    branches in a row ("nesting too deep for the parser"), or over 200,000 tokens
    ("file too large to check"). LibCST's native parser crashes or takes minutes on such
    input.

    ## Example
    ```python
    def handler(:
        ...
    ```

    ## Use instead
    Fix the syntax error.

    ## Fix safety
    No fix.
    """

    code = "FRL001"
    name = "syntax-error"
    message = "Syntax error: {detail}"
    summary = "The file cannot be parsed (or decoded)"
    examples = (
        Clean("x: int = 1\n"),
        Flagged("def handler(:\n    pass\n", at=("1:13",)),
        Flagged("x = (1,\n", at=("1:5",), note="an unclosed bracket, reported where it opens"),
    )
