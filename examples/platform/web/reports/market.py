"""Daily candles from the data service, for performance reports."""

import time

import requests
from django.conf import settings


def daily_change(symbol: str) -> float | None:
    # planted: no timeout, retried without backoff, no breaker, no trace context
    for _attempt in range(3):
        try:
            resp = requests.get(f"{settings.DATA_URL}/candles/{symbol}/latest")
            resp.raise_for_status()
            candle = resp.json()
            return (candle["close"] - candle["open"]) / candle["open"]
        except (requests.RequestException, KeyError, ZeroDivisionError):
            time.sleep(0.2)
    return None
