from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from tortoise import Tortoise

from hub.runtime import runtime

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> JSONResponse:
    """Database and Redis status; 503 when either is down."""
    status = {"database": "ok", "redis": "ok"}
    try:
        await Tortoise.get_connection("default").execute_query("SELECT 1")
    except Exception as exc:
        status["database"] = f"down: {exc.__class__.__name__}"
    try:
        await runtime().redis.ping()
    except Exception as exc:
        status["redis"] = f"down: {exc.__class__.__name__}"
    healthy = all(v == "ok" for v in status.values())
    return JSONResponse({"status": "ok" if healthy else "degraded", **status}, status_code=200 if healthy else 503)
