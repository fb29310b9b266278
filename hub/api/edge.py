"""The web app's edge: request bodies are bounded before anyone reads them, and URLs carrying
control characters are refused before any route sees them.

FastAPI reads and parses a JSON body before the route's dependencies run, so without a bound
an anonymous 100 MB body is held in memory before the API key is even looked at. This ASGI
middleware wraps the whole web app (API, PassKit, NiceGUI pages and uploads) and answers 413
`payload_too_large` as soon as a body would pass its path's limit: at once when the declared
`Content-Length` is too large, after at most the limit's bytes when the body is chunked.

- API and every other route: 64 KB; the Toast loyalty endpoint 1 MB (a check lists every item).
- NiceGUI uploads: the `max_file_size` the upload field declares (the same limit the browser
  shows), plus room for the multipart envelope. The browser's check is a courtesy; this one
  holds.
- NiceGUI's own Socket.IO long-polling: Engine.IO's 1 MB message limit applies.

No URL of ours holds a control character, and PostgreSQL cannot store NUL: a path or query
with one (`%00`, `%0a`) answers 400 `invalid_input`, whatever route it names.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote_to_bytes

API_BODY = 64 * 1024
# A Toast check lists every selection with its taxes and discounts: a large party's runs long.
TOAST_BODY = 1024 * 1024
UPLOAD_DEFAULT = 5 * 1024 * 1024
MULTIPART_ROOM = 16 * 1024
SOCKET_BODY = 1_000_000
_UPLOAD = re.compile(r"^/_nicegui/client/(?P<client>[^/]+)/upload/(?P<element>\d+)$")
_CONTROL = re.compile(rb"[\x00-\x1f\x7f]")


def upload_limit(client_id: str, element_id: int) -> int | None:
    """The upload field's own limit; None when no such field is on an open page."""
    from nicegui import Client

    client = Client.instances.get(client_id)
    element = client.elements.get(element_id) if client else None
    if element is None:
        return None
    declared = element.props.get("max-file-size")
    return int(declared) if isinstance(declared, int) else UPLOAD_DEFAULT


def limit_for(path: str) -> int:
    if match := _UPLOAD.match(path):
        declared = upload_limit(match["client"], int(match["element"]))
        return 0 if declared is None else declared + MULTIPART_ROOM
    if path.startswith("/_nicegui_ws/"):
        return SOCKET_BODY
    if path.startswith("/api/toast/"):
        return TOAST_BODY
    return API_BODY


def _describe(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"


def _control_in_url(scope: dict) -> bool:
    path = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
    return bool(_CONTROL.search(unquote_to_bytes(path)) or _CONTROL.search(unquote_to_bytes(scope["query_string"])))


class Refused(Exception):
    """A request the edge answers itself, before any route sees it."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    async def answer(self, send: Any) -> None:
        await _answer(send, self.status, self.code, self.message)


def check_head(scope: dict, limit: int) -> bool:
    """Raises Refused for a URL with control characters or a declared body over `limit`;
    True when the body's length is declared (the server then holds it to that length)."""
    if _control_in_url(scope):
        raise Refused(400, "invalid_input", "The URL contains control characters.")
    declared = dict(scope.get("headers") or []).get(b"content-length")
    if declared is None:
        return False
    if not declared.isdigit():
        raise Refused(400, "invalid_input", "The Content-Length header is not a number.")
    if int(declared) > limit:
        raise _too_large(limit)
    return True


async def read_within(receive: Any, limit: int) -> bytes:
    """The whole body, or Refused after at most `limit` bytes when it is longer."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        size += len(message.get("body", b""))
        if size > limit:
            raise _too_large(limit)
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _too_large(limit: int) -> Refused:
    return Refused(413, "payload_too_large", f"The request body is larger than {_describe(limit)}.")


class RequestEdge:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            limit = limit_for(scope["path"])
            if check_head(scope, limit):
                await self.app(scope, receive, send)
                return
            # Chunked: read at most `limit` bytes, then hand the app what was read.
            body = await read_within(receive, limit)
        except Refused as refused:
            await refused.answer(send)
            return
        replayed = False

        async def replay() -> dict:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _answer(send: Any, status: int, code: str, message: str) -> None:
    body = json.dumps({"error": code, "message": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    # The client is still sending: ask it to stop rather than read the rest.
    headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
