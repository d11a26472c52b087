"""Warehouse operations: error handling and per-request costs (FRL211, FRL701, FRL702,
FRL704, FRL801, FRL802).

Mount with ``from app import operations`` and ``app.include_router(operations.router)``.
"""

from __future__ import annotations

import json
import logging
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from pydantic_settings import BaseSettings

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/operations")


class OperationsSettings(BaseSettings):
    dock_count: int = 4
    audit_url: str = "http://audit.local"


class Shipment(BaseModel):
    id: int
    dock: int


SHIPMENTS = {1: Shipment(id=1, dock=2)}


def get_settings() -> OperationsSettings:
    return OperationsSettings()  # FRL801: re-reads the environment on every request


Settings = Annotated[OperationsSettings, Depends(get_settings)]


def notify_audit(shipment: Shipment) -> None:
    try:
        logger.debug("audit %s", shipment.id)
        raise ConnectionError("audit service unreachable")
    except Exception:  # FRL701: the failure disappears without a trace
        pass


@router.get("/shipments/{shipment_id}")
def read_shipment(shipment_id: int, settings: Settings) -> Shipment:
    shipment = SHIPMENTS.get(shipment_id)
    if shipment is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Unknown shipment")
    if shipment.dock > settings.dock_count:
        # FRL211: a "moved" status raised as an error: clients see a redirect
        raise HTTPException(status_code=status.HTTP_301_MOVED_PERMANENTLY)
    notify_audit(shipment)
    return shipment


@router.post("/shipments/export")
def export_shipment(shipment: Shipment) -> str:
    return json.dumps(shipment.model_dump())  # FRL802: serialised twice


@router.post("/shipments/{shipment_id}/dispatch")
def dispatch(shipment_id: int) -> JSONResponse:
    try:
        shipment = SHIPMENTS[shipment_id]
        return JSONResponse({"dispatched": shipment.id})
    except Exception as error:  # FRL704: every route shapes unexpected errors its own way
        # FRL702: the internal error text reaches the client
        raise HTTPException(status_code=500, detail=str(error)) from error
