"""Legacy reports (FRL602: the module name is not snake_case; FRL603: a star import).

Mount with ``from app import legacyReports`` and ``app.include_router(legacyReports.router)``.
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from app.type_safety import *  # noqa: F403  # FRL603: which names does this bring in?

router = APIRouter(prefix="/reports")


class Report(BaseModel):
    title: str
    rows: int


@router.get("/summary")
def summary() -> Report:
    return Report(title="Stock", rows=1)
