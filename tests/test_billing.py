import json
import time
from datetime import timedelta

import httpx
import pytest
from aiohttp import web

from hub.api.app import create_api_app
from hub.clock import utcnow
from hub.delivery.payments import PaymentProvider, sign
from hub.domain.billing import downgrade_to_free, end_expired_grace, start_checkout
from hub.domain.stamps import add_stamp
from hub.errors import InvalidInput
from hub.models import Business, Invoice
from tests.factories import make_shop, use_up

SECRET = "whsec_test"


@pytest.fixture
async def provider_server():
    """A local payment provider: checks the secret key and the checkout form, as the real one does."""
    received: list[dict] = []

    async def create_session(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != "Bearer sk_test":
            return web.json_response({"error": {"message": "Invalid API Key"}}, status=401)
        form = dict(await request.post())
        received.append(form)
        return web.json_response({"id": f"cs_{len(received)}", "url": f"https://pay.example/cs_{len(received)}"})

    app = web.Application()
    app.router.add_post("/v1/checkout/sessions", create_session)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}", received
    await runner.cleanup()


@pytest.fixture
async def api(live, provider_server, configure):
    configure(PAYMENT_URL=provider_server[0], PAYMENT_API_KEY="sk_test", PAYMENT_WEBHOOK_SECRET=SECRET)
    transport = httpx.ASGITransport(app=create_api_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


def signed(event: dict, secret: str = SECRET, at: int | None = None) -> tuple[bytes, dict]:
    body = json.dumps(event).encode()
    ts = at or int(time.time())
    signature = f"t={ts},v1={sign(secret, ts, body)}"
    return body, {"stamphub-payment-signature": signature, "content-type": "application/json"}


async def test_checkout_then_signed_webhook_upgrades_and_lifts_the_limit_at_once(api, provider_server):
    url, received = provider_server
    shop = await make_shop(plan="free")
    await use_up(shop, 100)
    assert (await add_stamp(shop.business_id, shop.card.id)).reason == "plan_limit"

    checkout = await start_checkout(shop.business_id, "monthly", PaymentProvider(url, "sk_test", SECRET), "http://x")
    assert checkout.startswith("https://pay.example/")
    assert received[0]["client_reference_id"] == str(shop.business_id)
    assert received[0]["line_items[0][quantity]"] == "1"

    event = {
        "id": "evt_1",
        "type": "checkout.session.completed",
        "data": {
            "object": {
                "id": "cs_1",
                "client_reference_id": str(shop.business_id),
                "customer": f"cus_{shop.business_id}",
                "amount_total": 2900,
                "metadata": {"plan": "monthly"},
            }
        },
    }
    body, headers = signed(event)
    response = await api.post("/billing/webhook", content=body, headers=headers)
    assert response.status_code == 200 and response.json() == {"result": "upgraded"}
    assert (await Business.get(id=shop.business_id)).plan == "monthly"
    assert (await add_stamp(shop.business_id, shop.card.id)).outcome == "stamped"
    invoice = await Invoice.get(provider_ref="cs_1")
    assert (invoice.status, invoice.amount_cents) == ("paid", 2900)

    replay = await api.post("/billing/webhook", content=body, headers=headers)
    assert replay.json() == {"result": "duplicate"}


async def test_a_webhook_with_a_wrong_signature_or_stale_timestamp_is_refused(api):
    shop = await make_shop(plan="free")
    event = {
        "id": "evt_x",
        "type": "checkout.session.completed",
        "data": {"object": {"id": "cs_x", "client_reference_id": str(shop.business_id)}},
    }
    body, headers = signed(event, secret="not the secret")
    response = await api.post("/billing/webhook", content=body, headers=headers)
    assert response.status_code == 400 and response.json()["error"] == "invalid_signature"
    body, headers = signed(event, at=int(time.time()) - 3600)
    assert (await api.post("/billing/webhook", content=body, headers=headers)).status_code == 400
    assert (await Business.get(id=shop.business_id)).plan == "free"


async def test_a_failed_payment_opens_a_grace_period_not_an_outage(api, clock_at):
    shop = await make_shop(plan="monthly")
    await Business.filter(id=shop.business_id).update(payment_customer=f"cus_g{shop.business_id}")
    event = {
        "id": f"evt_f{shop.business_id}",
        "type": "invoice.payment_failed",
        "data": {
            "object": {"id": f"in_f{shop.business_id}", "customer": f"cus_g{shop.business_id}", "amount_due": 2900}
        },
    }
    body, headers = signed(event)
    assert (await api.post("/billing/webhook", content=body, headers=headers)).json() == {"result": "grace"}
    business = await Business.get(id=shop.business_id)
    assert business.plan == "monthly" and business.grace_until > utcnow()
    assert (await add_stamp(shop.business_id, shop.card.id)).outcome == "stamped"
    clock_at(business.grace_until + timedelta(days=1))
    assert await end_expired_grace() >= 1
    assert (await Business.get(id=shop.business_id)).plan == "free"


async def test_downgrading_to_free_needs_a_single_seat():
    from hub.domain.businesses import add_seat

    shop = await make_shop(plan="monthly")
    await add_seat(shop.business_id, shop.location.id, "Kiosk", f"k2-{shop.business_id}", "1357")
    with pytest.raises(InvalidInput, match="Revoke seats"):
        await downgrade_to_free(shop.business_id)
