"""Settings read from the environment (see docker-compose.yml)."""

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    database_url: str
    redis_url: str
    data_url: str
    execution_url: str


def get_settings() -> Settings:
    return Settings(
        database_url=os.environ.get("DATABASE_URL", "postgresql://trader:trader@localhost:5432/trading"),
        redis_url=os.environ.get("REDIS_URL", "redis://localhost:6379/0"),
        data_url=os.environ.get("DATA_URL", "http://localhost:8002"),
        execution_url=os.environ.get("EXECUTION_URL", "http://localhost:8003"),
    )
