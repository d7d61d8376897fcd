import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * A platform in the shape teams end up with after copying a house framework between services:
 * three FastAPI services in one repo (compose, Dockerfiles), each with a `framework/` package
 * copied from the first one. billing's copy of settings.py drifted (a field added, one changed);
 * users took only part of the framework. billing's invoice repository is orders' order repository
 * with the names changed. Both services have a models module of similar size that shares nothing
 * but its style. Both serve GET /api/v1/customers/{id}.
 */
export const FRAMEWORK: Record<string, string> = {
  "framework/__init__.py": `"""House framework shared by the services."""
from .db import Database, get_session
from .http import JsonClient
from .settings import Settings

__all__ = ["Database", "get_session", "JsonClient", "Settings"]
`,
  "framework/db.py": `from contextlib import asynccontextmanager
from typing import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine


class Database:
    """One engine per process, sessions per request."""

    def __init__(self, url: str, pool_size: int = 5) -> None:
        self._engine: AsyncEngine = create_async_engine(url, pool_size=pool_size, pool_pre_ping=True)
        self._sessions = async_sessionmaker(self._engine, expire_on_commit=False)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session:
            try:
                yield session
                await session.commit()
            except Exception:
                await session.rollback()
                raise

    async def close(self) -> None:
        await self._engine.dispose()


_db: Database | None = None


def init_db(url: str) -> Database:
    global _db
    _db = Database(url)
    return _db


async def get_session() -> AsyncIterator[AsyncSession]:
    if _db is None:
        raise RuntimeError("init_db() was not called")
    async with _db.session() as session:
        yield session
`,
  "framework/http.py": `import logging

import httpx

log = logging.getLogger(__name__)


class JsonClient:
    """A small JSON client with a timeout and one retry on connection errors."""

    def __init__(self, base_url: str, timeout: float = 2.0) -> None:
        self._client = httpx.AsyncClient(base_url=base_url, timeout=timeout)

    async def get(self, path: str, **params: str) -> dict:
        for attempt in range(2):
            try:
                response = await self._client.get(path, params=params)
                response.raise_for_status()
                return response.json()
            except httpx.ConnectError:
                log.warning("connect error on %s (attempt %d)", path, attempt + 1)
                if attempt == 1:
                    raise
        return {}

    async def post(self, path: str, body: dict) -> dict:
        response = await self._client.post(path, json=body)
        response.raise_for_status()
        return response.json()

    async def aclose(self) -> None:
        await self._client.aclose()
`,
  "framework/settings.py": `from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_prefix="APP_")

    service_name: str = "service"
    database_url: str = "postgresql+asyncpg://app:app@localhost:5432/app"
    redis_url: str = "redis://localhost:6379/0"
    log_level: str = "INFO"
    request_timeout: float = 2.0
    debug: bool = False


@lru_cache
def get_settings() -> Settings:
    return Settings()


def configure_logging(settings: Settings) -> None:
    import logging

    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
`,
  "framework/errors.py": `from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


class DomainError(Exception):
    status_code = 400
    code = "domain_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> JSONResponse:
        return JSONResponse(status_code=exc.status_code, content={"code": exc.code, "message": exc.message})
`,
};

/** billing's settings.py: one field added, one default changed, the cache decorator given a size. */
export const DRIFTED_SETTINGS = FRAMEWORK["framework/settings.py"]!
  .replace('    log_level: str = "INFO"\n', '    log_level: str = "WARNING"\n    stripe_api_key: str = ""\n    stripe_webhook_secret: str = ""\n')
  .replace("@lru_cache\n", "@lru_cache(maxsize=1)\n");

const ORDER_REPOSITORY = `from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Order, OrderCreate
from framework.errors import NotFound


class OrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, order_id: int) -> Order:
        order = await self.session.get(Order, order_id)
        if order is None:
            raise NotFound(f"order {order_id} not found")
        return order

    async def list_for_customer(self, customer_id: int, limit: int = 50) -> list[Order]:
        query = select(Order).where(Order.customer_id == customer_id).order_by(Order.created_at.desc()).limit(limit)
        result = await self.session.execute(query)
        return list(result.scalars())

    async def create(self, data: OrderCreate) -> Order:
        order = Order(**data.model_dump())
        self.session.add(order)
        await self.session.flush()
        return order

    async def delete(self, order_id: int) -> None:
        order = await self.get(order_id)
        await self.session.delete(order)
`;

/** The same module with its domain renamed (Order → Invoice): a near-copy, not an identical one. */
export const INVOICE_REPOSITORY = ORDER_REPOSITORY.replace(/Order/g, "Invoice").replace(/order/g, "invoice");

