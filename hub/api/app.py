"""The REST API as its own FastAPI app; hub.app mounts NiceGUI and Socket.IO around it."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.types import ASGIApp

from hub.api import include_routes, problems
from hub.api.edge import RequestEdge
from hub.api.scan_lane import ScanLane


def create_api_app() -> FastAPI:
    app = FastAPI(
        # No OpenTelemetry is configured: without this every request still asks each provider.
        telemetry={"tracing": False, "metrics": False, "logs": False},
        title="Stamphub API",
        version="1",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        description=(
            "Issue cards, stamp them and redeem vouchers. "
            "Authenticate with `Authorization: Bearer <api key>`. "
            "Errors are JSON `{error, message}` with a stable `error` code."
        ),
    )
    problems.install(app)
    include_routes(app)
    app.add_middleware(RequestEdge)
    return app


def served(app: FastAPI) -> ASGIApp:
    """The API as the server runs it: a scan, the request every till repeats, is answered ahead
    of the middleware that every other request passes (hub.api.scan_lane)."""
    return ScanLane(app)
