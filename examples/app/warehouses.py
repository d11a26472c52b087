"""Warehouses: SQLAlchemy models and queries still in the 1.x style (FRL501-FRL504).

Mount with ``from app import warehouses`` and ``app.include_router(warehouses.router)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel
from sqlalchemy import Column, Integer, String, create_engine
from sqlalchemy.orm import Session, declarative_base, sessionmaker

router = APIRouter(prefix="/warehouses")
engine = create_engine("sqlite://")
SessionLocal = sessionmaker(bind=engine)
Base = declarative_base()  # FRL502: 2.0 declares the base as `class Base(DeclarativeBase)`


class Warehouse(Base):
    __tablename__ = "warehouses"

    id = Column(Integer, primary_key=True)  # FRL503: `Mapped[int] = mapped_column(...)`
    name = Column(String(100), nullable=False)  # FRL503: type checkers see `Any` here


class WarehouseOut(BaseModel):
    id: int
    name: str


def get_db() -> Iterator[Session]:
    with SessionLocal() as db:
        yield db


SessionDep = Annotated[Session, Depends(get_db)]


@router.get("/{warehouse_id}", responses={404: {"description": "Warehouse not found"}})
def read_warehouse(warehouse_id: int, db: SessionDep) -> WarehouseOut:
    found = db.query(Warehouse).filter(Warehouse.id == warehouse_id).first()  # FRL501: legacy
    if found is None:
        raise HTTPException(status_code=404, detail="Warehouse not found")
    return WarehouseOut(id=found.id, name=found.name)


@router.get("/")
async def warehouse_session(db: SessionDep) -> bool:  # FRL504: its queries block the loop
    return db.is_active
