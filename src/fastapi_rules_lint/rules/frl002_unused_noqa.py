"""FRL002: a ``noqa`` directive names FRL codes that silence nothing."""

from __future__ import annotations

from fastapi_rules_lint.engine.diagnostics import DiagnosticTag
from fastapi_rules_lint.rulebase.rule import Clean, Flagged, Rule


class UnusedNoqa(Rule):
    """## What it does
    Reports FRL codes in `# noqa` directives that suppress nothing on their line (or
    statement), FRL codes that name no rule, and file-wide
    `# fastapi-rules: noqa: FRLxxx` comments that suppress nothing. Like ruff's RUF100,
    and off by default: turn it on with `--select FRL002` or `extend-select`.

    ## Why is this bad?
    A stale suppression hides the next real finding on that line, and tells readers a
    problem exists where there is none.

    ## Example
    ```python
    def handler(item_id: int) -> None:  # noqa: FRL101, E501
        ...
    ```

    ## Use instead
    ```python
    def handler(item_id: int) -> None:  # noqa: E501
        ...
    ```

    ## How it works
    The engine, not a visitor, produces this code: the suppression filter sees every
    report before dropping it and records which directive code matched it; the codes
    nothing matched become FRL002 diagnostics (`lint/unused_noqa.py`). A code counts as
    used when a report of it sits on the directive's row or statement, whether or not
    another directive silenced it first.

    Only `FRL` codes are judged: other tools' codes and bare `# noqa` are left to their
    own tools (ruff's RUF100, flake8-noqa). A code whose rule is off is judged by
    running that rule anyway, only to learn whether it would fire there (its findings
    are never shown): a `# noqa: FRL207` kept for a run that turns FRL207 on stays when
    FRL207 would fire on its line, and goes when it would not. So
    `--select FRL002` alone finds every dead suppression. This is more precise than
    RULES.md's first sketch (judge only enabled rules) and than ruff's RUF100, which
    labels codes of disabled rules "non-enabled" without checking them. A code naming no
    rule (`FRL999`) is always reported. `FRL002` itself is never judged, and nothing is
    reported when suppressions are off (flake8's `--disable-noqa`) or the file does not
    parse.

    ## Fix safety
    Safe: only the dead codes are removed, keeping other tools' codes, the directive's
    explanation and any other comment; a directive left with no code is removed with
    its explanation, and the comment (or the line it stood alone on) goes when nothing
    else is left.
    """

    code = "FRL002"
    name = "unused-noqa"
    message = "Unused `noqa` directive ({detail})"
    summary = "A `noqa` directive names FRL codes that suppress nothing"
    default_enabled = False
    fix_availability = "safe"
    tags = frozenset({DiagnosticTag.UNNECESSARY})
    examples = (
        Clean("x: int = 1  # noqa: E501\n", note="other tools' codes are theirs to judge"),
        Clean("x: int = 1  # noqa\n", note="a bare noqa is left alone"),
        Clean(
            "def handler(item_id):  # noqa: FRL101\n    return item_id\n",
            note="FRL101 is off in this run, but would fire here: the directive is used",
        ),
        Flagged(
            "def handler(item_id: int) -> None:  # noqa: FRL101, E501\n    ...\n",
            at=("1:37-1:57",),
            fixed="def handler(item_id: int) -> None:  # noqa: E501\n    ...\n",
            note="FRL101 would not fire here, selected or not",
        ),
        Flagged(
            "x: int = 1  # noqa: FRL999\n",
            at=("1:13-1:27",),
            fixed="x: int = 1\n",
            note="a code that names no rule",
        ),
        Flagged(
            "x: int = 1  # noqa:FRL999,E501  long line on purpose\n",
            at=("1:13-1:31",),
            fixed="x: int = 1  # noqa:E501  long line on purpose\n",
            note="other codes and the explanation stay",
        ),
        Flagged(
            "# fastapi-rules: noqa: FRL999\nx: int = 1\n",
            at=("1:1-1:30",),
            fixed="x: int = 1\n",
            note="a file-wide directive alone on its line goes with its line",
        ),
        Flagged(
            "x: int = 1  # type: ignore  # noqa: FRL999 reason\n",
            at=("1:29-1:43",),
            fixed="x: int = 1  # type: ignore\n",
        ),
    )
