from typing import Literal

from pydantic import BaseModel, Field


class OrderIn(BaseModel):
    account_id: int
    symbol: str = Field(min_length=1, max_length=12)
    side: Literal["buy", "sell"]
    quantity: float = Field(gt=0)


class Order(OrderIn):
    id: int
    status: str = "new"
    price: float | None = None


class Account(BaseModel):
    id: int
    name: str
    currency: str = "USD"
