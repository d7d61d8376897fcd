"""Postgres and Redis access. Connections are opened lazily, per request,
so the service starts (and answers routes that need neither) without them."""

from contextlib import contextmanager
from typing import Iterator

import psycopg
import redis

from app.core.config import get_settings

_redis_client: "redis.Redis | None" = None


@contextmanager
def get_connection() -> Iterator[psycopg.Connection]:
    conn = psycopg.connect(get_settings().database_url, connect_timeout=2)
    try:
        yield conn
    finally:
        conn.close()


def get_redis() -> redis.Redis:
    global _redis_client
    if _redis_client is None:
        _redis_client = redis.Redis.from_url(
            get_settings().redis_url, socket_connect_timeout=2, socket_timeout=2
        )
    return _redis_client
