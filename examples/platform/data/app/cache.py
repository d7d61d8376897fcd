"""Redis cache for market data. The client connects on first use."""

import json
import os

import redis

_client: "redis.Redis | None" = None


def cache() -> redis.Redis:
    global _client
    if _client is None:
        _client = redis.Redis.from_url(
            os.environ.get("REDIS_URL", "redis://localhost:6379/1"),
            socket_connect_timeout=1,
            socket_timeout=1,
        )
    return _client


def cached_json(key: str):
    """Return the cached JSON value, or None when missing or Redis is down."""
    try:
        raw = cache().get(key)
    except redis.RedisError:
        return None
    return json.loads(raw) if raw else None
