"""Symbol lookups. The data service serves the same GET /api/v1/symbols."""

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1")


@router.get("/symbols")
def list_symbols() -> list[str]:
    return ["AAPL", "MSFT", "GOOG"]
