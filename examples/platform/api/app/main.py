import psycopg
import redis
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from app.api import router as api_router
from app.api.symbols import router as symbols_router


def create_app() -> FastAPI:
    application = FastAPI(title="trading-api", version="1.4.0")
    application.include_router(api_router)
    application.include_router(symbols_router)

    @application.exception_handler(psycopg.OperationalError)
    @application.exception_handler(redis.ConnectionError)
    async def backend_unavailable(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": f"backend unavailable: {type(exc).__name__}"}, status_code=503)

    @application.get("/")
    def index() -> dict:
        return {"service": "api", "docs": "/docs"}

    return application


app = create_app()
