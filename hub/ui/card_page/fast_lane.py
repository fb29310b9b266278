"""The requests every open card page repeats (its state after each event, the next rotating
code, the hashed script and style) answered ahead of the app's middleware.

A crowd of open pages makes these requests by the thousand, and the general stack around the
app (sessions, request tracking, exception telemetry, body limits, compressing any response)
costs more CPU than the answers themselves. None of it is needed here: they are GETs without a
body, they read no session (the page sends its language) and they compress what they send.
Every other request goes to the app unchanged, where the same handlers are registered too.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
from typing import Any

from starlette.datastructures import Headers, QueryParams
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from hub.domain.card_view import card_for_page
from hub.i18n import Lang, choose
from hub.ui.card_page.assets import asset_response
from hub.ui.card_page.card_routes import code_of, state_of
from hub.ui.card_page.html import SECURITY_HEADERS

log = logging.getLogger(__name__)

CARD_REQUEST = re.compile(r"^/c/([A-Za-z0-9_-]{1,32})/(state|code)$")
COMPRESS_FROM = 500  # bytes: below this gzip's header outweighs what it saves


class FastLane:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            path: str = scope["path"]
            if path.startswith("/pub/"):
                accept = Headers(scope=scope).get("accept-encoding", "")
                await asset_response(path[len("/pub/") :], accept)(scope, receive, send)
                return
            if match := CARD_REQUEST.match(path):
                await self._card_request(match[1], match[2], scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _card_request(self, token: str, what: str, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope)
        try:
            if what == "code":
                payload, status = await code_of(token)
            else:
                payload, status = await _state(token, QueryParams(scope["query_string"]), headers)
        except Exception:  # the app's error middleware is not in front of this lane
            log.exception("card page request failed: %s", scope["path"])
            payload, status = {"error": "server_error", "message": "Something went wrong. Please try again."}, 500
        await _json(payload, status, headers.get("accept-encoding", ""))(scope, receive, send)


async def _state(token: str, params: QueryParams, headers: Headers) -> tuple[dict[str, Any], int]:
    shown = params.get("shown")
    if shown is not None and not shown.isdigit():
        return {"error": "invalid_input", "message": "shown must be a whole number."}, 422
    card = await card_for_page(token)
    language = Lang(
        choose(
            requested=params.get("lang"),
            stored=None,
            accept_language=headers.get("accept-language"),
            default=card.business.language if card else None,
        )
    )
    return await state_of(card, language, shown=int(shown) if shown is not None else None, unless=params.get("v"))


def _json(payload: dict[str, Any], status: int, accept_encoding: str) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = dict(SECURITY_HEADERS)
    if len(body) >= COMPRESS_FROM and "gzip" in accept_encoding:
        body = gzip.compress(body, 4, mtime=0)  # most of level 9's saving at a third of its CPU
        headers["Content-Encoding"] = "gzip"
        headers["Vary"] = "Accept-Encoding"
    return Response(body, status_code=status, media_type="application/json", headers=headers)
