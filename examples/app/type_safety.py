"""Customers: signatures without types and raw dicts instead of models (FRL101-FRL105).

Mount with `app.include_router(type_safety.router)`.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel

router = APIRouter(prefix="/customers", tags=["customers"])


class Customer(BaseModel):
    id: int
    name: str
    email: str


CUSTOMERS: dict[int, Customer] = {1: Customer(id=1, name="Ada", email="ada@example.com")}


def normalise_email(email, lowercase=True):  # FRL101 (twice), FRL102: untyped helper
    return email.strip().lower() if lowercase else email.strip()


def next_id() -> int:
    return max(CUSTOMERS, default=0) + 1


@router.get("/{customer_id}")
def read_customer(customer_id: int):  # FRL102: no return type, so no response model
    customer = CUSTOMERS.get(customer_id)
    if customer is None:
        raise HTTPException(status_code=404, detail="Customer not found")
    return {"id": customer.id, "name": customer.name}  # FRL105: an unvalidated dict


@router.post("/")
def create_customer(payload: dict) -> Customer:  # FRL104: any JSON object is accepted
    customer = Customer(id=next_id(), name=payload["name"], email=payload["email"])
    CUSTOMERS[customer.id] = customer
    return customer


@router.put("/{customer_id}")
async def replace_customer(customer_id: int, request: Request) -> Customer:
    data = json.loads(await request.body())  # FRL104: parsed by hand, never validated
    customer = Customer(id=customer_id, name=data["name"], email=data["email"])
    CUSTOMERS[customer_id] = customer
    return customer


@router.get("/{customer_id}/summary", response_model=dict)  # FRL105: documents nothing
def customer_summary(customer_id: int) -> dict[str, str]:
    customer = CUSTOMERS[customer_id]
    return {"name": customer.name, "email": normalise_email(customer.email)}
