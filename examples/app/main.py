"""The inventory service: the app, its item model and the item routes.

Every deliberate problem carries a comment naming the rule that reports it; the
topic modules next to this one hold the rest and are mounted below.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, HTTPException, status
from pydantic import BaseModel

app = FastAPI(title="Inventory")


class Item(BaseModel):
    id: int
    name: str
    price: float
    tags: list[str] = []
    attributes: dict[str, Any] = {}  # FRL103: a free-form bag, neither validated nor documented


ITEMS: dict[int, Item] = {1: Item(id=1, name="Hammer", price=9.5, tags=["tools"])}


def audit(event: str, details: Any) -> None:  # FRL103: what may be passed here?
    print(f"audit {event}: {details}")


@app.get("/items")
def list_items() -> list[Item]:
    return list(ITEMS.values())


@app.get("/items/{item_id}", responses={404: {"description": "Item not found"}})
def read_item(item_id: int) -> Item:
    item = ITEMS.get(item_id)
    if item is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Item not found")
    audit("read", item_id)
    return item


# Topic modules: each defines `router = APIRouter(...)`, mounted here.
from app import (  # noqa: E402
    async_io,
    contacts,
    conventions,
    errors,
    legacyReports,
    lifespan,
    operations,
    suppliers,
    type_safety,
    warehouses,
)

for topic in (
    async_io,
    contacts,
    conventions,
    errors,
    legacyReports,
    lifespan,
    operations,
    suppliers,
    type_safety,
    warehouses,
):
    app.include_router(topic.router)
app.mount("/public", errors.public_api)
app.mount("/status", lifespan.status_app)
