from fastapi import APIRouter, HTTPException

from app import market
from app.core.db import get_connection, get_redis
from app.models import Order, OrderIn

router = APIRouter()

# In-memory book so the service is usable without Postgres.
_ORDERS: dict[int, Order] = {
    1: Order(id=1, account_id=1, symbol="AAPL", side="buy", quantity=10, status="filled"),
    2: Order(id=2, account_id=1, symbol="MSFT", side="sell", quantity=5),
}


@router.get("/")
def list_orders() -> list[Order]:
    return list(_ORDERS.values())


# Verb in the path: should be POST /orders/
@router.post("/create", status_code=201)
def create_order(body: OrderIn) -> Order:
    order = Order(id=max(_ORDERS, default=0) + 1, price=market.mid_price(body.symbol), **body.model_dump())
    _ORDERS[order.id] = order
    return order


# Declared before /summary, so GET /orders/summary is captured here
# (and fails validation: "summary" is not an int).
@router.get("/{order_id}")
def get_order(order_id: int) -> Order:
    if order_id not in _ORDERS:
        raise HTTPException(status_code=404, detail="order not found")
    return _ORDERS[order_id]


@router.get("/summary")
def orders_summary() -> dict:
    return {"count": len(_ORDERS), "open": sum(o.status == "new" for o in _ORDERS.values())}


@router.delete("/{order_id}", status_code=204)
def cancel_order(order_id: int) -> None:
    _ORDERS.pop(order_id, None)


@router.get("/{order_id}/fills")
def order_fills(order_id: int) -> list[dict]:
    """Fills are stored in Postgres; needs DATABASE_URL."""
    with get_connection() as conn:
        rows = conn.execute(
            "SELECT price, quantity, filled_at FROM fills WHERE order_id = %s", (order_id,)
        ).fetchall()
    return [{"price": p, "quantity": q, "filled_at": str(t)} for p, q, t in rows]


@router.get("/{order_id}/last-price")
def order_last_price(order_id: int) -> dict:
    """Last traded price from the Redis cache; needs REDIS_URL."""
    order = get_order(order_id)
    price = get_redis().get(f"price:{order.symbol}")
    return {"symbol": order.symbol, "price": float(price) if price else None}
