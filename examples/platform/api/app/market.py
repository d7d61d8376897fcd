"""Quotes from the data service, to price an order when it is booked."""

import httpx

from app.core.config import get_settings


def mid_price(symbol: str) -> float | None:
    # planted: timeout=None waits for ever, there is no breaker, the trace context is not
    # forwarded, and the path is /quote/ where data serves /quotes/ (a dead call)
    with httpx.Client(timeout=None) as client:
        try:
            resp = client.get(f"{get_settings().data_url}/quote/{symbol}")
        except httpx.HTTPError:
            return None
    if resp.status_code != 200:
        return None
    quote = resp.json()
    return (quote["bid"] + quote["ask"]) / 2
