"""Rule documentation generated from the rule classes (the one source of truth).

``fastapi-rules rule CODE`` prints ``render_rule``; ``fastapi-rules rules`` prints
``rules_listing``; the README's rule table is ``rules_table`` (kept fresh by
``scripts/generate_docs.py``, checked by ``tests/test_docs.py``). Docstrings follow
ruff's sections; the header line (default, fix availability), the option table
(types and defaults read from the options model) and the examples are generated; an
example that spans modules (``files=``) shows each other module under its path first.
"""

from __future__ import annotations

import inspect
import json
import re
from typing import TYPE_CHECKING

from pydantic_core import to_jsonable_python

from fastapi_rules_lint.lint.registry import UnknownCodeError, all_rules

# The rule base (and LibCST) is imported by the functions that need it: the JSON and
# SARIF reports ask ``rule_url``, and a warm run must not import LibCST for that.
if TYPE_CHECKING:
    from fastapi_rules_lint.rulebase.rule import Example, Rule

REQUIRED_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety")
TABLE_START = "<!-- rules-table:start -->"
TABLE_END = "<!-- rules-table:end -->"

_FIX_TEXT = {
    "none": "No fix available.",
    "safe": "Fix is always available (safe: applied by `--fix`).",
    "unsafe": "Fix is always available (unsafe: applied by `--fix --unsafe-fixes`).",
    "sometimes": "Fix is sometimes available.",
}
_HEADING = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)

DOCS_URL = "https://github.com/fastapi-rules/fastapi-rules-lint/blob/main/docs/rules/"
"""Where each rule's page lives (``docs/rules/FRLnnn.md`` in the repository): the one
place the reports' ``url`` (JSON), ``helpUri`` (SARIF) and ``rules --output-format json``
take it from. Change it here when the project's home moves."""


def find_rule(code_or_name: str) -> type[Rule]:
    """The rule with this code (``FRL103``, any case) or name (``any-type``)."""
    wanted = code_or_name.strip()
    for rule in all_rules():
        if rule.code == wanted.upper() or rule.name == wanted.lower():
            return rule
    raise UnknownCodeError(f"unknown rule code or name `{wanted}`")


def docstring(rule: type[Rule]) -> str:
    """The rule's docstring, dedented."""
    return inspect.cleandoc(rule.__doc__ or "")


def sections(rule: type[Rule]) -> dict[str, str]:
    """The docstring's ``## Heading`` sections, heading → body."""
    text = docstring(rule)
    found: dict[str, str] = {}
    headings = list(_HEADING.finditer(text))
    for index, heading in enumerate(headings):
        end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
        found[heading.group(1)] = text[heading.end() : end].strip()
    return found


def missing_sections(rule: type[Rule]) -> list[str]:
    """The required sections the rule's docstring lacks (or leaves empty)."""
    present = sections(rule)
    return [name for name in REQUIRED_SECTIONS if not present.get(name)]


def fix_text(rule: type[Rule]) -> str:
    """One sentence about fix availability."""
    return _FIX_TEXT.get(rule.fix_availability, f"Fix: {rule.fix_availability}.")


def _type_name(annotation: object) -> str:
    if isinstance(annotation, type):
        return annotation.__name__
    return str(annotation).replace("typing.", "")


def _toml_value(value: object) -> str:
    dumped: object = to_jsonable_python(value)
    if isinstance(value, (set, frozenset)) and isinstance(dumped, list):
        dumped = sorted(dumped, key=str)
    return json.dumps(dumped)


def options_table(rule: type[Rule]) -> list[str]:
    """A markdown table of the rule's options: key, type, default (TOML syntax)."""
    fields = rule.options_model.model_fields
    if not fields:
        return []
    rows = ["| Option | Type | Default |", "|---|---|---|"]
    for name, info in fields.items():
        default = info.get_default(call_default_factory=True)
        rows.append(
            f"| `{info.alias or name}` | `{_type_name(info.annotation)}` | "
            f"`{_toml_value(default)}` |"
        )
    return rows


def _code_block(code: str) -> list[str]:
    return ["```python", code.rstrip("\n"), "```"]


