"""Shared steps for REST API tests (no tests here)."""

from __future__ import annotations

import uuid

import httpx


def auth(shop) -> dict:
    return {"Authorization": f"Bearer {shop.api_key}"}


async def post_scan(api, shop, code: str, key: str | None = None) -> httpx.Response:
    return await api.post(
        "/api/v1/scans", json={"code": code, "idempotency_key": key or str(uuid.uuid4())}, headers=auth(shop)
    )
