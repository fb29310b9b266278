"""Shared steps for REST API tests (no tests here)."""

from __future__ import annotations

import uuid

import httpx


def auth(shop, idempotency_key: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {shop.api_key}"}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    return headers


async def post_scan(api, shop, code: str, key: str | None = None) -> httpx.Response:
    return await api.post(
        "/api/v1/scans", json={"code": code, "idempotency_key": key or str(uuid.uuid4())}, headers=auth(shop)
    )
