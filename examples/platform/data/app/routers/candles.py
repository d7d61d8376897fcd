from datetime import datetime, timedelta, timezone

from fastapi import APIRouter, Query

from app.cache import cached_json

router = APIRouter(prefix="/candles", tags=["candles"])


@router.get("/{symbol}")
def get_candles(symbol: str, interval: str = Query("1m", pattern="^(1m|5m|1h|1d)$"), limit: int = 3):
    cached = cached_json(f"candles:{symbol}:{interval}")
    if cached is not None:
        return cached[:limit]
    now = datetime(2026, 1, 2, 15, 30, tzinfo=timezone.utc)
    return [
        {"t": (now - timedelta(minutes=i)).isoformat(), "o": 100.0 + i, "h": 101.0 + i, "l": 99.5 + i, "c": 100.5 + i, "v": 1000 * (i + 1)}
        for i in range(limit)
    ]


@router.get("/{symbol}/latest")
def latest_candle(symbol: str):
    return get_candles(symbol, interval="1m", limit=1)[0]
