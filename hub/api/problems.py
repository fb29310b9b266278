"""The one place where errors become HTTP responses: JSON with a stable `error` code."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from tortoise.exceptions import ValidationError

from hub.errors import DomainError

log = logging.getLogger(__name__)


def domain_problem(exc: DomainError) -> JSONResponse:
    headers = {}
    if "retry_after" in exc.detail:
        headers["Retry-After"] = str(exc.detail["retry_after"])
    return JSONResponse(exc.as_dict(), status_code=exc.status, headers=headers)


def column_problem(exc: ValidationError) -> JSONResponse:
    # A value that does not fit its column (a string longer than it, say) got past the edge:
    # the request was wrong, not the server. The edge should catch it first; this is the net.
    log.warning("a value reached the database that does not fit its column: %s", exc)
    return JSONResponse(
        {"error": "invalid_input", "message": "A value in the request is too long or out of range."},
        status_code=422,
    )


def body_problem(errors: Sequence[Any]) -> JSONResponse:
    """Pydantic's errors for a request body, field by field."""
    fields = [{"field": ".".join(str(p) for p in err["loc"] if p != "body"), "problem": err["msg"]} for err in errors]
    return JSONResponse(
        {"error": "invalid_input", "message": "The request body is not valid.", "fields": fields},
        status_code=422,
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> JSONResponse:
        return domain_problem(exc)

    @app.exception_handler(ValidationError)
    async def column_refused(request: Request, exc: ValidationError) -> JSONResponse:
        return column_problem(exc)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return body_problem(exc.errors())


def server_problem() -> JSONResponse:
    return JSONResponse({"error": "server_error", "message": "Something went wrong. Please try again."}, 500)
