"""`POST /api/v1/scans` answered ahead of the app's middleware stack.

Every till's every scan is this request, and the general stack in front of the routes
(sessions, request tracking, exception telemetry, routing, dependency solving) costs about as
much CPU as the scan's own Python. The lane does what that stack does for this one route, with
the same pieces: the edge's URL and body bounds, the API key and its rate limit, the body's
model, the same answer and the same error JSON. The FastAPI route stays registered (it documents
the endpoint and serves an app mounted without the lane); both call `scan_answer`.
"""

from __future__ import annotations

import logging

import pydantic
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send
from tortoise.exceptions import ValidationError as ColumnError

from hub.api import edge, problems
from hub.api.auth import key_from
from hub.api.scans import ScanIn, scan_answer
from hub.errors import DomainError

log = logging.getLogger(__name__)

SCANS = "/api/v1/scans"


class ScanLane:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != SCANS or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        try:
            edge.check_head(scope, edge.API_BODY)
            body = await edge.read_within(receive, edge.API_BODY)
        except edge.Refused as refused:
            await refused.answer(send)
            return
        response = await _scan(Headers(scope=scope), body, scope.get("client"))
        await response(scope, receive, send)


async def _scan(headers: Headers, body: bytes, client: tuple[str, int] | None) -> Response:
    try:
        key = await key_from(headers.get("authorization", ""), client[0] if client else None)
        if not _is_json(headers.get("content-type")):
            return problems.body_problem([{"loc": ("body",), "msg": "Send the body as application/json."}])
        try:
            scan = ScanIn.model_validate_json(body)
        except pydantic.ValidationError as exc:
            return problems.body_problem(exc.errors())
        return await scan_answer(key, scan)
    except DomainError as exc:
        return problems.domain_problem(exc)
    except ColumnError as exc:
        return problems.column_problem(exc)
    except Exception:  # the app's error middleware is not in front of this lane
        log.exception("scan request failed")
        return problems.server_problem()


def _is_json(content_type: str | None) -> bool:
    # As FastAPI reads a body: JSON when the header is missing or names JSON.
    if content_type is None:
        return True
    main = content_type.partition(";")[0].strip().lower()
    return main == "application/json" or (main.startswith("application/") and main.endswith("+json"))
