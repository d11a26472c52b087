"""``--output-format sarif``: SARIF 2.1.0, as GitHub code scanning ingests it.

One run; the driver lists every rule (id, name, short and full description, help in
markdown from the rule's docs, ``helpUri`` its page); each result names its rule by id
and index, with a region in 1-based rows and columns (``columnKind:
unicodeCodePoints``, matching our columns) and, where the diagnostic has one, its fix
as artifact replacements. File locations are relative URIs against ``%SRCROOT%`` (the
working folder).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from fastapi_rules_lint import __version__
from fastapi_rules_lint.docs import render_rule, rule_url, sections
from fastapi_rules_lint.engine.diagnostics import Diagnostic
from fastapi_rules_lint.lint.registry import all_rules
from fastapi_rules_lint.report.base import Positions, ReportInput

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class Message(_Model):
    text: str
    markdown: str | None = None


class ArtifactLocation(_Model):
    uri: str
    uri_base_id: str | None = None


class Region(_Model):
    start_line: int
    start_column: int
    end_line: int
    end_column: int


class PhysicalLocation(_Model):
    artifact_location: ArtifactLocation
    region: Region


class SarifLocation(_Model):
    physical_location: PhysicalLocation


class Replacement(_Model):
    deleted_region: Region
    inserted_content: Message


class ArtifactChange(_Model):
    artifact_location: ArtifactLocation
    replacements: list[Replacement]


class SarifFix(_Model):
    description: Message
    artifact_changes: list[ArtifactChange]


class SarifResult(_Model):
    rule_id: str
    rule_index: int
    level: Literal["error", "warning", "note"] = "error"
    message: Message
    locations: list[SarifLocation]
    fixes: list[SarifFix] | None = None


class Configuration(_Model):
    level: Literal["error", "warning", "note"] = "error"
    enabled: bool = True


class ReportingDescriptor(_Model):
    id: str
    name: str
    short_description: Message
    full_description: Message
    help: Message
    help_uri: str | None = None
    default_configuration: Configuration


class Driver(_Model):
    name: str = "fastapi-rules"
    version: str = __version__
    semantic_version: str = __version__
    rules: list[ReportingDescriptor]


class Tool(_Model):
    driver: Driver


class Run(_Model):
    tool: Tool
    results: list[SarifResult]
    column_kind: str = "unicodeCodePoints"
    original_uri_base_ids: dict[str, ArtifactLocation]


class SarifLog(_Model):
    schema_: str = Field(default=SCHEMA, alias="$schema")
    version: str = "2.1.0"
    runs: list[Run]


def _descriptor(rule_index: int) -> ReportingDescriptor:
    rule = all_rules()[rule_index]
    what = sections(rule).get("What it does", rule.summary)
    return ReportingDescriptor(
        id=rule.code,
        name=rule.name,
        short_description=Message(text=rule.summary),
        full_description=Message(text=what),
        help=Message(text=what, markdown=render_rule(rule)),
        help_uri=rule_url(rule.code),
        default_configuration=Configuration(enabled=rule.default_enabled),
    )


def _artifact(filename: str) -> ArtifactLocation:
    path = Path(filename)
    if path.is_absolute():
        return ArtifactLocation(uri=path.as_uri())
    return ArtifactLocation(uri=quote(path.as_posix()), uri_base_id=SRCROOT)


def _result(diagnostic: Diagnostic, rule_index: int, positions: Positions) -> SarifResult:
    artifact = _artifact(diagnostic.filename)
    region = Region(
        start_line=diagnostic.location.row,
        start_column=diagnostic.location.column,
        end_line=diagnostic.end_location.row,
        end_column=diagnostic.end_location.column,
    )
    fixes = None
    if diagnostic.fix is not None:
        replacements = []
        for edit in diagnostic.fix.edits:
            start = positions.location(diagnostic.filename, edit.start)
            end = positions.location(diagnostic.filename, edit.end)
            deleted = Region(
                start_line=start.row,
                start_column=start.column,
                end_line=end.row,
                end_column=end.column,
            )
            replacements.append(
                Replacement(deleted_region=deleted, inserted_content=Message(text=edit.content))
            )
        fixes = [
            SarifFix(
                description=Message(text=diagnostic.fix.message),
                artifact_changes=[
                    ArtifactChange(artifact_location=artifact, replacements=replacements)
                ],
            )
        ]
    return SarifResult(
        rule_id=diagnostic.code,
        rule_index=rule_index,
        message=Message(text=diagnostic.message),
        locations=[
            SarifLocation(
                physical_location=PhysicalLocation(artifact_location=artifact, region=region)
            )
        ],
        fixes=fixes,
    )


def render(report: ReportInput) -> str:
    """The SARIF log."""
    rules = all_rules()
    index = {rule.code: position for position, rule in enumerate(rules)}
    positions = Positions(report.sources)
    results = [
        _result(diagnostic, index.get(diagnostic.code, -1), positions)
        for diagnostic in report.diagnostics
    ]
    root = Path.cwd().as_uri().rstrip("/") + "/"
    log = SarifLog(
        runs=[
            Run(
                tool=Tool(driver=Driver(rules=[_descriptor(i) for i in range(len(rules))])),
                results=results,
                original_uri_base_ids={SRCROOT: ArtifactLocation(uri=root)},
            )
        ]
    )
    return log.model_dump_json(by_alias=True, exclude_none=True, indent=2) + "\n"
