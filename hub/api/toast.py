"""The Toast loyalty endpoint: Toast POSTs every loyalty transaction of a business here.

Speaks Toast's contract, not ours: answers are Toast `LoyaltyTransactionResponse` bodies with
the status codes of the Toast Loyalty Integration API 1.1.0 (hub.domain.toast), a wrong or
missing key included (400 `ERROR_INVALID_TOKEN`). Left out of our OpenAPI document, since
Toast publishes its own.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hub import ratelimit
from hub.domain import toast
from hub.domain.toast_connections import authenticate
from hub.errors import Unauthorized
from hub.runtime import runtime

router = APIRouter()


def _send(answer: toast.Answer) -> Response:
    return Response(answer.body, status_code=answer.status, media_type="application/json")


@router.post("/api/toast/loyalty/{public_id}", include_in_schema=False)
async def toast_loyalty(public_id: str, request: Request) -> Response:
    rt = runtime()
    # Per endpoint, not per address: Toast calls every restaurant's endpoint from the same few
    # addresses, and one flooded endpoint must not slow another business's.
    await ratelimit.hit(rt.redis, rt.settings.redis_prefix, f"toast:{public_id[:40]}", limit=6000, window=60)
    try:
        connection = await authenticate(public_id, request.headers.get("authorization", ""))
    except Unauthorized:
        return _send(toast.INVALID_TOKEN)
    answer = await toast.handle(
        connection,
        transaction_type=request.headers.get("toast-transaction-type", ""),
        guid=request.headers.get("toast-transaction-guid", ""),
        restaurant=request.headers.get("toast-restaurant-external-id", ""),
        raw=await request.body(),
        redis=rt.redis,
        prefix=rt.settings.redis_prefix,
        secret=rt.settings.secret_key,
    )
    return _send(answer)
