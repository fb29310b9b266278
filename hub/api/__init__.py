"""REST API: thin adapters over hub.domain."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.routing import Match

from hub.api import billing, cards, health, integrations, passkit, prize_pools, scans, toast, unsubscribe
from hub.errors import NotFound

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def include_routes(app: FastAPI) -> None:
    # Straight onto the app: every level of included router is walked again on each request.
    for versioned in (cards, scans, integrations, prize_pools, unsubscribe):
        app.include_router(versioned.router, prefix="/api/v1")
    for unversioned in (health, billing, passkit, toast):
        app.include_router(unversioned.router)

    # Without this, a mistyped API path falls through to the web pages and answers an HTML page.
    @app.api_route("/api/{rest:path}", methods=METHODS, include_in_schema=False)
    async def no_such_endpoint(request: Request) -> JSONResponse:
        if any(route.matches(request.scope)[0] == Match.PARTIAL for route in app.router.routes):
            return JSONResponse(
                {"error": "method_not_allowed", "message": f"{request.method} is not allowed here."},
                status_code=405,
            )
        raise NotFound(f"There is no API endpoint {request.method} {request.url.path}; see /api/docs.")
