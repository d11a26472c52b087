"""Contacts: fields and types still spelled for Pydantic v1 (FRL404-FRL407).

Mount with ``from app import contacts`` and ``app.include_router(contacts.router)``.
"""

from typing import Optional

from fastapi import APIRouter
from pydantic import BaseModel, Field, constr, parse_obj_as  # FRL405: v2's `TypeAdapter`

router = APIRouter(prefix="/contacts")


class Contact(BaseModel):
    name: constr(strip_whitespace=True, max_length=80)  # FRL407: `Annotated[str, ...]`
    phone: Optional[str]  # FRL406: v1 defaulted it to None; v2 requires it
    tags: list[str] = Field(default_factory=list, max_items=5)  # FRL404: `max_length`


SEED = [{"name": " Ada Lovelace ", "phone": "+44 20 7946 0000"}]


def load_contacts(rows: list[dict[str, str]]) -> list[Contact]:
    return parse_obj_as(list[Contact], rows)


@router.get("/")
def list_contacts() -> list[Contact]:
    return load_contacts(SEED)
