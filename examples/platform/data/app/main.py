"""Market data service: candles, symbols and quotes, cached in Redis."""

from fastapi import FastAPI

from app.cache import cache
from app.routers import candles, quotes, symbols

app = FastAPI(title="market-data", version="0.9.2")
app.include_router(candles.router)
app.include_router(symbols.router)
app.include_router(symbols.legacy)
app.include_router(quotes.router)


@app.get("/health")
def health():
    # Legacy shape; does not report the Redis dependency.
    return {"status": "healthy"}


@app.get("/cache/ping")
def cache_ping():
    try:
        return {"redis": bool(cache().ping())}
    except Exception as exc:  # noqa: BLE001
        return {"redis": False, "error": type(exc).__name__}
