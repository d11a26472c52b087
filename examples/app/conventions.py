"""Item reviews: FastAPI conventions (FRL202-FRL204).

Mount with ``from app import conventions`` and ``app.include_router(conventions.router)``.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

router = APIRouter(prefix="/items/{item_id}/reviews")


class Review(BaseModel):
    id: int
    item_id: int
    stars: int
    text: str


class ReviewStore:
    def __init__(self) -> None:
        self.reviews = [Review(id=1, item_id=1, stars=5, text="Solid hammer")]

    def for_item(self, item_id: int) -> list[Review]:
        return [review for review in self.reviews if review.item_id == item_id]


STORE = ReviewStore()


def get_store() -> ReviewStore:
    return STORE


@router.get("", response_model=list[Review])  # FRL203: the return annotation says it already
def list_reviews(
    item_id: int,
    min_stars: int = Query(0, ge=0, le=5),  # FRL202: `Annotated[int, Query(ge=0, le=5)] = 0`
    store: ReviewStore = Depends(get_store),  # FRL202: a marker as a default
) -> list[Review]:
    return [review for review in store.for_item(item_id) if review.stars >= min_stars]


@router.get("/{review_id}")  # FRL204: `item_id` from the prefix is never received
def read_review(
    review_id: int,
    store: ReviewStore = Depends(get_store),  # FRL202: a marker as a default
) -> list[Review]:
    return [review for review in store.reviews if review.id == review_id]
