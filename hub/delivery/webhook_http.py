"""The HTTP side of a delivery: one POST, its status and how long it took. Never raises."""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

from hub import egress

TIMEOUT_SECONDS = 10.0
USER_AGENT = "Stamphub-Webhooks/1"


@dataclass(frozen=True)
class Response:
    status_code: int | None
    elapsed_ms: int
    error: str
    permanent: bool = False  # retrying cannot help (the address is not one we call)

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


async def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float = TIMEOUT_SECONDS) -> Response:
    started = time.perf_counter()
    try:
        # Redirects are not followed: a signed body must reach the URL the owner registered.
        async with egress.client(timeout=timeout) as client:
            response = await client.post(
                url,
                content=body,
                headers={**headers, "Content-Type": "application/json", "User-Agent": USER_AGENT},
            )
    except httpx.HTTPError as exc:
        elapsed = int((time.perf_counter() - started) * 1000)
        return Response(None, elapsed, egress.failure(exc), permanent=egress.permanent(exc))
    elapsed = int((time.perf_counter() - started) * 1000)
    error = "" if 200 <= response.status_code < 300 else response.text[:200]
    return Response(response.status_code, elapsed, error)
