"""Suppressions: parsing, multi-line statements, ``--add-noqa`` and FRL002."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from fastapi_rules_lint.engine.noqa import parse_suppressions
from fastapi_rules_lint.interfaces.add_noqa import add_noqa
from fastapi_rules_lint.interfaces.cli import cli
from fastapi_rules_lint.lint.fixer import fix_text
from fastapi_rules_lint.lint.linter import LintSettings, lint_text
from fastapi_rules_lint.lint.registry import select_codes

FRL101 = LintSettings(enabled=frozenset({"FRL101"}))
WITH_UNUSED = LintSettings(enabled=frozenset({"FRL101", "FRL002"}))
UNANNOTATED = "def handler(item_id):\n    return item_id\n"


def _codes(text: str, settings: LintSettings = FRL101) -> list[tuple[int, str]]:
    return [(d.location.row, d.code) for d in lint_text(text, "example.py", settings)]


# -- parsing ------------------------------------------------------------------------


def test_explanation_after_codes_is_not_a_code() -> None:
    text = "def handler(item_id):  # noqa: E501 f-string needed here, see FRL docs\n    ...\n"
    assert _codes(text) == [(1, "FRL101")]


def test_codes_stop_at_the_first_word_that_is_not_one() -> None:
    (directive,) = parse_suppressions("x = 1  # noqa:E501,W291  some explanation\n").directives
    assert directive.codes == ("E501", "W291")
    assert directive.comment[directive.end :] == "  some explanation"


def test_prefix_and_exact_codes_still_silence() -> None:
    for comment in ("# noqa: FRL101", "# noqa:FRL1", "# NOQA: frl101 because", "# noqa"):
        assert _codes(f"def handler(item_id):  {comment}\n    ...\n") == [], comment


def test_colon_without_codes_is_a_bare_directive_as_in_flake8() -> None:
    assert _codes("def handler(item_id):  # noqa: legacy code\n    ...\n") == []


def test_a_second_directive_in_one_comment_counts() -> None:
    text = "def handler(item_id):  # type: ignore  # noqa: FRL101\n    ...\n"
    assert _codes(text) == []


def test_file_directive_with_explanation() -> None:
    text = "# fastapi-rules: noqa: FRL101 generated code\n" + UNANNOTATED
    assert _codes(text) == []


def test_noqa_inside_a_string_does_not_count() -> None:
    assert _codes('def handler(item_id, x="# noqa"):\n    ...\n') == [(1, "FRL101")] * 2


# -- multi-line statements ----------------------------------------------------------

ANY = LintSettings(enabled=frozenset({"FRL103"}))
CONTINUED = "from typing import Any\nx: Any = \\\n    1\n"
IN_STRING = 'from typing import Any\nx = (list[Any], """\n  text\n"""\n)\n'


def test_noqa_after_a_backslash_continuation_counts() -> None:
    assert _codes(CONTINUED, ANY) == [(2, "FRL103")]
    assert _codes(CONTINUED.replace("1\n", "1  # noqa: FRL103\n"), ANY) == []


def test_noqa_after_a_closing_triple_quoted_string_counts() -> None:
    assert _codes(IN_STRING, ANY) == [(2, "FRL103")]
    assert _codes(IN_STRING.replace('"""\n)', '"""\n)  # noqa: FRL103'), ANY) == []


def test_noqa_in_the_middle_of_a_statement_does_not_cover_its_first_row() -> None:
    text = "from typing import Any\nx = (list[Any],  # noqa: E501\n    1)\n"
    assert _codes(text.replace("E501", "FRL103"), ANY) == []
    text = "from typing import Any\nx = (list[Any],\n    1,  # noqa: FRL103\n    2)\n"
    assert _codes(text, ANY) == [(2, "FRL103")]


def test_add_noqa_after_a_backslash_continuation_relints_clean() -> None:
    result = add_noqa(CONTINUED, lint_text(CONTINUED, "example.py", ANY))
    assert result.text == CONTINUED.replace("1\n", "1  # noqa: FRL103\n")
    assert (result.added, result.skipped) == (1, 0)
    assert lint_text(result.text, "example.py", ANY) == []


def test_add_noqa_inside_a_multiline_string_statement_goes_on_its_last_row() -> None:
    result = add_noqa(IN_STRING, lint_text(IN_STRING, "example.py", ANY))
    assert result.text == IN_STRING.replace('"""\n)', '"""\n)  # noqa: FRL103')
    assert lint_text(result.text, "example.py", ANY) == []


def test_add_noqa_keeps_the_explanation_when_merging() -> None:
    text = "def handler(item_id):  # noqa:E501,W291  some explanation\n    ...\n"
    result = add_noqa(text, lint_text(text, "example.py", FRL101))
    assert result.text.splitlines()[0] == (
        "def handler(item_id):  # noqa: E501, FRL101, W291  some explanation"
    )


# -- FRL002 -------------------------------------------------------------------------


def test_frl002_is_off_by_default() -> None:
    assert "FRL002" not in select_codes()


def test_unused_frl_code_is_reported_and_fixed() -> None:
    text = "def handler(item_id: int) -> None:  # noqa: FRL101, E501  why\n    ...\n"
    found = lint_text(text, "example.py", WITH_UNUSED)
    assert [(d.code, d.message) for d in found] == [
        ("FRL002", "Unused `noqa` directive (unused: `FRL101`)")
    ]
    fixed = fix_text(text, "example.py", WITH_UNUSED).text
    assert fixed == "def handler(item_id: int) -> None:  # noqa: E501  why\n    ...\n"


def test_used_code_is_not_reported_even_when_silenced_twice() -> None:
    text = "# fastapi-rules: noqa: FRL101\ndef handler(item_id):  # noqa: FRL101\n    ...\n"
    assert _codes(text, WITH_UNUSED) == []


def test_unused_file_directive_is_removed_with_its_line() -> None:
    text = "# fastapi-rules: noqa: FRL101\nx = 1\n"
    assert _codes(text, WITH_UNUSED) == [(1, "FRL002")]
    assert fix_text(text, "example.py", WITH_UNUSED).text == "x = 1\n"


def test_codes_of_disabled_rules_are_judged_by_running_them() -> None:
    only_frl002 = LintSettings(enabled=frozenset({"FRL002"}))
    text = "x = 1  # noqa: FRL207, FRL3\n"
    assert _codes(text, only_frl002) == [(1, "FRL002")]
    assert _codes(text, LintSettings(enabled=select_codes(["ALL"]))) == [(1, "FRL002")]
    used = "from typing import Any\nx: Any = 1  # noqa: FRL103\n"
    assert _codes(used, only_frl002) == [], "FRL103 would fire: used, and not shown"


def test_unknown_codes_and_whole_comment_removal() -> None:
    text = "x = 1  # noqa: FRL999\n"
    found = lint_text(text, "example.py", WITH_UNUSED)
    assert [d.message for d in found] == ["Unused `noqa` directive (unknown: `FRL999`)"]
    assert fix_text(text, "example.py", WITH_UNUSED).text == "x = 1\n"


def test_multiline_statement_noqa_is_used() -> None:
    text = CONTINUED.replace("1\n", "1  # noqa: FRL103\n")
    assert _codes(text, LintSettings(enabled=frozenset({"FRL103", "FRL002"}))) == []


def test_frl002_can_be_silenced_and_bare_noqa_is_not_judged() -> None:
    assert _codes("x = 1  # noqa: FRL101, FRL002\n", WITH_UNUSED) == []
    assert _codes("x = 1  # noqa\n", WITH_UNUSED) == []


def test_no_frl002_when_suppressions_are_off() -> None:
    settings = LintSettings(enabled=frozenset({"FRL101", "FRL002"}), honour_noqa=False)
    assert _codes("def handler(item_id):  # noqa: FRL101\n    ...\n", settings) == [
        (1, "FRL101")
    ]
    assert _codes("x = 1  # noqa: FRL101\n", settings) == []


# -- baseline -----------------------------------------------------------------------


def test_stale_baseline_entries_are_reported_and_pruned(tmp_path: Path) -> None:
    source = tmp_path / "app.py"
    source.write_text(UNANNOTATED + "def other(value):\n    return value\n")
    baseline = tmp_path / "baseline.json"
    runner = CliRunner()
    written = runner.invoke(cli, ["check", str(source), "--write-baseline", str(baseline)])
    assert written.exit_code == 0, written.output
    assert len(json.loads(baseline.read_text())["entries"]) == 4
    source.write_text(UNANNOTATED + "def other(value: int) -> int:\n    return value\n")
    checked = runner.invoke(cli, ["check", str(source), "--baseline", str(baseline)])
    assert checked.exit_code == 0, checked.output
    assert "2 baseline entries no longer match anything" in checked.stderr
    pruned = runner.invoke(
        cli, ["check", str(source), "--baseline", str(baseline), "--prune-baseline"]
    )
    assert pruned.exit_code == 0, pruned.output
    assert "Removed 2 baseline entries" in pruned.stderr
    assert len(json.loads(baseline.read_text())["entries"]) == 2
    again = runner.invoke(cli, ["check", str(source), "--baseline", str(baseline)])
    assert "no longer" not in again.stderr
    other = tmp_path / "other.py"
    other.write_text("x = 1\n")
    elsewhere = runner.invoke(
        cli, ["check", str(other), "--baseline", str(baseline), "--prune-baseline"]
    )
    assert "Removed 0 baseline entries" in elsewhere.stderr, "other files' entries stay"
    assert len(json.loads(baseline.read_text())["entries"]) == 2