const ORDERS_MODELS = `from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, Field


class OrderLine(BaseModel):
    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(gt=0)
    unit_price: Decimal


class OrderCreate(BaseModel):
    customer_id: int
    lines: list[OrderLine]
    notes: str | None = None


class Order(OrderCreate):
    id: int
    status: str = "pending"
    created_at: datetime

    @property
    def total(self) -> Decimal:
        return sum((line.unit_price * line.quantity for line in self.lines), Decimal(0))
`;

/** Unrelated to orders' models: same size, same pydantic style, other names and fields. */
const BILLING_MODELS = `from datetime import date
from enum import Enum

from pydantic import BaseModel, EmailStr


class Currency(str, Enum):
    EUR = "EUR"
    USD = "USD"


class BillingAddress(BaseModel):
    street: str
    city: str
    postcode: str
    country: str = "DE"


class InvoiceCreate(BaseModel):
    customer_email: EmailStr
    address: BillingAddress
    currency: Currency = Currency.EUR
    due: date


class Invoice(InvoiceCreate):
    number: str
    paid: bool = False
`;

const main = (svc: string, extra: string) => `from fastapi import FastAPI

from framework.errors import install_error_handlers
from framework.settings import get_settings
from app.api import router

settings = get_settings()
app = FastAPI(title="${svc}")
install_error_handlers(app)
app.include_router(router, prefix="/api/v1")


@app.get("/health")
async def health() -> dict:
    return {"status": "pass"}
${extra}`;

const api = (resource: string) => `from fastapi import APIRouter

router = APIRouter()


@router.get("/customers/{customer_id}")
async def get_customer(customer_id: int) -> dict:
    return {"id": customer_id}


@router.get("/${resource}")
async def list_${resource}() -> list[dict]:
    return []


@router.post("/${resource}")
async def create_${resource.slice(0, -1)}(body: dict) -> dict:
    return body
`;

const service = (name: string) => ({
  [`services/${name}/Dockerfile`]: `FROM python:3.12-slim\nWORKDIR /srv\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nCMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n`,
  [`services/${name}/requirements.txt`]: "fastapi==0.115.6\nuvicorn==0.32.1\nsqlalchemy[asyncio]==2.0.36\nhttpx==0.28.1\npydantic-settings==2.6.1\n",
  [`services/${name}/app/__init__.py`]: "",
});

export function platformFiles(): Record<string, string> {
  const files: Record<string, string> = {
    "docker-compose.yml": `services:\n  orders:\n    build: ./services/orders\n    ports: ["8001:8000"]\n  billing:\n    build: ./services/billing\n    ports: ["8002:8000"]\n  users:\n    build: ./services/users\n    ports: ["8003:8000"]\n`,
    ...service("orders"),
    ...service("billing"),
    ...service("users"),
    "services/orders/app/main.py": main("orders", ""),
    "services/orders/app/api.py": api("orders"),
    "services/orders/app/models.py": ORDERS_MODELS,
    "services/orders/app/repositories/order_repository.py": ORDER_REPOSITORY,
    "services/billing/app/main.py": main("billing", ""),
    "services/billing/app/api.py": api("invoices"),
    "services/billing/app/models.py": BILLING_MODELS,
    "services/billing/app/repositories/invoice_repository.py": INVOICE_REPOSITORY,
    "services/users/app/main.py": `from fastapi import FastAPI\n\napp = FastAPI(title="users")\n\n\n@app.get("/health")\nasync def health() -> dict:\n    return {"status": "pass"}\n\n\n@app.get("/users/{user_id}")\nasync def get_user(user_id: int) -> dict:\n    return {"id": user_id}\n`,
  };
  for (const [rel, text] of Object.entries(FRAMEWORK)) {
    files[`services/orders/${rel}`] = text;
    // Copied with Windows line endings and trailing spaces on one machine: still the same file.
    files[`services/billing/${rel}`] = rel.endsWith("settings.py") ? DRIFTED_SETTINGS : rel.endsWith("http.py") ? text.replace(/\n/g, "  \r\n") : text;
  }
  // users took the database and HTTP helpers only, into a nested lib folder.
  files["services/users/lib/framework/db.py"] = FRAMEWORK["framework/db.py"]!;
  files["services/users/lib/framework/http.py"] = FRAMEWORK["framework/http.py"]!;
  return files;
}

export function writeTree(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const f = path.join(dir, rel);
    mkdirSync(path.dirname(f), { recursive: true });
    writeFileSync(f, text);
  }
}
