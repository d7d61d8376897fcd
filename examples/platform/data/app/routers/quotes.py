from fastapi import APIRouter

from app.cache import cached_json
from app.routers.symbols import SYMBOLS

router = APIRouter(prefix="/quotes", tags=["quotes"])


@router.get("")
def all_quotes():
    return [get_quote(s) for s in SYMBOLS]


@router.get("/{symbol}")
def get_quote(symbol: str):
    cached = cached_json(f"quote:{symbol}")
    if cached is not None:
        return cached
    return {"symbol": symbol.upper(), "bid": 99.95, "ask": 100.05, "source": "static"}
