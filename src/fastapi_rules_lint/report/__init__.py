"""Reporters: one renderer per output format, all with the signature
``render(report: ReportInput) -> str``."""

from __future__ import annotations

from fastapi_rules_lint.report import github, json_format, junit, sarif, text
from fastapi_rules_lint.report.base import Renderer, ReportInput

RENDERERS: dict[str, Renderer] = {
    "text": text.render,
    "json": json_format.render,
    "sarif": sarif.render,
    "github": github.render,
    "junit": junit.render,
}

__all__ = ["RENDERERS", "Renderer", "ReportInput"]
