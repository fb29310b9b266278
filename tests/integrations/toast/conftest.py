from __future__ import annotations

import httpx
import pytest

from hub.domain.toast_connections import Rule, connect_toast
from tests.integrations.toast.toast_pos import ToastPos


async def toast_for(shop, rule: Rule | None = None, *, base_url: str = "http://testserver") -> ToastPos:
    connection, key = await connect_toast(
        shop.business_id, shop.template.id, rule or Rule(reward_value=350), location_id=shop.location.id
    )
    client = httpx.AsyncClient(base_url=base_url, timeout=10)
    return ToastPos(client, f"{base_url}/api/toast/loyalty/{connection.public_id}", key)


@pytest.fixture
async def asgi_toast(live, shop):
    """Toast talking to the app in this process (for the rule details); the scripted sessions in
    test_toast_session.py talk to a real server over HTTP."""
    from hub.api.app import create_api_app

    pos = await toast_for(shop)
    await pos.client.aclose()
    pos.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=create_api_app()), base_url="http://testserver")
    yield pos
    await pos.client.aclose()
