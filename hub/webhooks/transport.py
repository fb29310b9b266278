"""The HTTP side of a delivery: one POST, its status and how long it took. Never raises."""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from hub.webhooks import targets

TIMEOUT_SECONDS = 10.0
USER_AGENT = "Stamphub-Webhooks/1"


@dataclass(frozen=True)
class Response:
    status_code: int | None
    elapsed_ms: int
    error: str

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


async def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float = TIMEOUT_SECONDS) -> Response:
    started = time.perf_counter()
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if refusal := await targets.refused(parts.hostname or "", port):
        return Response(None, int((time.perf_counter() - started) * 1000), refusal)
    try:
        # Redirects are not followed: a signed body must reach the URL the owner registered.
        async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client:
            response = await client.post(
                url,
                content=body,
                headers={**headers, "Content-Type": "application/json", "User-Agent": USER_AGENT},
            )
    except httpx.HTTPError as exc:
        elapsed = int((time.perf_counter() - started) * 1000)
        return Response(None, elapsed, f"{type(exc).__name__}: {exc}"[:500])
    elapsed = int((time.perf_counter() - started) * 1000)
    error = "" if 200 <= response.status_code < 300 else response.text[:200]
    return Response(response.status_code, elapsed, error)
