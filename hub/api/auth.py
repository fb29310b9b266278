from __future__ import annotations

from fastapi import Request

from hub import ratelimit
from hub.domain.api_keys import authenticate_api_key
from hub.errors import Forbidden, Unauthorized
from hub.models import ApiKey
from hub.runtime import runtime


async def api_key(request: Request) -> ApiKey:
    return await key_from(request.headers.get("authorization", ""), request.client.host if request.client else None)


async def key_from(authorization: str, client: str | None) -> ApiKey:
    """The API key of a request's `Authorization` header; each client address is rate limited."""
    scheme, _, plain = authorization.partition(" ")
    if scheme.lower() != "bearer" or not plain:
        raise Unauthorized("Send your API key as `Authorization: Bearer <key>`.")
    rt = runtime()
    await ratelimit.hit(rt.redis, rt.settings.redis_prefix, f"api:{client or 'unknown'}", limit=3000, window=60)
    return await authenticate_api_key(plain.strip())


def require(key: ApiKey, scope: str) -> None:
    if scope not in key.scopes and "admin" not in key.scopes:
        raise Forbidden(f"This API key lacks the `{scope}` scope.")
