"""Startup and shutdown code: event handlers instead of a `lifespan` (FRL201).

`router` is mounted by `app/main.py`. `status_app` is a second, standalone app
(`uvicorn app.lifespan:status_app`): its handlers can be migrated automatically, so
`fastapi-rules check --diff --unsafe-fixes examples/` shows the `lifespan` it builds.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

router = APIRouter(prefix="/lifespan")
GREETINGS: dict[str, str] = {}
CONNECTIONS: list[str] = []


@router.on_event("startup")  # FRL201: deprecated; a router's handlers have no automatic fix
async def load_greetings() -> None:
    GREETINGS["en"] = "Hello"


@router.get("/greeting/{language}")
def greeting(language: str) -> str:
    return GREETINGS.get(language, "Hi")


def open_connections() -> None:
    CONNECTIONS.append("primary")


status_app = FastAPI(title="Status", on_startup=[open_connections])  # FRL201: deprecated


@status_app.on_event("shutdown")  # FRL201: deprecated; the fix moves both into a lifespan
async def close_connections() -> None:
    CONNECTIONS.clear()


@status_app.get("/status")
def status() -> list[str]:
    return CONNECTIONS
