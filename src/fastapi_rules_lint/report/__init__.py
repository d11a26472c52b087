"""Reporters: one renderer per output format, all with the signature
``render(report: ReportInput) -> str``.

``RENDERERS`` imports a format's module when that format is asked for: the JSON and
SARIF renderers read the rules' docs (importing every rule, hence LibCST), which a warm
run printing text never needs.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping

from fastapi_rules_lint.report.base import Renderer, ReportInput

_MODULES = {
    "text": "text",
    "json": "json_format",
    "sarif": "sarif",
    "github": "github",
    "junit": "junit",
}


class _Renderers(Mapping[str, Renderer]):
    """Format name → ``render``, each module imported on first use."""

    def __getitem__(self, name: str) -> Renderer:
        module = importlib.import_module(f"{__name__}.{_MODULES[name]}")
        render: Renderer = module.render
        return render

    def __iter__(self) -> Iterator[str]:
        return iter(_MODULES)

    def __len__(self) -> int:
        return len(_MODULES)


RENDERERS: Mapping[str, Renderer] = _Renderers()

__all__ = ["RENDERERS", "Renderer", "ReportInput"]
