"""Generated docs: every rule is fully documented, and the README's table is fresh."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from fastapi_rules_lint.docs import (
    REQUIRED_SECTIONS,
    TABLE_END,
    TABLE_START,
    find_rule,
    missing_sections,
    render_rule,
    rule_pages,
    rules_table,
    sections,
    update_readme,
)
from fastapi_rules_lint.lint.registry import all_rules
from fastapi_rules_lint.rulebase.rule import Clean, Flagged, Rule

ROOT = Path(__file__).resolve().parent.parent
RULES = all_rules()


def test_readme_rule_table_is_fresh() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert update_readme(readme) == readme, "stale: run `python scripts/generate_docs.py`"


@pytest.mark.parametrize("rule", RULES, ids=[rule.code for rule in RULES])
def test_rule_has_every_doc_section(rule: type[Rule]) -> None:
    assert missing_sections(rule) == [], f"{rule.code} lacks {missing_sections(rule)}"
    if rule.options_model.model_fields:
        assert sections(rule).get("Options"), f"{rule.code} has options but no ## Options"


@pytest.mark.parametrize("rule", RULES, ids=[rule.code for rule in RULES])
def test_rule_has_clean_and_flagged_examples(rule: type[Rule]) -> None:
    assert any(isinstance(example, Clean) for example in rule.examples)
    assert any(isinstance(example, Flagged) for example in rule.examples)


@pytest.mark.parametrize("rule", RULES, ids=[rule.code for rule in RULES])
def test_rule_metadata_is_consistent(rule: type[Rule]) -> None:
    assert rule.summary and not rule.summary.endswith(".")
    assert rule.fix_availability in {"none", "safe", "unsafe", "sometimes"}
    page = render_rule(rule)
    assert page.startswith(f"# {rule.name} ({rule.code})\n")
    for heading in REQUIRED_SECTIONS:
        assert f"## {heading}\n" in page
    assert find_rule(rule.code) is rule and find_rule(rule.name) is rule


def test_table_lists_every_rule() -> None:
    table = rules_table()
    for rule in RULES:
        assert f"| {rule.code} | `{rule.name}` |" in table


def test_generate_docs_script(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n{TABLE_START}\nSTALE-ROW\n{TABLE_END}\n\nafter\n", encoding="utf-8")
    pages = tmp_path / "rules"
    script = [
        sys.executable,
        str(ROOT / "scripts" / "generate_docs.py"),
        *("--readme", str(readme), "--pages", str(pages)),
    ]
    assert subprocess.run([*script, "--check"], capture_output=True).returncode == 1
    assert subprocess.run(script, capture_output=True).returncode == 0
    text = readme.read_text(encoding="utf-8")
    assert "STALE-ROW" not in text and text.endswith(f"{TABLE_END}\n\nafter\n")
    assert rules_table() in text
    assert {path.name for path in pages.iterdir()} == {f"{rule.code}.md" for rule in RULES}
    assert subprocess.run([*script, "--check"], capture_output=True).returncode == 0
    (pages / "FRL999.md").write_text("gone\n", encoding="utf-8")  # a removed rule's page
    (pages / "FRL301.md").write_text("edited\n", encoding="utf-8")
    assert subprocess.run([*script, "--check"], capture_output=True).returncode == 1
    assert subprocess.run(script, capture_output=True).returncode == 0
    assert not (pages / "FRL999.md").exists()
    assert (pages / "FRL301.md").read_text(encoding="utf-8") == render_rule(find_rule("FRL301"))


def test_rule_pages_are_fresh() -> None:
    folder = ROOT / "docs" / "rules"
    stale = [
        name
        for name, text in rule_pages().items()
        if not (folder / name).is_file() or (folder / name).read_text(encoding="utf-8") != text
    ]
    extra = sorted({path.name for path in folder.glob("FRL*.md")} - set(rule_pages()))
    assert stale == [] and extra == [], "stale: run `python scripts/generate_docs.py`"


def test_integrations_doc_names_what_users_copy() -> None:
    text = (ROOT / "docs" / "integrations.md").read_text(encoding="utf-8")
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    for hook in ("fastapi-rules", "fastapi-rules-fix"):
        assert f"- id: {hook}\n" in hooks and f"- id: {hook} " in text
    for needle in (
        "pip install fastapi-rules-lint",
        "github/codeql-action/upload-sarif",
        "--output-format github",
        "--output-format sarif",
        "rev:",
        "[tool.fastapi-rules]",
        "--baseline",
    ):
        assert needle in text, needle
