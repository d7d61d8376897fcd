from fastapi import APIRouter, HTTPException

router = APIRouter(tags=["symbols"])

SYMBOLS = {
    "AAPL": {"symbol": "AAPL", "name": "Apple Inc.", "exchange": "NASDAQ"},
    "MSFT": {"symbol": "MSFT", "name": "Microsoft Corp.", "exchange": "NASDAQ"},
    "GOOG": {"symbol": "GOOG", "name": "Alphabet Inc.", "exchange": "NASDAQ"},
}


@router.get("/symbols")
def list_symbols():
    return list(SYMBOLS.values())


@router.get("/symbols/{symbol}")
def get_symbol(symbol: str):
    try:
        return SYMBOLS[symbol.upper()]
    except KeyError:
        raise HTTPException(status_code=404, detail="unknown symbol")


# Same method and path as the api service's GET /api/v1/symbols
legacy = APIRouter(prefix="/api/v1", tags=["legacy"])


@legacy.get("/symbols")
def legacy_symbols():
    return sorted(SYMBOLS)