def _example(example: Example) -> list[str]:
    lines: list[str] = []
    if example.note:
        lines.append(f"*{example.note}*")
    if example.options:
        settings = ", ".join(f"`{key} = {json.dumps(v)}`" for key, v in example.options.items())
        lines.append(f"With {settings}:")
    if example.files:
        # A small project: the other modules first, then the example's own.
        for name, source in sorted(example.files.items()):
            lines.append(f"`{name}`:")
            lines.extend(_code_block(source))
        lines.append(f"`{example.path}`:")
    lines.extend(_code_block(example.code))
    from fastapi_rules_lint.rulebase.rule import Flagged

    if isinstance(example, Flagged):
        where = f" of `{example.path}`" if example.files else ""
        lines.append(f"Reported at {', '.join(example.at)}{where}.")
        if example.fixed is not None:
            flag = "--fix --unsafe-fixes" if example.unsafe else "--fix"
            lines.append(f"After `{flag}`:")
            lines.extend(_code_block(example.fixed))
    lines.append("")
    return lines


def render_rule(rule: type[Rule]) -> str:
    """The rule's full documentation in markdown."""
    default = (
        "Enabled by default."
        if rule.default_enabled
        else "Off by default (opt in with `--select`)."
    )
    lines = [
        f"# {rule.name} ({rule.code})",
        "",
        f"{rule.summary}.",
        "",
        f"{default} {fix_text(rule)}",
        "",
    ]
    for heading, body in sections(rule).items():
        lines.extend([f"## {heading}", body, ""])
        if heading == "Options":
            lines.extend([*options_table(rule), ""])
    if "Options" not in sections(rule) and rule.options_model.model_fields:
        lines.extend(["## Options", *options_table(rule), ""])
    from fastapi_rules_lint.rulebase.rule import Clean, Flagged

    clean = [example for example in rule.examples if isinstance(example, Clean)]
    flagged = [example for example in rule.examples if isinstance(example, Flagged)]
    if flagged:
        lines.extend(["## Flagged examples", ""])
        for flagged_example in flagged:
            lines.extend(_example(flagged_example))
    if clean:
        lines.extend(["## Not flagged", ""])
        for clean_example in clean:
            lines.extend(_example(clean_example))
    return "\n".join(lines).rstrip("\n") + "\n"


def _fix_cell(rule: type[Rule]) -> str:
    return "—" if rule.fix_availability == "none" else rule.fix_availability


def rules_table() -> str:
    """The README's markdown table: code | name | summary | default | fix."""
    rows = ["| Code | Name | Summary | Default | Fix |", "|---|---|---|---|---|"]
    for rule in all_rules():
        summary = rule.summary.replace("|", "\\|")
        default = "on" if rule.default_enabled else "off"
        rows.append(f"| {rule.code} | `{rule.name}` | {summary} | {default} | {_fix_cell(rule)} |")
    return "\n".join(rows) + "\n"


def rules_listing() -> str:
    """The terminal table of ``fastapi-rules rules``."""
    rules = all_rules()
    name_width = max([len("NAME"), *(len(rule.name) for rule in rules)])
    header = f"{'CODE':<8}{'NAME':<{name_width + 2}}{'DEFAULT':<9}{'FIX':<11}SUMMARY"
    lines = [header]
    for rule in rules:
        default = "on" if rule.default_enabled else "off"
        fix = "-" if rule.fix_availability == "none" else rule.fix_availability
        lines.append(
            f"{rule.code:<8}{rule.name:<{name_width + 2}}{default:<9}{fix:<11}{rule.summary}"
        )
    return "\n".join(lines) + "\n"


def rule_url(code: str) -> str:
    """The address of the rule's documentation page (see ``DOCS_URL``)."""
    return f"{DOCS_URL}{code}.md"


def rules_json() -> str:
    """``fastapi-rules rules --output-format json``: every rule as a JSON object."""
    listing = [
        {
            "code": rule.code,
            "name": rule.name,
            "summary": rule.summary,
            "default_enabled": rule.default_enabled,
            "fix": None if rule.fix_availability == "none" else rule.fix_availability,
            "url": rule_url(rule.code),
        }
        for rule in all_rules()
    ]
    return json.dumps(listing, indent=2) + "\n"


def rule_pages() -> dict[str, str]:
    """``docs/rules/``'s files: ``<CODE>.md`` → the rule's page (``render_rule``)."""
    return {f"{rule.code}.md": render_rule(rule) for rule in all_rules()}


def update_readme(text: str) -> str:
    """``text`` with the rule table between the markers replaced by a fresh one."""
    start = text.find(TABLE_START)
    end = text.find(TABLE_END)
    if start == -1 or end == -1 or end < start:
        raise ValueError(f"the README lacks the {TABLE_START} ... {TABLE_END} markers")
    before = text[: start + len(TABLE_START)]
    return f"{before}\n{rules_table()}{text[end:]}"
