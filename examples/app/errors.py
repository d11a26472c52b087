"""Orders: error handling and routing mistakes (FRL205-FRL210).

Mount with `app.include_router(errors.router)` and `app.mount("/public", errors.public_api)`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.middleware.base import RequestResponseEndpoint

router = APIRouter(prefix="/orders", tags=["orders"])


class Order(BaseModel):
    id: int
    item_id: int
    quantity: int


class OrderNotFound(Exception):
    """A domain error: the app maps it to a 404 with an exception handler."""


ORDERS: dict[int, Order] = {1: Order(id=1, item_id=1, quantity=3)}


def current_customer(x_customer: Annotated[str, Header()]) -> str:
    if not x_customer.isdigit():
        raise PermissionError("unknown customer")  # FRL205: a 500 for a bad header; use 401/403
    return x_customer


Customer = Annotated[str, Depends(current_customer)]


@router.get("/{order_id}")
def read_order(order_id: int, customer: Customer) -> Order:
    if order_id not in ORDERS:
        raise KeyError(order_id)  # FRL205: the client gets a 500, not a 404
    return ORDERS[order_id]


@router.get("/{order_id}/status")
def order_status(order_id: int, customer: Customer) -> object:
    if order_id not in ORDERS:
        return {"detail": "Order not found"}, 404  # FRL206: sent as a JSON array with status 200
    return "shipped"


@router.delete("/{order_id}")
def cancel_order(order_id: int, customer: Customer) -> Response:
    if order_id not in ORDERS:
        raise OrderNotFound(order_id)  # fine: a custom exception with a handler
    if ORDERS[order_id].quantity > 10:
        # FRL207 (off by default): a bare 409; FRL205: an error returned as a response
        return JSONResponse(status_code=409, content={"detail": "Large orders ship already"})
    del ORDERS[order_id]
    return Response(status_code=204)  # FRL207 (off by default): use status.HTTP_204_NO_CONTENT


@router.post("/{order_id}/refund")
def refund_order(order_id: int, customer: Customer) -> Order:
    if order_id not in ORDERS:
        # FRL208 (off by default): the 404 is missing from `responses=`
        raise HTTPException(status_code=404, detail="Order not found")
    return ORDERS[order_id]


@router.get("/{id}")  # FRL209: same route as `read_order` above, which always answers first
def read_order_by_id(id: int) -> Order:
    return ORDERS[id]


# A public sub-application for the shop's web front end.
public_api = FastAPI(title="Public orders")
public_api.add_middleware(  # FRL210: the API-key check below runs first, without CORS headers
    CORSMiddleware,
    allow_origins=["https://shop.example.com"],
    allow_methods=["GET"],
)


@public_api.middleware("http")
async def require_api_key(request: Request, call_next: RequestResponseEndpoint) -> Response:
    if request.headers.get("x-api-key") != "demo":
        return JSONResponse(status_code=401, content={"detail": "Missing API key"})
    return await call_next(request)


@public_api.get("/orders/{order_id}")
def public_order(order_id: int) -> Order:
    return ORDERS[order_id]
