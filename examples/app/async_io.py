"""Reports: `async def` routes that block the event loop (FRL301-FRL306).

Mount with `app.include_router(async_io.router)`.
"""

from __future__ import annotations

import asyncio
import shelve
import sqlite3
import time
from functools import lru_cache
from pathlib import Path

import httpx
from fastapi import APIRouter

router = APIRouter(prefix="/reports", tags=["reports"])

TEMPLATES = Path(__file__).parent / "templates"
DATABASE = "reports.db"


def load_template(name: str) -> str:
    # A plain `def`: the blocking read is fine here, but not when an async route calls it.
    with open(TEMPLATES / f"{name}.txt") as template:
        return template.read()


def render(name: str, rows: list[tuple[str, int]]) -> str:
    return load_template(name).format(rows=rows)


@lru_cache  # FRL304: caches the coroutine, the second request awaits it again and fails
async def exchange_rates() -> dict[str, float]:
    async with httpx.AsyncClient() as client:
        response = await client.get("https://rates.example.com/latest")
    return dict(response.json())


async def notify_accounting(message: str) -> None:
    async with httpx.AsyncClient() as client:
        await client.post("https://accounting.example.com/hooks", content=message)


@router.get("/daily")
async def daily_report() -> str:  # FRL302: never awaits (and FRL301 below)
    time.sleep(0.5)  # FRL301: use `await asyncio.sleep(...)` (safe fix)
    connection = sqlite3.connect(DATABASE)  # FRL301: sqlite3 blocks; use aiosqlite
    rows = connection.execute("SELECT name, total FROM sales").fetchall()  # FRL301
    return render("daily", rows)  # FRL303: render() → load_template() → open()


@router.get("/weather/{city}")
async def weather(city: str) -> str:  # FRL302
    with httpx.Client() as client:
        response = client.get(f"https://wttr.in/{city}")  # FRL301: a sync httpx client
    return response.text


@router.get("/archive/{report_id}")
async def archived_report(report_id: str) -> str:  # FRL302: `shelve.open()` may block
    with shelve.open("archive") as archive:
        return str(archive.get(report_id, ""))


@router.post("/close-month", status_code=202)
async def close_month() -> None:
    notify_accounting("month closed")  # FRL305: never awaited, never runs (safe fix)
    asyncio.create_task(exchange_rates())  # FRL306: the task may be garbage-collected
