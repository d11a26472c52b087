"""Suppliers: models still written for Pydantic v1 (FRL401-FRL403).

Mount with ``from app import suppliers`` and ``app.include_router(suppliers.router)``.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, validator

router = APIRouter(prefix="/suppliers")


class Supplier(BaseModel):
    id: int
    name: str
    email: str

    class Config:  # FRL403: v2 configures a model with `model_config = ConfigDict(...)`
        anystr_strip_whitespace = True

    @validator("email")  # FRL402: v2's `@field_validator` is explicit about when it runs
    def lower_email(cls, value: str) -> str:
        return value.lower()


SUPPLIERS = {1: Supplier(id=1, name="Acme Tools", email="Sales@Acme.example")}


@router.get("/{supplier_id}", responses={404: {"description": "Supplier not found"}})
def read_supplier(supplier_id: int) -> Supplier:
    supplier = SUPPLIERS.get(supplier_id)
    if supplier is None:
        raise HTTPException(status_code=404, detail="Supplier not found")
    return supplier


@router.post("/")
def create_supplier(supplier: Supplier) -> Supplier:
    stored = supplier.copy(update={"id": len(SUPPLIERS) + 1})  # FRL401: v2's `model_copy()`
    SUPPLIERS[stored.id] = stored
    return stored
