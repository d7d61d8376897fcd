"""Version 1 of the public API; every route below lives under /api/v1."""

from fastapi import APIRouter

from app.api import accounts, orders

router = APIRouter(prefix="/api/v1")
router.include_router(orders.router, prefix="/orders", tags=["orders"])
router.include_router(accounts.router, prefix="/accounts", tags=["accounts"])
