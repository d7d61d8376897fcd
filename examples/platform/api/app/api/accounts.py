from fastapi import APIRouter, HTTPException

from app.api.orders import _ORDERS
from app.core.db import get_connection
from app.models import Account, Order

router = APIRouter()

_ACCOUNTS = {1: Account(id=1, name="Desk A"), 2: Account(id=2, name="Desk B", currency="EUR")}


# Trailing slash here, but not on /orders/summary or /symbols
@router.get("/")
def list_accounts() -> list[Account]:
    return list(_ACCOUNTS.values())


@router.get("/{account_id}/")
def get_account(account_id: int) -> Account:
    if account_id not in _ACCOUNTS:
        raise HTTPException(status_code=404, detail="account not found")
    return _ACCOUNTS[account_id]


# camelCase among kebab-case paths
@router.get("/{account_id}/orderHistory")
def order_history(account_id: int) -> list[Order]:
    return [o for o in _ORDERS.values() if o.account_id == account_id]


@router.get("/{account_id}/cash-balance")
def cash_balance(account_id: int) -> dict:
    with get_connection() as conn:
        row = conn.execute("SELECT balance FROM cash WHERE account_id = %s", (account_id,)).fetchone()
    return {"account_id": account_id, "balance": row[0] if row else 0}
