"""The gateway's callbacks: a customer opts in from their card's link, and STOP opts them out."""

from __future__ import annotations

import httpx
import pytest

from hub.api.app import create_api_app
from hub.domain import campaigns
from hub.errors import InvalidInput
from hub.models import ContactPreference
from tests.campaigns.conftest import make_audience


async def test_a_customer_opts_in_on_whatsapp_and_out_again_with_stop(gateway):
    audience = await make_audience(0, gateway=gateway)
    card = audience.shop.card
    auth = {"Authorization": f"Bearer {gateway.token}"}
    phone = f"+8210{audience.shop.business_id:08d}"
    contact = {"channel": "whatsapp", "address": phone, "card_token": card.token}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(create_api_app()), base_url="http://t") as api:
        assert (await api.post("/api/v1/messenger/opt-in", json=contact)).status_code == 401
        forged = await api.post("/api/v1/messenger/opt-in", json=contact, headers={"Authorization": "Bearer nope"})
        assert forged.status_code == 401
        response = await api.post("/api/v1/messenger/opt-in", json=contact, headers=auth)
        assert response.status_code == 200, response.text
        pref = await ContactPreference.get(customer_id=card.customer_id)
        assert (pref.messenger_hint, pref.messenger_address) == ("whatsapp", phone)

        message = await campaigns.send_message_to_card(audience.shop.business_id, card.id, ["messenger"], "", "Hi")
        await campaigns.fan_out(message.id)
        transports = campaigns.Transports()
        await campaigns.send_range(message.id, transports=transports)
        await transports.close()
        assert len(gateway.to(phone)) == 1

        stop = {"channel": "whatsapp", "address": phone}
        response = await api.post("/api/v1/messenger/opt-out", json=stop, headers=auth)
        assert response.json() == {"unsubscribed": 1}
    # STOP is honoured before sending: the owner is told nobody can receive it by messenger.
    with pytest.raises(InvalidInput, match="Nobody can receive this message by messenger"):
        await campaigns.send_message_to_card(audience.shop.business_id, card.id, ["messenger"], "", "Hi again")
    assert len(gateway.to(phone)) == 1
